"""The Kafka contract, run against the in-memory fakes and against the real broker and registry."""

from __future__ import annotations

import asyncio

import pytest

from verifiedfan.kafka import (
    ConsumedMessage,
    JsonFormatter,
    KafkaConsumer,
    MessageTooLargeError,
    RegistryUnavailableError,
    SchemaIncompatibleError,
    SchemaValidationError,
    UnknownTopicError,
)
from verifiedfan.kafka._formatters import CallableFormatter

from .conftest import V1, V2, V3_INCOMPATIBLE, Backend, RealBackend, event


async def drain(backend: Backend, consumer: KafkaConsumer, expected: int) -> list[ConsumedMessage]:
    async with consumer:
        return [m async for m in consumer.messages(max_messages=expected, idle_timeout=backend.idle)]


async def test_round_trip_metadata_matches_what_the_consumer_sees(backend: Backend) -> None:
    topic = backend.new_topic()
    async with backend.kafka(topic) as kafka:
        await kafka.register_schema(V1)
        sent = await kafka.send_messages(
            [{"key": f"k{i}", "value": event(i), "headers": {"n": str(i)}} for i in range(10)]
        )
    got = await drain(backend, backend.consumer(topic), 10)
    assert [(m.partition, m.offset, m.timestamp) for m in got] == [
        (r.partition, r.offset, r.timestamp) for r in sent
    ]
    assert [m.value for m in got] == [event(i) for i in range(10)]
    assert [(m.key, m.header("n"), m.schema_id) for m in got] == [
        (f"k{i}", str(i), sent[0].schema_id) for i in range(10)
    ]


# The partitions librdkafka's murmur2_random partitioner (the Java client's) gave the keys
# "user-0".."user-39" over 6 partitions on the real broker, recorded from confluent-kafka's own
# Producer: a reference neither backend computes (the fake used to be compared with itself).
LIBRDKAFKA_PARTITIONS_6 = [1, 2, 2, 5, 1, 4, 5, 2, 3, 5, 2, 4, 0, 1, 5, 2, 0, 0, 2, 4]
LIBRDKAFKA_PARTITIONS_6 += [1, 4, 3, 4, 3, 4, 0, 1, 1, 5, 5, 3, 0, 4, 1, 3, 1, 5, 2, 0]


async def test_keys_go_to_the_partition_the_java_client_picks(backend: Backend) -> None:
    topic = backend.new_topic(partitions=6)
    keys = [f"user-{i}" for i in range(40)]
    async with backend.kafka(topic, formatter=JsonFormatter()) as kafka:
        sent = await kafka.send_messages([{"key": k, "value": i} for i, k in enumerate(keys)])
    assert [r.partition for r in sent] == LIBRDKAFKA_PARTITIONS_6
    assert len(set(LIBRDKAFKA_PARTITIONS_6)) == 6  # every partition reached: a constant cannot pass
    if isinstance(backend, RealBackend):  # and the reference client, live, in the same run
        assert await asyncio.to_thread(reference_partitions, backend.bootstrap, topic, keys) == [
            r.partition for r in sent
        ]


def reference_partitions(bootstrap: str, topic: str, keys: list[str]) -> list[int]:
    from confluent_kafka import Producer

    partitions: dict[str, int] = {}
    producer = Producer({"bootstrap.servers": bootstrap, "partitioner": "murmur2_random"})
    for key in keys:
        producer.produce(
            topic,
            b"ref",
            key.encode(),
            on_delivery=lambda e, m: partitions.__setitem__(m.key().decode(), m.partition()),
        )
    assert producer.flush(30) == 0
    return [partitions[k] for k in keys]


async def test_scenario_4_schema_evolution(backend: Backend) -> None:
    topic = backend.new_topic()
    old_producer = backend.kafka(topic)
    async with old_producer:
        v1_id = await old_producer.register_schema(V1)
        batch_1 = await old_producer.send_messages([{"key": f"u{i}", "value": event(i)} for i in range(5)])
        async with backend.kafka(topic) as new_producer:
            v2_id = await new_producer.register_schema(V2)  # accepted under BACKWARD
            batch_2 = await new_producer.send_messages(
                [{"key": f"u{i}", "value": event(i, verificationScore=0.9)} for i in range(5, 10)]
            )
            with pytest.raises(SchemaIncompatibleError) as refused:
                await new_producer.register_schema(V3_INCOMPATIBLE)
            assert refused.value.status == 409
        batch_3 = await old_producer.send_messages(
            [{"key": f"u{i}", "value": event(i)} for i in range(10, 15)]
        )
    registry = backend.registry()
    assert await registry.list_versions(f"{topic}-value") == [1, 2]
    await registry.aclose()
    assert {r.schema_id for r in batch_1} == {v1_id}
    assert {r.schema_id for r in batch_2} == {v2_id}
    assert {r.schema_id for r in batch_3} <= {v1_id, v2_id}

    old = await drain(backend, backend.consumer(topic, reader_schema=V1), 15)
    new = await drain(backend, backend.consumer(topic, reader_schema=V2), 15)
    assert sorted(m.value["id"] for m in old) == sorted(f"e{i}" for i in range(15))  # nothing lost
    assert all("verificationScore" not in m.value for m in old)  # old consumer ignores the new field
    scores = {m.value["id"]: m.value["verificationScore"] for m in new}
    assert scores == {f"e{i}": (0.9 if 5 <= i < 10 else 0.0) for i in range(15)}  # defaults filled in


async def test_an_invalid_payload_sends_nothing(backend: Backend) -> None:
    topic = backend.new_topic()
    async with backend.kafka(topic) as kafka:
        await kafka.register_schema(V1)
        with pytest.raises(SchemaValidationError) as info:
            await kafka.send_messages([{"value": event(0)}, {"value": {"id": "e1", "userId": 5}}])
        assert info.value.indexes == (1,)
        assert set(info.value.fields) == {"userId", "artistId"} or info.value.fields == ("userId",)
        await kafka.send_messages([{"value": event(2)}])  # a marker: the only message of the topic
    got = await drain(backend, backend.consumer(topic), 2)
    assert [m.value["id"] for m in got] == ["e2"]


async def test_an_oversized_message_sends_nothing(backend: Backend) -> None:
    topic = backend.new_topic()
    async with backend.kafka(topic, formatter=JsonFormatter()) as kafka:
        with pytest.raises(
            MessageTooLargeError,
            match=r"batch refused, nothing sent: message 1 is \d+ bytes, more than message.max.bytes",
        ):
            await kafka.send_messages([{"value": "small"}, {"value": "x" * 1_100_000}])
        await kafka.send_messages([{"value": "marker"}])
    got = await drain(backend, backend.consumer(topic, formatter=JsonFormatter()), 2)
    assert [m.value for m in got] == ["marker"]


async def test_an_unknown_topic_sends_nothing(backend: Backend) -> None:
    topic = backend.unique("missing")
    config = {"allow.auto.create.topics": False}
    async with backend.kafka(topic, formatter=JsonFormatter(), producer_config=config) as kafka:
        with pytest.raises(
            UnknownTopicError, match=r"does not exist \(and was not auto-created\); nothing sent"
        ):
            await kafka.send_messages([{"value": 1}])


async def test_registry_down_sends_nothing(backend: Backend) -> None:
    topic = backend.new_topic()
    async with backend.unreachable_registry_kafka(topic) as kafka:
        with pytest.raises(
            RegistryUnavailableError, match=r"schema registry unavailable at .*gave up after 4 attempts"
        ):
            await kafka.send_messages([{"value": event(0)}])
    async with backend.kafka(topic, formatter=JsonFormatter()) as marker:
        await marker.send_messages([{"value": "marker"}])
    got = await drain(backend, backend.consumer(topic, formatter=JsonFormatter()), 2)
    assert [m.value for m in got] == ["marker"]


async def test_undecodable_messages_go_to_the_dead_letter_topic(backend: Backend) -> None:
    topic, dlq = backend.new_topic(), backend.new_topic()
    async with backend.kafka(topic) as kafka:
        await kafka.register_schema(V1)
        async with backend.kafka(topic, formatter=CallableFormatter(bytes)) as raw:
            await raw.send_messages([{"key": "bad", "value": b"garbage"}])
        await kafka.send_messages([{"key": "good", "value": event(1)}])
    got = await drain(backend, backend.consumer(topic, dead_letter_topic=dlq), 2)
    assert [m.key for m in got] == ["good"]
    dead = await drain(backend, backend.consumer(dlq, formatter=CallableFormatter(bytes)), 1)
    assert (dead[0].key, dead[0].value) == ("bad", b"garbage")
    assert dead[0].header("vf.dlq.error") == "MessageDecodeError"
    assert dead[0].header("vf.dlq.topic") == topic


async def test_at_least_once_a_failed_message_is_read_again(backend: Backend) -> None:
    topic = backend.new_topic()
    group = backend.unique("group")
    async with backend.kafka(topic, formatter=JsonFormatter()) as kafka:
        await kafka.send_messages([{"value": i} for i in range(3)])
    seen: list[int] = []

    def failing(message: ConsumedMessage) -> None:
        seen.append(message.value)
        if message.value == 1:
            raise RuntimeError("handler failed")

    async with backend.consumer(topic, group_id=group, formatter=JsonFormatter()) as first:
        with pytest.raises(RuntimeError, match=r"handler failed"):
            await first.run(failing, idle_timeout=backend.idle)
    async with backend.consumer(topic, group_id=group, formatter=JsonFormatter()) as second:
        await second.run(lambda m: seen.append(m.value), max_messages=2, idle_timeout=backend.idle)
    assert seen == [0, 1, 1, 2]
