"""Avro schema compatibility, offline: can data written with one schema be read with another?

The rules of the Avro specification's "Schema Resolution" section: named types (records, enums,
fixed) match only when their unqualified names are equal or the reader lists the writer's full name
among its aliases (the writer's own aliases do not count, as in Java's ``SchemaCompatibility``, which
the registries run); promotions; defaults for missing fields; reader field aliases; enum symbols
(a reader's enum default covers unknown symbols); unions; fixed sizes; and decimals, which match only
with the same precision and scale. Other logical types resolve as their underlying types. An ``error``
is a record (Java parses it as one).

Checked pair by pair, and level by level on version histories, against the real registry of
``vf stack`` (``tests/unit/kafka/avro_corpus.py``);
the registry agrees everywhere but on decimals, whose precision and scale it ignores (AVRO-2078) where
the specification and this module refuse the change. Used by the in-memory fake registry and by
``vf schema check --offline``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from verifiedfan.errors import ConfigurationError
from verifiedfan.kafka._formatters import parse_avro_schema

__all__ = ["can_read", "is_compatible"]

_PROMOTIONS = {
    "int": {"long", "float", "double"},
    "long": {"float", "double"},
    "float": {"double"},
    "string": {"bytes"},
    "bytes": {"string"},
}
_LEVELS = {"BACKWARD", "FORWARD", "FULL", "NONE"}


def _named(parsed: Any) -> dict[str, Any]:
    """The named types of a schema parsed by fastavro, by full name. fastavro keeps them on each
    record, enum or fixed at the top; a top-level union has them on its named branches."""
    named: dict[str, Any] = {}
    for branch in parsed if isinstance(parsed, list) else [parsed]:
        if isinstance(branch, dict):
            named.update(branch.get("__named_schemas", {}))
    return named


def _kind(schema: Any) -> str:
    """``union``, a primitive or complex type name, or a reference to a named type. fastavro refuses
    a ``"type"`` that is not a string (as Java's parser does), so a dict's ``"type"`` is the kind. An
    ``error`` is a record (Java parses it as ``RECORD``; the registry resolves the two)."""
    if isinstance(schema, list):
        return "union"
    kind = str(schema["type"]) if isinstance(schema, dict) else str(schema)
    return "record" if kind == "error" else kind


_NAMED = {"record", "enum", "fixed"}


def _names_match(r: dict[str, Any], w: dict[str, Any]) -> bool:
    """Same unqualified name, or the writer's full name is one of the reader's aliases."""
    reader, writer = str(r["name"]), str(w["name"])
    if reader.rpartition(".")[2] == writer.rpartition(".")[2]:
        return True
    namespace = reader.rpartition(".")[0]
    aliases = {a if "." in a or not namespace else f"{namespace}.{a}" for a in r.get("aliases", ())}
    return writer in aliases


def _decimals_match(r: Any, w: Any) -> bool:
    """Two decimals match only with the same precision and scale (the spec's "Decimal" section)."""
    if not (_is_decimal(r) and _is_decimal(w)):
        return True
    return bool(r["precision"] == w["precision"] and r.get("scale", 0) == w.get("scale", 0))


def _is_decimal(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("logicalType") == "decimal"


class _Resolver:
    def __init__(self, reader: Any, writer: Any) -> None:
        self.rnames, self.wnames = _named(reader), _named(writer)
        self.seen: set[tuple[str, str]] = set()

    def can_read(self, r: Any, w: Any) -> bool:
        r = self.rnames.get(r, r) if isinstance(r, str) else r
        w = self.wnames.get(w, w) if isinstance(w, str) else w
        kr, kw = _kind(r), _kind(w)
        if kw == "union":
            return all(self.can_read(r, branch) for branch in w)
        if kr == "union":
            return any(self.can_read(branch, w) for branch in r)
        if kr != kw:
            return kr in _PROMOTIONS.get(kw, set())
        if kr in _NAMED and not _names_match(r, w):
            return False
        if not _decimals_match(r, w):
            return False
        if kr == "record":
            return self._records(r, w)
        if kr == "enum":
            return "default" in r or set(w["symbols"]) <= set(r["symbols"])
        if kr == "array":
            return self.can_read(r["items"], w["items"])
        if kr == "map":
            return self.can_read(r["values"], w["values"])
        if kr == "fixed":
            return bool(r["size"] == w["size"])
        return True

    def _records(self, r: dict[str, Any], w: dict[str, Any]) -> bool:
        key = (str(r.get("name")), str(w.get("name")))
        if key in self.seen:  # recursive types: assume compatible on the way back
            return True
        self.seen.add(key)
        written = {f["name"]: f for f in w["fields"]}
        for field in r["fields"]:
            source = written.get(field["name"])
            if source is None:
                source = next((written[a] for a in field.get("aliases", []) if a in written), None)
            if source is None:
                if "default" not in field:
                    return False
                continue
            if not self.can_read(field["type"], source["type"]):
                return False
        return True


def can_read(reader: str | dict[str, Any], writer: str | dict[str, Any]) -> bool:
    """Whether data written with ``writer`` can be read with ``reader`` (Avro resolution rules)."""
    r, w = parse_avro_schema(reader), parse_avro_schema(writer)
    return _Resolver(r, w).can_read(r, w)


def is_compatible(
    new: str | dict[str, Any], existing: Sequence[str | dict[str, Any]], level: str = "BACKWARD"
) -> bool:
    """Whether ``new`` may follow ``existing`` (oldest first) under a registry compatibility ``level``.

    ``BACKWARD``: the new schema reads data of the latest one; ``FORWARD``: the latest reads the new;
    ``FULL``: both. ``*_TRANSITIVE`` checks every existing version instead of the latest only.
    """
    level = level.upper()
    transitive = level.endswith("_TRANSITIVE")
    base = level.removesuffix("_TRANSITIVE")
    if base not in _LEVELS:
        raise ConfigurationError(f"unknown compatibility level {level!r}")
    if base == "NONE" or not existing:
        return True
    against = list(existing) if transitive else [existing[-1]]
    for old in against:
        if base in {"BACKWARD", "FULL"} and not can_read(new, old):
            return False
        if base in {"FORWARD", "FULL"} and not can_read(old, new):
            return False
    return True
