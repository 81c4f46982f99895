"""One event loop for a whole test session, on a background thread.

pytest-bdd steps are plain functions (pytest-bdd#223: no async steps), and giving each step its own
``asyncio.run`` breaks every client bound to a loop ("Event loop is closed", pymongo's
``AsyncMongoClient``, redis-py's pools). :class:`BddLoop` runs one loop on a daemon thread for the
session: a step hands it a coroutine with :meth:`BddLoop.run` and waits for the result, while tasks
started on it (the service under test, a consumer) keep running *between* steps. It works whether
or not pytest-asyncio has a loop running in the main thread.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Awaitable, Coroutine
from types import TracebackType
from typing import Any, TypeVar

from verifiedfan.errors import NotConnectedError, VFTimeoutError
from verifiedfan.testing.bdd._errors import BddUsageError

__all__ = ["BddLoop"]

logger = logging.getLogger(__name__)

T = TypeVar("T")


class BddLoop:
    """An asyncio loop on a daemon thread: ``loop.run(coro)`` from any other thread.

    ``default_timeout`` bounds every :meth:`run` (``None``: wait for ever) so that a hung
    coroutine fails the test instead of hanging CI; on timeout the coroutine is cancelled.
    """

    def __init__(self, *, name: str = "vf-bdd-loop", default_timeout: float | None = 300.0) -> None:
        self.name = name
        self.default_timeout = default_timeout
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._lock = threading.Lock()

    # -- lifecycle ------------------------------------------------------------------------------

    def start(self) -> BddLoop:
        """Start the thread and its loop (idempotent)."""
        with self._lock:
            if self._thread is None:
                self._loop = asyncio.new_event_loop()
                self._thread = threading.Thread(target=self._main, name=self.name, daemon=True)
                self._thread.start()
        self._ready.wait()
        return self

    def _main(self) -> None:
        loop = self._loop
        if loop is None:  # pragma: no cover - start() sets it first
            return
        asyncio.set_event_loop(loop)
        loop.call_soon(self._ready.set)
        try:
            loop.run_forever()
        finally:
            try:
                tasks = [t for t in asyncio.all_tasks(loop) if not t.done()]
                for task in tasks:
                    task.cancel()
                if tasks:
                    loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.run_until_complete(loop.shutdown_default_executor())
            finally:
                asyncio.set_event_loop(None)
                loop.close()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and self._loop is not None

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The loop (started on first access)."""
        if not self.running:
            if self._thread is not None:
                raise NotConnectedError(f"the {self.name} loop is closed")
            self.start()
        loop = self._loop
        if loop is None:  # pragma: no cover
            raise NotConnectedError(f"the {self.name} loop is closed")
        return loop

    def in_loop_thread(self) -> bool:
        return threading.current_thread() is self._thread

    def close(self, timeout: float = 30.0) -> None:
        """Cancel what still runs on the loop, close it and join the thread (idempotent)."""
        thread, loop = self._thread, self._loop
        if thread is None or loop is None or not thread.is_alive():
            return
        if self.in_loop_thread():
            raise BddUsageError("BddLoop.close() called from its own thread")
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout)
        if thread.is_alive():
            logger.warning("the %s thread did not stop within %ss", self.name, timeout)

    def __enter__(self) -> BddLoop:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- running work ---------------------------------------------------------------------------

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Schedule ``coro`` on the loop; a :class:`concurrent.futures.Future` of its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def run(self, awaitable: Awaitable[T], *, timeout: float | None = None) -> T:
        """Run ``awaitable`` on the loop and return its result (or raise its exception) here.

        ``timeout`` (default ``default_timeout``) cancels it and raises :class:`VFTimeoutError`.
        Calling it from the loop's own thread would deadlock: that raises :class:`BddUsageError`.
        """
        if self.in_loop_thread():
            if asyncio.iscoroutine(awaitable):
                awaitable.close()
            raise BddUsageError("BddLoop.run() called on the loop thread: await the coroutine instead")
        try:
            loop = self.loop
        except NotConnectedError:
            if asyncio.iscoroutine(awaitable):
                awaitable.close()  # never scheduled: no "coroutine was never awaited" warning
            raise
        coro = awaitable if asyncio.iscoroutine(awaitable) else _wrap(awaitable)
        future = asyncio.run_coroutine_threadsafe(coro, loop)
        limit = self.default_timeout if timeout is None else timeout
        done, _ = concurrent.futures.wait([future], timeout=limit)
        if not done:  # the coroutine's own TimeoutError must not be mistaken for this one
            future.cancel()
            raise VFTimeoutError(f"a coroutine on {self.name} did not finish within {limit}s")
        return future.result()


async def _wrap(awaitable: Awaitable[T]) -> T:
    return await awaitable
