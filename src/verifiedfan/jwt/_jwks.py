"""JWKS: fetching a key set over HTTP, caching it, and refreshing it when an unknown ``kid`` shows up.

Fixes the PyJWT ``PyJWKClient`` complaints: the fetch has an async twin (pyjwt#1120), a failed refresh
keeps the keys we had (pyjwt#1162), keys removed from the set stop being accepted after the next
successful refresh (pyjwt#1051), and an unknown ``kid`` triggers a refetch that is rate-limited
(pyjwt#914, #929) and single-flight.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import httpx

from verifiedfan.errors import InvalidTokenError, ResponseFormatError, VFError
from verifiedfan.http import HttpClient, HttpHook, RetryPolicy, SyncHttpClient, Timeouts
from verifiedfan.jwt._keys import algorithms_for_key

try:
    import jwt
except ImportError as exc:  # pragma: no cover - only without the jwt extra
    from verifiedfan.errors import DependencyMissingError

    raise DependencyMissingError("pyjwt", "jwt") from exc

__all__ = ["HttpxJwksFetcher", "JwksCache", "JwksFetcher", "KeyEntry"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class KeyEntry:
    """A loaded verification key and the algorithms it may verify."""

    key: Any
    algorithms: tuple[str, ...]
    key_id: str | None = None

    def __repr__(self) -> str:
        return f"KeyEntry(key_id={self.key_id!r}, algorithms={self.algorithms!r})"


@runtime_checkable
class JwksFetcher(Protocol):
    """Fetches a JWKS document (the decoded JSON) from a URL; raises a VFError on failure."""

    def fetch(self, url: str) -> Any: ...

    async def afetch(self, url: str) -> Any: ...


class HttpxJwksFetcher:
    """The default fetcher, on :mod:`verifiedfan.http` (so a fetch gets correlation ids, tracing and
    metrics hooks, redaction and the typed errors of every HTTP call). ``retry`` defaults to none:
    :class:`JwksCache` already refetches (rate-limited) on the next unknown ``kid``. Pass
    ``transport``/``async_transport`` (httpx transports)
    to point the sync and async halves elsewhere."""

    def __init__(
        self,
        *,
        timeout: float = 5.0,
        retry: RetryPolicy | None = None,
        hooks: Sequence[HttpHook] = (),
        transport: httpx.BaseTransport | None = None,
        async_transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._options: dict[str, Any] = {
            "service_name": "jwks",
            "timeouts": Timeouts(total=timeout, connect=timeout),
            "retry": retry or RetryPolicy.never(),
            "hooks": hooks,
        }
        self._transport = transport
        self._async_transport = async_transport

    def fetch(self, url: str) -> Any:
        with SyncHttpClient(transport=self._transport, **self._options) as http:
            return http.get_json(url, headers=_ACCEPT, route="jwks")

    async def afetch(self, url: str) -> Any:
        async with HttpClient(transport=self._async_transport, **self._options) as http:
            return await http.get_json(url, headers=_ACCEPT, route="jwks")


_ACCEPT = {"accept": "application/json"}


def parse_jwks(data: Any, algorithms: tuple[str, ...]) -> dict[str | None, KeyEntry]:
    """Usable signing keys of a JWKS document, by ``kid``; raises ResponseFormatError when none."""
    if not isinstance(data, Mapping) or not isinstance(data.get("keys"), list):
        raise ResponseFormatError("a JWKS document is an object with a 'keys' list")
    entries: dict[str | None, KeyEntry] = {}
    for raw in data["keys"]:
        if not isinstance(raw, dict) or raw.get("use", "sig") != "sig" or raw.get("kty") == "oct":
            continue
        try:
            jwk = jwt.PyJWK(raw)
        except jwt.PyJWTError:
            logger.debug("skipping an unusable JWKS key (kid=%r)", raw.get("kid"))
            continue
        allowed = algorithms_for_key(jwk.key, algorithms)
        if "alg" in raw:
            allowed = tuple(a for a in allowed if a == raw["alg"])
        kid = raw.get("kid") if isinstance(raw.get("kid"), str) else None
        if allowed:
            entries[kid] = KeyEntry(key=jwk.key, algorithms=allowed, key_id=kid)
    if not entries:
        raise ResponseFormatError("the JWKS holds no key usable with the allowed algorithms")
    return entries


class JwksCache:
    """Keys from a JWKS URL, cached for ``max_age`` seconds and refetched on an unknown ``kid``.

    Fetch attempts (successful or not) are at least ``min_refresh_interval`` seconds apart, so a
    flood of tokens with made-up ``kid`` values cannot turn into a flood of requests. A failed
    refresh logs a warning and keeps serving the previous keys. The sync and async lookups share
    all the logic; only the fetch differs.
    """

    def __init__(
        self,
        *,
        url: str,
        fetcher: JwksFetcher,
        algorithms: tuple[str, ...],
        max_age: float = 3600.0,
        min_refresh_interval: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self._fetcher = fetcher
        self._algorithms = algorithms
        self._max_age = max_age
        self._min_interval = min_refresh_interval
        self._clock = clock
        self._keys: dict[str | None, KeyEntry] = {}
        self._fetched_at: float | None = None
        self._last_attempt: float | None = None
        self._lock = threading.Lock()
        self._alock: asyncio.Lock | None = None

    @property
    def key_ids(self) -> tuple[str | None, ...]:
        """The ``kid`` values currently cached."""
        return tuple(self._keys)

    def _lookup(self, kid: str | None) -> KeyEntry | None:
        if kid is None and len(self._keys) == 1:
            return next(iter(self._keys.values()))
        return self._keys.get(kid)

    def _fresh(self) -> bool:
        return self._fetched_at is not None and self._clock() - self._fetched_at < self._max_age

    def _may_fetch(self) -> bool:
        return self._last_attempt is None or self._clock() - self._last_attempt >= self._min_interval

    def _install(self, data: Any) -> None:
        self._keys = parse_jwks(data, self._algorithms)
        self._fetched_at = self._clock()
        logger.info("loaded %d JWKS key(s) from %s", len(self._keys), self.url)

    def _failed(self, exc: VFError) -> None:
        logger.warning(
            "JWKS refresh from %s failed (%s); keeping %d cached key(s)", self.url, exc, len(self._keys)
        )

    def _result(self, kid: str | None, error: VFError | None) -> KeyEntry:
        entry = self._lookup(kid)
        if entry is not None:
            return entry
        if kid is None:
            raise InvalidTokenError("invalid token: no 'kid' header and several keys are trusted")
        if error is not None:
            raise InvalidTokenError("invalid token: signing keys unavailable") from error
        raise InvalidTokenError("invalid token: unknown key id")

    def get(self, kid: str | None) -> KeyEntry:
        """The key for ``kid``, fetching the JWKS (blocking) when needed and allowed."""
        entry = self._lookup(kid)
        if entry is not None and self._fresh():
            return entry
        error: VFError | None = None
        with self._lock:
            entry = self._lookup(kid)
            if (entry is None or not self._fresh()) and self._may_fetch():
                self._last_attempt = self._clock()
                try:
                    self._install(self._fetcher.fetch(self.url))
                except VFError as exc:
                    self._failed(exc)
                    error = exc
        return self._result(kid, error)

    async def aget(self, kid: str | None) -> KeyEntry:
        """Like :meth:`get`, fetching without blocking the event loop; concurrent misses fetch once."""
        entry = self._lookup(kid)
        if entry is not None and self._fresh():
            return entry
        if self._alock is None:
            self._alock = asyncio.Lock()
        error: VFError | None = None
        async with self._alock:
            entry = self._lookup(kid)
            if (entry is None or not self._fresh()) and self._may_fetch():
                self._last_attempt = self._clock()
                try:
                    self._install(await self._fetcher.afetch(self.url))
                except VFError as exc:
                    self._failed(exc)
                    error = exc
        return self._result(kid, error)
