"""One contract, two backends: the in-memory fakes and the real broker and registry of ``vf stack``.

The ``backend`` fixture is parametrized: ``fake`` runs anywhere, ``real`` uses the plugin's
``vf_kafka`` and ``vf_schema_registry`` fixtures (marked ``integration`` and ``kafka``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from verifiedfan.kafka import Kafka, KafkaConsumer, RetryPolicy, SchemaRegistryClient
from verifiedfan.testing.kafka import FakeBroker, FakeSchemaRegistry

V1: dict[str, Any] = {
    "type": "record",
    "name": "FanVerified",
    "namespace": "vf.events",
    "fields": [
        {"name": "id", "type": "string"},
        {"name": "userId", "type": "string"},
        {"name": "artistId", "type": "string"},
    ],
}
V2: dict[str, Any] = {
    **V1,
    "fields": [*V1["fields"], {"name": "verificationScore", "type": "double", "default": 0.0}],
}
V3_INCOMPATIBLE: dict[str, Any] = {**V1, "fields": [*V1["fields"], {"name": "tier", "type": "int"}]}


def event(i: int, **extra: Any) -> dict[str, Any]:
    return {"id": f"e{i}", "userId": f"u{i % 7}", "artistId": "a1", **extra}


class Backend:
    """Builds producers, consumers and topics on one backend."""

    name: str
    idle: float  # seconds without messages after which a test consumer stops

    def kafka(self, topic: str, **options: Any) -> Kafka:
        raise NotImplementedError

    def consumer(self, topics: str | list[str], **options: Any) -> KafkaConsumer:
        raise NotImplementedError

    def registry(self) -> SchemaRegistryClient:
        raise NotImplementedError

    def unreachable_registry_kafka(self, topic: str) -> Kafka:
        raise NotImplementedError

    def new_topic(self, partitions: int = 1) -> str:
        raise NotImplementedError

    @staticmethod
    def unique(prefix: str = "contract") -> str:
        return f"{prefix}-{uuid.uuid4().hex[:12]}"


class FakeBackend(Backend):
    name, idle = "fake", 0.3

    def __init__(self) -> None:
        self.broker, self.fake_registry = FakeBroker(partitions=1), FakeSchemaRegistry()

    def kafka(self, topic: str, **options: Any) -> Kafka:
        options.setdefault("registry", self.fake_registry.client())
        return Kafka(brokers="fake:9092", topic=topic, producer_factory=self.broker.producer, **options)

    def consumer(self, topics: str | list[str], **options: Any) -> KafkaConsumer:
        options.setdefault("registry", self.fake_registry.client())
        options.setdefault("group_id", self.unique("group"))
        return KafkaConsumer(
            brokers="fake:9092",
            topics=topics,
            consumer_factory=self.broker.consumer,
            producer_factory=self.broker.producer,
            poll_timeout=0.05,
            **options,
        )

    def registry(self) -> SchemaRegistryClient:
        return self.fake_registry.client()

    def unreachable_registry_kafka(self, topic: str) -> Kafka:
        down = FakeSchemaRegistry()
        down.available = False
        return self.kafka(
            topic, registry=down.client(retry=RetryPolicy(max_retries=3, backoff_initial=0.001))
        )

    def new_topic(self, partitions: int = 1) -> str:
        topic = self.unique()
        self.broker.create_topic(topic, partitions)
        return topic


class RealBackend(Backend):
    name, idle = "real", 8.0

    def __init__(self, bootstrap: str, registry_url: str) -> None:
        self.bootstrap, self.registry_url = bootstrap, registry_url
        self.topics: list[str] = []

    def kafka(self, topic: str, **options: Any) -> Kafka:
        options.setdefault("registry_url", self.registry_url)
        return Kafka(brokers=self.bootstrap, topic=topic, **options)

    def consumer(self, topics: str | list[str], **options: Any) -> KafkaConsumer:
        options.setdefault("registry_url", self.registry_url)
        options.setdefault("group_id", self.unique("group"))
        return KafkaConsumer(brokers=self.bootstrap, topics=topics, poll_timeout=0.5, **options)

    def registry(self) -> SchemaRegistryClient:
        return SchemaRegistryClient(url=self.registry_url)

    def unreachable_registry_kafka(self, topic: str) -> Kafka:
        return self.kafka(
            topic,
            registry_url="http://127.0.0.1:9/apis/ccompat/v7",
            retry=RetryPolicy(max_retries=3, backoff_initial=0.01),
        )

    def new_topic(self, partitions: int = 1) -> str:
        from confluent_kafka.admin import AdminClient, NewTopic  # type: ignore[attr-defined]

        topic = self.unique()
        admin = AdminClient({"bootstrap.servers": self.bootstrap})
        admin.create_topics([NewTopic(topic, num_partitions=partitions, replication_factor=1)])[topic].result(
            30
        )
        self.topics.append(topic)
        return topic

    def cleanup(self) -> None:
        if self.topics:
            from confluent_kafka.admin import AdminClient

            admin = AdminClient({"bootstrap.servers": self.bootstrap})
            for future in admin.delete_topics(self.topics).values():
                future.result(30)


@pytest.fixture(
    params=["fake", pytest.param("real", marks=[pytest.mark.integration, pytest.mark.kafka])],
)
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    if request.param == "fake":
        yield FakeBackend()
        return
    kafka_conn = request.getfixturevalue("vf_kafka")
    registry_conn = request.getfixturevalue("vf_schema_registry")
    real = RealBackend(kafka_conn.bootstrap_servers, registry_conn.url)
    try:
        yield real
    finally:
        real.cleanup()
