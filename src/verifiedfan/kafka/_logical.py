"""Avro logical values the wire format allows but Python's ``datetime`` cannot hold.

A ``timestamp-millis`` is any 64-bit integer: Node and Java producers write year 0, years past 9999,
or a microsecond count put in a millisecond field without complaint, and fastavro then raises while
decoding the whole message (one such message would block its partition). Decoding retries such a
message with range-safe readers: each value Python can hold still comes back as ``datetime``,
``date`` or ``time``; one it cannot comes back as :class:`OutOfRangeValue`, the raw number (an
``int``) marked with its logical type. Encoding refuses a plain ``int`` out of range (it could not be
read back as a ``datetime``) but writes an :class:`OutOfRangeValue` as it is, so a consumer can
forward what it read.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from verifiedfan._optional import require

__all__ = ["OutOfRangeValue"]

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_MIN_MS = (datetime.datetime(1, 1, 1, tzinfo=datetime.UTC) - _EPOCH) // datetime.timedelta(milliseconds=1)
_MAX_MS = (datetime.datetime.max.replace(tzinfo=datetime.UTC) - _EPOCH) // datetime.timedelta(milliseconds=1)
_MIN_DAYS = (datetime.date.min - _EPOCH.date()).days
_MAX_DAYS = (datetime.date.max - _EPOCH.date()).days

RANGES: dict[str, tuple[int, int]] = {
    "timestamp-millis": (_MIN_MS, _MAX_MS),
    "local-timestamp-millis": (_MIN_MS, _MAX_MS),
    "timestamp-micros": (_MIN_MS * 1000, _MAX_MS * 1000 + 999),
    "local-timestamp-micros": (_MIN_MS * 1000, _MAX_MS * 1000 + 999),
    "date": (_MIN_DAYS, _MAX_DAYS),
    "time-millis": (0, 86_400_000 - 1),
    "time-micros": (0, 86_400_000_000 - 1),
}
"""The integers each logical type can be read back from, as a Python ``datetime``/``date``/``time``."""

_SAFE = "vf-range-safe-"


class OutOfRangeValue(int):
    """A logical value (``timestamp-millis``...) outside what Python's ``datetime`` can hold: the raw
    number as written (it *is* that ``int``), with ``logical_type`` naming what it was meant to be.

    >>> v = OutOfRangeValue(253402300800000, "timestamp-millis")
    >>> v == 253402300800000, v.logical_type
    (True, 'timestamp-millis')
    """

    logical_type: str

    def __new__(cls, value: int, logical_type: str) -> OutOfRangeValue:
        obj = super().__new__(cls, value)
        obj.logical_type = logical_type
        return obj

    def __repr__(self) -> str:
        return f"OutOfRangeValue({int(self)}, {self.logical_type!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (OutOfRangeValue, (int(self), self.logical_type))


def _safe_reader(original: Callable[..., Any], logical: str) -> Callable[..., Any]:
    def read(data: Any, writer_schema: Any = None, reader_schema: Any = None) -> Any:
        try:
            return original(data, writer_schema, reader_schema)
        except (OverflowError, ValueError, OSError):
            return OutOfRangeValue(data, logical)

    return read


def _install() -> None:
    # fastavro's documented extension point for logical types: readers under new names, so nothing
    # changes for anyone else decoding the standard names in this process.
    readers = require("fastavro.read", "kafka").LOGICAL_READERS
    for key, original in list(readers.items()):
        base, _, logical = key.partition("-")
        if logical in RANGES:
            readers.setdefault(f"{base}-{_SAFE}{logical}", _safe_reader(original, logical))


def has_ranged_logical(schema: Any) -> bool:
    """Whether a parsed schema holds any logical type of :data:`RANGES`."""
    if isinstance(schema, dict):
        if schema.get("logicalType") in RANGES:
            return True
        return any(has_ranged_logical(v) for k, v in schema.items() if k != "__named_schemas")
    if isinstance(schema, list):
        return any(has_ranged_logical(v) for v in schema)
    return False


def range_safe(schema: Any) -> Any:
    """A copy of a parsed schema whose date and time logical types decode out-of-range values to
    :class:`OutOfRangeValue` instead of raising (parse the result again with fastavro)."""
    _install()
    return _rename(schema)


def _rename(schema: Any) -> Any:
    if isinstance(schema, dict):
        out = {k: _rename(v) for k, v in schema.items() if not k.startswith("__")}
        if out.get("logicalType") in RANGES:
            out["logicalType"] = _SAFE + str(out["logicalType"])
        return out
    if isinstance(schema, list):
        return [_rename(v) for v in schema]
    return schema


RangeCheck = Callable[[Any, str], list[tuple[str, str]]]
"""``check(datum, prefix)``: the paths of the plain ints of ``datum`` that a date or time logical
type could not read back, with the logical type of each."""


def compile_range_check(parsed: Any) -> RangeCheck | None:
    """The range check of a parsed schema, or ``None`` when it has no date or time logical type."""
    if not has_ranged_logical(parsed):
        return None
    named: dict[str, Any] = parsed.get("__named_schemas", {}) if isinstance(parsed, dict) else {}
    return _ranges(parsed, named, {})


def _ranges(schema: Any, named: dict[str, Any], built: dict[str, RangeCheck | None]) -> RangeCheck | None:
    if isinstance(schema, str):
        return _ranges_named(schema, named, built) if schema in named else None
    if isinstance(schema, list):
        if any(b == "int" or b == "long" for b in schema):  # a plain number branch takes any int
            return None
        branches = [c for c in (_ranges(b, named, built) for b in schema) if c is not None]
        return None if not branches else lambda v, p: [x for b in branches for x in b(v, p)]
    if not isinstance(schema, dict):
        return None
    logical = schema.get("logicalType")
    if logical in RANGES:
        return _leaf(str(logical), *RANGES[str(logical)])
    kind = schema.get("type")
    if kind in {"record", "error"} and schema.get("name") in named:
        return _ranges_named(str(schema["name"]), named, built)
    if kind == "array":
        items = _ranges(schema["items"], named, built)
        if items is None:
            return None
        return lambda v, p: (
            [x for i, item in enumerate(v) for x in items(item, f"{p}{i}.")]
            if isinstance(v, list | tuple)
            else []
        )
    if kind == "map":
        values = _ranges(schema["values"], named, built)
        if values is None:
            return None
        return lambda v, p: (
            [x for k, item in v.items() for x in values(item, f"{p}{k}.")] if isinstance(v, dict) else []
        )
    return None


def _leaf(logical: str, low: int, high: int) -> RangeCheck:
    def check(v: Any, path: str) -> list[tuple[str, str]]:
        if type(v) is int and not low <= v <= high:  # OutOfRangeValue (a subclass) is written as is
            return [(path.removesuffix("."), logical)]
        return []

    return check


def _ranges_named(name: str, named: dict[str, Any], built: dict[str, RangeCheck | None]) -> RangeCheck | None:
    if name in built:
        return built[name]
    schema = named[name]
    if schema.get("type") not in {"record", "error"}:
        built[name] = None
        return None
    holder: list[RangeCheck] = []
    built[name] = lambda v, p: holder[0](v, p)  # recursive types refer to themselves
    fields = [(f["name"], c) for f in schema.get("fields", []) if (c := _ranges(f["type"], named, built))]

    def check(v: Any, prefix: str) -> list[tuple[str, str]]:
        if not isinstance(v, dict):
            return []
        return [x for name, inner in fields if name in v for x in inner(v[name], f"{prefix}{name}.")]

    holder.append(check)
    built[name] = check if fields else None
    return built[name]
