"""What the async and sync error-rate monitors share: settings, the window, the state machine."""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from verifiedfan.errors import ConfigurationError
from verifiedfan.monitoring._window import ErrorRateWindow, WindowCounts

__all__ = ["MonitorCore", "MonitorState", "Transition"]

logger = logging.getLogger(__name__)

SEVERITIES = frozenset({"critical", "error", "warning", "info"})
MAX_DEDUP_KEY = 255


class MonitorState(StrEnum):
    OK = "ok"
    ALERTING = "alerting"


@dataclass(frozen=True, slots=True)
class Transition:
    """The monitor changed state: ``ALERTING`` (an incident is triggered) or ``OK`` (resolved)."""

    state: MonitorState
    counts: WindowCounts
    last_error: str | None


class MonitorCore:
    """Settings, window and state transitions (see :class:`~verifiedfan.monitoring.ErrorRateMonitor`)."""

    def __init__(
        self,
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
        self._is_error = is_error or (lambda exc: True)
        self._state = MonitorState.OK
        self._last_error: str | None = None
        self._state_lock = threading.Lock()
        self.failed_sends = 0

    @property
    def state(self) -> MonitorState:
        return self._state

    def counts(self) -> WindowCounts:
        """The window's counts as of now."""
        return self._window.counts()

    def summary(self, counts: WindowCounts) -> str:
        return (
            f"{self.name}: error rate {counts.rate:.0%} over the last {self._window.window:g} s "
            f"({counts.errors} of {counts.total} calls failed)"
        )

    def _count(self, ok: bool, error: BaseException | None) -> Transition | None:
        if error is not None:
            ok = False
        if not ok:
            self._last_error = type(error).__name__ if error is not None else "error"
        return self._decide(self._window.record(ok))

    def _decide(self, counts: WindowCounts) -> Transition | None:
        if counts.total < self.min_calls:
            return None
        with self._state_lock:
            if self._state is MonitorState.OK and counts.rate >= self.threshold:
                new = MonitorState.ALERTING
            elif self._state is MonitorState.ALERTING and counts.rate <= self.resolve_below:
                new = MonitorState.OK
            else:
                return None
            self._state = new
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
        return Transition(new, counts, self._last_error)

    def _details(self, transition: Transition) -> Mapping[str, Any]:
        details: dict[str, Any] = {
            "errors": transition.counts.errors,
            "calls": transition.counts.total,
            "error_rate": round(transition.counts.rate, 4),
            "window_seconds": self._window.window,
            "threshold": self.threshold,
        }
        if transition.last_error:
            details["last_error"] = transition.last_error
        return details

    def _send_failed(self, transition: Transition, exc: BaseException) -> None:
        self.failed_sends += 1
        alerting = transition.state is MonitorState.ALERTING
        with self._state_lock:
            if self._state is transition.state:  # not overtaken: evaluate again on the next call
                self._state = MonitorState.OK if alerting else MonitorState.ALERTING
        logger.error(  # the type only: a message may carry a URL or a body
            "error-rate monitor %s: could not %s the incident (%s)",
            self.name,
            "trigger" if alerting else "resolve",
            type(exc).__name__,
            extra={"monitor": self.name, "dedup_key": self.dedup_key},
        )
