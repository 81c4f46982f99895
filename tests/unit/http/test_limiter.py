"""AdaptiveLimiter on an injected clock: nothing here sleeps for real or reads the wall clock."""

from __future__ import annotations

import asyncio
import itertools
import math
import threading

import httpx
import pytest

from verifiedfan.errors import ConfigurationError, VFTimeoutError
from verifiedfan.http import (
    AdaptiveLimiter,
    HttpClient,
    RequestLimiter,
    RetryPolicy,
    SyncAdaptiveLimiter,
    SyncHttpClient,
    SyncRequestLimiter,
)


class Clock:
    """A monotonic clock that moves only when told or slept on (the limiter lets one caller sleep
    at a time); ``wakes`` records when each sleep ended."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.wakes: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        self.wakes.append(self.now)
        await asyncio.sleep(0)  # let the other tasks run, as a real sleep would

    def sync_sleep(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds
            self.wakes.append(self.now)


def _limiter(clock: Clock, **options: float) -> AdaptiveLimiter:
    options.setdefault("slack", 0.0)  # exact spacing; the slack has a test of its own
    return AdaptiveLimiter(clock=clock, sleep=clock.sleep, **options)  # type: ignore[arg-type]


def test_both_limiters_are_request_limiters() -> None:
    clock = Clock()
    assert isinstance(_limiter(clock), RequestLimiter)
    assert isinstance(SyncAdaptiveLimiter(clock=clock, sleep=clock.sync_sleep), SyncRequestLimiter)


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ConfigurationError, match="decrease"):
        AdaptiveLimiter(decrease=1.5)
    with pytest.raises(ConfigurationError, match="min_rate"):
        AdaptiveLimiter(rate=0.5, min_rate=1.0)


async def test_slots_go_out_evenly_spaced_at_the_rate() -> None:
    clock = Clock()
    limiter = _limiter(clock, rate=50.0)
    await asyncio.gather(*(limiter.acquire() for _ in range(11)))
    # the first goes at once; the other ten wake 1/50 s apart, in order
    assert clock.wakes == pytest.approx([1000.0 + i / 50 for i in range(1, 11)])
    assert limiter.stats().granted == 11


async def test_slots_lost_to_a_late_wake_up_are_given_back_within_the_slack() -> None:
    clock = Clock()
    limiter = _limiter(clock, rate=100.0, slack=0.05)
    await limiter.acquire()  # 1000.00; the next slot is due at 1000.01
    clock.now += 0.04  # the event loop was busy: the caller comes 30 ms late
    await asyncio.gather(*(limiter.acquire() for _ in range(4)))
    assert clock.wakes == []  # slots 1000.01-1000.04 were owed: all four go at once
    await limiter.acquire()
    assert clock.wakes == [pytest.approx(1000.05)]  # then the rate holds again
    clock.now += 10.0  # a quiet spell: the slot due now and at most 0.05 s of owed ones (5) go at once
    await asyncio.gather(*(limiter.acquire() for _ in range(8)))
    assert clock.wakes[1:] == [pytest.approx(1010.06), pytest.approx(1010.07)]


async def test_a_retry_after_pauses_every_task_and_lowers_the_rate() -> None:
    clock = Clock()
    limiter = _limiter(clock, rate=100.0)
    ticket = await limiter.acquire()
    for _ in range(9):  # nine answers so far: 9 successes in 0 s
        limiter.feedback(ticket, 200)
    clock.now += 1.0
    limiter.feedback(ticket, 429, retry_after=2.0)
    assert limiter.stats().paused_until == pytest.approx(1003.0)
    # the first estimate: 9 successes over 1 s elapsed plus the 2 s until a place frees
    assert limiter.rate == pytest.approx(3.0)
    await asyncio.gather(*(limiter.acquire() for _ in range(30)))
    assert len(clock.wakes) == 30
    assert min(clock.wakes) == pytest.approx(1003.0)  # no task goes before the pause ends
    gaps = [b - a for a, b in itertools.pairwise(clock.wakes)]
    assert gaps == pytest.approx([1 / 3.0] * 29)  # and then at the lowered rate


async def test_the_429s_of_one_episode_lower_the_rate_once() -> None:
    clock = Clock()
    limiter = _limiter(clock, rate=100.0, min_rate=1.0)
    tickets = await asyncio.gather(*(limiter.acquire() for _ in range(20)))
    for ticket in tickets:
        limiter.feedback(ticket, 200)
    clock.now += 1.0
    for ticket in tickets:  # twenty requests sent before the first refusal came back
        limiter.feedback(ticket, 429, retry_after=1.0)
    first = limiter.stats()
    assert (first.decreases, first.throttled) == (1, 20)
    clock.now = first.paused_until
    later = await limiter.acquire()
    limiter.feedback(later, 429, retry_after=1.0)  # sent after the reaction: a new episode
    second = limiter.stats()
    assert second.decreases == 2
    assert second.rate == pytest.approx(first.rate * 0.9)
    assert second.ceiling == pytest.approx(first.rate)


async def test_the_rate_recovers_after_successes_while_tasks_queue() -> None:
    clock = Clock()
    limiter = _limiter(clock, rate=100.0, recovery=1.0, margin=0.02)
    ticket = await limiter.acquire()
    for _ in range(100):
        limiter.feedback(ticket, 200)
    clock.now += 1.0
    limiter.feedback(ticket, 429, retry_after=1.0)  # 100 / (1 + 1): down to 50/s, ceiling 100/s
    assert limiter.rate == pytest.approx(50.0)
    clock.now += 1.0
    rates = []
    for _ in range(60):  # a queue of callers, one answer every 0.1 s
        await asyncio.gather(*(limiter.acquire() for _ in range(3)))
        clock.now += 0.1
        limiter.feedback(limiter.stats().decreases, 200)
        rates.append(limiter.rate)
        # an exponential climb (time constant 1 s) from 50/s towards 98/s, 2 % under the refused 100/s
        assert limiter.rate == pytest.approx(98 - 48 * math.exp(-(clock.now - 1002.0)))
    assert all(b >= a for a, b in itertools.pairwise(rates))
    assert 0.97 * 98 < rates[-1] < 100  # back just under the rate that was refused, not past it yet


async def test_the_rate_does_not_grow_while_nobody_waits() -> None:
    clock = Clock()
    limiter = _limiter(clock, rate=20.0)
    for _ in range(50):
        ticket = await limiter.acquire()
        clock.now += 0.5  # far slower than the rate: no caller ever waits
        limiter.feedback(ticket, 200)
    assert limiter.rate == 20.0
    assert clock.wakes == []


async def test_slow_start_doubles_until_the_first_429() -> None:
    clock = Clock()
    limiter = _limiter(clock, rate=10.0, ramp=0.5)
    for _ in range(3):
        await asyncio.gather(*(limiter.acquire() for _ in range(3)))
        clock.now += 0.5
        limiter.feedback(0, 200)
        assert limiter.rate == pytest.approx(10.0 * 2 ** ((clock.now - 1000.0) / 0.5))  # doubles every 0.5 s
    assert limiter.rate > 80.0


async def test_max_rate_caps_the_climb() -> None:
    clock = Clock()
    limiter = _limiter(clock, rate=10.0, max_rate=25.0)
    for _ in range(5):
        await asyncio.gather(*(limiter.acquire() for _ in range(3)))
        clock.now += 1.0
        limiter.feedback(0, 200)
    assert limiter.rate == 25.0


async def test_with_a_window_the_limit_is_what_the_window_accepted() -> None:
    clock = Clock()
    limiter = _limiter(clock, rate=1000.0, window=2.0, margin=0.02)
    ticket = await limiter.acquire()
    for _ in range(400):  # 100 successes a second for 4 s: 200 of them in the last 2 s
        clock.now += 0.01
        limiter.feedback(ticket, 200)
    limiter.feedback(ticket, 429, retry_after=1.0)
    stats = limiter.stats()
    assert stats.ceiling == pytest.approx(100.0, rel=0.01)  # the edge of the window may hold one more
    assert stats.rate == pytest.approx(stats.ceiling * 0.98)
    clock.now = stats.paused_until
    ticket = await limiter.acquire()
    for _ in range(300):  # the window now counts 150/s (answers that came in late, say)...
        clock.now += 1 / 150
        limiter.feedback(ticket, 200)
    limiter.feedback(ticket, 429, retry_after=1.0)
    again = limiter.stats()
    assert again.ceiling == pytest.approx(stats.rate)  # ...but the rate just refused was lower
    assert again.rate == pytest.approx(stats.rate * 0.98)


async def test_a_wait_past_the_deadline_fails_at_once_and_takes_no_slot() -> None:
    clock = Clock()
    limiter = _limiter(clock, rate=10.0)
    ticket = await limiter.acquire()
    limiter.feedback(ticket, 429, retry_after=5.0)
    granted = limiter.stats().granted
    with pytest.raises(VFTimeoutError, match="past the call's deadline"):
        await limiter.acquire(left=4.9)
    stats = limiter.stats()
    assert (stats.refused, stats.granted) == (1, granted)
    assert clock.wakes == []  # refused without waiting
    await limiter.acquire(left=5.5)  # a deadline after the pause waits for it
    assert clock.wakes == [pytest.approx(1005.0)]


async def test_max_wait_bounds_calls_without_a_deadline() -> None:
    clock = Clock()
    limiter = _limiter(clock, rate=10.0, max_wait=0.5)
    limiter.feedback(await limiter.acquire(), 429, retry_after=3.0)
    with pytest.raises(VFTimeoutError):
        await limiter.acquire()


async def test_a_429_during_a_sleep_moves_the_sleeper_behind_the_new_pause() -> None:
    clock = Clock()
    limiter = _limiter(clock, rate=10.0)
    first = await limiter.acquire()
    waiter = asyncio.ensure_future(limiter.acquire())
    await asyncio.sleep(0)  # the waiter reserved 1000.1 and sleeps
    limiter.feedback(first, 429, retry_after=2.0)
    await waiter
    assert clock.wakes[0] == pytest.approx(1000.1)
    assert clock.wakes[-1] >= 1002.0


async def test_many_tasks_share_one_limiter_without_losing_a_slot() -> None:
    clock = Clock()
    limiter = _limiter(clock, rate=200.0)
    await asyncio.gather(*(limiter.acquire() for _ in range(2000)))
    assert limiter.stats().granted == 2000
    assert len(set(clock.wakes)) == 1999  # every sleeper has its own slot
    assert max(clock.wakes) == pytest.approx(1000.0 + 1999 / 200)


def test_the_sync_twin_is_thread_safe() -> None:
    clock = Clock()
    limiter = SyncAdaptiveLimiter(rate=100.0, slack=0.0, clock=clock, sleep=clock.sync_sleep)
    threads = [threading.Thread(target=lambda: [limiter.acquire() for _ in range(250)]) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert limiter.stats().granted == 2000
    assert sorted(clock.wakes) == pytest.approx([1000.0 + i / 100 for i in range(1, 2000)])


# -- through the HTTP client ----------------------------------------------------------------------


def _answers(statuses: list[int], seen: list[str]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        status = statuses.pop(0) if statuses else 200
        headers = {"retry-after": "2"} if status == 429 else {}
        return httpx.Response(status, json={"ok": status}, headers=headers)

    return httpx.MockTransport(handle)


async def test_the_http_client_paces_attempts_and_learns_from_a_429() -> None:
    clock = Clock()
    limiter = _limiter(clock, rate=10.0)
    seen: list[str] = []
    policy = RetryPolicy(clock=clock, sleep=clock.sleep, jitter=lambda: 1.0)
    transport = _answers([429], seen)
    async with HttpClient(service_name="t", base_url="http://x", retry=policy, transport=transport) as http:
        response = await http.request("GET", "/a", limiter=limiter)
    assert response.status_code == 200
    assert seen == ["/a", "/a"]
    stats = limiter.stats()
    assert (stats.granted, stats.throttled, stats.decreases) == (2, 1, 1)
    # the retry waited for the limiter's pause (Retry-After: 2), not a second time in the core
    assert clock.wakes == [pytest.approx(1002.0)]


async def test_the_http_client_refuses_a_call_whose_slot_is_past_its_deadline() -> None:
    clock = Clock()
    limiter = _limiter(clock, rate=10.0)
    limiter.feedback(await limiter.acquire(), 429, retry_after=30.0)
    seen: list[str] = []
    policy = RetryPolicy(clock=clock, sleep=clock.sleep, deadline=5.0)
    transport = _answers([], seen)
    async with HttpClient(
        service_name="t", base_url="http://x", retry=policy, transport=transport, limiter=limiter
    ) as http:
        with pytest.raises(VFTimeoutError, match="deadline"):
            await http.request("GET", "/a")
    assert seen == []  # nothing was sent


def test_the_sync_http_client_reports_every_answer() -> None:
    clock = Clock()
    limiter = SyncAdaptiveLimiter(rate=10.0, clock=clock, sleep=clock.sync_sleep)
    seen: list[str] = []
    policy = RetryPolicy(clock=clock, sync_sleep=clock.sync_sleep, jitter=lambda: 1.0)
    with SyncHttpClient(
        service_name="t",
        base_url="http://x",
        retry=policy,
        transport=_answers([429, 429], seen),
        limiter=limiter,
    ) as http:
        assert http.request("GET", "/a").status_code == 200
    stats = limiter.stats()
    assert (stats.granted, stats.throttled) == (3, 2)
    assert len(seen) == 3
