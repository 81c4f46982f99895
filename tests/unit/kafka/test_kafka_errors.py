from __future__ import annotations

import confluent_kafka

from verifiedfan.kafka import (
    DeliveryError,
    DeliveryFailure,
    KafkaError,
    MessageTooLargeError,
    SchemaValidationError,
    UnknownTopicError,
)
from verifiedfan.kafka._errors import FieldIssue
from verifiedfan.kafka._rdkafka import delivery_error, error_code, translate


def rd(code: str) -> confluent_kafka.KafkaException:
    return confluent_kafka.KafkaException(
        confluent_kafka.KafkaError(getattr(confluent_kafka.KafkaError, code))
    )


def test_a_size_error_becomes_message_too_large() -> None:
    err = translate(rd("MSG_SIZE_TOO_LARGE"), "produce")
    assert isinstance(err, MessageTooLargeError)
    assert err.code == "MSG_SIZE_TOO_LARGE"


def test_an_unknown_topic_error_becomes_unknown_topic() -> None:
    assert isinstance(translate(rd("UNKNOWN_TOPIC_OR_PART"), "produce"), UnknownTopicError)


def test_any_other_librdkafka_error_is_a_kafka_error_with_its_code() -> None:
    err = translate(rd("_TRANSPORT"), "produce")
    assert type(err) is KafkaError
    assert (err.code, str(err).startswith("produce: ")) == ("_TRANSPORT", True)


def test_error_code_of_something_else_is_its_type_name() -> None:
    assert error_code(ValueError("x")) == "ValueError"


def test_delivery_error_of_timeouts_lists_the_failed_indexes() -> None:
    failures = [DeliveryFailure(1, "_MSG_TIMED_OUT", "timed out"), DeliveryFailure(3, "_MSG_TIMED_OUT", "t")]
    err = delivery_error("t", failures, [object(), None, object(), None])
    assert type(err) is DeliveryError
    assert [f.index for f in err.failures] == [1, 3]
    assert "2 of 4 messages" in str(err)


def test_delivery_error_of_size_failures_is_message_too_large() -> None:
    err = delivery_error("t", [DeliveryFailure(0, "MSG_SIZE_TOO_LARGE", "big")], [None])
    assert isinstance(err, MessageTooLargeError)


def test_schema_validation_error_summarises_indexes_and_fields() -> None:
    err = SchemaValidationError(
        "x", errors=[FieldIssue(2, "b", "p"), FieldIssue(0, "a", "p"), FieldIssue(2, "a", "p")]
    )
    assert (err.indexes, err.fields, err.status) == ((0, 2), ("a", "b"), 400)


def test_errors_have_the_legacy_shape() -> None:
    assert UnknownTopicError("no topic").to_dict()["status"] == 404
