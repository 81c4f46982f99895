"""``ErrorRateMonitor``: errors over a sliding window above a threshold open ONE incident, and a rate
back under the resolve level closes it (use-cases scenario 3)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any, Protocol

from verifiedfan.errors import ConfigurationError
from verifiedfan.monitoring._core import MonitorCore, MonitorState, Transition

__all__ = ["ErrorRateMonitor", "Pager"]


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


class ErrorRateMonitor(MonitorCore):
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
    :class:`SyncErrorRateMonitor` is the same for blocking services.
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
        super().__init__(
            name=name,
            source=source,
            threshold=threshold,
            window=window,
            min_calls=min_calls,
            resolve_below=resolve_below,
            severity=severity,
            dedup_key=dedup_key,
            buckets=buckets,
            is_error=is_error,
            clock=clock,
        )
        self._pager = pager
        self._tasks: set[asyncio.Task[None]] = set()
        self._send_lock: asyncio.Lock | None = None

    def record(self, ok: bool, *, error: BaseException | None = None) -> Transition | None:
        """Count one call and evaluate; returns the transition it caused (its alert is being sent).

        Call it from the event loop that should send the alerts."""
        _require_loop("record")
        return self._schedule(self._count(ok, error))

    def check(self) -> Transition | None:
        """Evaluate without a new call (from a periodic task, so an idle service can resolve)."""
        _require_loop("check")
        return self._schedule(self._decide(self._window.counts()))

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

    def _schedule(self, transition: Transition | None) -> Transition | None:
        if transition is not None:
            task = asyncio.get_running_loop().create_task(self._send(transition))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return transition

    async def _send(self, transition: Transition) -> None:
        if self._send_lock is None:
            self._send_lock = asyncio.Lock()
        async with self._send_lock:
            try:
                if transition.state is MonitorState.ALERTING:
                    await self._pager.trigger(
                        self.summary(transition.counts),
                        self.source,
                        self.severity,
                        dedup_key=self.dedup_key,
                        custom_details=self._details(transition),
                    )
                else:
                    await self._pager.resolve(self.dedup_key)
            except Exception as exc:  # noqa: BLE001 - paging must never break the service
                self._send_failed(transition, exc)
