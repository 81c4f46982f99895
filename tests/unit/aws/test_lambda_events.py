"""Selectors, builders and the batch processor of ``verifiedfan.aws.lambda_events``.

The references are AWS's published sample events (``tests/data/lambda_events``, see its README) and
boto3's own ``TypeDeserializer`` for DynamoDB JSON.
"""

from __future__ import annotations

import base64
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from boto3.dynamodb.types import TypeDeserializer

from verifiedfan.aws.lambda_events import (
    BatchProcessor,
    DynamoDBStreamRecord,
    InvalidRecordError,
    KinesisRecord,
    LambdaRecord,
    SnsRecord,
    SqsRecord,
    SyncBatchProcessor,
    dynamodb_stream_records,
    event_source,
    kinesis_records,
    make_dynamodb_stream_event,
    make_kinesis_event,
    make_sns_event,
    make_sqs_event,
    records,
    sns_records,
    sqs_records,
)
from verifiedfan.correlation import current_correlation_id

SAMPLES = Path(__file__).parents[2] / "data" / "lambda_events"


def sample(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SAMPLES / f"{name}.json").read_text())
    return loaded


def shape(value: Any) -> Any:
    """The keys at every level of the fixed structure (values of free-form maps are not compared)."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items() if k not in {"messageAttributes", "MessageAttributes"}}
    return type(value).__name__ if value is not None else "null"


# --- selectors on AWS's samples ---------------------------------------------------------------


def test_sqs_sample() -> None:
    found = sqs_records(sample("sqs"))
    assert [r.message_id for r in found] == [
        "059f36b4-87a3-44ab-83d2-661975830a7d",
        "2e1424d4-f796-459a-8184-9c92662be6da",
    ]
    assert found[0].body == "Test message."
    assert found[0].message_attributes == {"testAttr": "100"}
    assert found[0].attributes["ApproximateReceiveCount"] == "1"
    assert found[1].json() == {"message": "foo1"}
    assert (found[1].source_arn, found[1].aws_region) == (
        "arn:aws:sqs:us-east-2:123456789012:my-queue",
        "us-east-2",
    )
    assert not found[0].is_fifo
    with pytest.raises(InvalidRecordError, match=r"059f36b4.*not JSON"):
        found[0].json()


def test_sns_sample() -> None:
    (found,) = sns_records(sample("sns"))
    assert (found.message_id, found.message, found.subject) == (
        "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
        "Hello from SNS!",
        "TestInvoke",
    )
    assert found.topic_arn == "arn:aws:sns:us-east-2:123456789012:sns-lambda"
    # "TestBinary" is not base64 (AWS's placeholder): kept as sent rather than failing the event
    assert found.message_attributes == {"Test": "TestString", "TestBinary": "TestBinary"}


def test_kinesis_sample() -> None:
    first, second = kinesis_records(sample("kinesis"))
    assert first.text == "Hello, this is a test."
    assert second.data == b"This is only a test."
    assert first.sequence_number == "49590338271490256608559692538361571095921575989136588898"
    assert first.item_identifier == first.sequence_number
    assert (first.partition_key, first.approximate_arrival) == ("1", 1545084650.987)
    assert first.correlation_id is None
    with pytest.raises(InvalidRecordError, match="not JSON"):
        first.json()


def test_dynamodb_sample_matches_boto3s_deserializer() -> None:
    event = sample("dynamodb")
    insert, modify = dynamodb_stream_records(event)
    reference = TypeDeserializer()
    for record, raw in zip((insert, modify), event["Records"], strict=True):
        image = raw["dynamodb"]
        assert record.keys == {k: reference.deserialize(v) for k, v in image["Keys"].items()}
        assert record.new_image == {k: reference.deserialize(v) for k, v in image["NewImage"].items()}
    assert insert.event_name == "INSERT"
    assert insert.old_image is None
    assert modify.old_image == {"Message": "New item!", "Id": 101}
    assert modify.new_image == {"Message": "This item has changed", "Id": 101}
    assert type(modify.keys["Id"]) is int  # as DynamoDB.get reads it (boto3 gives Decimal('101'))
    assert [r.item_identifier for r in (insert, modify)] == ["111", "222"]


def test_any_source_and_wrong_source() -> None:
    assert [event_source(sample(n)) for n in ("sqs", "sns", "kinesis", "dynamodb")] == [
        "sqs",
        "sns",
        "kinesis",
        "dynamodb",
    ]
    assert isinstance(records(sample("dynamodb"))[0], DynamoDBStreamRecord)
    with pytest.raises(InvalidRecordError, match="comes from 'aws:kinesis', not aws:sqs"):
        sqs_records(sample("kinesis"))
    with pytest.raises(InvalidRecordError, match="no 'Records'"):
        kinesis_records({"records": []})
    with pytest.raises(InvalidRecordError, match="unknown event source 'aws:s3'"):
        event_source({"Records": [{"eventSource": "aws:s3"}]})


# --- builders: same shape as the samples, and a round trip through the selectors ------------------


@pytest.mark.parametrize(
    ("name", "built"),
    [
        ("sqs", lambda: make_sqs_event(["a"], message_attributes={"k": "v"})),
        ("sns", lambda: make_sns_event(["a"], subject="s")),
        ("kinesis", lambda: make_kinesis_event(["a"])),
        (
            "dynamodb",
            lambda: make_dynamodb_stream_event(
                [("MODIFY", {"Id": 101, "Message": "b"}, {"Id": 101, "Message": "a"})], key_names=["Id"]
            ),
        ),
    ],
)
def test_builders_have_the_samples_shape(name: str, built: Any) -> None:
    reference = shape(sample(name)["Records"][0])
    ours = shape(built()["Records"][0])

    # every key AWS sends is there, with the same JSON type (eventVersion of streams aside)
    def check(ref: Any, got: Any, path: str) -> None:
        if isinstance(ref, dict):
            assert isinstance(got, dict), path
            for key, value in ref.items():
                assert key in got, f"{path}.{key} missing"
                check(value, got[key], f"{path}.{key}")
        else:
            assert ref == got or {ref, got} <= {"int", "float"}, f"{path}: {got} vs {ref}"

    check(reference, ours, name)


def test_sqs_round_trip() -> None:
    event = make_sqs_event(
        ["plain", {"fan": "f-1", "score": 2}],
        queue_arn="arn:aws:sqs:eu-west-1:111122223333:fans.fifo",
        message_attributes={"x-correlation-id": "c-1", "attempt": 2, "blob": b"\x00\xff"},
        group_id="g",
    )
    first, second = sqs_records(event)
    assert first.body == "plain"
    assert second.json() == {"fan": "f-1", "score": 2}
    assert first.message_attributes == {"x-correlation-id": "c-1", "attempt": "2", "blob": b"\x00\xff"}
    assert first.correlation_id == "c-1"
    assert (first.is_fifo, first.group_id, first.aws_region) == (True, "g", "eu-west-1")
    assert first.message_id != second.message_id


def test_sns_kinesis_round_trip() -> None:
    (note,) = sns_records(
        make_sns_event([{"a": 1}], message_attributes={"x-correlation-id": "c", "b": b"\x01"})
    )
    assert (note.json(), note.correlation_id, note.message_attributes["b"]) == ({"a": 1}, "c", b"\x01")
    payloads = [{"correlationId": "k-1", "n": 1}, b"\x00raw", "text"]
    got = kinesis_records(make_kinesis_event(payloads, partition_key="fan-1"))
    assert got[0].json() == payloads[0]
    assert got[0].correlation_id == "k-1"
    assert (got[1].data, got[2].text) == (b"\x00raw", "text")
    assert [int(r.sequence_number) for r in got] == sorted(int(r.sequence_number) for r in got)
    assert {r.partition_key for r in got} == {"fan-1"}


def test_dynamodb_round_trip() -> None:
    new = {
        "pk": "fan#1",
        "sk": "v",
        "score": Decimal("0.5"),
        "n": 3,
        "tags": {"a", "b"},
        "raw": b"\x01",
        "m": {"l": [1, None, True]},
    }
    old = {"pk": "fan#1", "sk": "v", "score": 1}
    inserted, modified, removed = dynamodb_stream_records(
        make_dynamodb_stream_event([("INSERT", new, None), ("MODIFY", new, old), ("REMOVE", None, old)])
    )
    assert inserted.new_image == new
    assert inserted.old_image is None
    assert (modified.new_image, modified.old_image) == (new, old)
    assert removed.new_image is None
    assert removed.old_image == old
    assert inserted.keys == {"pk": "fan#1", "sk": "v"}
    with pytest.raises(InvalidRecordError, match="INSERT, MODIFY or REMOVE"):
        make_dynamodb_stream_event([("UPSERT", new, None)])  # type: ignore[list-item]


# --- batch processor ------------------------------------------------------------------------------


def poisoned(record: LambdaRecord) -> dict[str, Any]:
    payload = record.json() if not isinstance(record, DynamoDBStreamRecord) else dict(record.new_image or {})
    if payload.get("poison"):
        raise ValueError("poisoned record")
    return {"ok": payload["n"], "correlation": current_correlation_id()}


def test_sqs_batch_reports_only_the_poisoned_message() -> None:
    event = make_sqs_event(
        [{"n": 1}, {"n": 2, "poison": True}, {"n": 3}], message_attributes={"x-correlation-id": "c-9"}
    )
    result = SyncBatchProcessor().process(event, poisoned)
    bad = sqs_records(event)[1].message_id
    assert result.response() == {"batchItemFailures": [{"itemIdentifier": bad}]}
    assert [r["ok"] for r in result.results] == [1, 3]
    assert {r["correlation"] for r in result.results} == {"c-9"}
    assert isinstance(result.failures[0].error, ValueError)
    assert result.skipped == []


def test_a_body_that_is_not_json_fails_alone() -> None:
    event = make_sqs_event(['{"n": 1}', "not json", '{"n": 3}'])
    result = SyncBatchProcessor(source="sqs").process(event, poisoned)
    assert result.failed_identifiers == [sqs_records(event)[1].message_id]
    assert isinstance(result.failures[0].error, InvalidRecordError)


def test_fifo_stops_and_reports_the_rest_of_the_batch() -> None:
    event = make_sqs_event(
        [{"n": 1}, {"n": 2, "poison": True}, {"n": 3}], queue_arn="arn:aws:sqs:us-east-1:1:q.fifo"
    )
    ids = [r.message_id for r in sqs_records(event)]
    result = SyncBatchProcessor().process(event, poisoned)
    assert result.failed_identifiers == ids[1:]
    assert [r["ok"] for r in result.results] == [1]


def test_kinesis_stops_at_the_first_failure_and_reports_its_sequence_number() -> None:
    event = make_kinesis_event([{"n": 1}, {"n": 2, "poison": True}, {"n": 3, "poison": True}, {"n": 4}])
    seqs = [r.sequence_number for r in kinesis_records(event)]
    result = SyncBatchProcessor().process(event, poisoned)
    assert result.response() == {"batchItemFailures": [{"itemIdentifier": seqs[1]}]}
    assert [r.sequence_number for r in result.skipped] == seqs[
        2:
    ]  # not processed: Lambda resends from seqs[1]
    assert len(result.failures) == 1


def test_dynamodb_stream_failure_reports_its_sequence_number() -> None:
    event = make_dynamodb_stream_event(
        [("INSERT", {"pk": "1", "n": 1}, None), ("INSERT", {"pk": "2", "n": 2, "poison": True}, None)]
    )
    result = SyncBatchProcessor().process(event, poisoned)
    assert result.failed_identifiers == [dynamodb_stream_records(event)[1].sequence_number]


def test_each_record_has_its_own_correlation_scope() -> None:
    event = make_kinesis_event([{"n": 1, "correlationId": "a"}, {"n": 2}, {"n": 3, "correlation_id": "c"}])
    result = SyncBatchProcessor().process(event, poisoned)
    ids = [r["correlation"] for r in result.results]
    assert ids[0] == "a"
    assert ids[2] == "c"
    assert ids[1] not in (None, "a", "c")
    assert current_correlation_id() is None


def test_sns_failure_is_raised_again_and_wrong_source_refused() -> None:
    with pytest.raises(ValueError, match="poisoned"):
        SyncBatchProcessor().process(make_sns_event([{"n": 1, "poison": True}]), poisoned)
    with pytest.raises(InvalidRecordError, match="expected a kinesis event, got a sqs event"):
        SyncBatchProcessor(source="kinesis").process(make_sqs_event(["x"]), poisoned)
    assert SyncBatchProcessor()({"Records": []}, poisoned) == {"batchItemFailures": []}


async def test_async_processor() -> None:
    seen: list[str] = []

    async def handle(record: LambdaRecord) -> None:
        assert isinstance(record, SqsRecord)
        seen.append(record.body)
        if record.body == "bad":
            raise RuntimeError("bad")

    event = make_sqs_event(["a", "bad", "c"])
    answer = await BatchProcessor()(event, handle)
    assert answer == {"batchItemFailures": [{"itemIdentifier": sqs_records(event)[1].message_id}]}
    assert seen == ["a", "bad", "c"]


def test_record_types_and_binary_stream_images() -> None:
    raw = {
        "Records": [
            {
                "eventSource": "aws:dynamodb",
                "eventName": "INSERT",
                "dynamodb": {
                    "Keys": {"pk": {"S": "a"}},
                    "NewImage": {
                        "pk": {"S": "a"},
                        "b": {"B": base64.b64encode(b"\x02").decode()},
                        "bs": {"BS": [base64.b64encode(b"\x03").decode()]},
                    },
                    "SequenceNumber": "1",
                },
            }
        ]
    }
    (record,) = dynamodb_stream_records(raw)
    assert record.new_image == {"pk": "a", "b": b"\x02", "bs": {b"\x03"}}
    assert all(isinstance(r, KinesisRecord) for r in records(make_kinesis_event(["x"])))
    assert all(isinstance(r, SnsRecord) for r in records(make_sns_event(["x"])))
