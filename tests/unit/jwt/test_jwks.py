"""JWKS: caching, refresh on unknown kid (rate-limited, single-flight), failed refresh keeps keys."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import jwt as pyjwt
import pytest

from tests.unit.jwt._jwtkeys import KeyPair
from verifiedfan.errors import ConfigurationError, InvalidTokenError, ResponseFormatError
from verifiedfan.jwt import HttpxJwksFetcher, JwksCache, Signer, Verifier

URL = "https://issuer.example/.well-known/jwks.json"


def jwk(keys: KeyPair, kid: str, **extra: Any) -> dict[str, Any]:
    data = pyjwt.algorithms.RSAAlgorithm.to_jwk(keys.public, as_dict=True)
    return {**data, "kid": kid, "use": "sig", **extra}


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class JwksServer:
    """A MockTransport answering with ``self.body`` (or ``self.status``), counting requests."""

    def __init__(self, *keys: dict[str, Any]) -> None:
        self.body: Any = {"keys": list(keys)}
        self.status = 200
        self.calls = 0

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if self.status != 200:
            return httpx.Response(self.status, text="down")
        return httpx.Response(200, json=self.body)

    def verifier(self, clock: FakeClock, **kwargs: Any) -> Verifier:
        transport = httpx.MockTransport(self.handler)
        fetcher = HttpxJwksFetcher(transport=transport, async_transport=transport)
        cache = JwksCache(
            url=URL, fetcher=fetcher, algorithms=("RS256",), max_age=300, min_refresh_interval=30, clock=clock
        )
        return Verifier(jwks_cache=cache, **kwargs)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def token(keys: KeyPair, kid: str | None, **claims: Any) -> str:
    return Signer(private_key=keys.private, key_id=kid).make_token(claims)


def test_cache_hit_fetches_once(rsa_keys: KeyPair, clock: FakeClock) -> None:
    server = JwksServer(jwk(rsa_keys, "k1"))
    verifier = server.verifier(clock)
    for i in range(3):
        assert verifier.read_token(token(rsa_keys, "k1", n=i))["n"] == i
    assert server.calls == 1


def test_unknown_kid_triggers_refresh(rsa_keys: KeyPair, other_rsa_keys: KeyPair, clock: FakeClock) -> None:
    server = JwksServer(jwk(rsa_keys, "k1"))
    verifier = server.verifier(clock)
    verifier.read_token(token(rsa_keys, "k1"))
    server.body = {"keys": [jwk(rsa_keys, "k1"), jwk(other_rsa_keys, "k2")]}
    clock.now += 31
    assert verifier.read_token(token(other_rsa_keys, "k2", v=2))["v"] == 2
    assert server.calls == 2


def test_unknown_kid_refetch_is_rate_limited(rsa_keys: KeyPair, clock: FakeClock) -> None:
    server = JwksServer(jwk(rsa_keys, "k1"))
    verifier = server.verifier(clock)
    verifier.read_token(token(rsa_keys, "k1"))
    for kid in ("made-up-1", "made-up-2", "made-up-3"):
        with pytest.raises(InvalidTokenError, match="unknown key id"):
            verifier.read_token(token(rsa_keys, kid))
    assert server.calls == 1
    clock.now += 31
    with pytest.raises(InvalidTokenError, match="unknown key id"):
        verifier.read_token(token(rsa_keys, "made-up-4"))
    assert server.calls == 2


def test_failed_refresh_keeps_the_old_keys(
    rsa_keys: KeyPair, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    server = JwksServer(jwk(rsa_keys, "k1"))
    verifier = server.verifier(clock)
    verifier.read_token(token(rsa_keys, "k1"))
    server.status = 503
    clock.now += 301  # the cache is stale: a refresh is attempted and fails
    with caplog.at_level(logging.WARNING):
        assert verifier.read_token(token(rsa_keys, "k1", ok=True))["ok"] is True
    assert server.calls == 2
    assert "keeping 1 cached key" in caplog.text


def test_failed_refresh_with_no_keys_is_invalid_token(rsa_keys: KeyPair, clock: FakeClock) -> None:
    server = JwksServer(jwk(rsa_keys, "k1"))
    server.status = 500
    with pytest.raises(InvalidTokenError, match="signing keys unavailable"):
        server.verifier(clock).read_token(token(rsa_keys, "k1"))


def test_key_removed_from_jwks_is_no_longer_accepted(
    rsa_keys: KeyPair, other_rsa_keys: KeyPair, clock: FakeClock
) -> None:
    server = JwksServer(jwk(rsa_keys, "k1"), jwk(other_rsa_keys, "k2"))
    verifier = server.verifier(clock)
    verifier.read_token(token(rsa_keys, "k1"))
    server.body = {"keys": [jwk(other_rsa_keys, "k2")]}
    clock.now += 301
    with pytest.raises(InvalidTokenError, match="unknown key id"):
        verifier.read_token(token(rsa_keys, "k1"))


def test_token_without_kid_uses_the_only_key(rsa_keys: KeyPair, clock: FakeClock) -> None:
    server = JwksServer(jwk(rsa_keys, "k1"))
    assert server.verifier(clock).read_token(token(rsa_keys, None, a=1))["a"] == 1


def test_unusable_keys_are_skipped(rsa_keys: KeyPair, clock: FakeClock) -> None:
    server = JwksServer(
        {"kty": "oct", "k": "c2VjcmV0", "kid": "hmac"},
        {"kty": "RSA", "kid": "broken"},
        jwk(rsa_keys, "enc", use="enc"),
        jwk(rsa_keys, "k1"),
    )
    verifier = server.verifier(clock)
    assert verifier.read_token(token(rsa_keys, "k1", a=1))["a"] == 1
    with pytest.raises(InvalidTokenError, match="unknown key id"):
        verifier.read_token(token(rsa_keys, "enc"))


def test_jwks_without_usable_keys_is_a_format_error(rsa_keys: KeyPair, clock: FakeClock) -> None:
    server = JwksServer()
    server.body = {"nope": []}
    with pytest.raises(InvalidTokenError, match="signing keys unavailable") as info:
        server.verifier(clock).read_token(token(rsa_keys, "k1"))
    assert isinstance(info.value.__cause__, ResponseFormatError)


def test_hmac_with_jwks_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="only serves public keys"):
        Verifier(jwks_url=URL, algorithms=["HS256"])


async def test_async_cache_hit_and_refresh(
    rsa_keys: KeyPair, other_rsa_keys: KeyPair, clock: FakeClock
) -> None:
    server = JwksServer(jwk(rsa_keys, "k1"))
    verifier = server.verifier(clock)
    assert (await verifier.aread_token(token(rsa_keys, "k1", n=1)))["n"] == 1
    assert (await verifier.aread_token(token(rsa_keys, "k1", n=2)))["n"] == 2
    assert server.calls == 1
    server.body = {"keys": [jwk(rsa_keys, "k1"), jwk(other_rsa_keys, "k2")]}
    with pytest.raises(InvalidTokenError, match="unknown key id"):  # rate-limited
        await verifier.aread_token(token(other_rsa_keys, "k2"))
    clock.now += 31
    assert (await verifier.aread_token(token(other_rsa_keys, "k2", n=3)))["n"] == 3
    assert server.calls == 2


async def test_async_failed_refresh_keeps_keys(rsa_keys: KeyPair, clock: FakeClock) -> None:
    server = JwksServer(jwk(rsa_keys, "k1"))
    verifier = server.verifier(clock)
    await verifier.aread_token(token(rsa_keys, "k1"))
    server.status = 502
    clock.now += 301
    assert (await verifier.aread_token(token(rsa_keys, "k1", ok=1)))["ok"] == 1
    assert server.calls == 2


async def test_async_concurrent_misses_fetch_once(rsa_keys: KeyPair, clock: FakeClock) -> None:
    calls = 0

    async def slow_handler(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0)
        return httpx.Response(200, json={"keys": [jwk(rsa_keys, "k1")]})

    fetcher = HttpxJwksFetcher(async_transport=httpx.MockTransport(slow_handler))
    cache = JwksCache(url=URL, fetcher=fetcher, algorithms=("RS256",), min_refresh_interval=0, clock=clock)
    verifier = Verifier(jwks_cache=cache)
    results = await asyncio.gather(*(verifier.aread_token(token(rsa_keys, "k1", i=i)) for i in range(5)))
    assert [r["i"] for r in results] == list(range(5))
    assert calls == 1


@pytest.fixture
def local_jwks_server(rsa_keys: KeyPair) -> Iterator[tuple[str, list[int]]]:
    body = json.dumps({"keys": [jwk(rsa_keys, "k1")]}).encode()
    hits: list[int] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(1)
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/jwks.json", hits
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_local_server_sync(rsa_keys: KeyPair, local_jwks_server: tuple[str, list[int]]) -> None:
    url, hits = local_jwks_server
    verifier = Verifier(jwks_url=url)
    assert verifier.read_token(token(rsa_keys, "k1", a=1))["a"] == 1
    assert verifier.read_token(token(rsa_keys, "k1", a=2))["a"] == 2
    assert len(hits) == 1
    assert "jwks_url" in repr(verifier)


async def test_local_server_async(rsa_keys: KeyPair, local_jwks_server: tuple[str, list[int]]) -> None:
    url, hits = local_jwks_server
    verifier = Verifier(jwks_url=url)
    assert (await verifier.aread_token(token(rsa_keys, "k1", a=1)))["a"] == 1
    assert len(hits) == 1


def test_network_failure_is_translated(rsa_keys: KeyPair) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    verifier = Verifier(jwks_url=URL, http=HttpxJwksFetcher(transport=httpx.MockTransport(refuse)))
    with pytest.raises(InvalidTokenError, match="signing keys unavailable") as info:
        verifier.read_token(token(rsa_keys, "k1"))
    assert type(info.value.__cause__).__name__ == "NetworkError"
