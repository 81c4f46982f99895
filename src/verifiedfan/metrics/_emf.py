"""CloudWatch Embedded Metric Format on stdout (the successor of ``@verifiedfan/cloudwatch-stdout``).

Each flush writes one JSON document per line. Metrics that share a namespace, a dimension set and a
timestamp go into one document, up to the format's limits (100 metric definitions per document, 100
values per metric); Lambda and the CloudWatch agent turn these lines into metrics.
"""

from __future__ import annotations

import atexit
import json
import sys
import threading
from collections.abc import Mapping
from typing import IO, Any

from verifiedfan.metrics._model import (
    MAX_METRICS_PER_DOCUMENT,
    MAX_VALUES_PER_METRIC,
    Metric,
    MetricSink,
    Unit,
)

__all__ = ["EmfSink", "render_documents"]

_GroupKey = tuple[str, tuple[tuple[str, str], ...], int]


def render_documents(metrics: list[Metric]) -> list[dict[str, Any]]:
    """Group ``metrics`` into EMF documents that respect the format's limits."""
    groups: dict[_GroupKey, dict[str, list[Metric]]] = {}
    for m in metrics:
        key = (m.namespace, tuple(m.dimensions.items()), m.timestamp_ms)
        groups.setdefault(key, {}).setdefault(m.name, []).append(m)
    documents: list[dict[str, Any]] = []
    for (namespace, dims, ts), by_name in groups.items():
        # Split each metric's values into chunks of 100, then pack chunks 100 definitions a document.
        chunks: list[tuple[str, Unit, int, list[float]]] = []
        for name, items in by_name.items():
            for i in range(0, len(items), MAX_VALUES_PER_METRIC):
                part = items[i : i + MAX_VALUES_PER_METRIC]
                chunks.append(
                    (name, part[0].unit, part[0].storage_resolution, [float(x.value) for x in part])
                )
        pending: list[list[tuple[str, Unit, int, list[float]]]] = [[]]
        for chunk in chunks:
            doc_names = {c[0] for c in pending[-1]}
            if len(pending[-1]) >= MAX_METRICS_PER_DOCUMENT or chunk[0] in doc_names:
                pending.append([])
            pending[-1].append(chunk)
        for doc_chunks in pending:
            if not doc_chunks:
                continue
            definitions: list[dict[str, Any]] = []
            doc: dict[str, Any] = {
                "_aws": {
                    "Timestamp": ts,
                    "CloudWatchMetrics": [
                        {"Namespace": namespace, "Dimensions": [[k for k, _ in dims]], "Metrics": definitions}
                    ],
                }
            }
            doc.update(dict(dims))
            for name, unit, resolution, values in doc_chunks:
                definition: dict[str, Any] = {"Name": name, "Unit": unit.value}
                if resolution == 1:
                    definition["StorageResolution"] = 1
                definitions.append(definition)
                doc[name] = values[0] if len(values) == 1 else values
            documents.append(doc)
    return documents


class EmfSink(MetricSink):
    """Buffers metrics and writes EMF documents to a stream (stdout by default).

    ``max_buffered`` bounds memory: reaching it flushes. Flushes also happen on :meth:`flush` and at
    interpreter exit. Writing never raises into the application; failures are counted in
    ``write_errors``.
    """

    def __init__(
        self,
        *,
        stream: IO[str] | None = None,
        max_buffered: int = 1000,
        auto_flush: bool = False,
        extra_fields: Mapping[str, Any] | None = None,
    ) -> None:
        self._stream = stream
        self._max = max(1, max_buffered)
        self._auto_flush = auto_flush
        self._extra = dict(extra_fields or {})
        self._buffer: list[Metric] = []
        self._lock = threading.Lock()
        self.write_errors = 0
        atexit.register(self.flush)

    def record(self, metric: Metric) -> None:
        with self._lock:
            self._buffer.append(metric)
            full = len(self._buffer) >= self._max
        if full or self._auto_flush:
            self.flush()

    def flush(self) -> None:
        with self._lock:
            batch, self._buffer = self._buffer, []
        if not batch:
            return
        stream = self._stream or sys.stdout
        try:
            lines = []
            for doc in render_documents(batch):
                for key, value in self._extra.items():
                    doc.setdefault(key, value)
                lines.append(json.dumps(doc, separators=(",", ":")))
            stream.write("\n".join(lines) + "\n")
            stream.flush()
        except Exception:  # noqa: BLE001 - metrics must never break the application
            self.write_errors += 1
