"""User tokens: refreshed early or after a 401, once, with one refresh in flight per refresh token.

:class:`TokenBook` (no I/O) keeps the newest :class:`UserToken` known for each refresh token, so a
caller still holding the old one gets the refreshed access token without refreshing again.
:class:`UserTokenManager` (asyncio) and :class:`SyncUserTokenManager` (threads) add the single
flight: concurrent callers needing a refresh for the same refresh token share one request.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from verifiedfan.music._models import UserToken

__all__ = ["SyncUserTokenManager", "TokenBook", "UserTokenManager", "UserTokenSource"]

logger = logging.getLogger(__name__)


class TokenBook:
    """The newest token per refresh token (bounded, least recently refreshed dropped first).

    ``refresh_before``: a token expiring within this many seconds is refreshed before use.
    """

    def __init__(
        self,
        *,
        service_name: str,
        refresh_before: float = 60.0,
        max_entries: int = 50_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._service = service_name
        self._refresh_before = refresh_before
        self._max = max_entries
        self._clock = clock
        self._latest: OrderedDict[str, UserToken] = OrderedDict()
        self.refresh_count = 0

    def latest(self, token: UserToken) -> UserToken:
        """The newest token known for ``token``'s refresh token (``token`` itself when none)."""
        if token.refresh_token is None:
            return token
        known = self._latest.get(token.refresh_token)
        if known is None:
            return token
        if (
            token.expires_at is not None
            and known.expires_at is not None
            and token.expires_at > known.expires_at
        ):
            return token
        return known

    def needs_refresh(self, token: UserToken) -> bool:
        return token.refresh_token is not None and token.expires_within(
            self._refresh_before, now=self._clock()
        )

    def _already_replaced(self, refresh_token: str, stale_access: str) -> UserToken | None:
        known = self._latest.get(refresh_token)
        if known is not None and known.access_token != stale_access and not self.needs_refresh(known):
            return known
        return None

    def _remember(self, refresh_token: str, fresh: UserToken) -> None:
        self.refresh_count += 1
        self._latest[refresh_token] = fresh
        self._latest.move_to_end(refresh_token)
        if fresh.refresh_token and fresh.refresh_token != refresh_token:
            self._latest[fresh.refresh_token] = fresh
        while len(self._latest) > self._max:
            self._latest.popitem(last=False)
        logger.info("%s: refreshed a user access token", self._service, extra={"service_name": self._service})


class UserTokenManager(TokenBook):
    """The asyncio token manager of :class:`~verifiedfan.music.Spotify` (``spotify.tokens``)."""

    def __init__(
        self,
        refresher: Callable[[str], Awaitable[UserToken]],
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
        self._inflight: dict[str, asyncio.Future[UserToken]] = {}

    async def refresh(self, token: UserToken, *, stale_access: str) -> UserToken:
        """A fresh token replacing ``stale_access``: shared with concurrent callers, and skipped when
        another caller already replaced that access token."""
        refresh_token = token.refresh_token
        if refresh_token is None:
            return token
        known = self._already_replaced(refresh_token, stale_access)
        if known is not None:
            return known
        pending = self._inflight.get(refresh_token)
        if pending is None:
            pending = asyncio.ensure_future(self._run_refresh(refresh_token))
            self._inflight[refresh_token] = pending
            pending.add_done_callback(lambda task: self._done(refresh_token, task))
        # shield: a cancelled caller does not cancel the refresh the others are waiting for
        return await asyncio.shield(pending)

    async def _run_refresh(self, refresh_token: str) -> UserToken:
        fresh = await self._refresher(refresh_token)
        self._remember(refresh_token, fresh)
        return fresh

    def _done(self, refresh_token: str, task: asyncio.Future[UserToken]) -> None:
        if self._inflight.get(refresh_token) is task:
            del self._inflight[refresh_token]
        if not task.cancelled():
            task.exception()  # retrieved here so an unawaited failure is not reported as lost

    def source(self, token: UserToken) -> UserTokenSource:
        return UserTokenSource(self, token)


class UserTokenSource:
    """The token source of one call (``auth=`` of the HTTP core): refreshes early, and once after a
    401 (the core calls :meth:`invalidate` then :meth:`get_token` again)."""

    __slots__ = ("_manager", "_rejected", "_token")

    def __init__(self, manager: UserTokenManager, token: UserToken) -> None:
        self._manager = manager
        self._token = token
        self._rejected: str | None = None

    async def get_token(self) -> str:
        manager = self._manager
        current = manager.latest(self._token)
        if self._rejected is not None and current.access_token == self._rejected:
            current = await manager.refresh(current, stale_access=self._rejected)
        elif manager.needs_refresh(current):
            current = await manager.refresh(current, stale_access=current.access_token)
        self._token = current
        return current.access_token

    async def invalidate(self, token: str) -> None:
        self._rejected = token


class SyncUserTokenManager(TokenBook):
    """The thread-safe token manager of :class:`~verifiedfan.music.SyncSpotify`: one lock per
    refresh token, so threads needing the same refresh wait for the first one's result."""

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
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    def refresh(self, token: UserToken, *, stale_access: str) -> UserToken:
        refresh_token = token.refresh_token
        if refresh_token is None:
            return token
        with self._guard:
            lock = self._locks.setdefault(refresh_token, threading.Lock())
        with lock:
            with self._guard:
                known = self._already_replaced(refresh_token, stale_access)
            if known is not None:
                return known
            fresh = self._refresher(refresh_token)
            with self._guard:
                self._remember(refresh_token, fresh)
                if len(self._locks) > self._max:
                    self._locks.clear()
            return fresh

    def source(self, token: UserToken) -> SyncUserTokenSource:
        return SyncUserTokenSource(self, token)


class SyncUserTokenSource:
    """The synchronous twin of :class:`UserTokenSource`."""

    __slots__ = ("_manager", "_rejected", "_token")

    def __init__(self, manager: SyncUserTokenManager, token: UserToken) -> None:
        self._manager = manager
        self._token = token
        self._rejected: str | None = None

    def get_token(self) -> str:
        manager = self._manager
        current = manager.latest(self._token)
        if self._rejected is not None and current.access_token == self._rejected:
            current = manager.refresh(current, stale_access=self._rejected)
        elif manager.needs_refresh(current):
            current = manager.refresh(current, stale_access=current.access_token)
        self._token = current
        return current.access_token

    def invalidate(self, token: str) -> None:
        self._rejected = token
