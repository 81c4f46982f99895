"""Against confluent-kafka itself as the reference client, on the real broker of ``vf stack``:
what its producer writes, our consumer reads (and dead-letters) intact, and the other way round."""

from __future__ import annotations

import asyncio
import datetime
import json
from typing import Any

import pytest
from confluent_kafka import Consumer, Producer

from verifiedfan.kafka import (
    CallableFormatter,
    ConsumedMessage,
    JsonFormatter,
    Kafka,
    KafkaConsumer,
    OutOfRangeValue,
    SchemaValidationError,
    UndecodableMessageError,
)

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


TS_SCHEMA: dict[str, Any] = {
    "type": "record",
    "name": "Seen",
    "namespace": "vf.interop",
    "fields": [
        {"name": "id", "type": "string"},
        {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
    ],
}
RAW_TIMES = {
    "year-0": -62_167_219_200_000,  # 0000-01-01, what Java's Instant.MIN side and Node's Date allow
    "year-10000": 253_402_300_800_000,
    "micros-in-millis": 1_700_000_000_000_000,
    "in-range": 1_700_000_000_000,
}


def reference_avro_produce(
    bootstrap: str, registry_url: str, topic: str, values: list[dict[str, Any]]
) -> None:
    """confluent-kafka's own Producer and AvroSerializer, writing raw int timestamps as Node/Java do."""
    from confluent_kafka.schema_registry import SchemaRegistryClient
    from confluent_kafka.schema_registry.avro import AvroSerializer
    from confluent_kafka.serialization import MessageField, SerializationContext

    with SchemaRegistryClient({"url": registry_url}) as registry:
        serializer = AvroSerializer(registry, json.dumps(TS_SCHEMA))
        context = SerializationContext(topic, MessageField.VALUE)
        producer = Producer({"bootstrap.servers": bootstrap})
        for value in values:
            producer.produce(topic, value=serializer(value, context))
        assert producer.flush(30) == 0


async def test_timestamps_out_of_datetime_range_from_confluent_kafka_never_block_a_partition(
    real: RealBackend,
) -> None:
    topic = real.new_topic()
    values = [{"id": name, "at": raw} for name, raw in RAW_TIMES.items()]
    await asyncio.to_thread(reference_avro_produce, real.bootstrap, real.registry_url, topic, values)
    got = await drain(real.consumer(topic), len(values))  # no dead-letter topic: nothing may raise
    by_id = {m.value["id"]: m.value["at"] for m in got}
    assert by_id.keys() == RAW_TIMES.keys()
    for name in ("year-0", "year-10000", "micros-in-millis"):
        assert isinstance(by_id[name], OutOfRangeValue)
        assert by_id[name] == RAW_TIMES[name]
        assert by_id[name].logical_type == "timestamp-millis"
    assert by_id["in-range"] == datetime.datetime(2023, 11, 14, 22, 13, 20, tzinfo=datetime.UTC)

    # Our producer refuses what it could not read back, and forwards what it read raw as it was.
    async with real.kafka(topic) as kafka:
        with pytest.raises(
            SchemaValidationError, match="at: expected timestamp-millis within the years 1-9999"
        ):
            await kafka.send_messages([{"value": {"id": "x", "at": RAW_TIMES["micros-in-millis"]}}])
        await kafka.send_messages([{"value": {"id": "fwd", "at": by_id["year-10000"]}}])
    [forwarded] = [m for m in await drain(real.consumer(topic), len(values) + 1) if m.value["id"] == "fwd"]
    assert forwarded.value["at"] == RAW_TIMES["year-10000"]


async def test_an_undecodable_message_without_dead_letter_topic_stops_there_and_can_be_skipped(
    real: RealBackend,
) -> None:
    topic = real.new_topic()
    await asyncio.to_thread(
        reference_produce,
        real.bootstrap,
        topic,
        [{"value": b"1"}, {"value": b"\x00\x00\x00"}, {"value": b"3"}],
    )
    seen: list[Any] = []
    async with real.consumer(topic, formatter=JsonFormatter()) as consumer:
        with pytest.raises(UndecodableMessageError, match=rf"cannot decode {topic}\[0\]@1 ") as info:
            await read_into(consumer, seen)
        assert (info.value.topic, info.value.partition, info.value.offset) == (topic, 0, 1)
        await consumer.skip(info.value)
        await read_into(consumer, seen, count=1)
    assert seen == [1, 3]


async def read_into(consumer: KafkaConsumer, seen: list[Any], count: int | None = None) -> None:
    async for message in consumer.messages(max_messages=count, idle_timeout=10):
        seen.append(message.value)
