"""Prometheus flavour of the metric sinks, for long-running HTTP services (extra ``metrics``)."""

from __future__ import annotations

import re
import threading
from typing import Any

from verifiedfan._optional import require
from verifiedfan.metrics._model import Metric, MetricSink, Unit

__all__ = ["PrometheusSink", "make_metric_name", "metrics_asgi_app"]

_INVALID = re.compile(r"[^a-zA-Z0-9_]")
_TIME_UNITS = {Unit.SECONDS: 1.0, Unit.MILLISECONDS: 1e-3, Unit.MICROSECONDS: 1e-6}


def make_metric_name(*parts: str) -> str:
    """A valid Prometheus metric name from parts (the original's ``makeMetricName``)."""
    joined = "_".join(p for p in parts if p)
    name = _INVALID.sub("_", joined).strip("_").lower()
    name = re.sub(r"_+", "_", name)
    return name if not name[:1].isdigit() else f"_{name}"


class PrometheusSink(MetricSink):
    """Maps metrics onto Prometheus collectors: durations into histograms (seconds), the rest counters.

    One collector per (namespace, name, label names); label names come from the dimensions.
    """

    def __init__(self, *, registry: Any = None, buckets: tuple[float, ...] | None = None) -> None:
        self._prom = require("prometheus_client", "metrics")
        self.registry = registry if registry is not None else self._prom.CollectorRegistry()
        self._buckets = buckets
        self._collectors: dict[tuple[str, tuple[str, ...]], Any] = {}
        self._lock = threading.Lock()

    def _collector(self, metric: Metric, labels: tuple[str, ...]) -> Any:
        is_time = metric.unit in _TIME_UNITS
        base = make_metric_name(metric.namespace, metric.name)
        name = f"{base}_seconds" if is_time and not base.endswith("_seconds") else base
        key = (name, labels)
        with self._lock:
            collector = self._collectors.get(key)
            if collector is None:
                doc = f"{metric.namespace} {metric.name} ({metric.unit.value})"
                if is_time:
                    kwargs: dict[str, Any] = {"buckets": self._buckets} if self._buckets else {}
                    collector = self._prom.Histogram(name, doc, labels, registry=self.registry, **kwargs)
                else:
                    collector = self._prom.Counter(name, doc, labels, registry=self.registry)
                self._collectors[key] = collector
        return collector

    def record(self, metric: Metric) -> None:
        labels = tuple(make_metric_name(k) for k in metric.dimensions)
        collector = self._collector(metric, labels)
        bound = collector.labels(*metric.dimensions.values()) if labels else collector
        if metric.unit in _TIME_UNITS:
            bound.observe(metric.value * _TIME_UNITS[metric.unit])
        else:
            bound.inc(metric.value)


def metrics_asgi_app(sink: PrometheusSink) -> Any:
    """An ASGI app serving ``sink``'s registry in the Prometheus text format (mount it at ``/metrics``)."""
    prom = require("prometheus_client", "metrics")
    return prom.make_asgi_app(registry=sink.registry)
