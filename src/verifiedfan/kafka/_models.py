"""Value objects of the Kafka API: messages, delivery results, TLS and retry options, settings."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from pydantic import SecretStr

from verifiedfan.errors import ConfigurationError
from verifiedfan.http._config import RetryPolicy as HttpRetryPolicy
from verifiedfan.kafka._headers import Headers, HeadersInput
from verifiedfan.settings import VFSettings

__all__ = [
    "ConsumedMessage",
    "KafkaMessage",
    "KafkaSettings",
    "RecordMetadata",
    "RetryPolicy",
    "SslConfig",
    "SslProvider",
    "validate_topic_name",
]

_TOPIC_RE = re.compile(r"^[A-Za-z0-9._-]{1,249}$")


def validate_topic_name(topic: str) -> str:
    """Return ``topic`` when it is a legal Kafka topic name, else raise :class:`ConfigurationError`."""
    if not isinstance(topic, str) or not _TOPIC_RE.match(topic) or topic in {".", ".."}:
        raise ConfigurationError(
            f"invalid Kafka topic name {topic!r}: 1-249 characters among letters, digits, '.', '_', '-'"
        )
    return topic


@dataclass(frozen=True, slots=True)
class KafkaMessage:
    """One message to send: ``key`` picks the partition (same key, same partition), ``value`` is encoded
    by the client's formatter, ``headers`` travel as they are (pairs repeat a name)."""

    value: Any
    key: str | bytes | None = None
    headers: HeadersInput | None = None


class RecordMetadata(NamedTuple):
    """Where the broker stored a message. ``timestamp`` is milliseconds since the epoch.

    A named tuple (immutable, and cheap to build: one per message sent).
    """

    topic: str
    partition: int
    offset: int
    timestamp: int | None
    schema_id: int | None = None


@dataclass(frozen=True, slots=True)
class ConsumedMessage:
    """A message read by :class:`~verifiedfan.kafka.KafkaConsumer`, decoded.

    ``schema_id`` is the writer's schema id from the Confluent wire format (``None`` for other formats);
    ``raw`` holds the undecoded value bytes. ``headers`` keeps every header in order, repeated names
    included: ``headers.get(name)`` is the last value, ``headers.get_all(name)`` all of them.
    """

    topic: str
    partition: int
    offset: int
    timestamp: int | None
    key: str | None
    value: Any
    headers: Headers = field(default_factory=Headers)
    schema_id: int | None = None
    raw: bytes | None = field(default=None, repr=False)

    def header(self, name: str) -> str | None:
        """The last header of that name decoded as UTF-8, or ``None`` when absent."""
        value = self.headers.get(name)
        return None if value is None else value.decode("utf-8", errors="replace")


@dataclass(frozen=True, slots=True)
class SslConfig:
    """TLS to the brokers, as PEM text (e.g. read from a secret store). ``key`` is never logged."""

    ca: str | None = None
    cert: str | None = None
    key: str | None = field(default=None, repr=False)
    key_password: str | None = field(default=None, repr=False)
    verify: bool = True

    def to_librdkafka(self) -> dict[str, Any]:
        conf: dict[str, Any] = {
            "security.protocol": "SSL",
            "enable.ssl.certificate.verification": self.verify,
        }
        if self.ca:
            conf["ssl.ca.pem"] = self.ca
        if self.cert:
            conf["ssl.certificate.pem"] = self.cert
        if self.key:
            conf["ssl.key.pem"] = self.key
        if self.key_password:
            conf["ssl.key.password"] = self.key_password
        return conf


SslProvider = Callable[[], Awaitable[SslConfig]]
"""An async function returning the TLS settings; called once, on first connect, then cached."""


def _no_jitter() -> float:
    return 1.0


@dataclass(frozen=True, kw_only=True)
class RegistryRetryPolicy(HttpRetryPolicy):
    """The library's one :class:`~verifiedfan.http.RetryPolicy` with the schema registry's defaults:
    3 retries after the first attempt, waiting 0.25 s, 0.75 s, then 2 s (no jitter, so the schedule is
    exactly the one the registry's callers were promised). Any ``RetryPolicy`` works too."""

    backoff_initial: float = 0.25
    backoff_multiplier: float = 3.0
    backoff_max: float = 2.0
    jitter: Callable[[], float] = field(default=_no_jitter, repr=False, compare=False)


RetryPolicy = RegistryRetryPolicy
"""The former name of :class:`RegistryRetryPolicy` (its ``retries``/``backoff``/``factor``/``max_backoff``
fields are now ``max_retries``/``backoff_initial``/``backoff_multiplier``/``backoff_max``)."""


class KafkaSettings(VFSettings):
    """Kafka and schema-registry settings from ``VF_KAFKA_*`` variables."""

    model_config = VFSettings.model_config | {"env_prefix": "VF_KAFKA_"}

    # The usual local ports, like Redis's 6379 and Mongo's 27017; `eval "$(vf stack env --export)"`
    # points every client at the `vf stack` servers instead.
    brokers: str = "127.0.0.1:9092"
    registry_url: str = "http://127.0.0.1:8081"
    client_id: str = "verifiedfan"
    topic: str | None = None
    group_id: str | None = None
    dead_letter_topic: str | None = None
    schema_cache_ttl: float = 300.0
    delivery_timeout: float = 120.0
    connect_timeout: float | None = 10.0
    ssl_ca: str | None = None
    ssl_cert: str | None = None
    ssl_key: SecretStr | None = None

    def producer_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of :class:`~verifiedfan.kafka.Kafka` these settings give."""
        return {
            "brokers": self.broker_list,
            "topic": self.topic,
            "registry_url": self.registry_url,
            "client_id": self.client_id,
            "ssl": self.ssl_config(),
            "schema_cache_ttl": self.schema_cache_ttl,
            "delivery_timeout": self.delivery_timeout,
            "connect_timeout": self.connect_timeout,
        }

    def consumer_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of :class:`~verifiedfan.kafka.KafkaConsumer` these settings give."""
        return {
            "brokers": self.broker_list,
            "topics": self.topic,
            "group_id": self.group_id,
            "registry_url": self.registry_url,
            "client_id": self.client_id,
            "ssl": self.ssl_config(),
            "dead_letter_topic": self.dead_letter_topic,
            "connect_timeout": self.connect_timeout,
        }

    @property
    def broker_list(self) -> list[str]:
        return [b.strip() for b in self.brokers.split(",") if b.strip()]

    def ssl_config(self) -> SslConfig | None:
        if not (self.ssl_ca or self.ssl_cert or self.ssl_key):
            return None
        key = self.ssl_key.get_secret_value() if self.ssl_key else None
        return SslConfig(ca=self.ssl_ca, cert=self.ssl_cert, key=key)
