from __future__ import annotations

from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from verifiedfan.tracing import configure_tracing, get_tracer, reset_tracing, traced


def test_the_tracer_is_reused_while_the_configuration_lasts() -> None:
    configure_tracing(service_name="a", exporter=InMemorySpanExporter())
    try:
        assert get_tracer("x") is get_tracer("x")
        assert get_tracer("x") is not get_tracer("y")
    finally:
        reset_tracing()


def test_a_wrapper_made_before_a_reconfiguration_follows_it() -> None:
    first, second = InMemorySpanExporter(), InMemorySpanExporter()

    @traced("op")
    def op() -> None:
        return None

    configure_tracing(service_name="a", exporter=first)
    op()
    reset_tracing()
    configure_tracing(service_name="b", exporter=second)
    op()
    reset_tracing()
    assert [s.resource.attributes["service.name"] for s in first.get_finished_spans()] == ["a"]
    assert [s.resource.attributes["service.name"] for s in second.get_finished_spans()] == ["b"]
