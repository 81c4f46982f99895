"""Events cross languages on the real broker and registry of ``vf stack``: kafkajs with
``@kafkajs/confluent-schema-registry`` (what the Node services use) against our producer and consumer,
and which kafkajs partitioner puts a key where ours does."""

from __future__ import annotations

import asyncio
import datetime
from collections.abc import Iterator
from typing import Any

import pytest

from tests.integration.kafka.conftest import RealBackend
from tests.interop.conftest import NodeLibs
from verifiedfan.kafka import CallableFormatter, JsonFormatter, Kafka, OutOfRangeValue, java_partition

pytestmark = [pytest.mark.integration, pytest.mark.kafka]

SCHEMA: dict[str, Any] = {
    "type": "record",
    "name": "FanVerified",
    "namespace": "vf.events",
    "fields": [
        {"name": "id", "type": "string"},
        {"name": "userId", "type": "string"},
        {"name": "score", "type": "double"},
        {"name": "count", "type": "long"},
        {"name": "verified", "type": "boolean"},
        {"name": "tier", "type": {"type": "enum", "name": "Tier", "symbols": ["BRONZE", "SILVER", "GOLD"]}},
        {"name": "artists", "type": {"type": "array", "items": "string"}},
        {"name": "attributes", "type": {"type": "map", "values": "string"}},
        {"name": "note", "type": ["null", "string"], "default": None},
        {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
    ],
}
AT_MS = 1_700_000_000_123
AT = datetime.datetime(2023, 11, 14, 22, 13, 20, 123_000, tzinfo=datetime.UTC)


def event(i: int, *, at: Any) -> dict[str, Any]:
    return {
        "id": f"e{i}",
        "userId": f"fan-{i}",
        "score": i / 8,
        "count": 2**40 + i,
        "verified": i % 2 == 0,
        "tier": ["BRONZE", "SILVER", "GOLD"][i % 3],
        "artists": ["a1", f"a{i}"],
        "attributes": {"src": "node", "ü": "ß"},
        "note": None if i % 2 else f"note {i}",
        "at": at,
    }


@pytest.fixture
def real(vf_kafka: Any, vf_schema_registry: Any) -> Iterator[RealBackend]:
    backend = RealBackend(vf_kafka.bootstrap_servers, vf_schema_registry.url)
    yield backend
    backend.cleanup()


async def test_avro_from_kafkajs_is_decoded_by_our_consumer(node_libs: NodeLibs, real: RealBackend) -> None:
    topic = real.new_topic()
    sent = [event(i, at=AT_MS) for i in range(6)]
    result = await asyncio.to_thread(
        node_libs.run,
        "kafka.js",
        {
            "op": "produce",
            "brokers": real.bootstrap,
            "registryUrl": real.registry_url,
            "topic": topic,
            "avro": {"schema": SCHEMA, "subject": f"{topic}-value"},
            "messages": [{"key": e["userId"], "value": e} for e in sent],
        },
    )
    async with real.consumer(topic) as consumer:
        got = [m async for m in consumer.messages(max_messages=len(sent), idle_timeout=15)]
    assert [m.key for m in got] == [e["userId"] for e in sent]
    assert {m.schema_id for m in got} == {result["schemaId"]}
    assert [m.value for m in got] == [{**e, "at": AT} for e in sent]  # timestamp-millis as a datetime


async def test_avro_from_our_producer_is_decoded_by_kafkajs(node_libs: NodeLibs, real: RealBackend) -> None:
    topic = real.new_topic()
    sent = [event(i, at=AT) for i in range(6)]
    async with real.kafka(topic) as kafka:
        await kafka.register_schema(SCHEMA)
        await kafka.send_messages([{"key": e["userId"], "value": e} for e in sent])
    result = await asyncio.to_thread(
        node_libs.run,
        "kafka.js",
        {
            "op": "consume",
            "brokers": real.bootstrap,
            "registryUrl": real.registry_url,
            "topic": topic,
            "count": 6,
        },
    )
    seen = sorted(result["seen"], key=lambda m: int(m["offset"]))
    assert [m["key"] for m in seen] == [e["userId"] for e in sent]
    # avsc without logical types reads timestamp-millis as its number of milliseconds.
    assert [m["value"] for m in seen] == [{**e, "at": AT_MS} for e in sent]


KEYS = [f"fan-{i}" for i in range(150)] + [f"user:{i:08d}" for i in range(0, 10_000, 97)]
KEYS += ["é", "ключ", "鍵-1", "🎟️ vip", "a", "ab", "abc", "abcd", "x" * 300, "0", "-1", " "]


async def test_kafkajs_default_partitioner_agrees_with_ours_and_the_legacy_one_does_not(
    node_libs: NodeLibs, real: RealBackend
) -> None:
    """On the real broker: the same keys through kafkajs' two partitioners and through our producer."""
    partitions = 6
    ours_topic, default_topic, legacy_topic = (real.new_topic(partitions=partitions) for _ in range(3))
    async with Kafka(brokers=real.bootstrap, topic=ours_topic, formatter=JsonFormatter()) as kafka:
        await kafka.send_messages([{"key": k, "value": "x"} for k in KEYS])

    def produce(topic: str, partitioner: str) -> dict[str, int]:
        result = node_libs.run(
            "kafka.js",
            {
                "op": "produce",
                "brokers": real.bootstrap,
                "topic": topic,
                "partitioner": partitioner,
                "messages": [{"key": k, "value": "x"} for k in KEYS],
            },
            timeout=300,
        )
        return {p["key"]: p["partition"] for p in result["placed"]}

    by_default = await asyncio.to_thread(produce, default_topic, "default")
    by_legacy = await asyncio.to_thread(produce, legacy_topic, "legacy")
    async with real.consumer(ours_topic, formatter=JsonFormatter()) as consumer:
        ours = {m.key: m.partition async for m in consumer.messages(max_messages=len(KEYS), idle_timeout=15)}
    assert len(ours) == len(set(KEYS))
    assert ours == {k: java_partition(k.encode(), partitions) for k in KEYS}  # where the broker put ours
    assert by_default == ours  # kafkajs 2's DefaultPartitioner: every key in the same partition
    scattered = [k for k in KEYS if by_legacy[k] != ours[k]]
    assert len(scattered) > len(KEYS) // 2, scattered  # the LegacyPartitioner (kafkajs 1's default) does not


def test_partitioners_offline_over_many_keys(node_libs: NodeLibs) -> None:
    """The same comparison without a broker, over more keys and partition counts."""
    keys = KEYS + [f"k{i}" for i in range(2000)]
    for count in (1, 3, 12, 64):
        chosen = node_libs.run("kafka.js", {"op": "partitions", "keys": keys, "partitionCount": count})
        ours = [java_partition(k.encode(), count) for k in keys]
        assert chosen["default"] == ours, count
        if count > 1:
            assert chosen["legacy"] != ours


OUT_OF_RANGE_SCHEMA: dict[str, Any] = {
    "type": "record",
    "name": "Seen",
    "namespace": "vf.events",
    "fields": [
        {"name": "id", "type": "string"},
        {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
    ],
}
# What Node producers write without complaint (avsc applies no logical type): past year 9999, before
# year 1, and a microsecond count put in a millisecond field.
OUT_OF_RANGE = {
    "year-10000": 253_402_300_800_000,
    "year-0": -62_135_596_800_001,
    "micros": 1_700_000_000_123_456,
}


async def test_out_of_range_timestamps_from_kafkajs_are_delivered_raw(
    node_libs: NodeLibs, real: RealBackend
) -> None:
    """Issue 18's poison messages as Node writes them: each is delivered as an ``OutOfRangeValue``
    (the raw number), none is dead-lettered, and the message after them is read: nothing stuck."""
    topic, dlq = real.new_topic(), real.new_topic()
    sent = [("before", AT_MS), *OUT_OF_RANGE.items(), ("after", AT_MS)]
    await asyncio.to_thread(
        node_libs.run,
        "kafka.js",
        {
            "op": "produce",
            "brokers": real.bootstrap,
            "registryUrl": real.registry_url,
            "topic": topic,
            "avro": {"schema": OUT_OF_RANGE_SCHEMA, "subject": f"{topic}-value"},
            "messages": [{"key": k, "value": {"id": k, "at": at}} for k, at in sent],
        },
    )
    async with real.consumer(topic, dead_letter_topic=dlq) as consumer:
        delivered = {m.key: m.value async for m in consumer.messages(max_messages=len(sent), idle_timeout=10)}
    async with real.consumer(dlq, formatter=CallableFormatter(bytes)) as dead_reader:
        dead = [m.key async for m in dead_reader.messages(max_messages=len(sent), idle_timeout=3)]
    assert dead == []
    assert list(delivered) == [k for k, _ in sent]
    assert delivered["before"]["at"] == AT
    assert delivered["after"]["at"] == AT  # not blocked behind them
    for key, millis in OUT_OF_RANGE.items():
        value = delivered[key]["at"]
        assert isinstance(value, OutOfRangeValue), (key, value)
        assert (int(value), value.logical_type) == (millis, "timestamp-millis")
