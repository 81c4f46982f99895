"""``TtlCache``: the original in-process ``Cache``, for values not worth a Redis round trip.

A size bound with least-recently-used eviction, a time to live per entry, and single flight for async
loaders (concurrent :meth:`TtlCache.get_or_set` callers of one key share one load, via the same
:class:`~verifiedfan._primitives.AsyncFlights` the JWKS and token clients use). The clock is injected
so tests drive time instead of sleeping.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from verifiedfan._primitives import AsyncFlights
from verifiedfan.errors import ValidationError

__all__ = ["TtlCache"]

V = TypeVar("V")

_MISSING = object()


class TtlCache(Generic[V]):
    """At most ``maxsize`` entries (least recently used evicted first), each alive ``ttl`` seconds.

    ``clock`` returns seconds (default :func:`time.monotonic`). An expired entry is never returned and
    is dropped when met. :meth:`get_or_set` runs ``loader`` once per key among concurrent callers; an
    exception from the loader propagates to every waiting caller and is **not** cached.
    Not thread-safe: one instance belongs to one event loop / thread.
    """

    __slots__ = ("_clock", "_data", "_flights", "maxsize", "ttl")

    def __init__(self, maxsize: int, ttl: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        if isinstance(maxsize, bool) or not isinstance(maxsize, int) or maxsize < 1:
            raise ValidationError(f"maxsize must be an integer >= 1, got {maxsize!r}")
        if isinstance(ttl, bool) or not isinstance(ttl, int | float) or not math.isfinite(ttl) or ttl <= 0:
            raise ValidationError(f"ttl must be a finite number of seconds > 0, got {ttl!r}")
        if not callable(clock):
            raise ValidationError(f"clock must be callable, got {type(clock).__name__}")
        self.maxsize = maxsize
        self.ttl = float(ttl)
        self._clock = clock
        self._data: OrderedDict[str, tuple[float, V]] = OrderedDict()
        self._flights = AsyncFlights()

    def __len__(self) -> int:
        """How many entries are held (expired ones not yet met included)."""
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._lookup(key) is not _MISSING

    def _lookup(self, key: str) -> object:
        entry = self._data.get(key)
        if entry is None:
            return _MISSING
        expires_at, value = entry
        if self._clock() >= expires_at:
            del self._data[key]
            return _MISSING
        self._data.move_to_end(key)
        return value

    def get(self, key: str, default: V | None = None) -> V | None:
        """The live value of ``key`` (marked most recently used), else ``default``."""
        value = self._lookup(key)
        return default if value is _MISSING else value  # type: ignore[return-value]

    def set(self, key: str, value: V) -> None:
        """Store ``value`` for ``ttl`` seconds; evicting the least recently used past ``maxsize``."""
        self._data[key] = (self._clock() + self.ttl, value)
        self._data.move_to_end(key)
        if len(self._data) > self.maxsize:
            self._purge_expired()
        while len(self._data) > self.maxsize:
            self._data.popitem(last=False)

    def delete(self, key: str) -> bool:
        """Drop ``key``; whether a live entry was there."""
        value = self._lookup(key)
        self._data.pop(key, None)
        return value is not _MISSING

    def clear(self) -> None:
        """Drop every entry (loads in flight still complete and store their value)."""
        self._data.clear()

    def _purge_expired(self) -> None:
        now = self._clock()
        for key in [k for k, (expires_at, _) in self._data.items() if now >= expires_at]:
            del self._data[key]

    async def get_or_set(self, key: str, loader: Callable[[], Awaitable[V]]) -> V:
        """The live value of ``key``, else ``await loader()`` stored and returned.

        Concurrent callers of one key share one call of ``loader``; a caller cancelled while waiting does
        not cancel the load for the others. A loader exception is raised to each caller, nothing stored.
        """
        value = self._lookup(key)
        if value is not _MISSING:
            return value  # type: ignore[return-value]

        async def load() -> V:
            loaded = await loader()
            self.set(key, loaded)
            return loaded

        return await self._flights.run(key, load)
