"""``SyncErrorRateMonitor``: :class:`ErrorRateMonitor` for blocking services (one sender thread)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from typing import Any, Protocol

from verifiedfan.errors import NotConnectedError
from verifiedfan.monitoring._core import MonitorCore, MonitorState, Transition

__all__ = ["SyncErrorRateMonitor", "SyncPager"]


class SyncPager(Protocol):
    """A blocking alerting client: :class:`verifiedfan.partners.SyncPagerDuty` fits."""

    def trigger(
        self,
        summary: str,
        source: str,
        severity: str,
        *,
        dedup_key: str | None = None,
        custom_details: Mapping[str, Any] | None = None,
    ) -> Any: ...

    def resolve(self, dedup_key: str) -> Any: ...


class SyncErrorRateMonitor(MonitorCore):
    """The blocking twin of :class:`ErrorRateMonitor` (same options and behaviour): ``record`` and
    ``with monitor.track():`` never wait for PagerDuty; one sender thread sends the alerts in order;
    ``flush()`` waits for them, ``close()`` too and stops the thread. Thread-safe."""

    def __init__(
        self,
        pager: SyncPager,
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
        self._executor: ThreadPoolExecutor | None = None
        self._pending: set[Future[None]] = set()
        self._lock = threading.Lock()
        self._closed = False

    def record(self, ok: bool, *, error: BaseException | None = None) -> Transition | None:
        """Count one call and evaluate; returns the transition it caused (its alert is being sent)."""
        if self._closed:
            raise NotConnectedError("error-rate monitor: closed")
        return self._schedule(self._count(ok, error))

    def check(self) -> Transition | None:
        """Evaluate without a new call (so an idle service can resolve)."""
        return self._schedule(self._decide(self._window.counts()))

    @contextmanager
    def track(self) -> Iterator[None]:
        """``with monitor.track(): call()``: success, or an error (re-raised) when it counts."""
        try:
            yield
        except Exception as exc:
            if self._is_error(exc):
                self.record(False, error=exc)
            raise
        self.record(True)

    def flush(self, timeout: float | None = None) -> None:
        """Wait until every alert decided so far has been sent (or has failed)."""
        with self._lock:
            pending = list(self._pending)
        wait(pending, timeout=timeout)

    def close(self) -> None:
        """Send what is pending, then stop the sender thread. Idempotent."""
        self._closed = True
        self.flush()
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True)

    def __enter__(self) -> SyncErrorRateMonitor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _schedule(self, transition: Transition | None) -> Transition | None:
        if transition is None:
            return None
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vf-error-rate")
            future = self._executor.submit(self._send, transition)
            self._pending.add(future)
        future.add_done_callback(self._done)
        return transition

    def _done(self, future: Future[None]) -> None:
        with self._lock:
            self._pending.discard(future)

    def _send(self, transition: Transition) -> None:
        try:
            if transition.state is MonitorState.ALERTING:
                self._pager.trigger(
                    self.summary(transition.counts),
                    self.source,
                    self.severity,
                    dedup_key=self.dedup_key,
                    custom_details=self._details(transition),
                )
            else:
                self._pager.resolve(self.dedup_key)
        except Exception as exc:  # noqa: BLE001 - paging must never break the service
            self._send_failed(transition, exc)
