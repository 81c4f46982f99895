# Generated from src/verifiedfan/http/_api/_async/tokens.py by scripts/unasync.py: do not edit.
# Change the async source, then run `python scripts/unasync.py`.
"""User tokens refreshed with their refresh token: early (before they expire) or after a 401, once,
with one refresh in flight per refresh token however many calls need it.

A client keeps one :class:`SyncUserTokens` (the refresh itself is the client's ``refresher``: each API
has its own token endpoint) and authenticates each call with ``tokens.auth(user_token)``::

    self.tokens = SyncUserTokens(self._refresh, service_name="spotify")
    body = self._call_json("GET", "/v1/me", auth=self.tokens.auth(token))

A token without a refresh token is sent as it is; when the server rejects it (401) the call raises
:class:`~verifiedfan.errors.UserTokenExpiredError`, which says the user must sign in again.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from verifiedfan._primitives import Flights
from verifiedfan.errors import UnauthorizedError, UserTokenExpiredError, VFError
from verifiedfan.http._api._credentials import AuthRequest, TokenBook, UserToken

__all__ = ["SyncUserTokenAuth", "SyncUserTokens"]


class SyncUserTokens(TokenBook):
    """The user tokens of one client: the newest token per refresh token, and the refreshes."""

    def __init__(
        self,
        refresher: Callable[[str], UserToken],
        *,
        service_name: str,
        refresh_before: float = 60.0,
        max_entries: int = 50_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(
            service_name=service_name, refresh_before=refresh_before, max_entries=max_entries, clock=clock
        )
        self._refresher = refresher
        self._flight: Flights = Flights()

    def refresh(self, token: UserToken, *, stale_access: str) -> UserToken:
        """A fresh token replacing ``stale_access``: shared with concurrent callers, and skipped when
        another caller already replaced that access token."""
        refresh_token = token.refresh_token
        if refresh_token is None:
            return token
        known = self.already_replaced(refresh_token, stale_access)
        if known is not None:
            return known

        def run() -> UserToken:
            done = self.already_replaced(refresh_token, stale_access)
            if done is not None:
                return done
            fresh = self._refresher(refresh_token)
            self.remember(refresh_token, fresh)
            return fresh

        return self._flight.run(refresh_token, run)

    def fresh(self, token: UserToken) -> UserToken:
        """The newest known token for ``token``, refreshed now if it is about to expire."""
        current = self.latest(token)
        if self.needs_refresh(current):
            current = self.refresh(current, stale_access=current.access_token)
        return current

    def auth(self, token: UserToken) -> SyncUserTokenAuth:
        """The :class:`~verifiedfan.http.SyncAuth` of one call made with ``token``."""
        return SyncUserTokenAuth(self, token)


class SyncUserTokenAuth:
    """Bearer auth of one call with a user token: refreshed early, and once after a 401."""

    __slots__ = ("_rejected", "_token", "_tokens")

    def __init__(self, tokens: SyncUserTokens, token: UserToken) -> None:
        self._tokens = tokens
        self._token = token
        self._rejected: str | None = None

    def apply(self, request: AuthRequest) -> None:
        tokens = self._tokens
        current = tokens.latest(self._token)
        if self._rejected is not None and current.access_token == self._rejected:
            current = tokens.refresh(current, stale_access=self._rejected)
        elif tokens.needs_refresh(current):
            current = tokens.refresh(current, stale_access=current.access_token)
        self._token = current
        request.bearer(current.access_token)

    def invalidate(self, credential: str | None) -> bool:
        if self._token.refresh_token is None:
            return False
        self._rejected = credential
        return True

    def unauthorized(self, error: UnauthorizedError) -> VFError | None:
        service = self._tokens.service_name
        if self._token.refresh_token is None:
            return UserTokenExpiredError(
                f"{service}: the user's access token expired or was revoked (401) and no refresh token "
                "was given: pass a UserToken with its refresh_token so it can be refreshed, or have the "
                "user sign in again",
                status=401,
                body=error.body,
                method=error.method,
                url=error.url,
                service_name=error.service_name,
                headers=error.headers,
            )
        return None
