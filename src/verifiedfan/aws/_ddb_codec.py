"""Plain Python values <-> DynamoDB attribute values (the document layer), checked before any I/O.

In: ``str``, ``bool``, ``int``, ``float`` (finite; sent as the shortest decimal that reads back as
the same float), ``Decimal`` (finite), ``bytes``, ``None``, lists/tuples, mappings with string keys,
and non-empty sets of strings, numbers or bytes. A NaN or infinity, or any other type, raises
:class:`AwsValidationError` naming the attribute's path.

Out: numbers as ``int`` when integral, else ``Decimal`` (never a float that lost digits); sets as
``set``; binary as ``bytes``.

Written here rather than with boto3's ``TypeSerializer``, which refuses every float and answers
numbers as ``Decimal`` only; this one is also about twice as fast on typical items.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from verifiedfan.aws._errors import AwsValidationError

__all__ = ["deserialize", "deserialize_item", "serialize", "serialize_item", "serialize_values"]

Item = dict[str, Any]


def _number(value: int | float | Decimal, path: str) -> str:
    if isinstance(value, float):
        if not math.isfinite(value):
            raise AwsValidationError(f"{path}: DynamoDB numbers must be finite, got {value!r}")
        return repr(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise AwsValidationError(f"{path}: DynamoDB numbers must be finite, got {value!r}")
        return str(value)
    return str(value)


def serialize(value: Any, path: str = "value") -> dict[str, Any]:
    """One attribute value (``{"S": ...}``, ``{"N": ...}``...)."""
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int | float | Decimal):
        return {"N": _number(value, path)}
    if value is None:
        return {"NULL": True}
    if isinstance(value, bytes | bytearray):
        return {"B": bytes(value)}
    if isinstance(value, Mapping):
        return {"M": serialize_item(value, path)}
    if isinstance(value, list | tuple):
        return {"L": [serialize(v, f"{path}[{i}]") for i, v in enumerate(value)]}
    if isinstance(value, set | frozenset):
        return _set(value, path)
    raise AwsValidationError(f"{path}: {type(value).__name__} cannot be stored in DynamoDB")


def _set(value: set[Any] | frozenset[Any], path: str) -> dict[str, Any]:
    if not value:
        raise AwsValidationError(f"{path}: DynamoDB sets cannot be empty")
    if all(isinstance(v, str) for v in value):
        return {"SS": sorted(value)}
    if all(isinstance(v, int | float | Decimal) and not isinstance(v, bool) for v in value):
        return {"NS": [_number(v, path) for v in value]}
    if all(isinstance(v, bytes | bytearray) for v in value):
        return {"BS": [bytes(v) for v in value]}
    raise AwsValidationError(f"{path}: a DynamoDB set holds only strings, only numbers or only bytes")


def serialize_item(item: Mapping[str, Any], path: str = "item") -> Item:
    """A whole item (or key): a mapping of attribute names to values."""
    if not isinstance(item, Mapping):
        raise AwsValidationError(f"{path} must be a mapping, got {type(item).__name__}")
    out: Item = {}
    for name, value in item.items():
        if not isinstance(name, str) or not name:
            raise AwsValidationError(f"{path}: attribute names must be non-empty strings, got {name!r}")
        out[name] = serialize(value, f"{path}.{name}")
    return out


def serialize_values(values: Mapping[str, Any] | None) -> Item | None:
    """``ExpressionAttributeValues`` (``{":v": 1}``)."""
    if values is None:
        return None
    for name in values:
        if not isinstance(name, str) or not name.startswith(":"):
            raise AwsValidationError(f"expression attribute value names start with ':', got {name!r}")
    return serialize_item(values, "expression_attribute_values")


def _to_number(text: str) -> int | Decimal:
    number = Decimal(text)
    if number == number.to_integral_value():
        return int(number)
    return number


def deserialize(value: Mapping[str, Any]) -> Any:
    """One attribute value back to Python."""
    ((kind, raw),) = value.items()
    if kind == "S":
        return raw
    if kind == "N":
        return _to_number(raw)
    if kind == "BOOL":
        return bool(raw)
    if kind == "NULL":
        return None
    if kind == "M":
        return {k: deserialize(v) for k, v in raw.items()}
    if kind == "L":
        return [deserialize(v) for v in raw]
    if kind == "B":
        return bytes(raw)
    if kind == "SS":
        return set(raw)
    if kind == "NS":
        return {_to_number(v) for v in raw}
    if kind == "BS":
        return {bytes(v) for v in raw}
    raise AwsValidationError(f"unknown DynamoDB attribute type {kind!r}")


def deserialize_item(item: Mapping[str, Any]) -> dict[str, Any]:
    """A whole item back to plain Python."""
    return {name: deserialize(value) for name, value in item.items()}
