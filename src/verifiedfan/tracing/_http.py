"""Client spans for every call of ``verifiedfan.http`` (the successor of ``TracedRequest``)."""

from __future__ import annotations

from collections.abc import MutableMapping

from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from verifiedfan.http import CallInfo, CallObserver, CallOutcome, HttpHook
from verifiedfan.tracing._state import get_tracer

__all__ = ["TracingHttpHook"]


class _SpanObserver(CallObserver):
    def __init__(self, span: trace.Span) -> None:
        self._span = span
        self._context = trace.set_span_in_context(span)

    def before_attempt(self, attempt: int, headers: MutableMapping[str, str]) -> None:
        if attempt > 1:
            self._span.add_event("retry", {"attempt": attempt})
        propagate.inject(headers, context=self._context)

    def end(self, outcome: CallOutcome) -> None:
        span = self._span
        span.set_attribute("http.request.resend_count", max(0, outcome.attempts - 1))
        if outcome.status_code is not None:
            span.set_attribute("http.response.status_code", outcome.status_code)
            span.set_attribute("statusCode", outcome.status_code)
        if outcome.error is not None:
            span.record_exception(outcome.error)
            span.set_status(Status(StatusCode.ERROR, type(outcome.error).__name__))
        elif outcome.status_code is not None and outcome.status_code >= 500:
            span.set_status(Status(StatusCode.ERROR))
        span.end()


class TracingHttpHook(HttpHook):
    """Pass ``hooks=[TracingHttpHook()]`` to an ``HttpClient``: each logical call becomes a client span
    named ``service[METHOD]: route`` with the status code, and every attempt carries ``traceparent``.
    """

    def __init__(self, tracer_name: str = "verifiedfan.http") -> None:
        self._tracer_name = tracer_name

    def start_call(self, call: CallInfo) -> CallObserver | None:
        span = get_tracer(self._tracer_name).start_span(
            call.span_name,
            kind=SpanKind.CLIENT,
            attributes={
                "http.request.method": call.method,
                "url.full": call.url,
                "http.route": call.route,
                "vf.service": call.service_name,
                "vf.correlation_id": call.correlation_id,
            },
        )
        return _SpanObserver(span)
