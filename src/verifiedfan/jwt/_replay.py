"""Replay protection: remember token ids (``jti``) until their token expires.

:class:`ReplayCache` (sync) and :class:`AsyncReplayCache` are the protocols; a Redis-backed cache
fits them with one ``SET key 1 NX EXAT expires_at`` per call. :class:`InMemoryReplayCache` is the
single-process implementation (it implements both).
"""

from __future__ import annotations

import heapq
import logging
import threading
import time
from collections.abc import Callable
from typing import Protocol, runtime_checkable

from verifiedfan.errors import ConfigurationError

__all__ = ["AsyncReplayCache", "InMemoryReplayCache", "ReplayCache"]

logger = logging.getLogger(__name__)


@runtime_checkable
class ReplayCache(Protocol):
    """Records token ids; ``first_use`` is True the first time an id is seen before ``expires_at``."""

    def first_use(self, token_id: str, *, expires_at: float) -> bool: ...


@runtime_checkable
class AsyncReplayCache(Protocol):
    """The async twin of :class:`ReplayCache` (for a cache behind the network, e.g. Redis)."""

    async def afirst_use(self, token_id: str, *, expires_at: float) -> bool: ...


class InMemoryReplayCache:
    """A thread-safe in-process TTL set of token ids, bounded to ``max_entries``.

    ``expires_at`` is an epoch time in seconds (the token's ``exp`` plus leeway); an id is forgotten
    once that time has passed, when the token could not be accepted anyway. When full, the entries
    closest to expiry are dropped first (with a warning, as those tokens could then be replayed).
    """

    def __init__(self, *, max_entries: int = 100_000, clock: Callable[[], float] = time.time) -> None:
        if max_entries < 1:
            raise ConfigurationError("max_entries must be at least 1")
        self._max = max_entries
        self._clock = clock
        self._expiry: dict[str, float] = {}
        self._heap: list[tuple[float, str]] = []
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._expiry)

    def _purge(self, now: float) -> None:
        while self._heap and (self._heap[0][0] <= now or len(self._expiry) > self._max):
            when, token_id = heapq.heappop(self._heap)
            if self._expiry.get(token_id) == when:
                if when > now:
                    logger.warning("replay cache full (%d entries): forgetting a live token id", self._max)
                del self._expiry[token_id]

    def first_use(self, token_id: str, *, expires_at: float) -> bool:
        with self._lock:
            now = self._clock()
            self._purge(now)
            seen = self._expiry.get(token_id)
            if seen is not None and seen > now:
                return False
            if expires_at <= now:
                return True  # already expired: nothing to remember
            self._expiry[token_id] = expires_at
            heapq.heappush(self._heap, (expires_at, token_id))
            self._purge(now)
            return True

    async def afirst_use(self, token_id: str, *, expires_at: float) -> bool:
        return self.first_use(token_id, expires_at=expires_at)
