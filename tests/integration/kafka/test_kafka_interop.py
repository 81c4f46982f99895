"""Against confluent-kafka itself as the reference client, on the real broker of ``vf stack``:
what its producer writes, our consumer reads (and dead-letters) intact, and the other way round."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from confluent_kafka import Consumer, Producer

from verifiedfan.kafka import CallableFormatter, ConsumedMessage, JsonFormatter, Kafka, KafkaConsumer

from .conftest import RealBackend

pytestmark = [pytest.mark.integration, pytest.mark.kafka]

REPEATED = [("hop", b"a"), ("id", b"1"), ("hop", b"b"), ("empty", None), ("hop", b"c")]


@pytest.fixture
def real(vf_kafka: Any, vf_schema_registry: Any) -> Any:
    backend = RealBackend(vf_kafka.bootstrap_servers, vf_schema_registry.url)
    yield backend
    backend.cleanup()


def reference_produce(bootstrap: str, topic: str, messages: list[dict[str, Any]]) -> None:
    producer = Producer({"bootstrap.servers": bootstrap})
    for message in messages:
        producer.produce(topic, **message)
    assert producer.flush(30) == 0


def reference_consume(bootstrap: str, topic: str, count: int) -> list[Any]:
    consumer = Consumer(
        {"bootstrap.servers": bootstrap, "group.id": f"ref-{topic}", "auto.offset.reset": "earliest"}
    )
    consumer.subscribe([topic])
    out: list[Any] = []
    try:
        for _ in range(60):
            out.extend(m for m in consumer.consume(count - len(out), 0.5) if m.error() is None)
            if len(out) >= count:
                break
    finally:
        consumer.close()
    return out


async def drain(consumer: KafkaConsumer, count: int) -> list[ConsumedMessage]:
    async with consumer:
        return [m async for m in consumer.messages(max_messages=count, idle_timeout=10)]


async def test_repeated_headers_written_by_confluent_kafka_are_all_read_in_order(real: RealBackend) -> None:
    topic, dlq = real.new_topic(), real.new_topic()
    await asyncio.to_thread(
        reference_produce,
        real.bootstrap,
        topic,
        [
            {"key": b"bad", "value": b"not json", "headers": REPEATED},
            {"key": b"good", "value": b"1", "headers": REPEATED},
        ],
    )
    [good] = await drain(real.consumer(topic, formatter=JsonFormatter(), dead_letter_topic=dlq), 1)
    expected = tuple((k, v or b"") for k, v in REPEATED)
    assert good.headers.pairs == expected
    assert good.headers.get_all("hop") == [b"a", b"b", b"c"]
    assert good.header("hop") == "c"  # the last one, as Java's lastHeader

    # The dead-letter copy, read back by confluent-kafka's own consumer: every original header first.
    [dead] = await asyncio.to_thread(reference_consume, real.bootstrap, dlq, 1)
    headers = [(k, v or b"") for k, v in dead.headers()]
    assert headers[: len(expected)] == list(expected)
    assert [k for k, _ in headers[len(expected) :]] == [
        "vf.dlq.reason",
        "vf.dlq.error",
        "vf.dlq.topic",
        "vf.dlq.partition",
        "vf.dlq.offset",
    ]
    assert dead.value() == b"not json"


async def test_repeated_headers_we_send_reach_confluent_kafka_in_order(real: RealBackend) -> None:
    topic = real.new_topic()
    pairs = [("hop", "a"), ("hop", b"b"), ("x", "1")]
    async with Kafka(
        brokers=real.bootstrap, topic=topic, formatter=CallableFormatter(bytes), headers_hook=None
    ) as kafka:
        await kafka.send_messages([{"value": b"v", "headers": pairs}])
    [message] = await asyncio.to_thread(reference_consume, real.bootstrap, topic, 1)
    assert message.headers() == [("hop", b"a"), ("hop", b"b"), ("x", b"1")]
