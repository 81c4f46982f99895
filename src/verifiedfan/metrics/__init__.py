"""Metrics: CloudWatch Embedded Metric Format on stdout, Prometheus, and the ``timed`` wrappers.

The successor of ``@verifiedfan/cloudwatch-stdout`` (``putMetric``, ``TimedAsyncFn``, ``TimedSdk``,
``TimedRequest``) and ``@verifiedfan/prometheus``, and the legacy lib's ``Metrics``
(:func:`parse_prometheus_text`, a typed reading of a ``/metrics`` body). One metric model
(:class:`Metric`) is shared by every sink, including the CloudWatch API
(:meth:`Metric.to_cloudwatch_datum`).
"""

from verifiedfan.metrics._emf import EmfSink, render_documents
from verifiedfan.metrics._model import (
    MAX_DIMENSIONS,
    MAX_METRICS_PER_DOCUMENT,
    MAX_VALUES_PER_METRIC,
    Metric,
    MetricSink,
    Unit,
    validate_dimensions,
)
from verifiedfan.metrics._parse import (
    PrometheusFamily,
    PrometheusParseError,
    PrometheusSample,
    parse_prometheus_text,
)
from verifiedfan.metrics._prometheus import PrometheusSink, make_metric_name, metrics_asgi_app
from verifiedfan.metrics._timed import (
    DimensionResolver,
    get_default_sink,
    put_metric,
    set_default_sink,
    timed,
    timed_client,
)

__all__ = [
    "MAX_DIMENSIONS",
    "MAX_METRICS_PER_DOCUMENT",
    "MAX_VALUES_PER_METRIC",
    "DimensionResolver",
    "EmfSink",
    "Metric",
    "MetricSink",
    "PrometheusFamily",
    "PrometheusParseError",
    "PrometheusSample",
    "PrometheusSink",
    "TimedHttpHook",
    "Unit",
    "get_default_sink",
    "make_metric_name",
    "metrics_asgi_app",
    "parse_prometheus_text",
    "put_metric",
    "render_documents",
    "set_default_sink",
    "timed",
    "timed_client",
    "validate_dimensions",
]


def __getattr__(name: str) -> object:
    # TimedHttpHook needs verifiedfan.http (httpx); import it only when asked for.
    if name == "TimedHttpHook":
        from verifiedfan.metrics._http import TimedHttpHook

        return TimedHttpHook
    raise AttributeError(name)
