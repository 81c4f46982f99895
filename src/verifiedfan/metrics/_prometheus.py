"""Prometheus flavour of the metric sinks, for long-running HTTP services (extra ``metrics``)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from typing import Any

from verifiedfan._optional import require
from verifiedfan.errors import ValidationError
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
    """Maps metrics onto Prometheus collectors on its own registry.

    :meth:`record` puts durations into histograms (seconds) and the rest into counters, except the
    metrics named in ``gauges`` (``"namespace.name"`` or ``"name"``), which it sets as gauges;
    :meth:`set_gauge` and :meth:`add_to_gauge` do so explicitly. One collector per (name, label
    names); label names come from the dimensions. ``process_collectors=True`` registers
    ``prometheus_client``'s default collectors (``process_*``, ``python_info``, ``python_gc_*``) on
    this registry, as the global default registry has them.
    """

    def __init__(
        self,
        *,
        registry: Any = None,
        buckets: tuple[float, ...] | None = None,
        gauges: Iterable[str] = (),
        process_collectors: bool = False,
    ) -> None:
        self._prom = require("prometheus_client", "metrics")
        self.registry = registry if registry is not None else self._prom.CollectorRegistry()
        self._buckets = buckets
        self._gauges = frozenset(gauges)
        self._collectors: dict[tuple[str, tuple[str, ...]], tuple[str, Any]] = {}
        self._lock = threading.Lock()
        if process_collectors:
            self._register_process_collectors()

    def _register_process_collectors(self) -> None:
        # These collectors do not describe themselves, so the registry would not refuse them twice:
        # it would serve every series twice. Look for them first.
        if any(family.name == "python_info" for family in self.registry.collect()):
            raise ValidationError("the registry already has the process collectors")
        self._prom.ProcessCollector(registry=self.registry)
        self._prom.PlatformCollector(registry=self.registry)
        self._prom.GCCollector(registry=self.registry)

    def _collector(self, metric: Metric, labels: tuple[str, ...], kind: str) -> Any:
        is_time = metric.unit in _TIME_UNITS
        base = make_metric_name(metric.namespace, metric.name)
        name = f"{base}_seconds" if is_time and not base.endswith("_seconds") else base
        key = (name, labels)
        with self._lock:
            known = self._collectors.get(key)
            if known is None:
                doc = f"{metric.namespace} {metric.name} ({metric.unit.value})"
                kwargs: dict[str, Any] = {}
                if kind == "histogram" and self._buckets:
                    kwargs["buckets"] = self._buckets
                factory = {
                    "histogram": self._prom.Histogram,
                    "counter": self._prom.Counter,
                    "gauge": self._prom.Gauge,
                }[kind]
                try:
                    collector = factory(name, doc, labels, registry=self.registry, **kwargs)
                except ValueError as exc:  # the registry already has this name (another kind/labels)
                    raise ValidationError(f"cannot register {kind} {name!r}: {exc}") from exc
                self._collectors[key] = (kind, collector)
                return collector
        if known[0] != kind:
            raise ValidationError(f"{name!r} is already a {known[0]}, not a {kind}")
        return known[1]

    def _bound(self, metric: Metric, kind: str) -> Any:
        labels = tuple(make_metric_name(k) for k in metric.dimensions)
        collector = self._collector(metric, labels, kind)
        return collector.labels(*metric.dimensions.values()) if labels else collector

    def _is_gauge(self, metric: Metric) -> bool:
        return metric.name in self._gauges or f"{metric.namespace}.{metric.name}" in self._gauges

    def _scaled(self, metric: Metric) -> float:
        return metric.value * _TIME_UNITS.get(metric.unit, 1.0)

    def record(self, metric: Metric) -> None:
        if self._is_gauge(metric):
            self.set_gauge(metric)
        elif metric.unit in _TIME_UNITS:
            self._bound(metric, "histogram").observe(self._scaled(metric))
        else:
            self._bound(metric, "counter").inc(metric.value)

    def set_gauge(self, metric: Metric) -> None:
        """Set the gauge named after ``metric`` (durations in seconds) to its value."""
        self._bound(metric, "gauge").set(self._scaled(metric))

    def add_to_gauge(self, metric: Metric) -> None:
        """Add ``metric``'s value (negative to subtract) to its gauge, e.g. requests in flight."""
        self._bound(metric, "gauge").inc(self._scaled(metric))


def metrics_asgi_app(sink: PrometheusSink) -> Any:
    """An ASGI app serving ``sink``'s registry in the Prometheus text format (mount it at ``/metrics``)."""
    prom = require("prometheus_client", "metrics")
    return prom.make_asgi_app(registry=sink.registry)
