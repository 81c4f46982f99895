"""The concurrency primitives of the API-client base, written by hand as async/sync pairs.

The generated sync twins of ``_async/`` use the blocking half (``scripts/unasync.py`` renames
``AsyncSlots`` to ``Slots`` and ``async_gather`` to ``gather``); single flight is
:mod:`verifiedfan._primitives`' ``AsyncFlights``/``Flights``. Everything else is written once.

* :class:`AsyncSlots` / :class:`Slots`: at most ``n`` requests in flight.
* :func:`async_gather_ordered` / :func:`gather_ordered`: one function over many arguments,
  concurrently (async) or one after the other (sync), results in order.
* :func:`async_gather` / :func:`gather`: a few different calls, concurrently or in turn.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Sequence
from types import TracebackType
from typing import Any, TypeVar

__all__ = ["AsyncSlots", "Slots", "async_gather", "async_gather_ordered", "gather", "gather_ordered"]

T = TypeVar("T")
A = TypeVar("A")


class AsyncSlots:
    """An asyncio semaphore as an async context manager."""

    def __init__(self, n: int) -> None:
        self._semaphore = asyncio.Semaphore(n)

    async def __aenter__(self) -> None:
        await self._semaphore.acquire()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._semaphore.release()


class Slots:
    """A thread semaphore as a context manager."""

    def __init__(self, n: int) -> None:
        self._semaphore = threading.BoundedSemaphore(n)

    def __enter__(self) -> None:
        self._semaphore.acquire()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._semaphore.release()


async def async_gather_ordered(
    fn: Callable[[A], Awaitable[T]], args: Sequence[A], concurrency: int
) -> list[T]:
    """``[await fn(a) for a in args]``, at most ``concurrency`` at a time, results in order."""
    if concurrency <= 1 or len(args) <= 1:
        return [await fn(a) for a in args]
    semaphore = asyncio.Semaphore(concurrency)

    async def one(arg: A) -> T:
        async with semaphore:
            return await fn(arg)

    return list(await asyncio.gather(*(one(a) for a in args)))


def gather_ordered(fn: Callable[[A], T], args: Sequence[A], concurrency: int) -> list[T]:
    """The sync twin of :func:`async_gather_ordered`: one call after the other."""
    return [fn(a) for a in args]


async def async_gather(*calls: Callable[[], Awaitable[Any]]) -> list[Any]:
    """Run the ``calls`` concurrently; their results in order."""
    return list(await asyncio.gather(*(call() for call in calls)))


def gather(*calls: Callable[[], Any]) -> list[Any]:
    """The sync twin of :func:`async_gather`: the calls one after the other."""
    return [call() for call in calls]
