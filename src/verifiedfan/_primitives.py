"""The hand-written async/sync pairs that generated sync twins rely on (httpcore's ``_synchronization``).

An async source module uses the async names; ``scripts/unasync.py`` turns them into the blocking
names in the twin (``AsyncFlights`` -> ``Flights``, ``async_sleep`` -> ``sleep``). Everything whose
behaviour differs between the two worlds, beyond dropping ``await``, lives here and nowhere else:

* :class:`AsyncFlights` / :class:`Flights`: single flight per key (one task shared by the waiters /
  one leader thread, the followers wait on an event);
* :class:`AsyncLoopGuard` / :class:`LoopGuard`: an async client refuses at once to be used from a
  second event loop (:class:`EventLoopMismatchError`); a blocking client called inside a running
  event loop warns (:class:`BlockingCallWarning`), because it then blocks that loop;
* :func:`async_sleep` / :func:`sleep`.
"""

from __future__ import annotations

import asyncio
import functools
import sys
import threading
import time
import warnings
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from verifiedfan.errors import VFError

__all__ = [
    "AsyncFlights",
    "AsyncLoopGuard",
    "BlockingCallWarning",
    "EventLoopMismatchError",
    "Flights",
    "LoopGuard",
    "async_sleep",
    "sleep",
]

T = TypeVar("T")


class EventLoopMismatchError(VFError, RuntimeError):
    """An async client was used from an event loop other than the one it first ran in.

    Its connections belong to the first loop; used from another one they would hang and then fail
    with ``Event loop is closed``. Create one client per event loop (for example inside the function
    given to ``asyncio.run``, or in a fixture of the same scope as the test's loop), or use the
    ``Sync*`` twin from plain threads.
    """


class BlockingCallWarning(RuntimeWarning):
    """A blocking (``Sync*``) client was called from inside a running event loop, which it blocks."""


async def async_sleep(seconds: float) -> None:
    """``asyncio.sleep``; its twin is ``time.sleep``."""
    await asyncio.sleep(seconds)


def sleep(seconds: float) -> None:
    """``time.sleep``; the twin of :func:`async_sleep`."""
    time.sleep(seconds)


class AsyncLoopGuard:
    """Binds an async client to the first event loop that uses it."""

    __slots__ = ("_loop", "_owner")

    def __init__(self, owner: str) -> None:
        self._owner = owner
        self._loop: asyncio.AbstractEventLoop | None = None

    def check(self) -> None:
        """Raise :class:`EventLoopMismatchError` when called from another loop than the first one."""
        loop = asyncio.get_running_loop()
        if self._loop is loop:
            return
        if self._loop is None:
            self._loop = loop
            return
        raise EventLoopMismatchError(
            f"{self._owner} was first used in another event loop and cannot be used from this one: "
            "create one client per event loop (inside the coroutine that asyncio.run() runs, or in a "
            "fixture with the same scope as the test's event loop), or use its Sync twin from threads"
        )


class LoopGuard:
    """The twin of :class:`AsyncLoopGuard`: warns when a blocking call runs inside an event loop."""

    __slots__ = ("_owner",)

    def __init__(self, owner: str) -> None:
        self._owner = owner

    def check(self) -> None:
        """Warn with :class:`BlockingCallWarning` when this thread runs an event loop."""
        if asyncio._get_running_loop() is None:  # the exception-free form of get_running_loop()
            return
        warnings.warn(
            BlockingCallWarning(
                f"{self._owner} is a blocking client called inside a running event loop: the loop is "
                "blocked until the call returns. Use the async client (without the Sync prefix), or "
                "run this call in a thread (await asyncio.to_thread(...))."
            ),
            stacklevel=_caller_level(),
        )


def _caller_level() -> int:
    """The ``stacklevel`` of the first frame outside verifiedfan (the user's call)."""
    level, frame = 2, sys._getframe(2)
    while frame.f_back is not None and frame.f_globals.get("__name__", "").startswith("verifiedfan."):
        frame, level = frame.f_back, level + 1
    return level


class AsyncFlights:
    """Single flight per key: concurrent callers of :meth:`run` with one key share one call of ``fn``.

    The call runs as a task, so one caller giving up (cancelled) does not cancel the others' flight.
    """

    __slots__ = ("_tasks",)

    def __init__(self) -> None:
        self._tasks: dict[str, asyncio.Task[Any]] = {}

    async def run(self, key: str, fn: Callable[[], Awaitable[T]]) -> T:
        task = self._tasks.get(key)
        if task is None:

            async def call() -> T:
                return await fn()

            task = asyncio.get_running_loop().create_task(call())
            self._tasks[key] = task
            task.add_done_callback(functools.partial(self._done, key))
        result: T = await asyncio.shield(task)
        return result

    def __len__(self) -> int:
        return len(self._tasks)

    def _done(self, key: str, task: asyncio.Task[Any]) -> None:
        if self._tasks.get(key) is task:
            del self._tasks[key]
        if not task.cancelled():
            task.exception()  # retrieved: no "exception was never retrieved" when every waiter left


class _Flight:
    __slots__ = ("done", "error", "value")

    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: Any = None
        self.error: BaseException | None = None


class Flights:
    """The twin of :class:`AsyncFlights` across threads: one leader calls ``fn``, followers wait."""

    __slots__ = ("_flights", "_lock")

    def __init__(self) -> None:
        self._flights: dict[str, _Flight] = {}
        self._lock = threading.Lock()

    def run(self, key: str, fn: Callable[[], T]) -> T:
        with self._lock:
            flight = self._flights.get(key)
            leader = flight is None
            if flight is None:
                flight = self._flights[key] = _Flight()
        if not leader:
            flight.done.wait()
            if flight.error is not None:
                raise flight.error
            follower_value: T = flight.value
            return follower_value
        try:
            flight.value = fn()
        except BaseException as exc:
            flight.error = exc
            raise
        finally:
            with self._lock:
                del self._flights[key]
            flight.done.set()
        value: T = flight.value
        return value

    def __len__(self) -> int:
        return len(self._flights)
