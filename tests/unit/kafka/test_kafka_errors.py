from __future__ import annotations

import logging

import confluent_kafka
import pytest

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


def test_librdkafka_lines_are_logged_once_per_window_with_the_count_held_back(
    caplog: pytest.LogCaptureFixture,
) -> None:

    from verifiedfan.kafka._rdkafka import ClientEvents

    now = [0.0]
    events = ClientEvents(window=60.0, clock=lambda: now[0])
    caplog.set_level(logging.DEBUG, logger="verifiedfan.kafka")
    line = "[thrd:127.0.0.1:9/bootstrap]: Connect to ipv4#127.0.0.1:9 failed: Connection refused (after %dms)"
    for attempt in range(1500):  # 75 s of librdkafka retrying every 50 ms
        now[0] = attempt * 0.05
        events.log(logging.ERROR, "%s [%s] %s", "FAIL", "rdkafka#producer-1", line % (attempt % 3))
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 2  # at 0 s, then once the 60 s window passed (at 60 s)
    assert messages[1].endswith("(1199 more like it in the last 60 s)")
    assert all(r.levelno == logging.WARNING for r in caplog.records)  # capped: the caller gets the error


def test_the_cause_and_all_brokers_down_are_remembered_for_the_error() -> None:

    from verifiedfan.kafka._rdkafka import ClientEvents

    events = ClientEvents()
    events.error(confluent_kafka.KafkaError(confluent_kafka.KafkaError._TRANSPORT, "b:9/bootstrap: refused"))
    assert not events.all_down.is_set()
    events.error(
        confluent_kafka.KafkaError(confluent_kafka.KafkaError._ALL_BROKERS_DOWN, "1/1 brokers are down")
    )
    assert events.all_down.is_set()
    assert events.cause == "b:9/bootstrap: refused"
