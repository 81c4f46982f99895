"""SyncErrorRateMonitor (blocking services) against the PagerDuty sandbox, on an injected clock."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from verifiedfan.errors import NotConnectedError, NotFoundError
from verifiedfan.monitoring import MonitorState, SyncErrorRateMonitor, WindowCounts
from verifiedfan.partners import PagerDutyRetryPolicy, SyncPagerDuty
from verifiedfan.testing.sandbox import PagerDutySandbox

from .test_error_rate import Clock


def no_sleep(seconds: float) -> None:
    return None


@pytest.fixture(scope="module")
def sandbox() -> Iterator[PagerDutySandbox]:
    with PagerDutySandbox() as running:
        yield running


@pytest.fixture
def pd(sandbox: PagerDutySandbox) -> Iterator[SyncPagerDuty]:
    sandbox.reset()
    with SyncPagerDuty(
        routing_key=sandbox.routing_key, base_url=sandbox.url, retry=PagerDutyRetryPolicy(sync_sleep=no_sleep)
    ) as client:
        yield client


def test_one_incident_from_many_threads_then_resolved(pd: SyncPagerDuty, sandbox: PagerDutySandbox) -> None:
    clock = Clock()
    with SyncErrorRateMonitor(
        pd, name="spotify", source="lambda-worker", threshold=0.5, window=60, min_calls=10, clock=clock
    ) as watch:

        def fail(n: int) -> None:
            for _ in range(n):
                watch.record(False, error=NotFoundError("down", status=404))

        threads = [threading.Thread(target=fail, args=(25,)) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        watch.flush()
        assert watch.counts() == WindowCounts(100, 100)
        [incident] = sandbox.incidents()
        assert (incident["status"], incident["triggers"]) == ("triggered", 1)
        assert incident["dedup_key"] == "error-rate/lambda-worker/spotify"
        clock.now += 61
        for _ in range(10):
            with watch.track():
                pass
        assert watch.state is MonitorState.OK
    assert [i["status"] for i in sandbox.incidents()] == ["resolved"]  # close() sent it
    with pytest.raises(NotConnectedError, match="closed"):
        watch.record(True)


def test_track_reraises_and_a_failed_page_is_retried(pd: SyncPagerDuty, sandbox: PagerDutySandbox) -> None:
    watch = SyncErrorRateMonitor(pd, name="db", source="svc", min_calls=2, clock=Clock())
    sandbox.inject("400")
    for _ in range(2):
        with pytest.raises(NotFoundError, match="gone"), watch.track():
            raise NotFoundError("gone", status=404)
    watch.flush()
    assert (watch.failed_sends, watch.state, sandbox.incidents()) == (1, MonitorState.OK, [])
    watch.record(False)
    watch.close()
    assert [i["status"] for i in sandbox.incidents()] == ["triggered"]
