from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from opentelemetry import trace
from opentelemetry.trace import SpanKind, StatusCode

import verifiedfan.tracing as tracing
from verifiedfan.errors import ConfigurationError
from verifiedfan.tracing import configure_tracing, get_tracer, reset_tracing, traced, traced_client

from .conftest import Spans


def test_resource_carries_the_original_attributes(spans: Spans) -> None:
    with get_tracer().start_as_current_span("x"):
        pass
    [span] = spans.finished()
    attrs = dict(span.resource.attributes)
    assert attrs["service.name"] == "test-svc"
    assert attrs["tm.env"] == "test"
    assert attrs["aws.region"] == "us-east-1"


def test_configure_twice_with_same_settings_is_harmless(spans: Spans) -> None:
    first = configure_tracing(service_name="test-svc", env="test", region="us-east-1")
    assert configure_tracing(service_name="test-svc", env="test", region="us-east-1") is first
    with pytest.raises(
        ConfigurationError, match=r"already configured with other settings; call reset_tracing\(\) first"
    ):
        configure_tracing(service_name="other")


def test_reset_allows_reconfiguration() -> None:
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    a, b = InMemorySpanExporter(), InMemorySpanExporter()
    configure_tracing(service_name="a", exporter=a)
    reset_tracing()
    configure_tracing(service_name="b", exporter=b)
    with trace.get_tracer("global").start_as_current_span("via-global-api"):
        pass
    reset_tracing()
    assert [s.name for s in b.get_finished_spans()] == ["via-global-api"]
    assert a.get_finished_spans() == ()


def test_missing_endpoint_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="needs collector_endpoint or exporter"):
        configure_tracing(service_name="x")


def test_sync_function_span_is_child_of_current(spans: Spans) -> None:
    @traced("inner", attributes={"artist": "a1"})
    def inner() -> int:
        return 1

    with get_tracer().start_as_current_span("outer"):
        assert inner() == 1
    inner_span, outer_span = spans.finished()
    assert inner_span.name == "inner"
    assert inner_span.parent is not None
    assert inner_span.parent.span_id == outer_span.context.span_id
    assert inner_span.context.trace_id == outer_span.context.trace_id
    assert inner_span.attributes["artist"] == "a1"


async def test_async_exception_is_recorded_and_reraised(spans: Spans) -> None:
    @traced()
    async def fails() -> None:
        await asyncio.sleep(0)
        raise ValueError("bad fan")

    with pytest.raises(ValueError, match="bad fan"):
        await fails()
    [span] = spans.finished()
    assert span.name.endswith("fails")
    assert span.status.status_code is StatusCode.ERROR
    assert span.events[0].name == "exception"
    assert span.events[0].attributes["exception.type"] == "ValueError"


async def test_async_span_covers_the_awaited_work(spans: Spans) -> None:
    @traced("child")
    async def child() -> None:
        await asyncio.sleep(0)

    @traced("parent")
    async def parent() -> None:
        await child()

    await parent()
    child_span, parent_span = spans.finished()
    assert child_span.parent.span_id == parent_span.context.span_id
    assert parent_span.start_time <= child_span.start_time
    assert child_span.end_time <= parent_span.end_time


async def test_async_generator_span_spans_the_iteration(spans: Spans) -> None:
    @traced("pages")
    async def pages() -> AsyncIterator[int]:
        for i in range(3):
            yield i

    assert [i async for i in pages()] == [0, 1, 2]
    [span] = spans.finished()
    assert span.name == "pages"


def test_attributes_selector_and_redaction(spans: Spans) -> None:
    @traced(
        "verify",
        attributes={"client_secret": "CANARY-1", "Authorization": "Bearer CANARY-2"},
        attributes_selector=lambda args, kwargs, result: {"verified": result, "access_token": "CANARY-3"},
    )
    def verify(user: str) -> bool:
        return True

    verify("u1")
    [span] = spans.finished()
    attrs = dict(span.attributes)
    assert attrs["verified"] is True
    assert "CANARY" not in repr(attrs)


def test_background_span_starts_a_new_trace_linked_to_the_caller(spans: Spans) -> None:
    @traced("fire-and-forget", background=True)
    def background() -> None:
        pass

    with get_tracer().start_as_current_span("request"):
        background()
    bg, request = spans.finished()
    assert bg.parent is None
    assert bg.context.trace_id != request.context.trace_id
    assert [link.context.span_id for link in bg.links] == [request.context.span_id]


def test_traced_client_wraps_selected_methods(spans: Spans) -> None:
    class Mongo:
        def find(self, q: dict[str, str]) -> list[str]:
            return ["doc"]

        def untouched(self) -> str:
            return "x"

    client = traced_client(Mongo(), ["find"], service_name="users-db")
    assert client.find({"a": "b"}) == ["doc"]
    assert client.untouched() == "x"
    [span] = spans.finished()
    assert span.name == "users-db.find"
    assert span.kind is SpanKind.CLIENT
    assert span.attributes["vf.method"] == "find"


def test_traced_client_rejects_unknown_methods() -> None:
    with pytest.raises(ConfigurationError, match="no method 'nope' to trace"):
        traced_client(object(), ["nope"])


def test_not_configured_is_a_no_op() -> None:
    @traced("x")
    def f() -> int:
        return 2

    assert f() == 2
    assert not tracing.is_configured()


def test_propagation_round_trip(spans: Spans) -> None:
    with get_tracer().start_as_current_span("producer") as producer:
        headers = tracing.inject_headers()
    assert headers["traceparent"].split("-")[1] == format(producer.get_span_context().trace_id, "032x")
    kafka_style = [(k, v.encode()) for k, v in headers.items()]
    with tracing.continue_trace(tracing.kafka_headers_to_dict(kafka_style)):
        with get_tracer().start_as_current_span("consumer"):
            ids = tracing.current_ids()
    assert ids is not None
    _producer, consumer = spans.finished()
    assert consumer.parent.span_id == producer.get_span_context().span_id
    assert ids[0] == format(consumer.context.trace_id, "032x")


def test_all_is_complete() -> None:
    for name in tracing.__all__:
        assert hasattr(tracing, name), name


def test_traced_and_timed_clients_compose(spans: Spans) -> None:
    from verifiedfan.metrics import Metric, MetricSink, timed_client

    class ListSink(MetricSink):
        def __init__(self) -> None:
            self.metrics: list[Metric] = []

        def record(self, metric: Metric) -> None:
            self.metrics.append(metric)

    class Store:
        def find(self) -> str:
            return "doc"

    sink = ListSink()
    client = traced_client(
        timed_client(Store(), ["find"], namespace="VF", sink=sink), ["find"], service_name="db"
    )
    assert client.find() == "doc"
    assert repr(client).startswith("traced(timed(")
    assert [s.name for s in spans.finished()] == ["db.find"]
    assert [m.name for m in sink.metrics] == ["Store.find"]
