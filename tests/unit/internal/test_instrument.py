"""instrument(): tracing around timing around any client, as TracedSdk(TimedSdk(client))."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode

from verifiedfan.errors import ConfigurationError, NotConnectedError
from verifiedfan.internal import TitanClient, instrument
from verifiedfan.jwt import WorkerTokenMinter
from verifiedfan.tracing import configure_tracing, get_tracer, reset_tracing, shutdown_tracing

from .conftest import Keys, ListSink, Service


class Catalog:
    """Any client: one async and one sync method, one that fails."""

    def __init__(self) -> None:
        self.calls = 0

    async def artist(self, artist_id: str) -> dict[str, str]:
        self.calls += 1
        return {"id": artist_id}

    def album(self, album_id: str) -> str:
        return album_id

    async def broken(self) -> None:
        raise NotConnectedError("no such artist")


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    spans = InMemorySpanExporter()
    configure_tracing(service_name="svc", exporter=spans, schedule_delay_ms=10)
    yield spans
    reset_tracing()


async def test_each_call_is_one_span_and_one_metric(exporter: InMemorySpanExporter) -> None:
    sink = ListSink()
    raw = Catalog()
    catalog = instrument(
        raw, ["artist", "album", "broken"], namespace="svc", service_name="catalog", sink=sink
    )
    with get_tracer().start_as_current_span("request"):
        assert await catalog.artist("a1") == {"id": "a1"}
        assert catalog.album("b1") == "b1"
        with pytest.raises(NotConnectedError, match="no such artist"):
            await catalog.broken()
    assert catalog.calls == 1  # other attributes come from the client itself
    shutdown_tracing()
    spans = {s.name: s for s in exporter.get_finished_spans()}
    assert set(spans) == {"request", "catalog.artist", "catalog.album", "catalog.broken"}
    parent = spans["request"].context.span_id
    assert all(
        spans[n].parent is not None and spans[n].parent.span_id == parent for n in spans if n != "request"
    )
    assert spans["catalog.broken"].status.status_code is StatusCode.ERROR
    assert spans["catalog.artist"].status.status_code is not StatusCode.ERROR
    metrics = [(m.name, m.dimensions["Result"], m.dimensions["Service"]) for m in sink.metrics]
    assert metrics == [
        ("catalog.artist", "success", "catalog"),
        ("catalog.album", "success", "catalog"),
        ("catalog.broken", "error", "catalog"),
    ]
    assert sink.metrics[2].dimensions["ErrorType"] == "NotConnectedError"


def test_timing_only_without_tracing() -> None:
    sink = ListSink()
    catalog = instrument(
        Catalog(), ["album"], namespace="svc", metric_name="CatalogCall", sink=sink, trace=False
    )
    assert catalog.album("x") == "x"
    [metric] = sink.metrics
    assert (metric.name, metric.dimensions["Service"], metric.dimensions["Method"]) == (
        "CatalogCall",
        "Catalog",
        "album",
    )


def test_unknown_method_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="has no method 'nope'"):
        instrument(Catalog(), ["nope"], namespace="svc", trace=False)
    with pytest.raises(ConfigurationError, match="at least one method"):
        instrument(Catalog(), [], namespace="svc")


async def test_around_a_titan_client(
    users_service: Service, worker_keys: Keys, exporter: InMemorySpanExporter
) -> None:
    sink = ListSink()
    minter = WorkerTokenMinter(
        worker_id="export-service", private_key=worker_keys.private_pem, audience="users"
    )
    async with TitanClient("users", base_url=users_service.url, worker=minter) as client:
        users = instrument(client, ["get"], namespace="export-service", service_name="users", sink=sink)
        answer = await users.get("/v1/users/{id}", path={"id": "5"})
    shutdown_tracing()
    spans = {s.name: s for s in exporter.get_finished_spans()}
    outer = spans["users.get"]
    http_spans = [
        s for s in spans.values() if s.parent is not None and s.parent.span_id == outer.context.span_id
    ]
    assert http_spans, list(spans)
    # the service saw the HTTP span's context, a child of the instrument span
    assert answer["seen"]["traceparent"].split("-")[1] == format(outer.context.trace_id, "032x")
    assert [m.name for m in sink.metrics] == ["users.get"]
