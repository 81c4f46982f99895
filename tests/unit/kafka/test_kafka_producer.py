from __future__ import annotations

from typing import Any

import pytest

from verifiedfan.correlation import correlation_scope
from verifiedfan.errors import ConfigurationError, ValidationError
from verifiedfan.kafka import (
    DeliveryError,
    JsonFormatter,
    Kafka,
    KafkaMessage,
    KafkaSettings,
    MessageTooLargeError,
    RegistryUnavailableError,
    RetryPolicy,
    SchemaValidationError,
    SslConfig,
    UnknownTopicError,
)
from verifiedfan.testing.kafka import FakeBroker, FakeSchemaRegistry, fake_kafka, java_partition

from .conftest import TOPIC, V2, event


async def test_send_returns_one_metadata_per_message_in_order(kafka: Kafka, broker: FakeBroker) -> None:
    results = await kafka.send_messages([{"key": f"u{i}", "value": event(f"u{i}")} for i in range(20)])
    stored = {(m.partition(), m.offset()): m.key() for m in broker.records(TOPIC)}
    assert [stored[(r.partition, r.offset)] for r in results] == [f"u{i}".encode() for i in range(20)]
    assert all(r.topic == TOPIC and r.schema_id == 1 and r.timestamp for r in results)


async def test_same_key_goes_to_the_java_client_partition(kafka: Kafka) -> None:
    results = await kafka.send_messages([{"key": "user-42", "value": event()}] * 3)
    assert {r.partition for r in results} == {java_partition(b"user-42", 3)}


async def test_typed_messages_and_headers_are_sent(kafka: Kafka, broker: FakeBroker) -> None:
    await kafka.send_messages(
        [KafkaMessage(value=event(), key="u1", headers={"source": "test", "b": b"\x01"})]
    )
    headers = dict(broker.records(TOPIC)[0].headers() or [])
    assert (headers["source"], headers["b"]) == (b"test", b"\x01")


async def test_an_empty_batch_sends_nothing(kafka: Kafka, broker: FakeBroker) -> None:
    assert await kafka.send_messages([]) == []
    assert broker.records(TOPIC) == []


async def test_one_invalid_message_refuses_the_whole_batch(kafka: Kafka, broker: FakeBroker) -> None:
    batch = [{"key": "u1", "value": event()}, {"key": "u2", "value": event(method="FAX")}]
    with pytest.raises(SchemaValidationError) as info:
        await kafka.send_messages(batch)
    assert info.value.errors[0].index == 1
    assert info.value.errors[0].field == "method"
    assert broker.records(TOPIC) == []


async def test_an_oversized_message_refuses_the_batch(
    broker: FakeBroker, registry: FakeSchemaRegistry
) -> None:
    async with fake_kafka(TOPIC, broker=broker, registry=registry, formatter=JsonFormatter()) as kafka:
        with pytest.raises(MessageTooLargeError) as info:
            await kafka.send_messages([{"value": {"a": 1}}, {"value": {"a": "x" * 1_000_001}}])
    assert info.value.failures[0].index == 1
    assert broker.records(TOPIC) == []


async def test_a_message_the_broker_refuses_is_a_typed_delivery_error(registry: FakeSchemaRegistry) -> None:
    broker = FakeBroker(max_message_bytes=100)
    async with fake_kafka(TOPIC, broker=broker, registry=registry, formatter=JsonFormatter()) as kafka:
        with pytest.raises(MessageTooLargeError) as info:
            await kafka.send_messages([{"value": "small"}, {"value": "x" * 200}])
    assert isinstance(info.value, DeliveryError)
    assert [f.index for f in info.value.failures] == [1]
    assert info.value.delivered[0] is not None


async def test_an_unknown_topic_is_refused_before_sending(registry: FakeSchemaRegistry) -> None:
    broker = FakeBroker(auto_create_topics=False)
    async with fake_kafka("missing", broker=broker, registry=registry, formatter=JsonFormatter()) as kafka:
        with pytest.raises(UnknownTopicError, match=r"topic 'missing' does not exist .*nothing sent"):
            await kafka.send_messages([{"value": 1}])
    assert broker.records("missing") == []


async def test_registry_down_sends_nothing(broker: FakeBroker, registry: FakeSchemaRegistry) -> None:
    registry.available = False
    client = registry.client(retry=RetryPolicy(max_retries=0))
    async with Kafka(brokers="x:1", topic=TOPIC, registry=client, producer_factory=broker.producer) as kafka:
        with pytest.raises(RegistryUnavailableError, match=r"schema registry unavailable at .*returned 503"):
            await kafka.send_messages([{"value": event()}])
    assert broker.records(TOPIC) == []


async def test_registering_a_new_version_is_used_by_the_next_send(kafka: Kafka) -> None:
    await kafka.register_schema(V2)
    results = await kafka.send_messages([{"value": event(verificationScore=0.5)}])
    assert results[0].schema_id == 2


async def test_encode_and_decode_are_inverse(kafka: Kafka) -> None:
    assert await kafka.decode(await kafka.encode(event())) == event() | {"note": None}


@pytest.mark.parametrize(
    "message",
    [
        {"key": "k"},
        {"value": 1, "partition": 2},
        ("k", 1),
        {"value": 1, "key": 5},
        {"value": 1, "headers": {"h": 1}},
    ],
)
async def test_malformed_messages_are_validation_errors(message: Any, broker: FakeBroker) -> None:
    async with fake_kafka(
        TOPIC, broker=broker, registry=FakeSchemaRegistry(), formatter=JsonFormatter()
    ) as kafka:
        with pytest.raises(ValidationError):
            await kafka.send_messages([message])
    assert broker.records(TOPIC) == []


def test_an_illegal_topic_name_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="invalid Kafka topic name"):
        Kafka(brokers="x:1", topic="bad topic!", formatter=JsonFormatter())


def test_the_avro_formatter_needs_a_registry() -> None:
    with pytest.raises(ConfigurationError, match="registry_url"):
        Kafka(brokers="x:1", topic="t")


async def test_the_producer_is_idempotent_and_partitions_like_java(broker: FakeBroker) -> None:
    seen: list[dict[str, Any]] = []

    def factory(conf: dict[str, Any]) -> Any:
        seen.append(conf)
        return broker.producer(conf)

    async with Kafka(
        brokers=["h1:9092", "h2:9092"], topic="t", formatter=JsonFormatter(), producer_factory=factory
    ):
        pass
    conf = seen[0]
    assert conf["enable.idempotence"] is True
    assert conf["acks"] == "all"
    assert conf["partitioner"] == "murmur2_random"
    assert conf["bootstrap.servers"] == "h1:9092,h2:9092"


async def test_producer_config_overrides_the_defaults(broker: FakeBroker) -> None:
    seen: list[dict[str, Any]] = []

    def factory(conf: dict[str, Any]) -> Any:
        seen.append(conf)
        return broker.producer(conf)

    async with Kafka(
        brokers="h:1",
        topic="t",
        formatter=JsonFormatter(),
        producer_factory=factory,
        producer_config={"linger.ms": 50},
    ):
        pass
    assert seen[0]["linger.ms"] == 50


async def test_a_bad_producer_setting_is_a_configuration_error() -> None:
    kafka = Kafka(brokers="h:1", topic="t", formatter=JsonFormatter(), producer_config={"no.such.setting": 1})
    with pytest.raises(ConfigurationError, match="invalid producer configuration"):
        await kafka.connect()


async def test_an_ssl_provider_is_awaited_once(broker: FakeBroker) -> None:
    calls: list[int] = []
    confs: list[dict[str, Any]] = []

    async def provider() -> SslConfig:
        calls.append(1)
        return SslConfig(ca="CA-PEM", cert="CERT", key="KEY")

    def factory(conf: dict[str, Any]) -> Any:
        confs.append(conf)
        return broker.producer(conf)

    kafka = Kafka(brokers="h:1", topic="t", formatter=JsonFormatter(), ssl=provider, producer_factory=factory)
    await kafka.connect()
    await kafka.disconnect()
    await kafka.connect()
    await kafka.disconnect()
    assert len(calls) == 1
    assert confs[1]["ssl.ca.pem"] == "CA-PEM"
    assert confs[1]["security.protocol"] == "SSL"


def test_ssl_key_is_not_in_the_repr() -> None:
    assert "KEY-SECRET" not in repr(SslConfig(cert="c", key="KEY-SECRET"))


async def test_the_correlation_id_travels_in_a_header(kafka: Kafka, broker: FakeBroker) -> None:
    with correlation_scope("cid-123"):
        await kafka.send_messages([{"value": event()}])
    assert dict(broker.records(TOPIC)[0].headers() or [])["x-correlation-id"] == b"cid-123"


async def test_a_custom_headers_hook_adds_headers(broker: FakeBroker, registry: FakeSchemaRegistry) -> None:
    def hook(headers: Any) -> None:
        headers["traceparent"] = b"00-abc-def-01"

    async with fake_kafka(
        "t", broker=broker, registry=registry, formatter=JsonFormatter(), headers_hook=hook
    ) as k:
        await k.send_messages([{"value": 1}])
    assert dict(broker.records("t")[0].headers() or [])["traceparent"] == b"00-abc-def-01"


async def test_a_full_local_queue_is_waited_for(broker: FakeBroker, registry: FakeSchemaRegistry) -> None:
    class Busy:
        def __init__(self, conf: dict[str, Any]) -> None:
            self.inner, self.refusals = broker.producer(conf), 3

        def produce(self, *args: Any, **kwargs: Any) -> None:
            if self.refusals:
                self.refusals -= 1
                raise BufferError("queue full")
            self.inner.produce(*args, **kwargs)

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

    async with Kafka(brokers="h:1", topic="t", formatter=JsonFormatter(), producer_factory=Busy) as kafka:
        assert len(await kafka.send_messages([{"value": 1}, {"value": 2}])) == 2


async def test_the_poll_thread_may_flush_from_the_first_message_of_a_checked_batch(
    broker: FakeBroker,
) -> None:
    # The batch was encoded and checked whole before the first produce: the flush may start at once
    # (the first requests leave while the rest is produced); an invalid batch produces nothing.
    flush_asked: list[bool] = []
    holder: list[Kafka] = []

    class Watching:
        def __init__(self, conf: dict[str, Any]) -> None:
            self.inner = broker.producer(conf)

        def produce(self, *args: Any, **kwargs: Any) -> None:
            flush_asked.append(holder[0]._wanted.is_set())
            self.inner.produce(*args, **kwargs)

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

    async with Kafka(brokers="h:1", topic="t", formatter=JsonFormatter(), producer_factory=Watching) as kafka:
        holder.append(kafka)
        with pytest.raises(SchemaValidationError):
            await kafka.send_messages([{"value": 1}, {"value": object()}])
        assert flush_asked == []
        assert len(await kafka.send_messages([{"value": i} for i in range(5)])) == 5
    assert flush_asked == [True] * 5


async def test_send_after_disconnect_reconnects(kafka: Kafka, broker: FakeBroker) -> None:
    await kafka.disconnect()
    assert len(await kafka.send_messages([{"value": event()}])) == 1


def test_from_settings_reads_the_kafka_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VF_KAFKA_BROKERS", "b1:9092,b2:9092")
    monkeypatch.setenv("VF_KAFKA_TOPIC", "fan.verified")
    monkeypatch.setenv("VF_KAFKA_SCHEMA_CACHE_TTL", "5")
    kafka = Kafka.from_settings(KafkaSettings())
    assert (kafka.topic, kafka.brokers) == ("fan.verified", ["b1:9092", "b2:9092"])
    assert kafka.formatter.cache_ttl == 5.0  # type: ignore[attr-defined]


def test_from_settings_needs_a_topic() -> None:
    with pytest.raises(ConfigurationError, match="no topic"):
        Kafka.from_settings(KafkaSettings(brokers="b:1"))


def test_from_settings_takes_any_setting_as_an_override() -> None:
    from verifiedfan.kafka import KafkaConsumer

    settings = KafkaSettings(brokers="b:1", topic="t", client_id="from-env")
    kafka = Kafka.from_settings(settings, client_id="svc", topic="other", delivery_timeout=3.0)
    assert (kafka.client_id, kafka.topic, kafka.delivery_timeout) == ("svc", "other", 3.0)
    assert Kafka.from_settings(settings).client_id == "from-env"
    consumer = KafkaConsumer.from_settings(
        settings, client_id="svc", group_id="g", registry_url=None, formatter=JsonFormatter()
    )
    assert (consumer.client_id, consumer.topics, consumer.group_id) == ("svc", ["t"], "g")
    with pytest.raises(ConfigurationError, match="no group id"):
        KafkaConsumer.from_settings(settings)
    with pytest.raises(ConfigurationError, match="no topics"):
        KafkaConsumer.from_settings(KafkaSettings(brokers="b:1", group_id="g"))


async def test_an_unreachable_broker_fails_on_open_naming_the_address(
    broker: FakeBroker, registry: FakeSchemaRegistry
) -> None:
    from verifiedfan.kafka import BrokerUnavailableError

    broker.reachable = False
    with pytest.raises(BrokerUnavailableError, match=r"'fake:9092'.*Connection refused") as info:
        async with fake_kafka(TOPIC, broker=broker, registry=registry):
            pytest.fail("opened")
    assert info.value.code == "_ALL_BROKERS_DOWN"
    async with fake_kafka(TOPIC, broker=broker, registry=registry, connect_timeout=None):
        pass  # the check can be skipped


async def test_each_setting_reaches_librdkafka(broker: FakeBroker, monkeypatch: pytest.MonkeyPatch) -> None:
    # Values chosen so that a dropped setting shows: none is librdkafka's or our default.
    monkeypatch.setenv("VF_KAFKA_BROKERS", "b1:1111,b2:2222")
    monkeypatch.setenv("VF_KAFKA_CLIENT_ID", "svc-7")
    monkeypatch.setenv("VF_KAFKA_DELIVERY_TIMEOUT", "7.5")
    monkeypatch.setenv("VF_KAFKA_GROUP_ID", "grp-3")
    seen: dict[str, dict[str, Any]] = {}

    def producer(conf: dict[str, Any]) -> Any:
        seen["producer"] = conf
        return broker.producer(conf)

    def consumer(conf: dict[str, Any]) -> Any:
        seen["consumer"] = conf
        return broker.consumer(conf)

    settings = KafkaSettings()
    async with Kafka.from_settings(settings, topic="t", formatter=JsonFormatter(), producer_factory=producer):
        pass
    from verifiedfan.kafka import KafkaConsumer

    async with KafkaConsumer.from_settings(
        settings,
        topics="t",
        formatter=JsonFormatter(),
        consumer_factory=consumer,
        consumer_config={"fetch.min.bytes": 3},
    ):
        pass
    assert seen["producer"]["bootstrap.servers"] == "b1:1111,b2:2222"
    assert seen["producer"]["client.id"] == "svc-7"
    assert seen["producer"]["message.timeout.ms"] == 7500
    assert seen["consumer"]["bootstrap.servers"] == "b1:1111,b2:2222"
    assert (seen["consumer"]["group.id"], seen["consumer"]["client.id"]) == ("grp-3", "svc-7")
    assert seen["consumer"]["fetch.min.bytes"] == 3
    assert seen["consumer"]["enable.auto.offset.store"] is False  # at-least-once: stored after handling
