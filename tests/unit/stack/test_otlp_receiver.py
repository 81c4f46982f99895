"""The OTLP receiver: protobuf in, spans kept, listed and cleared over its JSON API."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer

import httpx
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans, Span

from verifiedfan.stack import OtlpConnection, OtlpReceiver, StackError
from verifiedfan.stack._otlp import SpanStore, make_server, span_dicts


def _request(trace: bytes = b"\x01" * 16, parent: bytes = b"") -> ExportTraceServiceRequest:
    span = Span(
        trace_id=trace,
        span_id=b"\x02" * 8,
        parent_span_id=parent,
        name="GET /fans",
        kind=2,
        start_time_unix_nano=1_000_000,
        end_time_unix_nano=3_000_000,
        attributes=[
            KeyValue(key="http.status_code", value=AnyValue(int_value=200)),
            KeyValue(key="tags", value=AnyValue(array_value={"values": [AnyValue(string_value="a")]})),
        ],
    )
    resource = {"attributes": [KeyValue(key="service.name", value=AnyValue(string_value="fans"))]}
    return ExportTraceServiceRequest(
        resource_spans=[ResourceSpans(resource=resource, scope_spans=[ScopeSpans(spans=[span])])]
    )


def test_span_dicts_decode_ids_kind_attributes_and_service() -> None:
    (span,) = span_dicts(_request())
    assert span["trace_id"] == "01" * 16
    assert span["parent_span_id"] is None
    assert (span["kind"], span["duration_ms"], span["service_name"]) == ("server", 2.0, "fans")
    assert span["attributes"] == {"http.status_code": 200, "tags": ["a"]}


def test_store_filters_by_trace_and_summarises_traces() -> None:
    store = SpanStore()
    store.add(span_dicts(_request(b"\x01" * 16)))
    store.add(span_dicts(_request(b"\x03" * 16)))
    assert [s["trace_id"] for s in store.spans(trace_id="03" * 16)] == ["03" * 16]
    assert [t["root_name"] for t in store.traces()] == ["GET /fans", "GET /fans"]


def test_store_drops_the_oldest_beyond_its_limit() -> None:
    store = SpanStore(max_spans=1)
    store.add(span_dicts(_request(b"\x01" * 16)))
    store.add(span_dicts(_request(b"\x03" * 16)))
    assert [s["trace_id"] for s in store.spans()] == ["03" * 16]


@pytest.fixture
def server() -> Iterator[ThreadingHTTPServer]:
    srv = make_server("127.0.0.1", 0)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()


def _url(srv: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{srv.server_address[1]}"


def test_posted_spans_are_listed_then_cleared(server: ThreadingHTTPServer) -> None:
    headers = {"Content-Type": "application/x-protobuf"}
    resp = httpx.post(f"{_url(server)}/v1/traces", content=_request().SerializeToString(), headers=headers)
    assert resp.status_code == 200
    with OtlpReceiver(connection=OtlpConnection(endpoint=_url(server))) as receiver:
        (span,) = receiver.wait_for_spans(1, trace_id="01" * 16)
        assert (span.name, span.service_name) == ("GET /fans", "fans")
        assert receiver.traces()[0]["span_count"] == 1
        assert receiver.clear() == 1
        assert receiver.spans() == []


def test_json_bodies_are_refused_with_415(server: ThreadingHTTPServer) -> None:
    resp = httpx.post(f"{_url(server)}/v1/traces", json={}, timeout=5)
    assert resp.status_code == 415


def test_an_unknown_trace_is_404(server: ThreadingHTTPServer) -> None:
    assert httpx.get(f"{_url(server)}/api/traces/{'ff' * 16}", timeout=5).status_code == 404


def test_waiting_for_spans_that_never_come_is_a_stack_error(server: ThreadingHTTPServer) -> None:
    clock = iter([0.0, 0.0, 99.0])
    with (
        OtlpReceiver(
            connection=OtlpConnection(endpoint=_url(server)), sleep=lambda _: None, clock=lambda: next(clock)
        ) as receiver,
        pytest.raises(StackError, match="0 of 1 spans"),
    ):
        receiver.wait_for_spans(1, timeout=1)
