from __future__ import annotations

from collections.abc import Iterator

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from verifiedfan.tracing import configure_tracing, reset_tracing, shutdown_tracing


class Spans:
    def __init__(self, exporter: InMemorySpanExporter) -> None:
        self.exporter = exporter

    def finished(self) -> list:  # type: ignore[type-arg]
        shutdown_tracing()
        return list(self.exporter.get_finished_spans())


@pytest.fixture
def spans() -> Iterator[Spans]:
    exporter = InMemorySpanExporter()
    configure_tracing(
        service_name="test-svc", env="test", region="us-east-1", exporter=exporter, schedule_delay_ms=10
    )
    yield Spans(exporter)
    reset_tracing()
