from __future__ import annotations

from typing import Any

import pytest

from verifiedfan.correlation import correlation_scope, current_correlation_id
from verifiedfan.errors import ConfigurationError
from verifiedfan.kafka import (
    ConsumedMessage,
    JsonFormatter,
    Kafka,
    KafkaConsumer,
    KafkaSettings,
    MessageDecodeError,
)
from verifiedfan.testing.kafka import FakeBroker, FakeSchemaRegistry, fake_consumer

from .conftest import TOPIC, V1, V2, event

FAST = {"poll_timeout": 0.05}


def consumer(broker: FakeBroker, registry: FakeSchemaRegistry, **options: Any) -> KafkaConsumer:
    return fake_consumer(TOPIC, broker=broker, registry=registry, **(FAST | options))


async def test_iterating_yields_decoded_messages_with_their_metadata(
    kafka: Kafka, broker: FakeBroker, registry: FakeSchemaRegistry
) -> None:
    sent = await kafka.send_messages([{"key": "u1", "value": event("u1"), "headers": {"h": "v"}}])
    async with consumer(broker, registry) as reader:
        got = [m async for m in reader.messages(idle_timeout=0.1)]
    assert len(got) == 1
    message = got[0]
    assert (message.topic, message.partition, message.offset) == (TOPIC, sent[0].partition, sent[0].offset)
    assert (message.key, message.value["userId"], message.schema_id) == ("u1", "u1", 1)
    assert message.header("h") == "v"
    assert message.timestamp == sent[0].timestamp


async def test_handled_messages_are_committed(
    kafka: Kafka, broker: FakeBroker, registry: FakeSchemaRegistry
) -> None:
    await kafka.send_messages([{"key": f"u{i}", "value": event(f"u{i}")} for i in range(5)])
    async with consumer(broker, registry) as reader:
        assert await reader.process(lambda m: None, idle_timeout=0.1) == 5
    async with consumer(broker, registry) as again:
        assert await again.process(lambda m: None, idle_timeout=0.1) == 0


async def test_a_failed_handler_leaves_the_message_uncommitted(
    kafka: Kafka, broker: FakeBroker, registry: FakeSchemaRegistry
) -> None:
    await kafka.send_messages([{"key": "same", "value": event(f"u{i}")} for i in range(3)])
    seen: list[str] = []

    def handler(message: ConsumedMessage) -> None:
        seen.append(message.value["userId"])
        if message.value["userId"] == "u1":
            raise RuntimeError("boom")

    async with consumer(broker, registry) as reader:
        with pytest.raises(RuntimeError, match="boom"):
            await reader.process(handler, idle_timeout=0.1)
    async with consumer(broker, registry) as again:
        await again.process(lambda m: seen.append(m.value["userId"]), idle_timeout=0.1)
    assert seen == ["u0", "u1", "u1", "u2"]


async def test_a_failed_message_is_handed_out_again_by_the_same_consumer(
    kafka: Kafka, broker: FakeBroker, registry: FakeSchemaRegistry
) -> None:
    await kafka.send_messages([{"key": "same", "value": event(f"u{i}")} for i in range(2)])
    async with consumer(broker, registry) as reader:
        with pytest.raises(RuntimeError, match=r"^x$"):
            await reader.run(lambda m: (_ for _ in ()).throw(RuntimeError("x")), idle_timeout=0.1)
        again = [m.value["userId"] async for m in reader.messages(idle_timeout=0.1)]
    assert again == ["u0", "u1"]


async def test_async_handlers_are_awaited(
    kafka: Kafka, broker: FakeBroker, registry: FakeSchemaRegistry
) -> None:
    await kafka.send_messages([{"value": event()}])
    got: list[str] = []

    async def handler(message: ConsumedMessage) -> None:
        got.append(message.value["userId"])

    async with consumer(broker, registry) as reader:
        await reader.run(handler, max_messages=1)
    assert got == ["u1"]


async def test_an_undecodable_message_goes_to_the_dead_letter_topic(
    kafka: Kafka, broker: FakeBroker, registry: FakeSchemaRegistry
) -> None:
    broker.append(TOPIC, b"bad", b"not avro", [("h", b"v")])
    await kafka.send_messages([{"key": "good", "value": event()}])
    async with consumer(broker, registry, dead_letter_topic="fan.verified.dlq") as reader:
        got = [m.key async for m in reader.messages(idle_timeout=0.1)]
        assert reader.dead_lettered == 1
    assert got == ["good"]
    dead = broker.records("fan.verified.dlq")[0]
    headers = dict(dead.headers() or [])
    assert (dead.key(), dead.value()) == (b"bad", b"not avro")
    assert headers["vf.dlq.error"] == b"MessageDecodeError"
    assert b"magic byte" in headers["vf.dlq.reason"]
    assert (headers["vf.dlq.topic"], headers["h"]) == (TOPIC.encode(), b"v")


async def test_an_unknown_schema_id_is_dead_lettered(
    broker: FakeBroker, registry: FakeSchemaRegistry
) -> None:
    broker.append(TOPIC, None, b"\x00\x00\x00\x00\x63\x02", None)
    async with consumer(broker, registry, dead_letter_topic="dlq") as reader:
        assert [m async for m in reader.messages(idle_timeout=0.1)] == []
    assert dict(broker.records("dlq")[0].headers() or [])["vf.dlq.error"] == b"SchemaNotFoundError"


async def test_without_a_dead_letter_topic_an_undecodable_message_stops_the_consumer(
    broker: FakeBroker, registry: FakeSchemaRegistry
) -> None:
    broker.append(TOPIC, None, b"junk", None)
    async with consumer(broker, registry) as reader:
        with pytest.raises(
            MessageDecodeError,
            match=r"not a Confluent wire-format message: shorter than 5 bytes; stopped there, nothing lost",
        ):
            await reader.process(lambda m: None, idle_timeout=0.1)


async def test_a_new_consumer_reads_old_messages_with_defaults(
    kafka: Kafka, broker: FakeBroker, registry: FakeSchemaRegistry
) -> None:
    await kafka.send_messages([{"value": event()}])
    async with consumer(broker, registry, reader_schema=V2) as reader:
        got = [m.value async for m in reader.messages(idle_timeout=0.1)]
    assert got[0]["verificationScore"] == 0.0


async def test_an_old_consumer_ignores_new_fields(
    kafka: Kafka, broker: FakeBroker, registry: FakeSchemaRegistry
) -> None:
    await kafka.register_schema(V2)
    await kafka.send_messages([{"value": event(verificationScore=0.7)}])
    async with consumer(broker, registry, reader_schema=V1) as reader:
        got = [m async for m in reader.messages(idle_timeout=0.1)]
    assert "verificationScore" not in got[0].value
    assert got[0].schema_id == 2


async def test_tombstones_have_no_value(broker: FakeBroker, registry: FakeSchemaRegistry) -> None:
    broker.append(TOPIC, b"k", None, None)
    async with consumer(broker, registry) as reader:
        got = [m async for m in reader.messages(idle_timeout=0.1)]
    assert (got[0].key, got[0].value) == ("k", None)


async def test_the_handler_runs_under_the_message_correlation_id(
    kafka: Kafka, broker: FakeBroker, registry: FakeSchemaRegistry
) -> None:
    with correlation_scope("cid-9"):
        await kafka.send_messages([{"value": event()}])
    seen: list[str | None] = []
    async with consumer(broker, registry) as reader:
        await reader.run(lambda m: seen.append(current_correlation_id()), max_messages=1)
    assert seen == ["cid-9"]


async def test_stop_ends_the_run(kafka: Kafka, broker: FakeBroker, registry: FakeSchemaRegistry) -> None:
    await kafka.send_messages([{"key": "k", "value": event(f"u{i}")} for i in range(5)])
    async with consumer(broker, registry) as reader:

        def handler(message: ConsumedMessage) -> None:
            if message.offset == 1:
                reader.stop()

        assert await reader.run(handler) == 2


async def test_json_consumer(broker: FakeBroker) -> None:
    broker.append("j", None, b'{"a": 1}', None)
    reader = KafkaConsumer(
        brokers="x:1",
        topics=["j"],
        group_id="g",
        formatter=JsonFormatter(),
        consumer_factory=broker.consumer,
        poll_timeout=0.05,
    )
    async with reader:
        assert [m.value async for m in reader.messages(idle_timeout=0.1)] == [{"a": 1}]


async def test_commit_commits_the_handled_offsets(
    kafka: Kafka, broker: FakeBroker, registry: FakeSchemaRegistry
) -> None:
    sent = await kafka.send_messages([{"key": "k", "value": event()}])
    async with consumer(broker, registry, group_id="g1") as reader:
        await reader.run(lambda m: None, max_messages=1)
        await reader.commit()
        assert broker.committed[("g1", TOPIC, sent[0].partition)] == sent[0].offset + 1


def test_reader_schema_needs_the_avro_formatter() -> None:
    with pytest.raises(ConfigurationError, match="reader_schema"):
        KafkaConsumer(brokers="x:1", topics="t", group_id="g", formatter=JsonFormatter(), reader_schema=V1)


def test_group_id_is_required() -> None:
    with pytest.raises(ConfigurationError, match="group_id"):
        KafkaConsumer(brokers="x:1", topics="t", group_id="", formatter=JsonFormatter())


def test_consumer_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VF_KAFKA_GROUP_ID", "svc")
    monkeypatch.setenv("VF_KAFKA_DEAD_LETTER_TOPIC", "svc.dlq")
    reader = KafkaConsumer.from_settings(KafkaSettings(), topics="t")
    assert (reader.group_id, reader.dead_letter_topic, reader.topics) == ("svc", "svc.dlq", ["t"])
