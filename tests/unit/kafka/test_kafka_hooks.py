from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from verifiedfan.correlation import correlation_scope
from verifiedfan.kafka import ConsumedMessage, default_headers_hook, default_message_context


def test_headers_hook_adds_the_correlation_id() -> None:
    headers: dict[str, bytes] = {}
    with correlation_scope("abc"):
        default_headers_hook(headers)
    assert headers == {"x-correlation-id": b"abc"}


def test_headers_hook_adds_nothing_without_context() -> None:
    headers: dict[str, bytes] = {}
    default_headers_hook(headers)
    assert headers == {}


def test_message_context_without_a_correlation_header_makes_a_new_id() -> None:
    from verifiedfan.correlation import current_correlation_id

    message = ConsumedMessage(topic="t", partition=0, offset=0, timestamp=None, key=None, value=None)
    with default_message_context(message):
        assert current_correlation_id()


# OpenTelemetry's global tracer provider can be set once per process: this check runs in its own.
TRACE_SCRIPT = textwrap.dedent(
    """
    import asyncio, json
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    from verifiedfan.kafka import JsonFormatter, Kafka, KafkaConsumer
    from verifiedfan.testing.kafka import FakeBroker

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    tracer = trace.get_tracer("test")

    async def main():
        broker = FakeBroker()
        out = {}
        kafka = Kafka(brokers="f:1", topic="t", formatter=JsonFormatter(), producer_factory=broker.producer)
        async with kafka as k:
            with tracer.start_as_current_span("request") as span:
                out["sent_trace"] = format(span.get_span_context().trace_id, "032x")
                await k.send_messages([{"value": 1}])
        out["header"] = dict(broker.records("t")[0].headers())["traceparent"].decode()
        consumer = KafkaConsumer(brokers="f:1", topics="t", group_id="g", formatter=JsonFormatter(),
                                 consumer_factory=broker.consumer, poll_timeout=0.05)
        def handler(message):
            out["handled_trace"] = format(trace.get_current_span().get_span_context().trace_id, "032x")
        async with consumer:
            await consumer.run(handler, max_messages=1)
        out["spans"] = [s.name for s in exporter.get_finished_spans()]
        print(json.dumps(out))

    asyncio.run(main())
    """
)


def test_trace_context_travels_from_send_to_handler() -> None:
    run = subprocess.run([sys.executable, "-c", TRACE_SCRIPT], capture_output=True, text=True, check=True)
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["header"].split("-")[1] == out["sent_trace"]
    assert out["handled_trace"] == out["sent_trace"]
    assert "t process" in out["spans"]
