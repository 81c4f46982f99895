"""A fast Avro datum pre-check, compiled once per schema into nested closures.

fastavro's ``validate`` is generic and costs about as much as encoding itself. fastavro's writer
already refuses most bad data (a non-string for a string, an unknown enum symbol, a wrong fixed
size, a map that is not a dict, a value matching no union branch...), but silently writes some of it:
numbers out of range or of the wrong kind, anything for ``null`` or ``boolean``, a string for an
array. This check covers exactly those, so "check passed and writer succeeded" means valid. A datum
it refuses is checked again by fastavro's ``validate``, which names the offending fields (and accepts
the forms this check does not know, such as logical types other than dates and times).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["Check", "UnknownFields", "compile_check", "compile_unknown_fields"]

Check = Callable[[Any], bool]

_INT = (-(2**31), 2**31 - 1)
_LONG = (-(2**63), 2**63 - 1)


def _int_check(bounds: tuple[int, int], also: tuple[type, ...] = ()) -> Check:
    low, high = bounds

    def check(v: Any) -> bool:
        return (type(v) is int and low <= v <= high) or (bool(also) and isinstance(v, also))

    return check


_PRIMITIVES: dict[str, Check | None] = {
    "null": lambda v: v is None,
    "boolean": lambda v: type(v) is bool,
    "int": _int_check(_INT),
    "long": _int_check(_LONG),
    "float": lambda v: type(v) is float or type(v) is int,
    "double": lambda v: type(v) is float or type(v) is int,
    "string": None,  # None: the writer itself refuses anything wrong
    "bytes": None,
}
_LOGICAL: dict[str, Check | None] = {
    "timestamp-millis": _int_check(_LONG, (datetime.datetime,)),
    "timestamp-micros": _int_check(_LONG, (datetime.datetime,)),
    "local-timestamp-millis": _int_check(_LONG, (datetime.datetime,)),
    "local-timestamp-micros": _int_check(_LONG, (datetime.datetime,)),
    "date": _int_check(_INT, (datetime.date,)),
    "time-millis": _int_check(_INT, (datetime.time,)),
    "time-micros": _int_check(_LONG, (datetime.time,)),
    "uuid": None,
}
_SAFE_NAMED = {"enum", "fixed"}


def _never(v: Any) -> bool:
    return False


def _always(v: Any) -> bool:
    return True


def compile_check(parsed: Any) -> Check:
    """A function telling whether the writer can be trusted with a datum of this parsed schema."""
    return _build(parsed, _named_schemas(parsed), {}) or _always


def _named_schemas(parsed: Any) -> dict[str, Any]:
    """The named types of a parsed schema. fastavro keeps them in ``__named_schemas`` of the top
    record, or of each branch when the schema itself is a union (it then returns a list)."""
    if isinstance(parsed, dict):
        found: dict[str, Any] = parsed.get("__named_schemas", {})
        return found
    named: dict[str, Any] = {}
    if isinstance(parsed, list):
        for branch in parsed:
            if isinstance(branch, dict):
                named.update(branch.get("__named_schemas", {}))
    return named


def _build(schema: Any, named: dict[str, Any], built: dict[str, Check | None]) -> Check | None:
    if isinstance(schema, str):
        if schema in _PRIMITIVES:
            return _PRIMITIVES[schema]
        if schema in named:
            return _named(schema, named, built)
        return _never
    if isinstance(schema, list):
        return None  # the writer matches union branches with fastavro's own validation
    if not isinstance(schema, dict):
        return _never
    if "logicalType" in schema:
        return _LOGICAL.get(str(schema["logicalType"]), _never)
    kind = schema.get("type")
    if kind in {"record", "error", "enum", "fixed"} and schema.get("name") in named:
        return _named(str(schema["name"]), named, built)
    if kind == "array":
        return _array(_build(schema["items"], named, built))
    if kind == "map":
        return _map(_build(schema["values"], named, built))
    return _build(kind, named, built)


def _named(name: str, named: dict[str, Any], built: dict[str, Check | None]) -> Check | None:
    if name in built:
        return built[name]
    schema = named[name]
    if schema.get("type") in _SAFE_NAMED:
        built[name] = None
        return None
    holder: list[Check] = []
    built[name] = lambda v: holder[0](v)  # recursive types refer to themselves
    fields = []
    for field in schema.get("fields", []):
        check = _build(field["type"], named, built)
        if check is not None:
            fields.append((field["name"], check))
    result = _record(fields) if fields else None
    holder.append(result or _always)
    built[name] = result
    return result


def _record(fields: list[tuple[str, Check]]) -> Check:
    def check(v: Any) -> bool:
        if type(v) is not dict and not isinstance(v, Mapping):
            return True  # the writer refuses it
        for name, field_check in fields:  # noqa: SIM110 - a plain loop is faster than all()
            if name in v and not field_check(v[name]):
                return False
        return True  # a missing field: the writer uses its default or refuses

    return check


def _array(items: Check | None) -> Check:
    if items is None:
        return lambda v: type(v) is list or type(v) is tuple
    return lambda v: (type(v) is list or type(v) is tuple) and all(map(items, v))


def _map(values: Check | None) -> Check:
    # Not left to the writer: fastavro silently writes any empty sized value ("", [], b"") as {}.
    if values is None:
        return lambda v: isinstance(v, Mapping)
    return lambda v: isinstance(v, Mapping) and all(map(values, v.values()))


UnknownFields = Callable[[Any, str], list[tuple[str, frozenset[str]]]]
"""``check(datum, prefix)``: the dotted paths of the keys of ``datum`` that no record field of the
schema names (fastavro's writer drops them silently), each with the field names known there."""


def compile_unknown_fields(parsed: Any) -> UnknownFields:
    """A function listing the keys of a datum that are not fields of the (nested) records."""
    return _unknown(parsed, _named_schemas(parsed), {}) or _no_unknown


def _no_unknown(v: Any, prefix: str) -> list[tuple[str, frozenset[str]]]:
    return []


def _unknown(
    schema: Any, named: dict[str, Any], built: dict[str, UnknownFields | None]
) -> UnknownFields | None:
    if isinstance(schema, str):
        return _unknown_named(schema, named, built) if schema in named else None
    if isinstance(schema, list):
        return _unknown_union([c for c in (_unknown(b, named, built) for b in schema) if c is not None])
    if not isinstance(schema, dict):
        return None
    kind = schema.get("type")
    if kind in {"record", "error"} and schema.get("name") in named:
        return _unknown_named(str(schema["name"]), named, built)
    if kind == "array":
        items = _unknown(schema["items"], named, built)
        return None if items is None else _unknown_each(items, lambda v: enumerate(v) if _is_list(v) else ())
    if kind == "map":
        values = _unknown(schema["values"], named, built)
        return None if values is None else _unknown_each(values, lambda v: _map_items(v))
    return _unknown(kind, named, built) if isinstance(kind, str | dict | list) else None


def _is_list(v: Any) -> bool:
    return type(v) is list or type(v) is tuple


def _map_items(v: Any) -> Any:
    return v.items() if isinstance(v, Mapping) else ()


def _unknown_each(inner: UnknownFields, entries: Callable[[Any], Any]) -> UnknownFields:
    def check(v: Any, prefix: str) -> list[tuple[str, frozenset[str]]]:
        return [found for key, item in entries(v) for found in inner(item, f"{prefix}{key}.")]

    return check


def _unknown_union(branches: list[UnknownFields]) -> UnknownFields | None:
    if not branches:
        return None
    if len(branches) == 1:
        return branches[0]

    def check(v: Any, prefix: str) -> list[tuple[str, frozenset[str]]]:
        results = [branch(v, prefix) for branch in branches]  # the branch it fits best
        return min(results, key=len)

    return check


def _unknown_named(
    name: str, named: dict[str, Any], built: dict[str, UnknownFields | None]
) -> UnknownFields | None:
    if name in built:
        return built[name]
    schema = named[name]
    if schema.get("type") not in {"record", "error"}:
        built[name] = None
        return None
    holder: list[UnknownFields] = []
    built[name] = lambda v, prefix: holder[0](v, prefix)  # recursive types refer to themselves
    names = frozenset(f["name"] for f in schema.get("fields", []))
    nested = [(f["name"], c) for f in schema.get("fields", []) if (c := _unknown(f["type"], named, built))]

    def check(v: Any, prefix: str) -> list[tuple[str, frozenset[str]]]:
        if not isinstance(v, Mapping):
            return []  # not a record at all: the validation says so
        out = [] if v.keys() <= names else [(f"{prefix}{k}", names) for k in v if k not in names]
        for field_name, inner in nested:
            item = v.get(field_name)
            if item is not None:
                out.extend(inner(item, f"{prefix}{field_name}."))
        return out

    holder.append(check)
    built[name] = check
    return check
