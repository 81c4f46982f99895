"""Transactions without a broker: state checks before any I/O, offsets, librdkafka's verdicts."""

from __future__ import annotations

import confluent_kafka
import pytest

from verifiedfan.errors import ConfigurationError
from verifiedfan.kafka import (
    ConsumedMessage,
    JsonFormatter,
    Kafka,
    KafkaError,
    ProducerFencedError,
    TransactionError,
    next_offsets,
)
from verifiedfan.kafka._rdkafka import translate_transaction


def transactional(**options: object) -> Kafka:
    settings: dict[str, object] = {"transactional_id": "t1", **options}
    return Kafka(
        brokers="127.0.0.1:9",
        topic="t",
        formatter=JsonFormatter(),
        connect_timeout=None,
        **settings,  # type: ignore[arg-type]
    )


async def test_a_send_outside_a_transaction_is_refused_before_connecting() -> None:
    kafka = transactional()
    with pytest.raises(TransactionError, match="only inside a transaction"):
        await kafka.send_messages([{"value": {"n": 1}}])
    assert kafka._producer is None  # nothing was created, let alone sent


@pytest.mark.parametrize("call", ["commit_transaction", "abort_transaction"])
async def test_ending_a_transaction_that_was_not_begun_is_a_state_error(call: str) -> None:
    kafka = transactional()
    kafka._producer = object()  # as if connected: the state check comes before librdkafka
    with pytest.raises(TransactionError, match="no transaction is open"):
        await getattr(kafka, call)()


async def test_transaction_calls_need_a_transactional_id() -> None:
    kafka = Kafka(brokers="127.0.0.1:9", topic="t", formatter=JsonFormatter(), connect_timeout=None)
    kafka._producer = object()
    with pytest.raises(TransactionError, match="no transactional_id"):
        await kafka.begin_transaction()


def test_bad_transaction_settings_are_configuration_errors() -> None:
    with pytest.raises(ConfigurationError, match="transactional_id"):
        transactional(transactional_id="")
    with pytest.raises(ConfigurationError, match="transaction_timeout"):
        transactional(transaction_timeout=0)


def message(partition: int, offset: int, topic: str = "in") -> ConsumedMessage:
    return ConsumedMessage(
        topic=topic, partition=partition, offset=offset, timestamp=None, key=None, value=None
    )


def test_next_offsets_are_the_highest_handled_offset_plus_one_per_partition() -> None:
    batch = [message(0, 5), message(1, 7), message(0, 9), message(0, 6), message(0, 3, topic="other")]
    assert next_offsets(batch) == {("in", 0): 10, ("in", 1): 8, ("other", 0): 4}
    assert next_offsets([]) == {}


def kafka_exception(code: int, **flags: bool) -> Exception:
    return confluent_kafka.KafkaException(confluent_kafka.KafkaError(code, "reason", **flags))


def test_an_abortable_error_says_so() -> None:
    err = translate_transaction(
        kafka_exception(confluent_kafka.KafkaError._STATE, txn_requires_abort=True), "commit"
    )
    assert type(err) is TransactionError
    assert (err.abortable, err.retriable, err.fatal) == (True, False, False)
    assert isinstance(err, KafkaError)
    assert err.code == "_STATE"


def test_a_retriable_error_says_so() -> None:
    err = translate_transaction(
        kafka_exception(confluent_kafka.KafkaError._TIMED_OUT, retriable=True), "commit"
    )
    assert (err.abortable, err.retriable, err.fatal) == (False, True, False)


def test_fencing_is_a_fatal_producer_fenced_error() -> None:
    err = translate_transaction(kafka_exception(confluent_kafka.KafkaError._FENCED, fatal=True), "commit")
    assert isinstance(err, ProducerFencedError)
    assert err.fatal
    assert "commit" in str(err)
