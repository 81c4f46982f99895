"""Async helpers: bounded parallel map, serial map, and ``delay``.

The original ``MapAsyncParallel`` was an unbounded ``Promise.all``; ours always has a limit.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar

from verifiedfan.errors import ValidationError

__all__ = ["DEFAULT_CONCURRENCY", "delay", "map_async_parallel", "map_async_serial"]

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_CONCURRENCY = 16
"""How many calls :func:`map_async_parallel` runs at once unless told otherwise."""


def _check_fn(fn: object) -> None:
    if not callable(fn):
        raise ValidationError(f"fn must be callable, got {type(fn).__name__}")


async def map_async_serial(fn: Callable[[T], Awaitable[R]], items: Iterable[T]) -> list[R]:
    """Await ``fn(item)`` for each item, one at a time; the results in input order.

    The first exception propagates at once; the remaining items are not started.
    """
    _check_fn(fn)
    return [await fn(item) for item in items]


async def map_async_parallel(
    fn: Callable[[T], Awaitable[R]],
    items: Iterable[T],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
) -> list[R]:
    """Await ``fn(item)`` for every item, at most ``concurrency`` at a time; results in input order.

    Items are started in input order as slots free up. When a call raises, the calls still running
    are cancelled (and awaited), no further item is started, and that first exception propagates
    unchanged (not wrapped in an ``ExceptionGroup``). Cancelling the caller cancels every call.

    Raises :class:`~verifiedfan.errors.ValidationError` when ``concurrency`` is not an integer >= 1.
    """
    _check_fn(fn)
    if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
        raise ValidationError(f"concurrency must be an integer >= 1, got {concurrency!r}")
    pending_items = list(items)
    results: list[Any] = [None] * len(pending_items)
    feed = iter(enumerate(pending_items))

    async def worker() -> None:
        for index, item in feed:
            results[index] = await fn(item)

    workers = [asyncio.ensure_future(worker()) for _ in range(min(concurrency, len(pending_items)))]
    if not workers:
        return []
    try:
        done, _ = await asyncio.wait(workers, return_when=asyncio.FIRST_EXCEPTION)
        for task in workers:  # in worker order, so the choice among simultaneous failures is stable
            if task in done and not task.cancelled() and task.exception() is not None:
                raise task.exception()  # type: ignore[misc]
    finally:
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
    return results


async def delay(seconds: float) -> None:
    """Sleep ``seconds`` (a float, in **seconds** like :func:`asyncio.sleep`, not milliseconds).

    Raises :class:`~verifiedfan.errors.ValidationError` for a negative, infinite or NaN duration.
    """
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not math.isfinite(seconds):
        raise ValidationError(f"delay needs a finite number of seconds, got {seconds!r}")
    if seconds < 0:
        raise ValidationError(f"delay needs a non-negative number of seconds, got {seconds!r}")
    await asyncio.sleep(seconds)
