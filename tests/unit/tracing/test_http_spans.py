from __future__ import annotations

import pytest
from opentelemetry.trace import SpanKind, StatusCode

from verifiedfan.errors import NotFoundError
from verifiedfan.http import HttpClient, RetryPolicy
from verifiedfan.testing.faults import FaultServer, Reply
from verifiedfan.tracing import get_tracer
from verifiedfan.tracing._http import TracingHttpHook

from .conftest import Spans


async def no_sleep(_: float) -> None:
    return None


async def test_each_call_is_a_client_span_and_carries_traceparent(spans: Spans) -> None:
    with FaultServer() as server:
        server.script("/v1/me", Reply(status=503), Reply(json={"id": "u1"}))
        retry = RetryPolicy(sleep=no_sleep)
        async with HttpClient(
            service_name="spotify", base_url=server.url, hooks=[TracingHttpHook()], retry=retry
        ) as http:
            with get_tracer().start_as_current_span("request"):
                assert await http.get_json("/v1/me", route="/v1/me") == {"id": "u1"}
        sent = [r.headers.get("traceparent") for r in server.requests]
    call, request = spans.finished()
    assert call.name == "spotify[GET]: /v1/me"
    assert call.kind is SpanKind.CLIENT
    assert call.parent.span_id == request.context.span_id
    assert call.attributes["http.response.status_code"] == 200
    assert call.attributes["http.request.resend_count"] == 1
    expected = (
        f"00-{call.context.trace_id:032x}-{call.context.span_id:016x}-{int(call.context.trace_flags):02x}"
    )
    assert sent == [expected, expected]


async def test_failed_call_span_has_error_status(spans: Spans) -> None:
    with FaultServer() as server:
        server.script("/missing", Reply(status=404, json={"error": "nope"}))
        async with HttpClient(service_name="svc", base_url=server.url, hooks=[TracingHttpHook()]) as http:
            with pytest.raises(NotFoundError, match="returned 404"):
                await http.get("/missing")
    [span] = spans.finished()
    assert span.name == "svc[GET]: /missing"
    assert span.status.status_code is StatusCode.ERROR
    assert span.attributes["http.response.status_code"] == 404


async def test_configured_tracing_traces_every_client_without_a_hook(spans: Spans) -> None:
    with FaultServer() as server:
        server.script("/v1/me", Reply(json={"id": "u1"}))
        async with HttpClient(service_name="plain", base_url=server.url) as http:
            await http.get("/v1/me", route="/v1/me")
        assert server.requests[0].headers.get("traceparent")
    assert [s.name for s in spans.finished()] == ["plain[GET]: /v1/me"]


async def test_an_explicit_tracing_hook_is_not_doubled(spans: Spans) -> None:
    with FaultServer() as server:
        server.script("/x", Reply(json={}))
        async with HttpClient(service_name="svc", base_url=server.url, hooks=[TracingHttpHook()]) as http:
            await http.get("/x")
    assert len(spans.finished()) == 1


async def test_after_reset_clients_are_no_longer_traced() -> None:
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from verifiedfan.tracing import configure_tracing, reset_tracing

    exporter = InMemorySpanExporter()
    configure_tracing(service_name="t", exporter=exporter)
    reset_tracing()
    with FaultServer() as server:
        server.script("/x", Reply(json={}))
        async with HttpClient(service_name="svc", base_url=server.url) as http:
            await http.get("/x")
        assert "traceparent" not in server.requests[0].headers
    assert exporter.get_finished_spans() == ()
