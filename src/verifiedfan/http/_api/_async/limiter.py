"""``AdaptiveLimiter``: a client-side request rate that learns an API's limit from its answers.

One limiter is shared by every task of a client (and may be shared by several clients of one app,
as a provider counts requests per app). Each attempt of a call takes a slot first
(:meth:`AdaptiveLimiter.acquire`) and reports its answer after (:meth:`AdaptiveLimiter.feedback`):

* slots are handed out in order at the current rate (GCRA: a theoretical arrival time moved on by
  ``1/rate`` per slot, never ahead of it; up to ``slack`` seconds of slots lost behind it are given
  back), so N waiting tasks go out evenly spaced; only
  the first caller in line sleeps on a timer (the others wait behind it), and each slot is placed
  when it is given, so a rate that changes applies at once;
* a 429 pauses every task until its ``Retry-After`` has passed and lowers the rate. With
  ``window`` (the provider's documented rolling window, Spotify's 30 s; its limit is not
  published) the new rate is ``1 - margin`` of the successes of the last ``window`` seconds over
  ``window`` (a rolling window of ``L`` requests refuses once ``L`` were accepted in it, so that
  count is ``L``), or of the rate just refused when that is lower.
  Without it, the first 429 estimates the limit as the successes so far over the time elapsed
  plus ``Retry-After`` (right for a first window that filled up), and a later one cuts the rate by
  ``decrease`` (multiplicative decrease). The 429s of requests sent before the limiter reacted
  count once;
* successes while tasks queue raise the rate again: quickly (time constant ``recovery`` seconds)
  back towards ``1 - margin`` of the rate that was last refused, then slowly (``probe`` per second)
  past it, so a raised limit is found;
* before the first 429 the rate starts at ``rate`` (or ``start_rate``) and doubles every
  ``ramp`` seconds while tasks queue (slow start); ``max_rate`` caps it throughout;
* a call that would have to wait past its deadline (``left`` of :meth:`acquire`, or
  ``max_wait``) fails at once with :class:`~verifiedfan.errors.VFTimeoutError`, the HTTP core's
  deadline error, and takes no slot.

The clock and the sleep are injectable, so tests never wait. ``_async/limiter.py`` is the source;
``_sync/limiter.py`` (``SyncAdaptiveLimiter``, blocking sleep) is generated from it. The state is
guarded by a thread lock held only between awaits, never across one.
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from verifiedfan.errors import ConfigurationError, VFTimeoutError

# unasync: async-only
__all__ = ["AdaptiveLimiter", "LimiterStats", "RequestLimiter"]
# unasync: end
# unasync: sync-only
# __all__ = ["LimiterStats", "SyncAdaptiveLimiter", "SyncRequestLimiter"]
# unasync: end


@runtime_checkable
class RequestLimiter(Protocol):
    """What the HTTP client asks of a limiter (:class:`AdaptiveLimiter`, Ticketmaster's fixed
    ``DiscoveryLimiter``): a slot before each attempt, the answer after it.

    ``acquire(left)`` waits for a slot (``left``: seconds before the call's deadline, ``None``
    without one) and returns a ticket, or raises :class:`~verifiedfan.errors.VFTimeoutError` at
    once when the slot is further away than ``left``. ``feedback(ticket, status, retry_after)`` is
    called exactly once per ticket: with the HTTP status, and the parsed ``Retry-After`` of a 429;
    status 0 when the attempt got no answer (network error, timeout, cancellation).
    """

    async def acquire(self, left: float | None = None) -> Any: ...

    def feedback(self, ticket: Any, status: int, retry_after: float | None = None) -> None: ...


@dataclass(frozen=True, slots=True)
class LimiterStats:
    """What a limiter has done so far (a snapshot)."""

    rate: float
    ceiling: float | None
    granted: int
    throttled: int
    refused: int
    decreases: int
    paused_until: float


class AdaptiveLimiter:
    """An adaptive client-side rate limit (see the module doc). Keyword arguments:

    * ``rate``: the starting rate in requests per second (default ``start_rate``, 10);
    * ``max_rate``: never faster than this (default: no cap);
    * ``min_rate``: never slower than this (default 1);
    * ``decrease``: the factor applied to the rate on a 429 (default 0.9);
    * ``recovery``: seconds (time constant) of the quick climb back after a 429;
    * ``ramp``: seconds per doubling of the rate before the first 429 (slow start, default 0.5);
    * ``probe``: relative increase per second once the last refused rate is reached (default 0.002);
    * ``margin``: the quick climb stops this fraction below the last refused rate (default 0.03);
    * ``slack``: seconds of slots that may go at once (default 0.02): the slots a sleeper lost by
      waking late (a busy event loop) are given back instead of lowering the real rate;
    * ``pause``: seconds paused after a 429 without ``Retry-After`` (default 1);
    * ``window``: the provider's rolling window in seconds, when documented (see the module doc);
    * ``max_wait``: the longest any call waits for a slot when it has no deadline (default: no bound).
    """

    def __init__(
        self,
        *,
        rate: float | None = None,
        max_rate: float | None = None,
        min_rate: float = 1.0,
        start_rate: float = 10.0,
        decrease: float = 0.9,
        recovery: float = 1.0,
        ramp: float = 0.5,
        probe: float = 0.002,
        margin: float = 0.03,
        slack: float = 0.02,
        pause: float = 1.0,
        window: float | None = None,
        max_wait: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        first = rate if rate is not None else start_rate
        if max_rate is not None:
            first = min(first, max_rate)
        checks = (
            min_rate > 0,
            first >= min_rate,
            max_rate is None or max_rate >= min_rate,
            0 < decrease < 1,
            recovery > 0,
            ramp > 0,
            probe >= 0,
            0 <= margin < 1,
            slack >= 0,
            pause >= 0,
            window is None or window > 0,
            max_wait is None or max_wait >= 0,
        )
        if not all(checks):
            raise ConfigurationError(
                "AdaptiveLimiter: rate >= min_rate > 0, max_rate >= min_rate, 0 < decrease < 1, "
                "recovery > 0, ramp > 0, probe >= 0, 0 <= margin < 1, slack >= 0, pause >= 0, window > 0, "
                "max_wait >= 0"
            )
        self.max_rate, self.min_rate = max_rate, min_rate
        self.decrease, self.recovery, self.ramp = decrease, recovery, ramp
        self.probe, self.margin = probe, margin
        self.slack, self.pause, self.window, self.max_wait = slack, pause, window, max_wait
        self._clock = clock
        self._sleep = sleep or _default_sleep
        self._lock = threading.Lock()  # the state (never held across an await)
        # the line of callers: the first sleeps until its slot, the others wait behind it
        # unasync: async-only
        self._gate: asyncio.Lock | None = None  # made on first use, inside the event loop
        # unasync: end
        # unasync: sync-only
        # self._gate = threading.Lock()
        # unasync: end
        self._waiting = 0
        now = clock()
        self._rate = first
        self._ceiling: float | None = None  # the rate last refused with a 429
        self._tat = now  # theoretical arrival time of the next slot
        self._paused_until = now
        self._updated = now
        self._queued = False  # whether the last slot had to wait (demand above the rate)
        self._epoch = 0  # one per 429 episode
        self._since: float | None = None  # successes counted since the first slot (first estimate)
        self._successes = 0
        self._log: deque[float] = deque()  # times of the successes of the last ``window`` seconds
        self._granted = self._throttled = self._refused = self._decreases = 0

    # -- the two calls of a request ---------------------------------------------------------------

    async def acquire(self, left: float | None = None) -> int:
        """Wait for a slot and take it; returns the ticket to give to :meth:`feedback`.

        ``left``: seconds the caller has left before its deadline. When the slot, as the callers
        already waiting and the current rate place it, is further away than that (or than
        ``max_wait``), :class:`~verifiedfan.errors.VFTimeoutError` is raised at once and no slot is
        taken; when a 429 or a lower rate later pushes the slot past the deadline, the error comes
        as soon as that is known, and at the latest at the deadline: never after it. Callers are
        served in order: the first waits for its slot, the others wait their turn behind it, so a
        rate that changes meanwhile applies to every slot not yet given."""
        start = self._clock()
        bound = self._bound(left)
        self._enter(bound)
        try:
            # unasync: async-only
            gate = self._gate
            if gate is None:
                gate = self._gate = asyncio.Lock()
            if bound is None or not gate.locked():
                await gate.acquire()
            else:
                try:
                    async with asyncio.timeout(max(bound, 0.0)):
                        await gate.acquire()
                except TimeoutError:
                    raise self._refuse(bound, bound) from None
            # unasync: end
            # unasync: sync-only
            # gate = self._gate
            # if not gate.acquire(timeout=-1 if bound is None else max(bound, 0.0)):
            #     raise self._refuse(bound or 0.0, bound or 0.0)
            # unasync: end
            try:
                slept = False
                while True:
                    remaining = None if bound is None else bound - (self._clock() - start)
                    wait = self._take(remaining, slept)
                    if wait <= 0:
                        return self._epoch
                    await self._sleep(wait)
                    slept = True
            finally:
                gate.release()
        finally:
            with self._lock:
                self._waiting -= 1

    def feedback(self, ticket: int, status: int, retry_after: float | None = None) -> None:
        """The answer to the request of ``ticket``: its HTTP status and, for a 429, the parsed
        ``Retry-After`` in seconds (``None`` when absent)."""
        now = self._clock()
        with self._lock:
            if status == 429:
                self._on_throttled(ticket, now, self.pause if retry_after is None else retry_after)
            elif status < 400:
                self._successes += 1
                if self.window is not None:
                    log = self._log
                    log.append(now)
                    horizon = now - self.window
                    while log[0] < horizon:
                        log.popleft()
                self._grow(now)

    # -- state ------------------------------------------------------------------------------------

    @property
    def rate(self) -> float:
        """The current rate in requests per second."""
        return self._rate

    def stats(self) -> LimiterStats:
        with self._lock:
            return LimiterStats(
                rate=self._rate,
                ceiling=self._ceiling,
                granted=self._granted,
                throttled=self._throttled,
                refused=self._refused,
                decreases=self._decreases,
                paused_until=self._paused_until,
            )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(rate={self._rate:.1f}/s, ceiling={self._ceiling})"

    # -- internals --------------------------------------------------------------------------------

    def _bound(self, left: float | None) -> float | None:
        if left is None:
            return self.max_wait
        return left if self.max_wait is None else min(left, self.max_wait)

    def _enter(self, bound: float | None) -> None:
        """Join the line, or VFTimeoutError at once when its estimated slot is past ``bound``."""
        with self._lock:
            if bound is not None:
                now = self._clock()
                slot = max(now, self._paused_until, self._tat)
                wait = slot - now + self._drain(self._waiting)
                if wait > 0 and wait >= bound:
                    raise self._refuse(wait, bound)
            self._waiting += 1

    def _drain(self, n: int) -> float:
        """Seconds to give ``n`` slots: at the current rate, or at the doubling rate of slow start
        (``n = r * ramp / ln 2 * (2 ** (t / ramp) - 1)``) until ``max_rate``."""
        rate = self._rate
        if n <= 0:
            return 0.0
        if self._ceiling is not None or (self.max_rate is not None and rate >= self.max_rate):
            return n / rate
        ramp = self.ramp
        drain = ramp * math.log2(1.0 + n * math.log(2.0) / (rate * ramp))
        if self.max_rate is not None and rate * 2.0 ** (drain / ramp) > self.max_rate:
            return n / self.max_rate + ramp  # capped: about the time at the cap, plus the climb
        return drain

    def _take(self, remaining: float | None, slept: bool) -> float:
        """Take the slot when it has come (0), else the wait before it; VFTimeoutError when the
        wait passes ``remaining``."""
        with self._lock:
            now = self._clock()
            interval = 1.0 / self._rate
            slot = max(now, self._paused_until, self._tat)
            wait = slot - now
            if wait > 0:
                if remaining is not None and wait >= remaining:
                    raise self._refuse(wait, remaining)
                return wait
            self._tat = max(self._tat, now - self.slack) + interval
            if self._since is None:
                self._since = now
            self._queued = slept or self._waiting > 1
            self._granted += 1
            return 0.0

    def _refuse(self, wait: float, left: float) -> VFTimeoutError:
        self._refused += 1
        return VFTimeoutError(
            f"rate limiter: the next slot is {wait:.3f}s away, past the call's deadline "
            f"({max(left, 0.0):.3f}s left; rate {self._rate:.1f}/s)"
        )

    def _on_throttled(self, ticket: int, now: float, retry_after: float) -> None:
        self._throttled += 1
        until = now + retry_after
        if until > self._paused_until:
            self._paused_until = until
            self._tat = max(self._tat, until)
        if ticket != self._epoch:
            return  # sent before the limiter reacted to this episode: already counted
        self._epoch += 1
        self._decreases += 1
        if self.window is not None:
            # The server's window is full: what it accepted from us in it, per second.
            horizon = now - self.window
            accepted = sum(1 for t in self._log if t >= horizon)
            # never above the rate just refused: a count that came out high would be refused again
            self._ceiling = max(min(accepted / self.window, self._rate), self.min_rate)
            estimate = self._ceiling * (1.0 - self.margin)
        elif self._ceiling is None:
            # The first refusal: the accepted rate so far, over the time until a place frees.
            elapsed = now - (now if self._since is None else self._since)
            seen = self._successes / max(elapsed + retry_after, 1e-9)
            self._ceiling = max(self._rate, seen)
            estimate = min(self._rate, seen)
        else:
            self._ceiling = self._rate
            estimate = self._rate * self.decrease
        self._rate = self._bounded(estimate)
        self._updated = until

    def _grow(self, now: float) -> None:
        dt = now - self._updated
        if dt <= 0:
            return
        self._updated = now
        if not self._queued:
            return  # no caller waits: the rate is not what holds them back
        rate, ceiling = self._rate, self._ceiling
        if ceiling is None:
            rate *= 2.0 ** (dt / self.ramp)  # slow start
        else:
            target = ceiling * (1.0 - self.margin)
            if rate < target:
                rate += (target - rate) * -math.expm1(-dt / self.recovery)
            else:
                rate *= 1.0 + self.probe * dt
        self._rate = self._bounded(rate)

    def _bounded(self, rate: float) -> float:
        rate = max(rate, self.min_rate)
        return rate if self.max_rate is None else min(rate, self.max_rate)


async def _default_sleep(seconds: float) -> None:
    await asyncio.sleep(seconds)
