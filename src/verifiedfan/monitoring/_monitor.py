"""``ErrorRateMonitor``: errors over a sliding window above a threshold open ONE incident, and a rate
back under the resolve level closes it (use-cases scenario 3)."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from verifiedfan.errors import ConfigurationError
from verifiedfan.monitoring._window import ErrorRateWindow, WindowCounts

__all__ = ["ErrorRateMonitor", "MonitorState", "Pager", "Transition"]

logger = logging.getLogger(__name__)

SEVERITIES = frozenset({"critical", "error", "warning", "info"})
MAX_DEDUP_KEY = 255


def _require_loop(method: str) -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        raise ConfigurationError(
            f"error-rate monitor: {method}() needs the running event loop that sends the alerts"
        ) from None


class Pager(Protocol):
    """What the monitor needs from an alerting client: :class:`verifiedfan.partners.PagerDuty` fits."""

    async def trigger(
        self,
        summary: str,
        source: str,
        severity: str,
        *,
        dedup_key: str | None = None,
        custom_details: Mapping[str, Any] | None = None,
    ) -> Any: ...

    async def resolve(self, dedup_key: str) -> Any: ...


class MonitorState(StrEnum):
    OK = "ok"
    ALERTING = "alerting"


@dataclass(frozen=True, slots=True)
class Transition:
    """The monitor changed state: ``ALERTING`` (an incident is triggered) or ``OK`` (resolved)."""

    state: MonitorState
    counts: WindowCounts
    last_error: str | None


class ErrorRateMonitor:
    """Watches the outcomes a service reports and pages when too many fail.

    ``record(ok)`` (or ``async with monitor.track(): ...``) counts one call in a sliding window of
    ``window`` seconds. When at least ``min_calls`` calls are in the window and the error rate reaches
    ``threshold`` (a fraction: 0.05 is 5 %), the monitor triggers one incident on ``pager`` with a
    stable deduplication key (``dedup_key``, default ``error-rate/<source>/<name>``): one incident for
    the whole episode, not one per failure, and PagerDuty folds a replayed trigger into the same one.
    When, again over at least ``min_calls`` calls, the rate falls to ``resolve_below`` or lower
    (default: half the threshold, so a rate hovering at the threshold does not flap), it resolves the
    incident. Alerts are sent in background tasks, in order, off the caller's path (PagerDuty's own
    retries can hold a call for ~90 s); ``await flush()`` waits for them. A failed send is logged and
    retried on the next evaluation. ``clock`` (monotonic seconds) is injectable for tests.
    """

    def __init__(
        self,
        pager: Pager,
        *,
        name: str,
        source: str,
        threshold: float = 0.05,
        window: float = 300.0,
        min_calls: int = 20,
        resolve_below: float | None = None,
        severity: str = "critical",
        dedup_key: str | None = None,
        buckets: int = 60,
        is_error: Callable[[BaseException], bool] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        for label, text in (("name", name), ("source", source)):
            if not isinstance(text, str) or not text.strip():
                raise ConfigurationError(f"error-rate monitor: {label} must be a non-empty string")
        if not (isinstance(threshold, int | float) and 0 < threshold <= 1):
            raise ConfigurationError(f"error-rate monitor: threshold must be in (0, 1], got {threshold!r}")
        resolve = threshold / 2 if resolve_below is None else resolve_below
        if not (isinstance(resolve, int | float) and 0 <= resolve < threshold and math.isfinite(resolve)):
            raise ConfigurationError("error-rate monitor: resolve_below must be in [0, threshold)")
        if not isinstance(min_calls, int) or min_calls < 1:
            raise ConfigurationError(f"error-rate monitor: min_calls must be at least 1, got {min_calls!r}")
        if severity not in SEVERITIES:
            raise ConfigurationError(f"error-rate monitor: severity must be one of {sorted(SEVERITIES)}")
        key = dedup_key if dedup_key is not None else f"error-rate/{source}/{name}"
        if not key or len(key) > MAX_DEDUP_KEY:
            raise ConfigurationError(f"error-rate monitor: dedup_key must be 1 to {MAX_DEDUP_KEY} characters")
        self.name, self.source, self.severity, self.dedup_key = name, source, severity, key
        self.threshold, self.resolve_below, self.min_calls = float(threshold), float(resolve), min_calls
        self._window = ErrorRateWindow(window, buckets=buckets, clock=clock)
        self._pager = pager
        self._is_error = is_error or (lambda exc: True)
        self._state = MonitorState.OK
        self._last_error: str | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._send_lock: asyncio.Lock | None = None
        self.failed_sends = 0

    # -- what the service calls -------------------------------------------------------------------
    @property
    def state(self) -> MonitorState:
        return self._state

    def counts(self) -> WindowCounts:
        """The window's counts as of now."""
        return self._window.counts()

    def record(self, ok: bool, *, error: BaseException | None = None) -> Transition | None:
        """Count one call and evaluate; returns the transition it caused (its alert is being sent).

        Call it from the event loop that should send the alerts."""
        _require_loop("record")
        if error is not None:
            ok = False
        if not ok:
            self._last_error = type(error).__name__ if error is not None else "error"
        return self._evaluate(self._window.record(ok))

    def check(self) -> Transition | None:
        """Evaluate without a new call (from a periodic task, so an idle service can resolve)."""
        _require_loop("check")
        return self._evaluate(self._window.counts())

    @asynccontextmanager
    async def track(self) -> AsyncIterator[None]:
        """``async with monitor.track(): await call()``: success, or an error (re-raised) when
        ``is_error(exc)`` says it counts (cancellation never does)."""
        try:
            yield
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            if self._is_error(exc):
                self.record(False, error=exc)
            raise
        self.record(True)

    async def flush(self) -> None:
        """Wait until every alert decided so far has been sent (or has failed)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def aclose(self) -> None:
        await self.flush()

    # -- evaluation and sending -------------------------------------------------------------------
    def _evaluate(self, counts: WindowCounts) -> Transition | None:
        if counts.total < self.min_calls:
            return None
        if self._state is MonitorState.OK and counts.rate >= self.threshold:
            new = MonitorState.ALERTING
        elif self._state is MonitorState.ALERTING and counts.rate <= self.resolve_below:
            new = MonitorState.OK
        else:
            return None
        self._state = new
        transition = Transition(new, counts, self._last_error)
        logger.warning(
            "error rate %s: %s",
            "above threshold" if new is MonitorState.ALERTING else "back to normal",
            self.name,
            extra={
                "monitor": self.name,
                "dedup_key": self.dedup_key,
                "errors": counts.errors,
                "calls": counts.total,
                "rate": round(counts.rate, 4),
            },
        )
        task = asyncio.get_running_loop().create_task(self._send(transition))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return transition

    def summary(self, counts: WindowCounts) -> str:
        return (
            f"{self.name}: error rate {counts.rate:.0%} over the last {self._window.window:g} s "
            f"({counts.errors} of {counts.total} calls failed)"
        )

    async def _send(self, transition: Transition) -> None:
        if self._send_lock is None:
            self._send_lock = asyncio.Lock()
        async with self._send_lock:
            try:
                if transition.state is MonitorState.ALERTING:
                    details: dict[str, Any] = {
                        "errors": transition.counts.errors,
                        "calls": transition.counts.total,
                        "error_rate": round(transition.counts.rate, 4),
                        "window_seconds": self._window.window,
                        "threshold": self.threshold,
                    }
                    if transition.last_error:
                        details["last_error"] = transition.last_error
                    await self._pager.trigger(
                        self.summary(transition.counts),
                        self.source,
                        self.severity,
                        dedup_key=self.dedup_key,
                        custom_details=details,
                    )
                else:
                    await self._pager.resolve(self.dedup_key)
            except Exception as exc:  # noqa: BLE001 - paging must never break the service
                self.failed_sends += 1
                alerting = transition.state is MonitorState.ALERTING
                if self._state is transition.state:  # not overtaken: evaluate again on the next call
                    self._state = MonitorState.OK if alerting else MonitorState.ALERTING
                logger.error(  # the type only: a message may carry a URL or a body
                    "error-rate monitor %s: could not %s the incident (%s)",
                    self.name,
                    "trigger" if alerting else "resolve",
                    type(exc).__name__,
                    extra={"monitor": self.name, "dedup_key": self.dedup_key},
                )
