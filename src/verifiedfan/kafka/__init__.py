"""Event streaming: a Kafka producer and consumer with the Confluent schema registry and Avro.

The successor of ``@verifiedfan/kafka``. :class:`Kafka` is a producer bound to one topic that
validates a whole batch before sending any of it and writes the Confluent wire format;
:class:`KafkaConsumer` reads and decodes (optionally resolving to a reader schema), commits only
what was handled, and dead-letters what it cannot decode. A producer given a ``transactional_id``
sends in transactions (``async with kafka.transaction()``) together with the consumer offsets of
what it handled (consume-transform-produce, exactly once for ``read_committed`` consumers). Every
failure is a :class:`KafkaError`.
Needs the ``kafka`` extra: ``pip install "verifiedfan[kafka]"``.
"""

from verifiedfan.kafka._avro_compat import can_read, is_compatible
from verifiedfan.kafka._batch import MessageInput
from verifiedfan.kafka._consumer import DLQ_HEADERS, Handler, KafkaConsumer
from verifiedfan.kafka._errors import (
    BrokerUnavailableError,
    DeliveryError,
    DeliveryFailure,
    FieldIssue,
    InvalidSchemaError,
    KafkaError,
    MessageDecodeError,
    MessageTooLargeError,
    ProducerFencedError,
    RegistryUnavailableError,
    RegistryUrlError,
    SchemaIncompatibleError,
    SchemaNotFoundError,
    SchemaRegistryError,
    SchemaValidationError,
    TransactionError,
    UndecodableMessageError,
    UnknownTopicError,
)
from verifiedfan.kafka._formatters import (
    AvroFormatter,
    CallableFormatter,
    Decoded,
    EncodedBatch,
    Formatter,
    JsonFormatter,
    pack_wire,
    parse_avro_schema,
    unpack_wire,
)
from verifiedfan.kafka._headers import Headers, HeadersInput
from verifiedfan.kafka._hooks import (
    HeadersHook,
    MessageContext,
    SendInstrument,
    default_headers_hook,
    default_message_context,
    tracing_enabled,
)
from verifiedfan.kafka._logical import OutOfRangeValue
from verifiedfan.kafka._models import (
    ConsumedMessage,
    KafkaMessage,
    KafkaSettings,
    RecordMetadata,
    RegistryRetryPolicy,
    RetryPolicy,
    SslConfig,
    SslProvider,
    validate_topic_name,
)
from verifiedfan.kafka._partition import java_partition, murmur2
from verifiedfan.kafka._producer import Kafka
from verifiedfan.kafka._registry import Compatibility, RegisteredSchema, SchemaRegistryClient, schema_text
from verifiedfan.kafka._ssl_secret import JsonSecret, ssl_from_secret
from verifiedfan.kafka._transaction import next_offsets
from verifiedfan.kafka._validate import validate_record

__all__ = [
    "DLQ_HEADERS",
    "AvroFormatter",
    "BrokerUnavailableError",
    "CallableFormatter",
    "Compatibility",
    "ConsumedMessage",
    "Decoded",
    "DeliveryError",
    "DeliveryFailure",
    "EncodedBatch",
    "FieldIssue",
    "Formatter",
    "Handler",
    "Headers",
    "HeadersHook",
    "HeadersInput",
    "InvalidSchemaError",
    "JsonFormatter",
    "JsonSecret",
    "Kafka",
    "KafkaConsumer",
    "KafkaError",
    "KafkaMessage",
    "KafkaSettings",
    "MessageContext",
    "MessageDecodeError",
    "MessageInput",
    "MessageTooLargeError",
    "OutOfRangeValue",
    "ProducerFencedError",
    "RecordMetadata",
    "RegisteredSchema",
    "RegistryRetryPolicy",
    "RegistryUnavailableError",
    "RegistryUrlError",
    "RetryPolicy",
    "SchemaIncompatibleError",
    "SchemaNotFoundError",
    "SchemaRegistryClient",
    "SchemaRegistryError",
    "SchemaValidationError",
    "SendInstrument",
    "SslConfig",
    "SslProvider",
    "TransactionError",
    "UndecodableMessageError",
    "UnknownTopicError",
    "can_read",
    "default_headers_hook",
    "default_message_context",
    "is_compatible",
    "java_partition",
    "murmur2",
    "next_offsets",
    "pack_wire",
    "parse_avro_schema",
    "schema_text",
    "ssl_from_secret",
    "tracing_enabled",
    "unpack_wire",
    "validate_record",
    "validate_topic_name",
]
