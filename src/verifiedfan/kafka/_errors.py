"""The ``KafkaError`` family: every failure of the producer, the consumer and the schema registry.

::

    KafkaError (VFError)
    ├── BrokerUnavailableError         no broker answered on connect (address and cause named)
    ├── DeliveryError                  messages the broker did not acknowledge in time (``failures``)
    │   ├── MessageTooLargeError       a message is bigger than ``message.max.bytes``
    │   └── UnknownTopicError          the topic does not exist (and is not auto-created)
    ├── SchemaValidationError (ValidationError)  a value does not match the schema; nothing was sent
    ├── InvalidSchemaError (ValidationError)     a schema that does not parse
    ├── TransactionError               a transactional call failed (``retriable``, ``abortable``, ``fatal``)
    │   └── ProducerFencedError        another producer with the same ``transactional.id`` took over
    ├── MessageDecodeError             bytes that are not a message of the expected format
    │   └── UndecodableMessageError    the consumer stopped on one (``topic``, ``partition``, ``offset``)
    └── SchemaRegistryError            the registry answered with an error
        ├── SchemaNotFoundError        404: unknown subject, version or id
        ├── SchemaIncompatibleError    409: refused by the subject's compatibility rule
        └── RegistryUnavailableError   no answer after the retries (network, 5xx, 429)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from verifiedfan.errors import ConfigurationError, ValidationError, VFError

__all__ = [
    "BrokerUnavailableError",
    "DeliveryError",
    "DeliveryFailure",
    "FieldIssue",
    "InvalidSchemaError",
    "KafkaError",
    "MessageDecodeError",
    "MessageTooLargeError",
    "ProducerFencedError",
    "RegistryUnavailableError",
    "RegistryUrlError",
    "SchemaIncompatibleError",
    "SchemaNotFoundError",
    "SchemaRegistryError",
    "SchemaValidationError",
    "TransactionError",
    "UndecodableMessageError",
    "UnknownTopicError",
]


class KafkaError(VFError):
    """Root of every error raised by :mod:`verifiedfan.kafka`.

    ``code`` is the librdkafka error name (``"_MSG_TIMED_OUT"``, ``"MSG_SIZE_TOO_LARGE"``...) when the
    error came from librdkafka.
    """

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None) -> None:
        super().__init__(message, status=status)
        self.code = code


class BrokerUnavailableError(KafkaError):
    """No broker of ``bootstrap.servers`` answered a metadata request on connect: a wrong address,
    a broker that is down, or TLS/authentication refused. The message names the address and the
    cause librdkafka reported."""

    status = 503


@dataclass(frozen=True)
class DeliveryFailure:
    """One message of a batch that was not delivered: its index in the batch and why."""

    index: int
    code: str
    reason: str


class DeliveryError(KafkaError):
    """Some messages were not acknowledged by the broker (timeout, refused, broker gone...).

    ``failures`` lists each undelivered message by its index in the batch; ``delivered`` holds the
    :class:`~verifiedfan.kafka.RecordMetadata` of the others (``None`` at the failed indexes).
    """

    def __init__(
        self,
        message: str,
        *,
        failures: Sequence[DeliveryFailure] = (),
        delivered: Sequence[object | None] = (),
        code: str | None = None,
    ) -> None:
        super().__init__(message, code=code)
        self.failures = tuple(failures)
        self.delivered = tuple(delivered)


class MessageTooLargeError(DeliveryError):
    """A message is larger than the producer's or the broker's size limit."""

    status = 413


class UnknownTopicError(DeliveryError):
    """The topic does not exist on the cluster and was not created."""

    status = 404


@dataclass(frozen=True)
class FieldIssue:
    """One problem found in a message: its index in the batch, the field path and what is wrong."""

    index: int
    field: str
    problem: str


class SchemaValidationError(KafkaError, ValidationError):
    """Values do not match the schema. Raised before anything is sent: the whole batch is refused.

    ``errors`` names each offending message index and field; ``indexes`` and ``fields`` summarise them.
    """

    status = 400

    def __init__(self, message: str, *, errors: Sequence[FieldIssue]) -> None:
        super().__init__(message)
        self.errors = tuple(errors)

    @property
    def indexes(self) -> tuple[int, ...]:
        return tuple(sorted({e.index for e in self.errors}))

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(sorted({e.field for e in self.errors}))


class InvalidSchemaError(KafkaError, ValidationError):
    """A schema that is not valid (does not parse, or the registry answered 422)."""

    status = 422


class TransactionError(KafkaError):
    """A transactional call (``init``, ``begin``, ``send_offsets``, ``commit``, ``abort``) failed.

    librdkafka says what to do next, and so do the flags: ``abortable`` - the transaction failed,
    call :meth:`~verifiedfan.kafka.Kafka.abort_transaction` and start again (nothing of it becomes
    visible); ``retriable`` - the same call may be retried; ``fatal`` - the producer cannot go on
    (close it; a new one with the same ``transactional.id`` fences what is left). A call made in the
    wrong state (sending outside a transaction...) is a ``TransactionError`` with none of them set,
    raised before any I/O.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        retriable: bool = False,
        abortable: bool = False,
        fatal: bool = False,
    ) -> None:
        super().__init__(message, code=code)
        self.retriable = retriable
        self.abortable = abortable
        self.fatal = fatal


class ProducerFencedError(TransactionError):
    """Another producer with the same ``transactional.id`` (a newer instance of this worker) took
    over: this one is a zombie and must stop; its open transaction was aborted by the new one."""

    status = 409


class MessageDecodeError(KafkaError):
    """Bytes that cannot be decoded (bad magic byte, unknown schema id, corrupt body...)."""


class UndecodableMessageError(MessageDecodeError):
    """A consumer without a dead-letter topic met a message it cannot decode and stopped there, so
    that nothing is lost: ``topic``, ``partition`` and ``offset`` name it. Reading again meets it
    again; ``await consumer.skip(error)`` moves past it (its offset is stored as handled), or give
    the consumer a ``dead_letter_topic`` to set such messages aside."""

    def __init__(self, message: str, *, topic: str, partition: int, offset: int) -> None:
        super().__init__(message)
        self.topic = topic
        self.partition = partition
        self.offset = offset


class SchemaRegistryError(KafkaError):
    """The schema registry answered with an error. ``error_code`` is its own code (e.g. 40401)."""

    def __init__(self, message: str, *, status: int | None = None, error_code: int | None = None) -> None:
        super().__init__(message, status=status)
        self.error_code = error_code


class RegistryUrlError(SchemaRegistryError, ConfigurationError):
    """The registry URL does not point at a Confluent Schema Registry API root: the server answered
    404 without a Confluent ``error_code`` (for Apicurio the root ends with ``/apis/ccompat/v7``)."""

    status = 404


class SchemaNotFoundError(SchemaRegistryError):
    """404: the subject, version or schema id does not exist."""

    status = 404


class SchemaIncompatibleError(SchemaRegistryError):
    """409: the registry refused the schema under the subject's compatibility rule."""

    status = 409


class RegistryUnavailableError(SchemaRegistryError):
    """The registry gave no usable answer after the retries (connection refused, timeouts, 5xx)."""

    status = 503
