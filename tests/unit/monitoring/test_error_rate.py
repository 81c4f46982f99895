"""ErrorRateMonitor against the PagerDuty sandbox (Events API v2 shapes), on an injected clock."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from verifiedfan.errors import ConfigurationError, NotFoundError, ValidationError
from verifiedfan.monitoring import ErrorRateMonitor, ErrorRateWindow, MonitorState, WindowCounts
from verifiedfan.partners import PagerDuty, PagerDutyRetryPolicy
from verifiedfan.testing.sandbox import PagerDutySandbox


class Clock:
    def __init__(self) -> None:
        self.now = 10_000.0

    def __call__(self) -> float:
        return self.now


async def no_sleep(seconds: float) -> None:
    return None


@pytest.fixture(scope="module")
def sandbox() -> Iterator[PagerDutySandbox]:
    with PagerDutySandbox() as running:
        yield running


@pytest.fixture
async def pd(sandbox: PagerDutySandbox) -> AsyncIterator[PagerDuty]:
    sandbox.reset()
    async with PagerDuty(
        routing_key=sandbox.routing_key, base_url=sandbox.url, retry=PagerDutyRetryPolicy(sleep=no_sleep)
    ) as client:
        yield client


@pytest.fixture
def clock() -> Clock:
    return Clock()


def monitor(pd: PagerDuty, clock: Clock, **options: object) -> ErrorRateMonitor:
    settings: dict[str, object] = {"threshold": 0.2, "window": 60.0, "min_calls": 10, "clock": clock}
    settings.update(options)
    return ErrorRateMonitor(pd, name="spotify", source="verification-svc", **settings)  # type: ignore[arg-type]


# the window on its own


def test_window_slides_with_the_clock(clock: Clock) -> None:
    window = ErrorRateWindow(60, buckets=6, clock=clock)
    for ok in (True, False, False, True):
        window.record(ok)
    assert window.counts() == WindowCounts(errors=2, total=4)
    assert window.counts().rate == 0.5
    clock.now += 30
    window.record(True)
    assert window.counts() == WindowCounts(errors=2, total=5)
    clock.now += 40  # the first four calls are now more than 60 s old
    assert window.counts() == WindowCounts(errors=0, total=1)
    clock.now += 60
    assert window.counts() == WindowCounts(0, 0)
    assert window.counts().rate == 0.0


def test_window_memory_is_bounded_by_buckets(clock: Clock) -> None:
    window = ErrorRateWindow(10, buckets=5, clock=clock)
    for _ in range(1000):
        window.record(False)
        clock.now += 0.5
    assert len(window._slices) <= 5
    assert window.counts().total <= 20


@pytest.mark.parametrize(("window", "buckets"), [(0, 5), (-1, 5), (float("inf"), 5), (10, 0), (10, 2.5)])
def test_window_settings_are_checked(window: float, buckets: int) -> None:
    with pytest.raises(ConfigurationError, match="must be"):
        ErrorRateWindow(window, buckets=buckets)


# the monitor, paging through the sandbox


async def test_one_incident_for_many_failures_then_resolved(
    pd: PagerDuty, sandbox: PagerDutySandbox, clock: Clock
) -> None:
    watch = monitor(pd, clock)
    for _ in range(8):
        watch.record(True)
    assert watch.record(False) is None  # 9 calls: under min_calls, nothing decided yet
    transition = watch.record(False, error=NotFoundError("gone", status=404))
    assert transition is not None
    assert transition.state is MonitorState.ALERTING
    assert (transition.counts, transition.last_error) == (WindowCounts(2, 10), "NotFoundError")
    for _ in range(30):  # the failures go on: no second trigger
        assert watch.record(False) is None
    await watch.flush()
    [incident] = sandbox.incidents()
    assert incident == {
        "number": 1,
        "dedup_key": "error-rate/verification-svc/spotify",
        "status": "triggered",
        "triggers": 1,
        "summary": "spotify: error rate 20% over the last 60 s (2 of 10 calls failed)",
        "source": "verification-svc",
        "severity": "critical",
    }
    clock.now += 61  # the bad minute is out of the window
    for _ in range(9):
        assert watch.record(True) is None
    resolved = watch.record(True)
    assert resolved is not None
    assert resolved.state is MonitorState.OK
    await watch.flush()
    assert [(i["number"], i["status"]) for i in sandbox.incidents()] == [(1, "resolved")]
    assert watch.state is MonitorState.OK


async def test_a_rate_between_the_levels_does_not_flap(
    pd: PagerDuty, sandbox: PagerDutySandbox, clock: Clock
) -> None:
    watch = monitor(pd, clock, resolve_below=0.05)
    for i in range(10):
        watch.record(i % 2 == 0)  # 50 %
    assert watch.state is MonitorState.ALERTING
    clock.now += 61
    for i in range(20):
        watch.record(i % 10 != 0)  # 10 %: under the threshold, above the resolve level
    assert watch.state is MonitorState.ALERTING
    await watch.flush()
    assert [i["status"] for i in sandbox.incidents()] == ["triggered"]


async def test_a_new_episode_opens_a_new_incident_under_the_same_key(
    pd: PagerDuty, sandbox: PagerDutySandbox, clock: Clock
) -> None:
    watch = monitor(pd, clock)
    for _ in range(10):
        watch.record(False)
    clock.now += 61
    for _ in range(10):
        watch.record(True)
    clock.now += 61
    for _ in range(10):
        watch.record(False)
    await watch.flush()
    incidents = sandbox.incidents()
    assert [(i["number"], i["status"]) for i in incidents] == [(1, "resolved"), (2, "triggered")]
    assert {i["dedup_key"] for i in incidents} == {"error-rate/verification-svc/spotify"}


async def test_a_failed_page_is_retried_on_the_next_call(
    pd: PagerDuty, sandbox: PagerDutySandbox, clock: Clock
) -> None:
    watch = monitor(pd, clock)
    sandbox.inject("400")  # PagerDuty refuses the event: never retried by the client
    for _ in range(10):
        watch.record(False)
    await watch.flush()
    assert (watch.failed_sends, watch.state) == (1, MonitorState.OK)
    assert sandbox.incidents() == []
    again = watch.record(False)
    assert again is not None
    await watch.flush()
    assert [i["status"] for i in sandbox.incidents()] == ["triggered"]


async def test_track_counts_errors_and_reraises(
    pd: PagerDuty, sandbox: PagerDutySandbox, clock: Clock
) -> None:
    watch = monitor(pd, clock, is_error=lambda exc: not isinstance(exc, ValidationError))
    for _ in range(5):
        async with watch.track():
            pass
    with pytest.raises(ValidationError, match="bad input"):
        async with watch.track():
            raise ValidationError("bad input")  # the caller's fault: not counted
    for _ in range(5):
        with pytest.raises(NotFoundError, match="down"):
            async with watch.track():
                raise NotFoundError("down", status=404)
    assert watch.counts() == WindowCounts(errors=5, total=10)
    assert watch.state is MonitorState.ALERTING
    await watch.flush()
    assert len(sandbox.incidents()) == 1


async def test_check_resolves_an_idle_service(pd: PagerDuty, sandbox: PagerDutySandbox, clock: Clock) -> None:
    watch = monitor(pd, clock, min_calls=1)
    watch.record(False)
    assert watch.state is MonitorState.ALERTING
    clock.now += 61
    assert watch.check() is None  # no calls at all in the window: nothing to judge on
    watch.record(True)
    assert watch.state is MonitorState.OK
    await watch.aclose()
    assert [i["status"] for i in sandbox.incidents()] == ["resolved"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"threshold": 0}, "threshold must be in"),
        ({"threshold": 1.5}, "threshold must be in"),
        ({"resolve_below": 0.3}, "resolve_below must be in"),
        ({"min_calls": 0}, "min_calls must be at least 1"),
        ({"severity": "fatal"}, "severity must be one of"),
        ({"dedup_key": "x" * 256}, "dedup_key must be 1 to 255"),
        ({"window": 0}, "window must be a positive number"),
    ],
)
def test_settings_are_checked(options: dict[str, object], message: str, clock: Clock) -> None:
    with pytest.raises(ConfigurationError, match=message):
        monitor(None, clock, **options)  # type: ignore[arg-type]


def test_name_and_source_are_required(clock: Clock) -> None:
    with pytest.raises(ConfigurationError, match="name must be a non-empty string"):
        ErrorRateMonitor(None, name=" ", source="svc")  # type: ignore[arg-type]


def test_record_outside_an_event_loop_is_a_configuration_error(clock: Clock) -> None:
    watch = ErrorRateMonitor(object(), name="spotify", source="svc", clock=clock)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="needs the running event loop"):
        watch.record(False)
    with pytest.raises(ConfigurationError, match=r"check\(\) needs the running event loop"):
        watch.check()
    assert watch.counts() == WindowCounts(0, 0)  # nothing counted
