"""Shared benchmark helpers: timing loops and the comparison record every benchmark returns."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Comparison:
    """One side-by-side measurement.

    ``ours`` and ``reference`` are in ``unit``. ``higher_is_better`` says whether the unit is a rate
    (ops/s) or a cost (µs/op). ``ratio`` is always "our cost relative to theirs" for costs and "our
    rate relative to theirs" for rates, as the goals in the issues are phrased.
    """

    name: str
    ours: float
    reference: float
    reference_name: str
    unit: str
    higher_is_better: bool
    goal: str

    @property
    def ratio(self) -> float:
        return self.ours / self.reference if self.reference else float("nan")


def time_per_call_us(fn: Callable[[], object], *, n: int, repeat: int = 5) -> float:
    """Median over ``repeat`` runs of the mean microseconds per call of ``fn``."""
    for _ in range(min(n, 200)):  # warm-up
        fn()
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(n):
            fn()
        runs.append((time.perf_counter() - start) / n * 1e6)
    return statistics.median(runs)


def async_time_per_call_us(fn: Callable[[], Awaitable[object]], *, n: int, repeat: int = 5) -> float:
    """Like :func:`time_per_call_us` for a coroutine function, awaited sequentially in one loop."""

    async def body() -> float:
        for _ in range(min(n, 100)):
            await fn()
        runs = []
        for _ in range(repeat):
            start = time.perf_counter()
            for _ in range(n):
                await fn()
            runs.append((time.perf_counter() - start) / n * 1e6)
        return statistics.median(runs)

    return asyncio.run(body())


async def _timed_async(fn: Callable[[], Awaitable[object]], n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        await fn()
    return time.perf_counter() - start


async def interleaved_rates(
    ours: Callable[[], Awaitable[object]],
    ref: Callable[[], Awaitable[object]],
    n: int,
    rounds: int,
    *,
    warmup: int = 50,
) -> tuple[float, float]:
    """ops/s of each side over ``n`` calls, in ``rounds`` interleaved chunks so drift and the
    neighbours' load hit both sides alike."""
    for _ in range(min(n, warmup)):
        await ours()
        await ref()
    chunk = max(n // rounds, 1)
    ours_s = ref_s = 0.0
    for i in range(rounds):  # ABBA: whichever runs first in a pair pays a few µs more
        if i % 2:
            ref_s += await _timed_async(ref, chunk)
            ours_s += await _timed_async(ours, chunk)
        else:
            ours_s += await _timed_async(ours, chunk)
            ref_s += await _timed_async(ref, chunk)
    return chunk * rounds / ours_s, chunk * rounds / ref_s
