"""The in-process side of client-side caching: an LRU of raw values kept valid by Redis tracking.

I/O-free and shared by :class:`~verifiedfan.redis.Redis` and its sync twin. The tracker (``_tracking``)
feeds it the server's invalidation messages; the client reads through it. Thread-safe (one lock), so
the sync twin's listener thread and the calling threads can share it.

Race handling follows the Redis client-side caching guide ("caching-in-progress" placeholder): a
miss takes a ticket *before* sending ``GET``; an invalidation of the key (or a clear) voids the
ticket, and the answer is stored only with a valid ticket. So a value read before a write whose
invalidation was already processed is never stored.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from verifiedfan.redis._errors import CacheValidationError

__all__ = ["LocalCacheConfig", "LocalCacheInfo"]


@dataclass(frozen=True, kw_only=True)
class LocalCacheConfig:
    """Opt-in client-side caching for :class:`~verifiedfan.redis.Redis` (``local_cache=``).

    ``max_keys``: entries kept (least recently used evicted first). ``ttl``: seconds an entry may be
    served without asking Redis, a safety net only (invalidations normally remove it far sooner).
    ``health_check``: after that many seconds without a message the invalidation connection sends a
    ``PING``; no answer within as long again counts as a lost connection (the cache is emptied), so a
    silently dead link cannot keep serving values it no longer hears about.
    """

    max_keys: int = 10_000
    ttl: float = 60.0
    health_check: float = 5.0

    def __post_init__(self) -> None:
        if isinstance(self.max_keys, bool) or not isinstance(self.max_keys, int) or self.max_keys < 1:
            raise CacheValidationError(f"local_cache max_keys must be a positive int, got {self.max_keys!r}")
        if isinstance(self.ttl, bool) or not isinstance(self.ttl, int | float) or not self.ttl > 0:
            raise CacheValidationError(f"local_cache ttl must be a positive number, got {self.ttl!r}")
        check = self.health_check
        if isinstance(check, bool) or not isinstance(check, int | float) or not check > 0:
            raise CacheValidationError(f"local_cache health_check must be a positive number, got {check!r}")


@dataclass(frozen=True)
class LocalCacheInfo:
    """A snapshot of the local cache: ``tracking`` is ``False`` while the invalidation connection is
    down (the cache is then empty and bypassed)."""

    size: int
    hits: int
    misses: int
    invalidations: int
    clears: int
    tracking: bool


class LocalCache:
    """LRU + TTL map ``full key -> raw value`` that serves only while tracking is on."""

    def __init__(self, config: LocalCacheConfig, clock: Callable[[], float]) -> None:
        self.config = config
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: OrderedDict[str, tuple[float, bytes | str]] = OrderedDict()
        self._tickets: dict[str, object] = {}
        self._tracking = False
        self.hits = 0
        self.misses = 0
        self.invalidations = 0
        self.clears = 0

    def lookup(self, key: str) -> bytes | str | None:
        """The cached raw value, or ``None`` (a miss)."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                if entry[0] > self._clock():
                    self._entries.move_to_end(key)
                    self.hits += 1
                    return entry[1]
                del self._entries[key]
            self.misses += 1
            return None

    def ticket(self, key: str) -> object | None:
        """Taken before reading ``key`` from Redis; ``None`` when tracking is off (do not store)."""
        with self._lock:
            if not self._tracking:
                return None
            token = object()
            self._tickets[key] = token
            return token

    def store(self, key: str, token: object | None, raw: bytes | str | None) -> None:
        """Keep ``raw`` when ``token`` is still the key's valid ticket (no invalidation since)."""
        with self._lock:
            if token is None or self._tickets.get(key) is not token:
                return
            del self._tickets[key]
            if raw is None or not self._tracking:
                return
            self._entries[key] = (self._clock() + self.config.ttl, raw)
            self._entries.move_to_end(key)
            while len(self._entries) > self.config.max_keys:
                self._entries.popitem(last=False)

    def invalidate(self, keys: Iterable[str]) -> None:
        """Drop ``keys`` and void their tickets (an invalidation message, or this client's write)."""
        with self._lock:
            for key in keys:
                self._entries.pop(key, None)
                self._tickets.pop(key, None)
                self.invalidations += 1

    def set_tracking(self, on: bool) -> None:
        """Tracking (re)established, or lost: either way everything cached so far is dropped."""
        with self._lock:
            self._tracking = on
            self._entries.clear()
            self._tickets.clear()
            self.clears += 1

    def clear(self) -> None:
        """Drop everything (``FLUSHDB``/``FLUSHALL`` invalidation), tracking unchanged."""
        with self._lock:
            self._entries.clear()
            self._tickets.clear()
            self.clears += 1

    def info(self) -> LocalCacheInfo:
        with self._lock:
            return LocalCacheInfo(
                size=len(self._entries),
                hits=self.hits,
                misses=self.misses,
                invalidations=self.invalidations,
                clears=self.clears,
                tracking=self._tracking,
            )
