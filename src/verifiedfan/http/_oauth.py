"""OAuth2 client-credentials token providers (async and sync) for ``HttpClient(auth=...)``.

The token is cached and refreshed when ``refresh_ratio`` (90%) of its lifetime has passed, or after a
401 (``invalidate``). However many callers wait for a token at once, one token request is made. The
work is done by :class:`~verifiedfan.http.OAuth2ClientCredentials` (and its generated sync twin);
these classes adapt it to the ``get_token``/``invalidate`` token-source protocol of the HTTP core.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Literal, Self

from verifiedfan.errors import ValidationError
from verifiedfan.http._api._async.auth import OAuth2ClientCredentials
from verifiedfan.http._api._credentials import TokenAnswer
from verifiedfan.http._api._sync.auth import SyncOAuth2ClientCredentials
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
    send_as: Literal["basic", "body"] = "basic"

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


def _access_token(answer: TokenAnswer | None) -> AccessToken | None:
    if answer is None:
        return None
    return AccessToken(
        value=answer.value,
        token_type=answer.token_type,
        expires_in=answer.expires_in,
        obtained_at=answer.obtained_at,
        refresh_at=answer.refresh_at,
    )


class ClientCredentialsTokenProvider:
    """Async OAuth2 client-credentials tokens as a token source (``auth=`` of :class:`HttpClient`).

    A thin adapter over :class:`~verifiedfan.http.OAuth2ClientCredentials` (the API-client base's
    auth, which holds the cache and the single flight); use that one directly with an
    :class:`~verifiedfan.http.ApiClient`. ``http`` is the client used for the token endpoint
    (default: one owned by the provider, closed by :meth:`aclose`). ``clock`` (monotonic seconds) is
    injectable for tests.
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
        self.auth = OAuth2ClientCredentials(
            token_url=credentials.token_url,
            client_id=credentials.client_id,
            client_secret=credentials.client_secret,
            scope=credentials.scope,
            audience=credentials.audience,
            send_as=credentials.send_as,
            http=http,
            refresh_ratio=refresh_ratio,
            default_lifetime=default_lifetime,
            clock=clock,
        )

    @property
    def token(self) -> AccessToken | None:
        """The cached token, if any."""
        return _access_token(self.auth.answer)

    @property
    def fetch_count(self) -> int:
        """How many tokens this provider has fetched."""
        return self.auth.fetch_count

    async def get_token(self) -> str:
        return await self.auth.get_token()

    async def invalidate(self, token: str) -> None:
        await self.auth.invalidate(token)

    async def aclose(self) -> None:
        await self.auth.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


class SyncClientCredentialsTokenProvider:
    """The synchronous twin of :class:`ClientCredentialsTokenProvider`, over
    :class:`~verifiedfan.http.SyncOAuth2ClientCredentials` (thread-safe single flight)."""

    def __init__(
        self,
        *,
        credentials: ClientCredentials,
        http: SyncHttpClient | None = None,
        refresh_ratio: float = 0.9,
        default_lifetime: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.auth = SyncOAuth2ClientCredentials(
            token_url=credentials.token_url,
            client_id=credentials.client_id,
            client_secret=credentials.client_secret,
            scope=credentials.scope,
            audience=credentials.audience,
            send_as=credentials.send_as,
            http=http,
            refresh_ratio=refresh_ratio,
            default_lifetime=default_lifetime,
            clock=clock,
        )

    @property
    def token(self) -> AccessToken | None:
        return _access_token(self.auth.answer)

    @property
    def fetch_count(self) -> int:
        return self.auth.fetch_count

    def get_token(self) -> str:
        return self.auth.get_token()

    def invalidate(self, token: str) -> None:
        self.auth.invalidate(token)

    def close(self) -> None:
        self.auth.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
