"""``CloudWatchApiSink``: a :mod:`verifiedfan.metrics` sink that sends through the CloudWatch API."""

from __future__ import annotations

import atexit
import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from verifiedfan.aws._limits import CLOUDWATCH_MAX_METRICS_PER_CALL
from verifiedfan.aws._sync.cloudwatch import SyncCloudWatch
from verifiedfan.metrics import Metric, MetricSink

__all__ = ["CloudWatchApiSink"]

logger = logging.getLogger(__name__)


class CloudWatchApiSink(MetricSink):
    """Buffers metrics and sends them with ``PutMetricData`` (the API twin of ``EmfSink``).

    ``put_metric(..., sink=CloudWatchApiSink(SyncCloudWatch(clients=...)))`` or
    ``set_default_sink(...)`` sends every metric, ``timed``/``timed_client`` timings included, to the
    API instead of stdout. A full buffer (``max_buffered``, one call's worth by default) is sent by one
    background thread, so :meth:`record` never blocks an event loop on I/O; :meth:`flush` sends what
    is left and waits (also at interpreter exit). Sending never raises into the application: failures
    are logged and counted in ``send_errors``, the metrics are dropped.
    """

    def __init__(
        self, cloudwatch: SyncCloudWatch, *, max_buffered: int = CLOUDWATCH_MAX_METRICS_PER_CALL
    ) -> None:
        self._cloudwatch = cloudwatch
        self._max = max(1, max_buffered)
        self._buffer: list[Metric] = []
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vf-cloudwatch")
        self._pending: list[Future[None]] = []
        self.send_errors = 0
        self.sent = 0
        atexit.register(self.flush)

    def record(self, metric: Metric) -> None:
        with self._lock:
            self._buffer.append(metric)
            if len(self._buffer) < self._max:
                return
            batch, self._buffer = self._buffer, []
            self._pending = [f for f in self._pending if not f.done()]
            self._pending.append(self._pool.submit(self._send, batch))

    def _send(self, batch: list[Metric]) -> None:
        try:
            self._cloudwatch.send(batch)
            self.sent += len(batch)
        except Exception:  # never into the application: counted and logged
            self.send_errors += 1
            logger.warning("could not send %d metrics to CloudWatch", len(batch), exc_info=True)

    def flush(self) -> None:
        """Send everything buffered and wait for the sends in flight."""
        with self._lock:
            batch, self._buffer = self._buffer, []
            pending, self._pending = self._pending, []
        for future in pending:
            future.result()
        if batch:
            self._send(batch)
