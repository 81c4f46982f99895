"""A sliding window of call outcomes: how many calls failed over the last ``window`` seconds."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from verifiedfan.errors import ConfigurationError

__all__ = ["ErrorRateWindow", "WindowCounts"]


@dataclass(frozen=True, slots=True)
class WindowCounts:
    """Outcomes over the window: ``errors`` of ``total`` calls; ``rate`` is 0 when there were none."""

    errors: int
    total: int

    @property
    def rate(self) -> float:
        return self.errors / self.total if self.total else 0.0


class ErrorRateWindow:
    """Counts successes and errors over the last ``window`` seconds, in ``buckets`` time slices.

    Memory is bounded by ``buckets`` whatever the call rate (a call only increments its slice's
    counters); the window slides one slice at a time, so it covers between ``window - window/buckets``
    and ``window`` seconds. ``clock`` (monotonic seconds) is injectable for tests. Thread-safe.
    """

    def __init__(
        self,
        window: float = 300.0,
        *,
        buckets: int = 60,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not (isinstance(window, int | float) and math.isfinite(window) and window > 0):
            raise ConfigurationError(f"window must be a positive number of seconds, got {window!r}")
        if not isinstance(buckets, int) or not 1 <= buckets <= 10_000:
            raise ConfigurationError(f"buckets must be an integer from 1 to 10000, got {buckets!r}")
        self.window = float(window)
        self.buckets = buckets
        self._width = self.window / buckets
        self._clock = clock
        self._slices: dict[int, list[int]] = {}  # slice number -> [errors, total]
        self._lock = threading.Lock()

    def _prune(self, now_slice: int) -> None:
        oldest = now_slice - self.buckets + 1
        for key in [k for k in self._slices if k < oldest]:
            del self._slices[key]

    def record(self, ok: bool) -> WindowCounts:
        """Count one call (``ok=False`` for an error); returns the counts including it."""
        now_slice = math.floor(self._clock() / self._width)
        with self._lock:
            counts = self._slices.setdefault(now_slice, [0, 0])
            counts[1] += 1
            if not ok:
                counts[0] += 1
            self._prune(now_slice)
            return self._sum()

    def counts(self) -> WindowCounts:
        """The counts over the window as of now."""
        with self._lock:
            self._prune(math.floor(self._clock() / self._width))
            return self._sum()

    def _sum(self) -> WindowCounts:
        errors = sum(c[0] for c in self._slices.values())
        total = sum(c[1] for c in self._slices.values())
        return WindowCounts(errors, total)

    def clear(self) -> None:
        with self._lock:
            self._slices.clear()
