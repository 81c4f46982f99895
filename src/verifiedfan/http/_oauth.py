"""OAuth2 client-credentials token providers (async and sync) with caching and single flight.

The token is cached and refreshed when ``refresh_ratio`` (90%) of its lifetime has passed, or after a
401 (``invalidate``). However many callers wait for a token at once, one token request is made: the
first caller fetches under a lock, the others find the fresh token when they get the lock.
"""

from __future__ import annotations

import asyncio
import base64
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self
from urllib.parse import quote

from verifiedfan.errors import ResponseFormatError, ValidationError
from verifiedfan.http._async import HttpClient
from verifiedfan.http._sync import SyncHttpClient

__all__ = [
    "AccessToken",
    "ClientCredentials",
    "ClientCredentialsTokenProvider",
    "SyncClientCredentialsTokenProvider",
]


@dataclass(frozen=True, kw_only=True)
class ClientCredentials:
    """What a client-credentials grant needs. ``client_secret`` never appears in ``repr``.

    ``send_as="basic"`` sends the id and secret as HTTP Basic auth (RFC 6749 §2.3.1, the default);
    ``"body"`` sends them as form fields.
    """

    client_id: str
    client_secret: str = field(repr=False)
    token_url: str
    scope: str | None = None
    audience: str | None = None
    send_as: str = "basic"

    def __post_init__(self) -> None:
        if not self.client_id or not self.client_secret:
            raise ValidationError("ClientCredentials needs a client_id and a client_secret")
        if not self.token_url.startswith(("http://", "https://")):
            raise ValidationError("ClientCredentials.token_url must be an absolute http(s) URL")
        if self.send_as not in ("basic", "body"):
            raise ValidationError(
                f"ClientCredentials.send_as must be 'basic' or 'body', not {self.send_as!r}"
            )


@dataclass(frozen=True, kw_only=True)
class AccessToken:
    """A cached access token; ``value`` never appears in ``repr``. Times are on the provider's clock."""

    value: str = field(repr=False)
    token_type: str
    expires_in: float
    obtained_at: float
    refresh_at: float


class _TokenCache:
    """The non-I/O half shared by both providers: request building, parsing, freshness."""

    def __init__(
        self,
        credentials: ClientCredentials,
        *,
        refresh_ratio: float,
        default_lifetime: float,
        clock: Callable[[], float],
    ) -> None:
        if not 0 < refresh_ratio <= 1:
            raise ValidationError(f"refresh_ratio must be in (0, 1], got {refresh_ratio}")
        if default_lifetime <= 0:
            raise ValidationError("default_lifetime must be positive")
        self.credentials = credentials
        self.refresh_ratio = refresh_ratio
        self.default_lifetime = default_lifetime
        self.clock = clock
        self.token: AccessToken | None = None
        self.fetches = 0

    def fresh(self) -> str | None:
        token = self.token
        if token is not None and self.clock() < token.refresh_at:
            return token.value
        return None

    def request(self) -> tuple[dict[str, str], dict[str, str]]:
        """The form fields and headers of a token request."""
        creds = self.credentials
        form = {"grant_type": "client_credentials"}
        if creds.scope:
            form["scope"] = creds.scope
        if creds.audience:
            form["audience"] = creds.audience
        headers = {"accept": "application/json"}
        if creds.send_as == "basic":
            pair = f"{quote(creds.client_id, safe='')}:{quote(creds.client_secret, safe='')}"
            headers["authorization"] = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
        else:
            form["client_id"] = creds.client_id
            form["client_secret"] = creds.client_secret
        return form, headers

    def store(self, body: Any, started: float) -> str:
        """Cache the token of a token-endpoint answer; the lifetime counts from ``started``."""
        value = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(value, str) or not value:
            raise ResponseFormatError("the token endpoint's answer has no access_token")
        raw_expires = body.get("expires_in", self.default_lifetime)
        try:
            expires_in = float(raw_expires)
        except (TypeError, ValueError) as exc:
            raise ResponseFormatError("the token endpoint's expires_in is not a number") from exc
        if expires_in <= 0:
            expires_in = self.default_lifetime
        self.token = AccessToken(
            value=value,
            token_type=str(body.get("token_type", "Bearer")),
            expires_in=expires_in,
            obtained_at=started,
            refresh_at=started + expires_in * self.refresh_ratio,
        )
        self.fetches += 1
        return value

    def invalidate(self, token: str) -> None:
        if self.token is not None and self.token.value == token:
            self.token = None


class ClientCredentialsTokenProvider:
    """Async OAuth2 client-credentials tokens; pass it as ``auth=`` to :class:`HttpClient`.

    ``http`` is the client used for the token endpoint (default: one owned by the provider, closed
    by :meth:`aclose`). ``clock`` (monotonic seconds) is injectable for tests.
    """

    def __init__(
        self,
        *,
        credentials: ClientCredentials,
        http: HttpClient | None = None,
        refresh_ratio: float = 0.9,
        default_lifetime: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._cache = _TokenCache(
            credentials, refresh_ratio=refresh_ratio, default_lifetime=default_lifetime, clock=clock
        )
        self._owns_http = http is None
        self._http = http or HttpClient(service_name="oauth2")
        self._lock = asyncio.Lock()

    @property
    def token(self) -> AccessToken | None:
        """The cached token, if any."""
        return self._cache.token

    @property
    def fetch_count(self) -> int:
        """How many tokens this provider has fetched."""
        return self._cache.fetches

    async def get_token(self) -> str:
        cached = self._cache.fresh()
        if cached is not None:
            return cached
        async with self._lock:
            cached = self._cache.fresh()
            if cached is not None:
                return cached
            form, headers = self._cache.request()
            started = self._cache.clock()
            response = await self._http.request(
                "POST",
                self._cache.credentials.token_url,
                data=form,
                headers=headers,
                retry_non_idempotent=True,
                route="oauth2/token",
            )
            return self._cache.store(response.json(), started)

    async def invalidate(self, token: str) -> None:
        self._cache.invalidate(token)

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


class SyncClientCredentialsTokenProvider:
    """The synchronous twin of :class:`ClientCredentialsTokenProvider` (thread-safe single flight)."""

    def __init__(
        self,
        *,
        credentials: ClientCredentials,
        http: SyncHttpClient | None = None,
        refresh_ratio: float = 0.9,
        default_lifetime: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._cache = _TokenCache(
            credentials, refresh_ratio=refresh_ratio, default_lifetime=default_lifetime, clock=clock
        )
        self._owns_http = http is None
        self._http = http or SyncHttpClient(service_name="oauth2")
        self._lock = threading.Lock()

    @property
    def token(self) -> AccessToken | None:
        return self._cache.token

    @property
    def fetch_count(self) -> int:
        return self._cache.fetches

    def get_token(self) -> str:
        cached = self._cache.fresh()
        if cached is not None:
            return cached
        with self._lock:
            cached = self._cache.fresh()
            if cached is not None:
                return cached
            form, headers = self._cache.request()
            started = self._cache.clock()
            response = self._http.request(
                "POST",
                self._cache.credentials.token_url,
                data=form,
                headers=headers,
                retry_non_idempotent=True,
                route="oauth2/token",
            )
            return self._cache.store(response.json(), started)

    def invalidate(self, token: str) -> None:
        self._cache.invalidate(token)

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
