"""Every ``VF_KAFKA_*`` setting arrives where it acts: in librdkafka's configuration, the registry
client, the schema cache and the consumer (issue 22).

Values differ from their defaults and from each other, so a setting dropped or swapped on the way shows.
The librdkafka configuration is read from the factory the client hands it to; nothing connects.
"""

from __future__ import annotations

from typing import Any

import pytest

from verifiedfan.errors import ConfigurationError
from verifiedfan.kafka import Kafka, KafkaConsumer, KafkaSettings

ENV = {
    "VF_KAFKA_BROKERS": "h1.invalid:1, h2.invalid:2",
    "VF_KAFKA_REGISTRY_URL": "http://registry.invalid:8/apis/ccompat/v7",
    "VF_KAFKA_CLIENT_ID": "reach-client",
    "VF_KAFKA_TOPIC": "reach.topic",
    "VF_KAFKA_GROUP_ID": "reach-group",
    "VF_KAFKA_DEAD_LETTER_TOPIC": "reach.dlq",
    "VF_KAFKA_SCHEMA_CACHE_TTL": "42.5",
    "VF_KAFKA_DELIVERY_TIMEOUT": "3.25",
    "VF_KAFKA_CONNECT_TIMEOUT": "1.75",
}


class Captured(Exception):
    """Raised by the factory once it has the configuration, so nothing connects."""


def _capture(into: dict[str, Any]) -> Any:
    def factory(conf: dict[str, Any]) -> Any:
        into.update(conf)
        raise Captured

    return factory


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> KafkaSettings:
    for key, value in ENV.items():
        monkeypatch.setenv(key, value)
    return KafkaSettings()


async def test_producer_settings_reach_librdkafka_and_the_registry(settings: KafkaSettings) -> None:
    conf: dict[str, Any] = {}
    kafka = Kafka.from_settings(settings, producer_factory=_capture(conf))
    with pytest.raises(ConfigurationError, match="invalid producer configuration"):
        await kafka.connect()
    assert conf["bootstrap.servers"] == "h1.invalid:1,h2.invalid:2"
    assert conf["client.id"] == "reach-client"
    assert conf["message.timeout.ms"] == 3250
    assert kafka.topic == "reach.topic"
    assert kafka.connect_timeout == pytest.approx(1.75)
    assert kafka.registry is not None
    assert kafka.registry.url == "http://registry.invalid:8/apis/ccompat/v7"
    assert kafka.formatter.cache_ttl == pytest.approx(42.5)  # type: ignore[attr-defined]


async def test_consumer_settings_reach_librdkafka(settings: KafkaSettings) -> None:
    conf: dict[str, Any] = {}
    consumer = KafkaConsumer.from_settings(settings, consumer_factory=_capture(conf))
    with pytest.raises((Captured, ConfigurationError)):
        await consumer.connect()
    assert conf["bootstrap.servers"] == "h1.invalid:1,h2.invalid:2"
    assert conf["client.id"] == "reach-client"
    assert conf["group.id"] == "reach-group"
    assert consumer.topics == ["reach.topic"]
    assert consumer.dead_letter_topic == "reach.dlq"
    assert consumer.connect_timeout == pytest.approx(1.75)
    assert consumer.registry is not None
    assert consumer.registry.url == "http://registry.invalid:8/apis/ccompat/v7"


def test_tls_settings_reach_librdkafka(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VF_KAFKA_SSL_CA", "CA-PEM")
    monkeypatch.setenv("VF_KAFKA_SSL_CERT", "CERT-PEM")
    monkeypatch.setenv("VF_KAFKA_SSL_KEY", "KEY-PEM")
    ssl = KafkaSettings().ssl_config()
    assert ssl is not None
    conf = ssl.to_librdkafka()
    assert conf["ssl.ca.pem"] == "CA-PEM"
    assert conf["ssl.certificate.pem"] == "CERT-PEM"
    assert conf["ssl.key.pem"] == "KEY-PEM"
    assert conf["security.protocol"] == "SSL"
