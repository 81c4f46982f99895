"""The OAuth2 client-credentials token provider of the HTTP core (``auth=`` of a client).

An adapter from :class:`~verifiedfan.http.OAuth2ClientCredentials` (cache, refresh at
``refresh_ratio`` of the lifetime, single flight) to the ``get_token``/``invalidate`` token-source
protocol that ``HttpClient(auth=...)`` takes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType
from typing import Self

from verifiedfan.http._api._async.auth import OAuth2ClientCredentials
from verifiedfan.http._async import HttpClient
from verifiedfan.http._oauth._credentials import AccessToken, ClientCredentials, access_token

__all__ = ["ClientCredentialsTokenProvider"]


class ClientCredentialsTokenProvider:
    """OAuth2 client-credentials tokens as a token source (``auth=`` of :class:`HttpClient`).

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
        return access_token(self.auth.answer)

    @property
    def fetch_count(self) -> int:
        """How many tokens this provider has fetched."""
        return self.auth.fetch_count

    async def get_token(self) -> str:
        """The cached token, fetching a new one first when it is missing or due for refresh."""
        return await self.auth.get_token()

    async def invalidate(self, token: str) -> None:
        """The server answered 401 to ``token``: drop it if it is still the cached one."""
        await self.auth.invalidate(token)

    async def aclose(self) -> None:
        """Close the token endpoint's HTTP client if the provider owns it."""
        await self.auth.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
