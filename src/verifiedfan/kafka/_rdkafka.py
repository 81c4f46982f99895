"""librdkafka glue shared by the producer and the consumer: configuration and error translation."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from verifiedfan._optional import require
from verifiedfan.errors import ConfigurationError
from verifiedfan.kafka._errors import (
    DeliveryError,
    DeliveryFailure,
    KafkaError,
    MessageTooLargeError,
    UnknownTopicError,
)
from verifiedfan.kafka._models import SslConfig

__all__ = [
    "UNKNOWN_TOPIC",
    "base_config",
    "delivery_error",
    "error_code",
    "kafka_exception",
    "merge_config",
    "translate",
]

logger = logging.getLogger("verifiedfan.kafka.librdkafka")

_TOO_LARGE = frozenset({"MSG_SIZE_TOO_LARGE", "_MSG_SIZE_TOO_LARGE", "RECORD_LIST_TOO_LARGE"})
UNKNOWN_TOPIC = frozenset(
    {"UNKNOWN_TOPIC_OR_PART", "_UNKNOWN_TOPIC", "_UNKNOWN_PARTITION", "TOPIC_EXCEPTION"}
)


def base_config(*, brokers: Sequence[str] | str, client_id: str, ssl: SslConfig | None) -> dict[str, Any]:
    servers = brokers if isinstance(brokers, str) else ",".join(brokers)
    if not servers:
        raise ConfigurationError("no Kafka brokers configured")
    conf: dict[str, Any] = {
        "bootstrap.servers": servers,
        "client.id": client_id,
        "logger": _LIBRDKAFKA_LOG,
        "error_cb": _log_error,
    }
    if ssl is not None:
        conf.update(ssl.to_librdkafka())
    return conf


class _LibrdkafkaLog:
    """Where librdkafka's own log lines go: our logger, capped at WARNING.

    librdkafka logs every failed connection attempt as an error while it keeps retrying; what really
    failed reaches the caller as a typed exception, so its lines are warnings at most here.
    """

    def log(self, level: int, msg: str, *args: Any, **kwargs: Any) -> None:
        logger.log(min(level, logging.WARNING), msg, *args, **kwargs)


_LIBRDKAFKA_LOG = _LibrdkafkaLog()


def kafka_exception() -> type[Exception]:
    """``confluent_kafka.KafkaException`` (imported on first use)."""
    exc: type[Exception] = require("confluent_kafka", "kafka").KafkaException
    return exc


def _log_error(err: Any) -> None:
    # Global librdkafka errors: librdkafka keeps retrying. A lost connection is reported once per
    # attempt (debug); the cluster being unreachable, authentication or fatal errors are warnings.
    level = logging.DEBUG if error_code(err) == "_TRANSPORT" else logging.WARNING
    logger.log(level, "librdkafka: %s", err)


def error_code(err: Any) -> str:
    """The librdkafka error name of a ``confluent_kafka.KafkaError`` (``"_MSG_TIMED_OUT"``...)."""
    name = getattr(err, "name", None)
    return str(name()) if callable(name) else type(err).__name__


def error_text(err: Any) -> str:
    text = getattr(err, "str", None)
    return str(text()) if callable(text) else str(err)


def translate(exc: BaseException, action: str) -> KafkaError:
    """A ``KafkaException`` (or other librdkafka failure) as the matching :class:`KafkaError`."""
    err = exc.args[0] if exc.args else exc
    code = error_code(err)
    message = f"{action}: {error_text(err)}"
    if code in _TOO_LARGE:
        return MessageTooLargeError(message, code=code)
    if code in UNKNOWN_TOPIC:
        return UnknownTopicError(message, code=code)
    return KafkaError(message, code=code)


def delivery_error(
    topic: str, failures: Sequence[DeliveryFailure], delivered: Sequence[object | None]
) -> DeliveryError:
    """One error for the failed messages of a batch, of the most specific class they share."""
    codes = {f.code for f in failures}
    first = failures[0]
    message = (
        f"{len(failures)} of {len(delivered)} messages to {topic!r} not delivered "
        f"(first: message {first.index}: {first.code}: {first.reason})"
    )
    cls: type[DeliveryError] = DeliveryError
    if codes <= _TOO_LARGE:
        cls = MessageTooLargeError
    elif codes <= UNKNOWN_TOPIC:
        cls = UnknownTopicError
    return cls(message, failures=failures, delivered=delivered, code=first.code)


def merge_config(conf: dict[str, Any], extra: Mapping[str, Any] | None) -> dict[str, Any]:
    if extra:
        conf.update(extra)
    return conf
