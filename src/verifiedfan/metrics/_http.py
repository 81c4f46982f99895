"""Duration metrics for every call of ``verifiedfan.http`` (the successor of ``TimedRequest``)."""

from __future__ import annotations

import contextlib

from verifiedfan.http import CallInfo, CallObserver, CallOutcome, HttpHook
from verifiedfan.metrics._model import MetricSink, Unit
from verifiedfan.metrics._timed import put_metric

__all__ = ["TimedHttpHook"]


class _Observer(CallObserver):
    def __init__(self, hook: TimedHttpHook, call: CallInfo) -> None:
        self._hook = hook
        self._call = call

    def end(self, outcome: CallOutcome) -> None:
        dims = {
            "Service": self._call.service_name,
            "Method": self._call.method,
            "Route": self._call.route or "/",
            "Result": "success" if outcome.error is None else "error",
        }
        if outcome.status_code is not None:
            dims["StatusCode"] = str(outcome.status_code)
        if outcome.error is not None:
            dims["ErrorType"] = type(outcome.error).__name__
        with contextlib.suppress(Exception):  # metrics never break a call
            put_metric(
                self._hook.namespace,
                self._hook.metric_name,
                outcome.duration * 1000.0,
                Unit.MILLISECONDS,
                dims,
                sink=self._hook.sink,
            )


class TimedHttpHook(HttpHook):
    """Pass ``hooks=[TimedHttpHook(namespace=...)]`` to an ``HttpClient``: one duration metric per call,
    with service, method, route, status code and result dimensions."""

    def __init__(
        self, *, namespace: str, metric_name: str = "HttpRequest", sink: MetricSink | None = None
    ) -> None:
        self.namespace = namespace
        self.metric_name = metric_name
        self.sink = sink

    def start_call(self, call: CallInfo) -> CallObserver | None:
        return _Observer(self, call)
