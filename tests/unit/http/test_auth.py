"""Bearer tokens and the OAuth2 client-credentials providers."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator

import pytest

from verifiedfan.errors import ForbiddenError, UnauthorizedError, ValidationError
from verifiedfan.http import (
    ClientCredentials,
    ClientCredentialsTokenProvider,
    HttpClient,
    RetryPolicy,
    SyncClientCredentialsTokenProvider,
    SyncHttpClient,
)
from verifiedfan.testing.faults import FaultServer, Reply

CLIENT_ID = "vf-client"
SECRET = "canary-client-secret-8c1f"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def credentials(server: FaultServer, *, send_as: str = "basic") -> ClientCredentials:
    return ClientCredentials(
        client_id=CLIENT_ID,
        client_secret=SECRET,
        token_url=f"{server.url}/oauth/token",
        scope="read",
        send_as=send_as,
    )


@pytest.fixture
async def token_http(policy: RetryPolicy) -> AsyncIterator[HttpClient]:
    async with HttpClient(service_name="oauth2", retry=policy) as http:
        yield http


async def test_token_is_sent_as_bearer(client: HttpClient, server: FaultServer) -> None:
    server.route("/me", Reply(json={}))
    await client.get("/me", token="user-token")
    assert server.requests_to("/me")[0].headers["authorization"] == "Bearer user-token"


async def test_provider_fetches_once_and_caches(server: FaultServer, token_http: HttpClient) -> None:
    tokens = server.token_endpoint(client_id=CLIENT_ID, client_secret=SECRET)
    provider = ClientCredentialsTokenProvider(credentials=credentials(server), http=token_http)
    assert [await provider.get_token() for _ in range(3)] == ["token-1"] * 3
    assert tokens.calls == 1


async def test_provider_sends_grant_and_scope(server: FaultServer, token_http: HttpClient) -> None:
    server.token_endpoint()
    provider = ClientCredentialsTokenProvider(credentials=credentials(server), http=token_http)
    await provider.get_token()
    form = server.requests_to("/oauth/token")[0].form()
    assert form == {"grant_type": "client_credentials", "scope": "read"}


async def test_provider_can_send_credentials_in_the_body(server: FaultServer, token_http: HttpClient) -> None:
    tokens = server.token_endpoint(client_id=CLIENT_ID, client_secret=SECRET)
    provider = ClientCredentialsTokenProvider(
        credentials=credentials(server, send_as="body"), http=token_http
    )
    assert await provider.get_token() == "token-1"
    assert "authorization" not in server.requests_to("/oauth/token")[0].headers
    assert tokens.calls == 1


async def test_wrong_secret_is_an_unauthorized_error(server: FaultServer, token_http: HttpClient) -> None:
    server.token_endpoint(client_id=CLIENT_ID, client_secret="other")
    provider = ClientCredentialsTokenProvider(credentials=credentials(server), http=token_http)
    with pytest.raises(UnauthorizedError, match=r"^oauth2: POST .*/oauth/token returned 401$"):
        await provider.get_token()


async def test_provider_refreshes_at_ninety_percent_of_lifetime(
    server: FaultServer, token_http: HttpClient
) -> None:
    tokens = server.token_endpoint(expires_in=100)
    clock = Clock()
    provider = ClientCredentialsTokenProvider(credentials=credentials(server), http=token_http, clock=clock)
    await provider.get_token()
    clock.now += 89.9
    assert await provider.get_token() == "token-1"
    clock.now += 0.1
    assert await provider.get_token() == "token-2"
    assert tokens.calls == 2


async def test_401_refreshes_the_token_and_replays_once(
    client: HttpClient, server: FaultServer, token_http: HttpClient
) -> None:
    tokens = server.token_endpoint()
    server.protect("/me", tokens, Reply(json={"id": "fan"}))
    provider = ClientCredentialsTokenProvider(credentials=credentials(server), http=token_http)
    await client.get("/me", auth=provider)
    tokens.revoke_all()  # the server forgets token-1 before it expires
    response = await client.get("/me", auth=provider)
    assert response.json() == {"id": "fan"}
    assert tokens.calls == 2
    auths = [r.headers["authorization"] for r in server.requests_to("/me")]
    assert auths == ["Bearer token-1", "Bearer token-1", "Bearer token-2"]


async def test_second_401_is_raised_not_replayed_again(
    client: HttpClient, server: FaultServer, token_http: HttpClient
) -> None:
    server.token_endpoint()
    server.route("/me", Reply(status=401, json={"error": "invalid_token"}))
    provider = ClientCredentialsTokenProvider(credentials=credentials(server), http=token_http)
    with pytest.raises(
        UnauthorizedError, match=r"^upstream: GET .*/me returned 401\ngave up after 2 attempts$"
    ) as caught:
        await client.get("/me", auth=provider)
    assert caught.value.body == {"error": "invalid_token"}
    assert server.hits("/me") == 2


async def test_401_with_a_plain_token_is_not_replayed(client: HttpClient, server: FaultServer) -> None:
    server.route("/me", Reply(status=401))
    with pytest.raises(UnauthorizedError, match=r"^upstream: GET .*/me returned 401$"):
        await client.get("/me", token="stale")
    assert server.hits("/me") == 1


async def test_client_level_auth_applies_to_every_call(server: FaultServer, token_http: HttpClient) -> None:
    tokens = server.token_endpoint()
    server.protect("/me", tokens, Reply(json={}))
    provider = ClientCredentialsTokenProvider(credentials=credentials(server), http=token_http)
    async with HttpClient(service_name="api", base_url=server.url, auth=provider) as http:
        await http.get("/me")
        await http.get("/me")
    assert (server.hits("/me"), tokens.calls) == (2, 1)


async def test_100_concurrent_callers_with_an_expired_token_make_one_token_request(
    server: FaultServer, token_http: HttpClient
) -> None:
    tokens = server.token_endpoint(expires_in=60, delay=0.05)
    server.protect("/me", tokens, Reply(json={"ok": True}))
    clock = Clock()
    provider = ClientCredentialsTokenProvider(credentials=credentials(server), http=token_http, clock=clock)
    await provider.get_token()
    clock.now += 3600  # the cached token has expired
    async with HttpClient(service_name="api", base_url=server.url, auth=provider) as http:
        results = await asyncio.gather(*(http.get_json("/me") for _ in range(100)))
    assert results == [{"ok": True}] * 100
    assert tokens.calls == 2  # the first token, then exactly one refresh


async def test_100_concurrent_callers_after_a_401_make_one_token_request(
    server: FaultServer, token_http: HttpClient
) -> None:
    tokens = server.token_endpoint(delay=0.02)
    server.protect("/me", tokens, Reply(json={"ok": True}))
    provider = ClientCredentialsTokenProvider(credentials=credentials(server), http=token_http)
    await provider.get_token()
    tokens.revoke_all()
    async with HttpClient(service_name="api", base_url=server.url, auth=provider) as http:
        await asyncio.gather(*(http.get_json("/me") for _ in range(100)))
    assert tokens.calls == 2


async def test_tokens_and_secrets_never_reach_any_log_record(
    client: HttpClient, server: FaultServer, token_http: HttpClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # ours, httpx's and httpcore's records, at every level
    tokens = server.token_endpoint(client_id=CLIENT_ID, client_secret=SECRET)
    server.protect("/me", tokens, Reply(json={}))
    server.script("/me", Reply(status=500))
    server.route("/public", Reply(status=403))
    provider = ClientCredentialsTokenProvider(credentials=credentials(server), http=token_http)
    await client.get("/me", auth=provider)
    tokens.revoke_all()
    await client.get("/me", auth=provider)
    with pytest.raises(ForbiddenError, match=r"^upstream: GET .*/public returned 403$"):
        await client.get("/public", token="canary-bearer-token")
    assert len(caplog.records) > 10
    dumped = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    for secret in (SECRET, "token-1", "token-2", "canary-bearer-token"):
        assert secret not in dumped
    assert "[REDACTED]" in dumped


async def test_secret_query_parameters_are_redacted_in_our_records(
    client: HttpClient, server: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="verifiedfan")
    server.route("/public", Reply(status=403))
    with pytest.raises(
        ForbiddenError, match=r"/public\?access_token=\[REDACTED\]&q=x returned 403$"
    ) as caught:
        await client.get("/public", params={"access_token": "canary-query-token", "q": "x"})
    ours = [r for r in caplog.records if r.name.startswith("verifiedfan.")]
    assert ours
    assert all("canary-query-token" not in f"{r.getMessage()} {r.__dict__}" for r in ours)
    assert "canary-query-token" not in str(caught.value)


def test_credentials_repr_hides_the_secret() -> None:
    creds = ClientCredentials(client_id="a", client_secret=SECRET, token_url="https://id.example/token")
    assert SECRET not in repr(creds)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (
            {"client_id": "", "client_secret": "s", "token_url": "https://x/t"},
            "needs a client_id and a client_secret",
        ),
        (
            {"client_id": "a", "client_secret": "s", "token_url": "/relative"},
            r"token_url must be an absolute http\(s\) URL",
        ),
        (
            {"client_id": "a", "client_secret": "s", "token_url": "https://x/t", "send_as": "header"},
            "send_as must be 'basic' or 'body', not 'header'",
        ),
    ],
)
def test_bad_credentials_are_a_validation_error(kwargs: dict[str, str], match: str) -> None:
    with pytest.raises(ValidationError, match=match):
        ClientCredentials(**kwargs)


def test_sync_provider_refreshes_after_401(server: FaultServer, policy: RetryPolicy) -> None:
    tokens = server.token_endpoint()
    server.protect("/me", tokens, Reply(json={"id": "fan"}))
    with SyncHttpClient(service_name="api", base_url=server.url, retry=policy) as http:
        provider = SyncClientCredentialsTokenProvider(credentials=credentials(server), http=http)
        http.get("/me", auth=provider)
        tokens.revoke_all()
        assert http.get_json("/me", auth=provider) == {"id": "fan"}
    assert (tokens.calls, provider.fetch_count) == (2, 2)


def test_sync_provider_single_flight_across_threads(server: FaultServer, policy: RetryPolicy) -> None:
    tokens = server.token_endpoint(delay=0.05)
    with SyncHttpClient(service_name="oauth2", retry=policy) as http:
        provider = SyncClientCredentialsTokenProvider(credentials=credentials(server), http=http)
        got: list[str] = []
        threads = [threading.Thread(target=lambda: got.append(provider.get_token())) for _ in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert (got, tokens.calls) == (["token-1"] * 20, 1)
