"""Request metrics per route, method and status (the ``requestCounter`` and router metrics of the
Koa services), on :mod:`verifiedfan.metrics` sinks.

Per request: ``<namespace>.requests`` (a count) and ``<namespace>.request_duration`` (seconds), both
with the dimensions ``route`` (the template; ``unmatched`` when no route matched, so a scan of random
URLs cannot create a series per URL), ``method`` and ``status``. While requests run,
``<namespace>.requests_in_flight`` (dimension ``method``) is a gauge, on sinks that keep gauges
(:class:`~verifiedfan.metrics.PrometheusSink`'s ``add_to_gauge``). With a PrometheusSink the
series are ``http_requests_total``, ``http_request_duration_seconds`` and ``http_requests_in_flight``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection
from typing import Any

from verifiedfan.metrics import Metric, MetricSink, Unit
from verifiedfan.web._asgi import ASGIApp, Message, Receive, Scope, Send, asgi_route

__all__ = ["UNMATCHED_ROUTE", "RequestMetricsMiddleware"]

logger = logging.getLogger(__name__)

UNMATCHED_ROUTE = "unmatched"
_MAX_CACHED = 4096
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"})


class RequestMetricsMiddleware:
    """Count and time every HTTP request into ``sink``; ``excluded_paths`` are not measured.

    A sink that fails never fails the request (the failure is logged at debug level).
    """

    def __init__(
        self,
        app: ASGIApp,
        sink: MetricSink,
        *,
        namespace: str = "http",
        excluded_paths: Collection[str] = ("/metrics",),
    ) -> None:
        self.app = app
        self.sink = sink
        self.namespace = namespace
        self.excluded_paths = frozenset(excluded_paths)
        self._add_to_gauge: Any = getattr(sink, "add_to_gauge", None)
        # A PrometheusSink's labelled children are looked up once per (route, method, status) and
        # kept: building a Metric and finding its collector costs ~25x an increment.
        self._prometheus = hasattr(sink, "_bound")
        self._children: dict[tuple[str, str, str], tuple[Any, Any]] = {}
        self._gauges: dict[str, Any] = {}

    def _child_pair(self, dims: dict[str, str]) -> tuple[Any, Any]:
        key = (dims["route"], dims["method"], dims["status"])
        pair = self._children.get(key)
        if pair is None:
            bound = self.sink._bound  # type: ignore[attr-defined]
            pair = (
                bound(Metric(self.namespace, "requests", 1, Unit.COUNT, dims), "counter"),
                bound(Metric(self.namespace, "request_duration", 0, Unit.SECONDS, dims), "histogram"),
            )
            if len(self._children) < _MAX_CACHED:
                self._children[key] = pair
        return pair

    def _in_flight(self, method: str, delta: float) -> None:
        if self._add_to_gauge is None:
            return
        try:
            if self._prometheus:
                gauge = self._gauges.get(method)
                if gauge is None:
                    metric = Metric(self.namespace, "requests_in_flight", 0, Unit.COUNT, {"method": method})
                    gauge = self._gauges[method] = self.sink._bound(metric, "gauge")  # type: ignore[attr-defined]
                gauge.inc(delta)
                return
            self._add_to_gauge(
                Metric(self.namespace, "requests_in_flight", delta, Unit.COUNT, {"method": method})
            )
        except Exception:
            logger.debug("in-flight gauge failed", exc_info=True)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http" or scope.get("path") in self.excluded_paths:
            await self.app(scope, receive, send)
            return
        raw_method = str(scope.get("method", "GET")).upper()
        method = raw_method if raw_method in _METHODS else "OTHER"
        status = 500
        start = time.perf_counter()

        async def measuring_send(message: Message) -> None:
            nonlocal status
            if message.get("type") == "http.response.start":
                status = int(message.get("status", 500))
            await send(message)

        self._in_flight(method, 1)
        try:
            await self.app(scope, receive, measuring_send)
        finally:
            elapsed = time.perf_counter() - start
            self._in_flight(method, -1)
            dims = {"route": asgi_route(scope) or UNMATCHED_ROUTE, "method": method, "status": str(status)}
            try:
                if self._prometheus:
                    counter, histogram = self._child_pair(dims)
                    counter.inc()
                    histogram.observe(elapsed)
                else:
                    self.sink.record(Metric(self.namespace, "requests", 1, Unit.COUNT, dims))
                    self.sink.record(Metric(self.namespace, "request_duration", elapsed, Unit.SECONDS, dims))
            except Exception:
                logger.debug("request metrics failed", exc_info=True)
