from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from verifiedfan.errors import NotConnectedError, VFTimeoutError
from verifiedfan.testing.bdd import BddLoop, BddUsageError


@pytest.fixture
def loop() -> Iterator[BddLoop]:
    with BddLoop(name="test-loop") as running:
        yield running


async def answer() -> int:
    await asyncio.sleep(0)
    return 42


def test_run_returns_the_result(loop: BddLoop) -> None:
    assert loop.run(answer()) == 42


def test_run_raises_the_coroutine_error(loop: BddLoop) -> None:
    async def boom() -> None:
        raise KeyError("x")

    with pytest.raises(KeyError):
        loop.run(boom())


def test_every_run_uses_the_same_loop(loop: BddLoop) -> None:
    async def current() -> asyncio.AbstractEventLoop:
        return asyncio.get_running_loop()

    assert loop.run(current()) is loop.run(current()) is loop.loop


def test_tasks_keep_running_between_runs(loop: BddLoop) -> None:
    ticks: list[int] = []
    ready = asyncio.Event()

    async def service() -> None:
        while True:
            ticks.append(1)
            ready.set()
            await asyncio.sleep(0.001)

    async def start() -> asyncio.Task[None]:
        return asyncio.create_task(service())

    task = loop.run(start())
    loop.run(ready.wait(), timeout=10)
    assert ticks
    loop.run(_cancel(task))


async def _cancel(task: asyncio.Task[None]) -> None:
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


def test_a_hung_coroutine_times_out_and_is_cancelled(loop: BddLoop) -> None:
    cancelled = asyncio.Event()

    async def hang() -> None:
        try:
            await asyncio.Event().wait()
        finally:
            cancelled.set()

    with pytest.raises(VFTimeoutError, match=r"did not finish within 0\.05s"):
        loop.run(hang(), timeout=0.05)
    loop.run(cancelled.wait(), timeout=10)


def test_the_coroutines_own_timeout_error_passes_through(loop: BddLoop) -> None:
    async def own() -> None:
        raise TimeoutError("mine")

    with pytest.raises(TimeoutError, match="mine"):
        loop.run(own())


def test_run_from_the_loop_thread_is_refused(loop: BddLoop) -> None:
    async def nested() -> None:
        loop.run(answer())

    with pytest.raises(BddUsageError, match="await the coroutine instead"):
        loop.run(nested())


def test_close_cancels_pending_tasks_and_further_runs_fail() -> None:
    loop = BddLoop().start()
    cancelled: list[bool] = []

    async def forever() -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.append(True)
            raise

    async def start() -> None:
        asyncio.create_task(forever())  # noqa: RUF006 - left running on purpose
        await asyncio.sleep(0)

    loop.run(start())
    loop.close()
    assert cancelled == [True]
    with pytest.raises(NotConnectedError, match=r"loop is closed"):
        loop.run(answer())
