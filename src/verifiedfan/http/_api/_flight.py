"""The few primitives where async and sync code truly differ, written by hand as pairs.

The generated sync twins of ``_async/`` use the ``Sync*`` half (``scripts/unasync.py`` renames
``AsyncFlight`` to ``SyncFlight``...). Everything else in the API-client base is written once.

* :class:`AsyncFlight` / :class:`SyncFlight`: one run per key at a time, shared by the callers
  that ask while it runs (single flight: one token refresh per refresh token).
* :class:`AsyncSlots` / :class:`SyncSlots`: at most ``n`` requests in flight.
* :func:`agather_ordered` / :func:`gather_ordered`: run calls concurrently (async) or one after
  the other (sync), results in order.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Sequence
from types import TracebackType
from typing import Generic, TypeVar

__all__ = ["AsyncFlight", "AsyncSlots", "SyncFlight", "SyncSlots", "agather_ordered", "gather_ordered"]

T = TypeVar("T")
A = TypeVar("A")


class AsyncFlight(Generic[T]):
    """Concurrent callers of :meth:`run` with the same key share one run of ``fn``. A cancelled
    caller does not cancel the run the others wait for."""

    def __init__(self) -> None:
        self._inflight: dict[str, asyncio.Future[T]] = {}

    async def run(self, key: str, fn: Callable[[], Awaitable[T]]) -> T:
        pending = self._inflight.get(key)
        if pending is None:
            pending = asyncio.ensure_future(fn())
            self._inflight[key] = pending
            pending.add_done_callback(lambda task: self._done(key, task))
        return await asyncio.shield(pending)

    def _done(self, key: str, task: asyncio.Future[T]) -> None:
        if self._inflight.get(key) is task:
            del self._inflight[key]
        if not task.cancelled():
            task.exception()  # retrieved here so an unawaited failure is not reported as lost


class SyncFlight(Generic[T]):
    """The thread twin of :class:`AsyncFlight`: one lock per key; a thread that waited for the lock
    runs ``fn`` again only if ``fn`` itself does not find the work done (callers re-check state)."""

    def __init__(self, max_keys: int = 50_000) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._max = max_keys

    def run(self, key: str, fn: Callable[[], T]) -> T:
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
            if len(self._locks) > self._max:
                self._locks = {key: lock}
        with lock:
            return fn()


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


class SyncSlots:
    """A thread semaphore as a context manager."""

    def __init__(self, n: int) -> None:
        self._semaphore = threading.BoundedSemaphore(n)

    def __enter__(self) -> None:
        self._semaphore.acquire()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._semaphore.release()


async def agather_ordered(fn: Callable[[A], Awaitable[T]], args: Sequence[A], concurrency: int) -> list[T]:
    """``[await fn(a) for a in args]``, at most ``concurrency`` at a time, results in order."""
    if concurrency <= 1 or len(args) <= 1:
        return [await fn(a) for a in args]
    semaphore = asyncio.Semaphore(concurrency)

    async def one(arg: A) -> T:
        async with semaphore:
            return await fn(arg)

    return list(await asyncio.gather(*(one(a) for a in args)))


def gather_ordered(fn: Callable[[A], T], args: Sequence[A], concurrency: int) -> list[T]:
    """The sync twin of :func:`agather_ordered`: one call after the other."""
    return [fn(a) for a in args]
