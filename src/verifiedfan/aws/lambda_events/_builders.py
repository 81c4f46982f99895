"""Event builders for tests: the events Lambda hands a handler, in AWS's shapes (the test-utils part).

``make_*_event`` build an event from payloads; ``*_event_from_*`` turn what a real queue or stream
answered (``ReceiveMessage``, ``GetRecords``, on moto or AWS) into the event Lambda's event source
mapping would have delivered for it. The selectors of :mod:`._records` read them back unchanged (the
round trip is tested, and the shapes against AWS's published sample events).
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
import uuid
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, Literal

from verifiedfan.aws._ddb_codec import serialize_item
from verifiedfan.aws.lambda_events._records import InvalidRecordError

__all__ = [
    "kinesis_event_from_records",
    "make_dynamodb_stream_event",
    "make_kinesis_event",
    "make_sns_event",
    "make_sqs_event",
    "sqs_event_from_messages",
]

ACCOUNT = "123456789012"
REGION = "us-east-1"


def _text(payload: Any) -> str:
    if isinstance(payload, str):
        return payload
    if isinstance(payload, bytes):
        return payload.decode("utf-8")
    return json.dumps(payload, separators=(",", ":"))


def _bytes(payload: Any) -> bytes:
    return payload if isinstance(payload, bytes) else _text(payload).encode("utf-8")


def _region_of(arn: str) -> str:
    parts = arn.split(":")
    return parts[3] if len(parts) > 3 and parts[3] else REGION


def _sqs_attributes(attributes: Mapping[str, Any] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in (attributes or {}).items():
        if isinstance(value, bytes):
            out[name] = {"binaryValue": base64.b64encode(value).decode(), "dataType": "Binary"}
        elif isinstance(value, bool) or not isinstance(value, int | float):
            out[name] = {"stringValue": str(value), "dataType": "String"}
        else:
            out[name] = {"stringValue": str(value), "dataType": "Number"}
        out[name].update({"stringListValues": [], "binaryListValues": []})
    return out


def make_sqs_event(
    bodies: Iterable[Any],
    *,
    queue_arn: str = f"arn:aws:sqs:{REGION}:{ACCOUNT}:queue",
    message_attributes: Mapping[str, Any] | None = None,
    group_id: str | None = None,
) -> dict[str, Any]:
    """An SQS event with one record per body (``str`` as is, anything else as JSON).

    ``message_attributes`` go on every record (``str`` String, numbers Number, ``bytes`` Binary);
    a ``.fifo`` ``queue_arn`` gets ``MessageGroupId`` (``group_id``, default ``"group"``),
    ``SequenceNumber`` and ``MessageDeduplicationId`` (the body's SHA-256) attributes.
    """
    now = int(time.time() * 1000)
    records = []
    for index, payload in enumerate(bodies):
        body = _text(payload)
        attributes = {
            "ApproximateReceiveCount": "1",
            "SentTimestamp": str(now),
            "SenderId": "AIDAIENQZJOLO23YVJ4VO",
            "ApproximateFirstReceiveTimestamp": str(now),
        }
        if queue_arn.endswith(".fifo"):
            attributes["SequenceNumber"] = str(18_849_496_460_467_696_128 + index)
            attributes["MessageGroupId"] = group_id or "group"
            attributes["MessageDeduplicationId"] = hashlib.sha256(body.encode()).hexdigest()
        records.append(
            {
                "messageId": str(uuid.uuid4()),
                "receiptHandle": base64.b64encode(uuid.uuid4().bytes).decode(),
                "body": body,
                "attributes": attributes,
                "messageAttributes": _sqs_attributes(message_attributes),
                "md5OfBody": hashlib.md5(body.encode(), usedforsecurity=False).hexdigest(),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": _region_of(queue_arn),
            }
        )
    return {"Records": records}


def sqs_event_from_messages(messages: Iterable[Mapping[str, Any]], *, queue_arn: str) -> dict[str, Any]:
    """The SQS event Lambda delivers for ``messages`` as ``ReceiveMessage`` returned them.

    Receive with ``AttributeNames=["All"]`` and ``MessageAttributeNames=["All"]`` to carry them over.
    """
    records = []
    for message in messages:
        attributes = {}
        for name, value in (message.get("MessageAttributes") or {}).items():
            entry: dict[str, Any] = {
                "dataType": value["DataType"],
                "stringListValues": [],
                "binaryListValues": [],
            }
            if "BinaryValue" in value:
                entry["binaryValue"] = base64.b64encode(value["BinaryValue"]).decode()
            else:
                entry["stringValue"] = value.get("StringValue")
            attributes[name] = entry
        records.append(
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": dict(message.get("Attributes") or {}),
                "messageAttributes": attributes,
                "md5OfBody": message.get("MD5OfBody", ""),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": _region_of(queue_arn),
            }
        )
    return {"Records": records}


def make_sns_event(
    messages: Iterable[Any],
    *,
    topic_arn: str = f"arn:aws:sns:{REGION}:{ACCOUNT}:topic",
    subject: str | None = None,
    message_attributes: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """An SNS event with one record per message (Lambda delivers one; more are allowed for tests)."""
    attributes = {
        name: {"Type": "Binary", "Value": base64.b64encode(value).decode()}
        if isinstance(value, bytes)
        else {"Type": "Number" if isinstance(value, int | float) else "String", "Value": str(value)}
        for name, value in (message_attributes or {}).items()
    }
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    records = []
    for message in messages:
        message_id = str(uuid.uuid4())
        records.append(
            {
                "EventVersion": "1.0",
                "EventSubscriptionArn": f"{topic_arn}:{uuid.uuid4()}",
                "EventSource": "aws:sns",
                "Sns": {
                    "SignatureVersion": "1",
                    "Timestamp": stamp,
                    "Signature": "EXAMPLE",
                    "SigningCertUrl": "https://sns.amazonaws.com/SimpleNotificationService.pem",
                    "MessageId": message_id,
                    "Message": _text(message),
                    "MessageAttributes": attributes,
                    "Type": "Notification",
                    "UnsubscribeUrl": f"https://sns.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={topic_arn}",
                    "TopicArn": topic_arn,
                    "Subject": subject,
                },
            }
        )
    return {"Records": records}


def _sequence(index: int) -> str:
    return str(49_590_338_271_490_256_608_559_692_538_361_571_095_921_575_989_136_588_898 + index)


def make_kinesis_event(
    payloads: Iterable[Any],
    *,
    stream_arn: str = f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/stream",
    partition_key: str = "1",
    shard_id: str = "shardId-000000000000",
) -> dict[str, Any]:
    """A Kinesis event, one record per payload (``bytes`` as is, ``str`` UTF-8, anything else JSON),
    with increasing sequence numbers."""
    arrival = time.time()
    records = []
    for index, payload in enumerate(payloads):
        sequence = _sequence(index)
        records.append(
            {
                "kinesis": {
                    "kinesisSchemaVersion": "1.0",
                    "partitionKey": partition_key,
                    "sequenceNumber": sequence,
                    "data": base64.b64encode(_bytes(payload)).decode(),
                    "approximateArrivalTimestamp": round(arrival + index / 1000, 3),
                },
                "eventSource": "aws:kinesis",
                "eventVersion": "1.0",
                "eventID": f"{shard_id}:{sequence}",
                "eventName": "aws:kinesis:record",
                "invokeIdentityArn": f"arn:aws:iam::{ACCOUNT}:role/lambda-role",
                "awsRegion": _region_of(stream_arn),
                "eventSourceARN": stream_arn,
            }
        )
    return {"Records": records}


def kinesis_event_from_records(
    records: Iterable[Mapping[str, Any]], *, stream_arn: str, shard_id: str = "shardId-000000000000"
) -> dict[str, Any]:
    """The Kinesis event Lambda delivers for ``records`` as ``GetRecords`` returned them."""
    out = []
    for record in records:
        arrival = record.get("ApproximateArrivalTimestamp")
        stamp = arrival.timestamp() if isinstance(arrival, datetime) else float(arrival or time.time())
        out.append(
            {
                "kinesis": {
                    "kinesisSchemaVersion": "1.0",
                    "partitionKey": record["PartitionKey"],
                    "sequenceNumber": record["SequenceNumber"],
                    "data": base64.b64encode(record["Data"]).decode(),
                    "approximateArrivalTimestamp": round(stamp, 3),
                },
                "eventSource": "aws:kinesis",
                "eventVersion": "1.0",
                "eventID": f"{shard_id}:{record['SequenceNumber']}",
                "eventName": "aws:kinesis:record",
                "invokeIdentityArn": f"arn:aws:iam::{ACCOUNT}:role/lambda-role",
                "awsRegion": _region_of(stream_arn),
                "eventSourceARN": stream_arn,
            }
        )
    return {"Records": out}


def _wire(item: Mapping[str, Any]) -> dict[str, Any]:
    # The codec gives bytes for B/BS; the event carries them base64-encoded, as Lambda does.
    def fix(value: Any) -> Any:
        if isinstance(value, bytes):
            return base64.b64encode(value).decode()
        if isinstance(value, dict):
            return {k: fix(v) for k, v in value.items()}
        if isinstance(value, list):
            return [fix(v) for v in value]
        return value

    out: dict[str, Any] = fix(serialize_item(item))
    return out


ChangeName = Literal["INSERT", "MODIFY", "REMOVE"]


def make_dynamodb_stream_event(
    changes: Iterable[tuple[ChangeName, Mapping[str, Any] | None, Mapping[str, Any] | None]],
    *,
    key_names: Iterable[str] = ("pk", "sk"),
    table_arn: str = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/table",
    view_type: str = "NEW_AND_OLD_IMAGES",
) -> dict[str, Any]:
    """A DynamoDB stream event, one record per ``(event_name, new_image, old_image)`` change.

    Images are plain Python (marshalled with the codec :class:`~verifiedfan.aws.DynamoDB` uses);
    ``Keys`` are the ``key_names`` attributes of the new image (the old one for ``REMOVE``).
    """
    names = tuple(key_names)
    stamp = float(int(time.time()))
    records = []
    for index, (event_name, new, old) in enumerate(changes):
        if event_name not in ("INSERT", "MODIFY", "REMOVE"):
            raise InvalidRecordError(f"event_name must be INSERT, MODIFY or REMOVE, got {event_name!r}")
        source = new if new is not None else old
        if source is None:
            raise InvalidRecordError("a change needs a new or an old image")
        keys = {name: source[name] for name in names if name in source}
        body: dict[str, Any] = {
            "ApproximateCreationDateTime": stamp,
            "Keys": _wire(keys),
            "SequenceNumber": str(100_000_000_000_000_000_000 + index),
            "SizeBytes": len(json.dumps(_wire(source))),
            "StreamViewType": view_type,
        }
        if new is not None and event_name != "REMOVE":
            body["NewImage"] = _wire(new)
        if old is not None and event_name != "INSERT":
            body["OldImage"] = _wire(old)
        records.append(
            {
                "eventID": uuid.uuid4().hex,
                "eventName": event_name,
                "eventVersion": "1.1",
                "eventSource": "aws:dynamodb",
                "awsRegion": _region_of(table_arn),
                "dynamodb": body,
                "eventSourceARN": f"{table_arn}/stream/2026-01-01T00:00:00.000",
            }
        )
    return {"Records": records}
