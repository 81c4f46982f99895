"""A pacer: calls start at most ``rate`` per second, evenly spaced, whatever the number of callers.

Written by hand as an async/sync pair (``scripts/unasync.py`` renames ``AsyncPacer`` to ``Pacer``):
each caller reserves the next free start time under a lock, then sleeps until it outside the lock,
so waiting callers never hold each other up beyond their slot.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

from verifiedfan.errors import ValidationError

__all__ = ["AsyncPacer", "Pacer"]


def _interval(rate: float) -> float:
    if isinstance(rate, bool) or not isinstance(rate, int | float) or not rate > 0:
        raise ValidationError(f"rate_per_second must be a positive number, not {rate!r}")
    return 1.0 / float(rate)


class AsyncPacer:
    """At most ``rate`` starts per second across the tasks of one event loop."""

    def __init__(self, rate: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = _interval(rate)
        self._clock = clock
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            now = self._clock()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            await asyncio.sleep(start - now)


class Pacer:
    """The blocking twin of :class:`AsyncPacer`, across threads."""

    def __init__(self, rate: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = _interval(rate)
        self._clock = clock
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = self._clock()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            time.sleep(start - now)
