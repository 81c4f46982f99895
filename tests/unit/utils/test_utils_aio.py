"""map_async_parallel (always bounded), map_async_serial, delay."""

from __future__ import annotations

import asyncio

import pytest

from verifiedfan.errors import ValidationError
from verifiedfan.utils import DEFAULT_CONCURRENCY, delay, map_async_parallel, map_async_serial


class Tracker:
    def __init__(self) -> None:
        self.running = 0
        self.peak = 0
        self.started: list[int] = []
        self.cancelled: list[int] = []

    async def work(self, item: int) -> int:
        self.started.append(item)
        self.running += 1
        self.peak = max(self.peak, self.running)
        try:
            for _ in range(3):
                await asyncio.sleep(0)
            return item * 10
        except asyncio.CancelledError:
            self.cancelled.append(item)
            raise
        finally:
            self.running -= 1


async def test_parallel_results_are_in_input_order() -> None:
    async def slow_first(item: int) -> int:
        for _ in range(10 - item):
            await asyncio.sleep(0)
        return item

    assert await map_async_parallel(slow_first, range(10), concurrency=10) == list(range(10))


async def test_parallel_never_exceeds_the_concurrency_limit() -> None:
    tracker = Tracker()
    await map_async_parallel(tracker.work, range(50), concurrency=4)
    assert tracker.peak == 4


async def test_parallel_default_limit_is_bounded() -> None:
    tracker = Tracker()
    await map_async_parallel(tracker.work, range(100))
    assert tracker.peak == DEFAULT_CONCURRENCY


async def test_parallel_first_exception_propagates_unwrapped_and_cancels_the_rest() -> None:
    tracker = Tracker()

    async def fn(item: int) -> int:
        if item == 2:
            raise KeyError("boom")
        return await tracker.work(item)

    with pytest.raises(KeyError, match="boom"):
        await map_async_parallel(fn, range(20), concurrency=3)
    assert tracker.cancelled  # the calls in flight were cancelled
    assert tracker.running == 0
    assert max(tracker.started) < 19  # later items were never started


async def test_parallel_with_no_items() -> None:
    assert await map_async_parallel(Tracker().work, []) == []


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, None])
async def test_parallel_rejects_a_bad_concurrency(bad: object) -> None:
    with pytest.raises(ValidationError, match="concurrency must be an integer >= 1"):
        await map_async_parallel(Tracker().work, [1], concurrency=bad)  # type: ignore[arg-type]


async def test_parallel_rejects_a_non_callable() -> None:
    with pytest.raises(ValidationError, match="fn must be callable"):
        await map_async_parallel("nope", [1])  # type: ignore[arg-type]


async def test_serial_runs_one_at_a_time_in_order() -> None:
    tracker = Tracker()
    assert await map_async_serial(tracker.work, [3, 1, 2]) == [30, 10, 20]
    assert (tracker.peak, tracker.started) == (1, [3, 1, 2])


async def test_serial_stops_at_the_first_exception() -> None:
    seen: list[int] = []

    async def fn(item: int) -> int:
        seen.append(item)
        if item == 1:
            raise ValueError("bad item")
        return item

    with pytest.raises(ValueError, match="bad item"):
        await map_async_serial(fn, [0, 1, 2])
    assert seen == [0, 1]


async def test_delay_sleeps_the_given_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(asyncio, "sleep", fake_sleep)
    await delay(0.25)
    assert slept == [0.25]


@pytest.mark.parametrize("bad", [-1, float("nan"), float("inf"), "1", True])
async def test_delay_rejects_bad_durations(bad: object) -> None:
    with pytest.raises(ValidationError, match=r"delay needs a (finite|non-negative) number of seconds"):
        await delay(bad)  # type: ignore[arg-type]
