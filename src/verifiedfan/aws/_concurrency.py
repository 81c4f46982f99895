"""The hand-written async/sync pair of bounded fan-out the generated AWS twins rely on.

``async_map_bounded`` (asyncio tasks) becomes ``map_bounded`` (a thread pool) in the sync twins;
both return results in input order, run at most ``concurrency`` calls at once, and raise the first
exception after stopping the rest.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from typing import TypeVar

from verifiedfan.utils import map_async_parallel

__all__ = ["async_map_bounded", "map_bounded"]

T = TypeVar("T")
R = TypeVar("R")


async def async_map_bounded(fn: Callable[[T], Awaitable[R]], items: Sequence[T], concurrency: int) -> list[R]:
    """``fn`` over ``items``, ``concurrency`` at a time (one call runs inline, without a task)."""
    if len(items) == 1:
        return [await fn(items[0])]
    return await map_async_parallel(fn, items, concurrency=concurrency)


def map_bounded(fn: Callable[[T], R], items: Sequence[T], concurrency: int) -> list[R]:
    """``fn`` over ``items`` in a pool of ``concurrency`` threads (one call runs in the caller's)."""
    if len(items) <= 1:
        return [fn(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(concurrency, len(items))) as pool:
        futures = [pool.submit(fn, item) for item in items]
        done, _ = wait(futures, return_when=FIRST_EXCEPTION)
        for future in futures:
            if future in done and future.exception() is not None:
                for other in futures:
                    other.cancel()
                raise future.exception()  # type: ignore[misc]
        return [future.result() for future in futures]
