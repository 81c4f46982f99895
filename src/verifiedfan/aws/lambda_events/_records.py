"""Typed records of the events Lambda gets from SQS, SNS, Kinesis and DynamoDB streams (the selectors).

Each selector takes the whole event (a ``{"Records": [...]}`` mapping, as the runtime hands it to the
handler) and returns one typed record per entry, in order. Reading never fails on a record's
*content*: a Kinesis record whose data is not JSON is still returned, and :meth:`KinesisRecord.json`
raises :class:`InvalidRecordError` when it is called, inside the record's own processing, so a batch
processor fails that record alone. An event of another kind raises :class:`InvalidRecordError` at
once (a handler wired to the wrong source).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from verifiedfan.aws._ddb_codec import deserialize_item
from verifiedfan.aws._errors import AwsValidationError
from verifiedfan.correlation import CORRELATION_HEADER

__all__ = [
    "CORRELATION_FIELDS",
    "DynamoDBStreamRecord",
    "EventSource",
    "InvalidRecordError",
    "KinesisRecord",
    "LambdaRecord",
    "SnsRecord",
    "SqsRecord",
    "dynamodb_stream_records",
    "event_source",
    "kinesis_records",
    "records",
    "sns_records",
    "sqs_records",
]

EventSource = Literal["sqs", "sns", "kinesis", "dynamodb"]

#: Fields of a JSON payload (Kinesis data, DynamoDB new image) read as the record's correlation id.
CORRELATION_FIELDS = ("correlationId", "correlation_id")

_SOURCES: dict[str, EventSource] = {
    "aws:sqs": "sqs",
    "aws:sns": "sns",
    "aws:kinesis": "kinesis",
    "aws:dynamodb": "dynamodb",
}


class InvalidRecordError(AwsValidationError):
    """An event that is not of the kind expected, or a record whose data cannot be read as asked."""


def _json(text: str | bytes, what: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidRecordError(f"{what} is not JSON: {exc}") from exc


def _correlation_from(payload: Any) -> str | None:
    if isinstance(payload, Mapping):
        for name in CORRELATION_FIELDS:
            value = payload.get(name)
            if isinstance(value, str) and value:
                return value
    return None


@dataclass(frozen=True, slots=True)
class SqsRecord:
    """One SQS message. ``item_identifier`` (the message id) is what a partial failure reports."""

    message_id: str
    body: str
    receipt_handle: str
    attributes: Mapping[str, str]
    message_attributes: Mapping[str, Any]  # name -> str (String, Number) or bytes (Binary)
    source_arn: str
    aws_region: str
    raw: Mapping[str, Any] = field(repr=False)

    @property
    def item_identifier(self) -> str:
        return self.message_id

    @property
    def is_fifo(self) -> bool:
        return self.source_arn.endswith(".fifo")

    @property
    def group_id(self) -> str | None:
        return self.attributes.get("MessageGroupId")

    @property
    def correlation_id(self) -> str | None:
        value = self.message_attributes.get(CORRELATION_HEADER)
        return value if isinstance(value, str) and value else None

    def json(self) -> Any:
        """The body read as JSON (:class:`InvalidRecordError` when it is not)."""
        return _json(self.body, f"SQS message {self.message_id}'s body")


@dataclass(frozen=True, slots=True)
class SnsRecord:
    """One SNS notification delivered to Lambda."""

    message_id: str
    message: str
    subject: str | None
    topic_arn: str
    timestamp: str
    message_attributes: Mapping[str, Any]  # name -> str, or bytes for Binary
    subscription_arn: str
    raw: Mapping[str, Any] = field(repr=False)

    @property
    def item_identifier(self) -> str:
        return self.message_id

    @property
    def correlation_id(self) -> str | None:
        value = self.message_attributes.get(CORRELATION_HEADER)
        return value if isinstance(value, str) and value else None

    def json(self) -> Any:
        """The message read as JSON (:class:`InvalidRecordError` when it is not)."""
        return _json(self.message, f"SNS message {self.message_id}")


@dataclass(frozen=True, slots=True)
class KinesisRecord:
    """One Kinesis record; ``data`` is the decoded bytes (the event carries them base64-encoded)."""

    data: bytes
    partition_key: str
    sequence_number: str
    event_id: str
    approximate_arrival: float
    source_arn: str
    aws_region: str
    raw: Mapping[str, Any] = field(repr=False)

    @property
    def item_identifier(self) -> str:
        return self.sequence_number

    @property
    def text(self) -> str:
        return self.data.decode("utf-8")

    def json(self) -> Any:
        """The data read as UTF-8 JSON (:class:`InvalidRecordError` when it is not)."""
        return _json(self.data, f"Kinesis record {self.sequence_number}'s data")

    @property
    def correlation_id(self) -> str | None:
        try:
            return _correlation_from(json.loads(self.data))
        except (ValueError, UnicodeDecodeError):
            return None


@dataclass(frozen=True, slots=True)
class DynamoDBStreamRecord:
    """One DynamoDB stream record, images unmarshalled to plain Python (numbers as ``int``/``Decimal``)."""

    event_name: Literal["INSERT", "MODIFY", "REMOVE"]
    keys: Mapping[str, Any]
    new_image: Mapping[str, Any] | None
    old_image: Mapping[str, Any] | None
    sequence_number: str
    event_id: str
    source_arn: str
    aws_region: str
    raw: Mapping[str, Any] = field(repr=False)

    @property
    def item_identifier(self) -> str:
        return self.sequence_number

    @property
    def correlation_id(self) -> str | None:
        return _correlation_from(self.new_image) or _correlation_from(self.old_image)


LambdaRecord = SqsRecord | SnsRecord | KinesisRecord | DynamoDBStreamRecord


def _entries(event: Mapping[str, Any], source: EventSource) -> Sequence[Mapping[str, Any]]:
    if not isinstance(event, Mapping) or not isinstance(event.get("Records"), list):
        raise InvalidRecordError(f"not a Lambda {source} event: no 'Records' list")
    entries: list[Mapping[str, Any]] = event["Records"]
    for index, entry in enumerate(entries):
        found = _SOURCES.get(entry.get("eventSource") or entry.get("EventSource") or "")
        if found != source:
            raise InvalidRecordError(
                f"record {index} comes from {entry.get('eventSource') or entry.get('EventSource')!r}, "
                f"not aws:{source}"
            )
    return entries


def event_source(event: Mapping[str, Any]) -> EventSource:
    """The source of ``event`` (``"sqs"``, ``"sns"``, ``"kinesis"``, ``"dynamodb"``), from its records."""
    entries = event.get("Records") if isinstance(event, Mapping) else None
    if not isinstance(entries, list) or not entries:
        raise InvalidRecordError("not a Lambda record event: no 'Records' (or none in it)")
    first = entries[0]
    found = _SOURCES.get(first.get("eventSource") or first.get("EventSource") or "")
    if found is None:
        raise InvalidRecordError(f"unknown event source {first.get('eventSource')!r}")
    return found


def _sqs_attribute(value: Mapping[str, Any]) -> Any:
    if str(value.get("dataType", "")).startswith("Binary"):
        return _b64(value.get("binaryValue") or "", "SQS binary attribute")
    return value.get("stringValue")


def _b64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidRecordError(f"{what} is not base64: {exc}") from exc


def sqs_records(event: Mapping[str, Any]) -> list[SqsRecord]:
    """The SQS messages of ``event``, in order."""
    return [
        SqsRecord(
            message_id=entry["messageId"],
            body=entry.get("body", ""),
            receipt_handle=entry.get("receiptHandle", ""),
            attributes=dict(entry.get("attributes") or {}),
            message_attributes={
                name: _lenient(_sqs_attribute, value)
                for name, value in (entry.get("messageAttributes") or {}).items()
            },
            source_arn=entry.get("eventSourceARN", ""),
            aws_region=entry.get("awsRegion", ""),
            raw=entry,
        )
        for entry in _entries(event, "sqs")
    ]


def _lenient(read: Any, value: Mapping[str, Any]) -> Any:
    # An undecodable binary attribute must not fail the whole batch: keep its text as sent.
    try:
        return read(value)
    except InvalidRecordError:
        return value.get("binaryValue") or value.get("Value")


def _sns_attribute(value: Mapping[str, Any]) -> Any:
    if value.get("Type") == "Binary":
        return _b64(value.get("Value") or "", "SNS binary attribute")
    return value.get("Value")


def sns_records(event: Mapping[str, Any]) -> list[SnsRecord]:
    """The SNS notifications of ``event``, in order."""
    out = []
    for entry in _entries(event, "sns"):
        sns = entry["Sns"]
        out.append(
            SnsRecord(
                message_id=sns["MessageId"],
                message=sns.get("Message", ""),
                subject=sns.get("Subject"),
                topic_arn=sns.get("TopicArn", ""),
                timestamp=sns.get("Timestamp", ""),
                message_attributes={
                    name: _lenient(_sns_attribute, value)
                    for name, value in (sns.get("MessageAttributes") or {}).items()
                },
                subscription_arn=entry.get("EventSubscriptionArn", ""),
                raw=entry,
            )
        )
    return out


def kinesis_records(event: Mapping[str, Any]) -> list[KinesisRecord]:
    """The Kinesis records of ``event``, in order, their data base64-decoded (``.json()`` reads it)."""
    out = []
    for entry in _entries(event, "kinesis"):
        kinesis = entry["kinesis"]
        try:
            data = base64.b64decode(kinesis.get("data", ""))
        except (binascii.Error, ValueError):
            data = str(kinesis.get("data", "")).encode()  # .json() will fail for this record alone
        out.append(
            KinesisRecord(
                data=data,
                partition_key=kinesis.get("partitionKey", ""),
                sequence_number=kinesis["sequenceNumber"],
                event_id=entry.get("eventID", ""),
                approximate_arrival=float(kinesis.get("approximateArrivalTimestamp", 0.0)),
                source_arn=entry.get("eventSourceARN", ""),
                aws_region=entry.get("awsRegion", ""),
                raw=entry,
            )
        )
    return out


def _binary_to_bytes(value: Any) -> Any:
    # Lambda delivers B/BS as base64 text; the codec reads bytes.
    if isinstance(value, Mapping):
        if len(value) == 1:
            ((kind, raw),) = value.items()
            if kind == "B" and isinstance(raw, str):
                return {"B": base64.b64decode(raw)}
            if kind == "BS":
                return {"BS": [base64.b64decode(v) if isinstance(v, str) else v for v in raw]}
            if kind == "M":
                return {"M": {k: _binary_to_bytes(v) for k, v in raw.items()}}
            if kind == "L":
                return {"L": [_binary_to_bytes(v) for v in raw]}
        return {k: _binary_to_bytes(v) for k, v in value.items()}
    return value


def _image(raw: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if raw is None:
        return None
    return deserialize_item({name: _binary_to_bytes(value) for name, value in raw.items()})


def dynamodb_stream_records(event: Mapping[str, Any]) -> list[DynamoDBStreamRecord]:
    """The DynamoDB stream records of ``event``, in order; keys and images as plain Python.

    Unmarshalled with the same codec as :class:`~verifiedfan.aws.DynamoDB` reads (integral numbers as
    ``int``, others as ``Decimal``), so an image compares equal to the item a read returns.
    """
    out = []
    for entry in _entries(event, "dynamodb"):
        ddb = entry["dynamodb"]
        out.append(
            DynamoDBStreamRecord(
                event_name=entry["eventName"],
                keys=_image(ddb.get("Keys")) or {},
                new_image=_image(ddb.get("NewImage")),
                old_image=_image(ddb.get("OldImage")),
                sequence_number=ddb["SequenceNumber"],
                event_id=entry.get("eventID", ""),
                source_arn=entry.get("eventSourceARN", ""),
                aws_region=entry.get("awsRegion", ""),
                raw=entry,
            )
        )
    return out


_SELECTORS: dict[EventSource, Any] = {
    "sqs": sqs_records,
    "sns": sns_records,
    "kinesis": kinesis_records,
    "dynamodb": dynamodb_stream_records,
}


def records(event: Mapping[str, Any]) -> list[LambdaRecord]:
    """The records of ``event``, whatever its source (read from the first record's ``eventSource``)."""
    found: list[LambdaRecord] = _SELECTORS[event_source(event)](event)
    return found
