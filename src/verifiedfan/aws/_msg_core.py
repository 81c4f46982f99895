"""What SQS and SNS share: message types, attribute typing, the FIFO rule, size and input checks.

Everything here runs before any I/O: a bad message raises :class:`AwsValidationError` and nothing of
its batch is sent.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from verifiedfan.aws._errors import AwsValidationError
from verifiedfan.aws._limits import MESSAGE_MAX_ATTRIBUTES

__all__ = ["AttributeValue", "ReceivedMessage", "RedriveResult", "SnsMessage", "SqsMessage", "dedup_default"]

#: What a message attribute may hold; its ``DataType`` is inferred: ``str`` -> String, ``int``/
#: ``float``/``Decimal`` -> Number, ``bytes`` -> Binary, a list or tuple -> String.Array (SNS only).
AttributeValue = str | int | float | Decimal | bytes | Sequence[Any]

_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,256}$")
# The characters SQS accepts in a body or string attribute (the SendMessage reference).
_BAD_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_FIFO_ID = re.compile(r"^[!-~]{1,128}$")  # printable ASCII, no space


@dataclass(frozen=True, slots=True)
class SqsMessage:
    """One entry of ``SQS.send_message_batch`` (the keywords of ``send_message``)."""

    body: str
    attributes: Mapping[str, AttributeValue] | None = None
    delay_seconds: int = 0
    group_id: str | None = None
    dedup_id: str | None = None


@dataclass(frozen=True, slots=True)
class SnsMessage:
    """One entry of ``SNS.publish_batch`` (the keywords of ``publish``)."""

    message: str
    attributes: Mapping[str, AttributeValue] | None = None
    subject: str | None = None
    group_id: str | None = None
    dedup_id: str | None = None


@dataclass(frozen=True, slots=True)
class ReceivedMessage:
    """A message ``SQS.receive`` returned; pass it (or its ``receipt_handle``) to ``delete``.

    ``attributes`` holds the decoded message attributes (String -> ``str``, Number -> ``int`` or
    ``Decimal``, Binary -> ``bytes``); ``system`` the system attributes (``ApproximateReceiveCount``,
    ``MessageGroupId``, ``SentTimestamp``...); ``raw_attributes`` the attributes in the wire shape.
    """

    message_id: str
    receipt_handle: str
    body: str
    md5_of_body: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    system: dict[str, str] = field(default_factory=dict)
    raw_attributes: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass(frozen=True, slots=True)
class RedriveResult:
    """``SQS.redrive_messages``: how many messages moved to the target queue (and were deleted from
    the dead-letter queue), and the ones that could not be sent (left in the dead-letter queue)."""

    moved: int
    failed: tuple[Any, ...]  # EntryFailure, whose entry is the ReceivedMessage


@dataclass(frozen=True, slots=True)
class Prepared:
    """A message checked and in the API's shape; ``size`` counts toward the batch byte limit."""

    entry: dict[str, Any]
    size: int


def check_text(value: object, what: str, *, max_bytes: int) -> str:
    if not isinstance(value, str):
        raise AwsValidationError(f"{what} must be a string, got {type(value).__name__}")
    if not value:
        raise AwsValidationError(f"{what} must not be empty")
    bad = _BAD_CHAR.search(value)
    if bad is not None:
        raise AwsValidationError(f"{what} holds a character AWS refuses: {bad.group()!r}")
    size = len(value.encode("utf-8"))
    if size > max_bytes:
        raise AwsValidationError(f"{what} is {size} bytes, more than the {max_bytes} allowed")
    return value


def dedup_default(body: str) -> str:
    """The deduplication id a FIFO message gets when none is given: the SHA-256 (hex) of its body.

    The same rule as SQS's content-based deduplication, but explicit: it works on queues and topics
    without ``ContentBasedDeduplication``, and two sends of one body within 5 minutes deliver once."""
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def fifo_ids(
    *, fifo: bool, body: str, group_id: str | None, dedup_id: str | None, what: str
) -> dict[str, str]:
    """The ``MessageGroupId``/``MessageDeduplicationId`` keywords under the FIFO rule.

    A FIFO queue or topic needs ``group_id``; ``dedup_id`` defaults to :func:`dedup_default`. A
    standard one refuses ``dedup_id`` (``group_id`` passes through: fair queues use it)."""
    out: dict[str, str] = {}
    if group_id is not None:
        if not isinstance(group_id, str) or not _FIFO_ID.match(group_id):
            raise AwsValidationError(f"{what}: group_id must be 1-128 printable ASCII characters")
        out["MessageGroupId"] = group_id
    if dedup_id is not None and (not isinstance(dedup_id, str) or not _FIFO_ID.match(dedup_id)):
        raise AwsValidationError(f"{what}: dedup_id must be 1-128 printable ASCII characters")
    if fifo:
        if group_id is None:
            raise AwsValidationError(f"{what}: a FIFO queue or topic requires a group_id")
        out["MessageDeduplicationId"] = dedup_id if dedup_id is not None else dedup_default(body)
    elif dedup_id is not None:
        raise AwsValidationError(f"{what}: dedup_id is only for FIFO queues and topics")
    return out


def encode_attributes(
    attributes: Mapping[str, AttributeValue] | None, *, what: str, arrays: bool
) -> tuple[dict[str, Any], int]:
    """Message attributes in the API's shape with their inferred ``DataType``, and their size."""
    if not attributes:
        return {}, 0
    if not isinstance(attributes, Mapping):
        raise AwsValidationError(f"{what}: attributes must be a mapping of name to value")
    if len(attributes) > MESSAGE_MAX_ATTRIBUTES:
        raise AwsValidationError(
            f"{what}: {len(attributes)} attributes, more than the {MESSAGE_MAX_ATTRIBUTES} allowed"
        )
    out: dict[str, Any] = {}
    size = 0
    for name, value in attributes.items():
        where = f"{what}: attribute {name!r}"
        if (
            not isinstance(name, str)
            or not _NAME.match(name)
            or name.startswith((".", "AWS.", "Amazon."))
            or name.endswith(".")
            or ".." in name
        ):
            raise AwsValidationError(f"{where}: not a valid attribute name")
        data_type, key, wire = _typed(value, where, arrays=arrays)
        out[name] = {"DataType": data_type, key: wire}
        payload = len(wire) if isinstance(wire, bytes) else len(wire.encode("utf-8"))
        size += len(name.encode("utf-8")) + len(data_type) + payload
    return out, size


def _typed(value: object, where: str, *, arrays: bool) -> tuple[str, str, str | bytes]:
    if isinstance(value, bool):
        raise AwsValidationError(f"{where}: a bool has no attribute type; send 'true' or 'false'")
    if isinstance(value, str):
        return "String", "StringValue", check_text(value, where, max_bytes=256 * 1024)
    if isinstance(value, bytes | bytearray | memoryview):
        data = bytes(value)
        if not data:
            raise AwsValidationError(f"{where}: a Binary attribute must not be empty")
        return "Binary", "BinaryValue", data
    if isinstance(value, int | float | Decimal):
        if isinstance(value, float | Decimal) and not math.isfinite(value):
            raise AwsValidationError(f"{where}: a Number must be finite")
        return "Number", "StringValue", str(value)
    if isinstance(value, list | tuple):
        if not arrays:
            raise AwsValidationError(f"{where}: SQS has no array attribute type")
        for item in value:
            if item is not None and not isinstance(item, str | int | float | bool):
                raise AwsValidationError(f"{where}: a String.Array holds strings, numbers, booleans, null")
        return "String.Array", "StringValue", json.dumps(list(value), allow_nan=False)
    raise AwsValidationError(f"{where}: no attribute type for {type(value).__name__}")


def decode_attributes(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Received message attributes as Python values (the inverse of :func:`encode_attributes`)."""
    out: dict[str, Any] = {}
    for name, attr in raw.items():
        data_type = str(attr.get("DataType", "String"))
        if data_type.startswith("Binary"):
            out[name] = attr.get("BinaryValue")
        elif data_type.startswith("Number"):
            text = str(attr.get("StringValue"))
            out[name] = int(text) if re.fullmatch(r"-?\d+", text) else Decimal(text)
        elif data_type.startswith("String.Array"):
            out[name] = json.loads(attr.get("StringValue") or "[]")
        else:
            out[name] = attr.get("StringValue")
    return out


def check_size(size: int, max_bytes: int, what: str) -> None:
    if size > max_bytes:
        raise AwsValidationError(
            f"{what} is {size} bytes with its attributes, more than the {max_bytes} a call allows"
        )


def is_fifo(name: str) -> bool:
    return name.endswith(".fifo")
