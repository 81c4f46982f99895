from __future__ import annotations

from collections.abc import Callable

import pytest

from verifiedfan.errors import VFTimeoutError
from verifiedfan.testing.bdd import EventuallyTimeoutError, aeventually, eventually


class FakeTime:
    """A clock that only moves when the poller sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)


def sequence(*values: object) -> Callable[[], object]:
    items = list(values)

    def probe() -> object:
        item = items.pop(0) if len(items) > 1 else items[0]
        if isinstance(item, BaseException):
            raise item
        return item

    return probe


def test_returns_the_first_truthy_value() -> None:
    t = FakeTime()
    assert eventually(sequence(None, 0, "found"), clock=t.clock, sleep=t.sleep, interval=1.0) == "found"
    assert t.sleeps == [1.0, 1.0]


def test_until_decides_success() -> None:
    t = FakeTime()
    result = eventually(sequence(1, 2, 3), until=lambda v: v == 3, clock=t.clock, sleep=t.sleep)
    assert result == 3


def test_timeout_reports_the_last_observed_value() -> None:
    t = FakeTime()
    with pytest.raises(EventuallyTimeoutError) as info:
        eventually(
            sequence({"status": "pending"}),
            until=lambda v: v["status"] == "done",
            timeout=1.0,
            interval=0.25,
            description="the order to be done",
            clock=t.clock,
            sleep=t.sleep,
        )
    err = info.value
    assert err.last_value == {"status": "pending"}
    assert err.attempts == 5
    assert "the order to be done" in str(err)
    assert "last observed value: {'status': 'pending'}" in str(err)


def test_timeout_error_is_an_assertion_and_a_vf_timeout() -> None:
    t = FakeTime()
    with pytest.raises(EventuallyTimeoutError) as info:
        eventually(sequence(None), timeout=0.0, clock=t.clock, sleep=t.sleep)
    assert isinstance(info.value, AssertionError)
    assert isinstance(info.value, VFTimeoutError)
    assert info.value.attempts == 1


def test_assertion_errors_mean_not_yet_and_are_reported() -> None:
    t = FakeTime()
    with pytest.raises(EventuallyTimeoutError) as info:
        eventually(
            sequence(AssertionError("status differs: -done +pending")),
            timeout=1.0,
            clock=t.clock,
            sleep=t.sleep,
        )
    assert isinstance(info.value.last_error, AssertionError)
    assert "status differs: -done +pending" in str(info.value)


def test_a_retried_error_then_a_value_succeeds() -> None:
    t = FakeTime()
    assert eventually(sequence(AssertionError("no"), "ok"), clock=t.clock, sleep=t.sleep) == "ok"


def test_other_exceptions_propagate_at_once() -> None:
    t = FakeTime()
    with pytest.raises(KeyError):
        eventually(sequence(KeyError("boom"), "never"), clock=t.clock, sleep=t.sleep)
    assert t.sleeps == []


def test_the_last_sleep_stops_at_the_deadline() -> None:
    t = FakeTime()
    with pytest.raises(
        EventuallyTimeoutError, match=r"timed out after 1s \(4 attempts\) waiting for: .*probe"
    ):
        eventually(sequence(None), timeout=1.0, interval=0.4, clock=t.clock, sleep=t.sleep)
    assert t.sleeps == pytest.approx([0.4, 0.4, 0.2])


@pytest.mark.parametrize(("timeout", "interval"), [(-1.0, 0.1), (1.0, 0.0)])
def test_bad_timing_is_refused(timeout: float, interval: float) -> None:
    with pytest.raises(ValueError, match="must be"):
        eventually(lambda: True, timeout=timeout, interval=interval)


async def test_async_twin_awaits_async_probes() -> None:
    t = FakeTime()
    values = iter([None, None, 7])

    async def probe() -> int | None:
        return next(values)

    assert await aeventually(probe, clock=t.clock, sleep=t.asleep, interval=0.5) == 7
    assert t.sleeps == [0.5, 0.5]


async def test_async_twin_accepts_sync_probes_and_reports_timeouts() -> None:
    t = FakeTime()
    with pytest.raises(EventuallyTimeoutError) as info:
        await aeventually(list, timeout=1.0, clock=t.clock, sleep=t.asleep, description="a list")
    assert info.value.last_value == []
    assert "a list" in str(info.value)
