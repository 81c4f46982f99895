"""Pairs of Avro schemas (writer = the registered version, reader = the new one) and, for each, the
answer of the Avro specification's "Schema Resolution" rules under BACKWARD compatibility: can the
new schema read data written with the old one?

Used twice: the unit test checks the offline ``is_compatible`` against the ``spec`` answer, and the
integration test (``tests/integration/kafka/test_avro_compat_registry.py``) asks the real schema
registry of ``vf stack`` the same question for every pair: the two must agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from verifiedfan.kafka import Compatibility

Schema = Any


@dataclass(frozen=True)
class Pair:
    id: str
    old: Schema  # the writer: registered first
    new: Schema  # the reader: checked for BACKWARD compatibility with ``old``
    spec: bool  # the specification's answer


def rec(name: str, fields: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"type": "record", "name": name, "fields": fields, **extra}


def f(name: str, type_: Schema, **extra: Any) -> dict[str, Any]:
    return {"name": name, "type": type_, **extra}


def enum(name: str, symbols: list[str], **extra: Any) -> dict[str, Any]:
    return {"type": "enum", "name": name, "symbols": symbols, **extra}


def error(name: str, fields: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """An Avro ``error``: a record declared with ``"type": "error"`` (the spec's protocol section)."""
    return {"type": "error", "name": name, "fields": fields, **extra}


def fixed(name: str, size: int, **extra: Any) -> dict[str, Any]:
    return {"type": "fixed", "name": name, "size": size, **extra}


def one(type_: Schema, *more: dict[str, Any], name: str = "Event", **extra: Any) -> dict[str, Any]:
    """A record ``Event`` (namespace ``vf``) with one field ``x`` of ``type_`` (and ``more`` fields)."""
    return rec(name, [f("x", type_), *more], namespace="vf", **extra)


def ts(kind: str, base: str = "long") -> dict[str, Any]:
    return {"type": base, "logicalType": kind}


def DEC(precision: int, scale: int) -> dict[str, Any]:
    return {"type": "bytes", "logicalType": "decimal", "precision": precision, "scale": scale}


def DEC0(precision: int) -> dict[str, Any]:
    """A decimal without ``scale`` (the specification's default: 0)."""
    return {"type": "bytes", "logicalType": "decimal", "precision": precision}


BASE = [f("id", "string"), f("n", "int")]
ADDRESS = rec("Address", [f("city", "string")])
LIST = rec("Node", [f("v", "int"), f("next", ["null", "Node"], default=None)], namespace="vf")

PROMOTIONS = [
    ("int", "long", True),
    ("int", "float", True),
    ("int", "double", True),
    ("long", "float", True),
    ("long", "double", True),
    ("float", "double", True),
    ("string", "bytes", True),
    ("bytes", "string", True),
    ("long", "int", False),
    ("double", "float", False),
    ("float", "long", False),
    ("string", "int", False),
    ("boolean", "int", False),
    ("null", "string", False),
    ("int", "string", False),
]

PAIRS: list[Pair] = [
    # -- fields added and removed
    Pair("field-added-with-default", one("int"), one("int", f("y", "string", default="")), True),
    Pair("field-added-without-default", one("int"), one("int", f("y", "string")), False),
    Pair(
        "field-added-null-union-default", one("int"), one("int", f("y", ["null", "int"], default=None)), True
    ),
    Pair("field-removed", one("int", f("y", "string")), one("int"), True),
    Pair("field-removed-had-default", one("int", f("y", "string", default="")), one("int"), True),
    Pair(
        "field-renamed-no-alias-no-default", one("int"), rec("Event", [f("z", "int")], namespace="vf"), False
    ),
    Pair(
        "field-renamed-no-alias-default",
        one("int"),
        rec("Event", [f("z", "int", default=0)], namespace="vf"),
        True,
    ),
    Pair(
        "field-renamed-with-alias",
        one("int"),
        rec("Event", [f("z", "int", aliases=["x"])], namespace="vf"),
        True,
    ),
    Pair(
        "field-renamed-alias-wrong-type",
        one("string"),
        rec("Event", [f("z", "int", aliases=["x"])], namespace="vf"),
        False,
    ),
    Pair("fields-reordered", rec("R", BASE), rec("R", BASE[::-1]), True),
    # -- promotions, each way
    *(Pair(f"promote-{w}-to-{r}", one(w), one(r), ok) for w, r, ok in PROMOTIONS),
    Pair("top-level-int-to-long", {"type": "int"}, {"type": "long"}, True),
    Pair("top-level-long-to-int", {"type": "long"}, {"type": "int"}, False),
    # -- enums
    Pair("enum-symbol-added", one(enum("Tier", ["A", "B"])), one(enum("Tier", ["A", "B", "C"])), True),
    Pair("enum-symbol-removed", one(enum("Tier", ["A", "B"])), one(enum("Tier", ["A"])), False),
    Pair(
        "enum-symbol-removed-reader-default",
        one(enum("Tier", ["A", "B"])),
        one(enum("Tier", ["A", "U"], default="U")),
        True,
    ),
    Pair("enum-symbols-reordered", one(enum("Tier", ["A", "B"])), one(enum("Tier", ["B", "A"])), True),
    Pair("enum-renamed", one(enum("Tier", ["A", "B"])), one(enum("Level", ["A", "B"])), False),
    Pair(
        "enum-renamed-with-alias",
        one(enum("Tier", ["A", "B"])),
        one(enum("Level", ["A", "B"], aliases=["Tier"])),
        True,
    ),
    Pair(
        "enum-renamed-writer-alias-only",
        one(enum("Tier", ["A", "B"], aliases=["Level"])),
        one(enum("Level", ["A", "B"])),
        False,
    ),
    Pair(
        "enum-renamed-with-alias-symbol-removed",
        one(enum("Tier", ["A", "B"])),
        one(enum("Level", ["A"], aliases=["Tier"])),
        False,
    ),
    Pair("enum-to-string", one(enum("Tier", ["A"])), one("string"), False),
    # -- unions
    Pair("plain-to-nullable", one("string"), one(["null", "string"]), True),
    Pair("nullable-to-plain", one(["null", "string"]), one("string"), False),
    Pair("union-branch-added", one(["null", "string"]), one(["null", "string", "int"]), True),
    Pair("union-branch-removed", one(["null", "string", "int"]), one(["null", "string"]), False),
    Pair("union-branch-promoted", one(["null", "int"]), one(["null", "long"]), True),
    Pair("union-branches-reordered", one(["null", "string"]), one(["string", "null"]), True),
    Pair("int-to-union-with-long", one("int"), one(["null", "long"]), True),
    Pair("union-to-wider-plain", one(["int", "long"]), one("double"), True),
    Pair(
        "union-record-renamed",
        one(["null", rec("A", [f("a", "int")])]),
        one(["null", rec("B", [f("a", "int")])]),
        False,
    ),
    Pair(
        "union-record-renamed-with-alias",
        one(["null", rec("A", [f("a", "int")])]),
        one(["null", rec("B", [f("a", "int")], aliases=["A"])]),
        True,
    ),
    # -- nested and named types
    Pair(
        "nested-field-added-with-default",
        one(ADDRESS),
        one(rec("Address", [f("city", "string"), f("zip", "string", default="")])),
        True,
    ),
    Pair(
        "nested-field-added-without-default",
        one(ADDRESS),
        one(rec("Address", [f("city", "string"), f("zip", "string")])),
        False,
    ),
    Pair(
        "nested-field-promoted",
        one(rec("Address", [f("n", "int")])),
        one(rec("Address", [f("n", "long")])),
        True,
    ),
    Pair("record-renamed", one("int"), one("int", name="Renamed"), False),
    Pair("record-renamed-with-alias", one("int"), one("int", name="Renamed", aliases=["Event"]), True),
    Pair(
        "record-renamed-with-qualified-alias",
        one("int"),
        one("int", name="Renamed", aliases=["vf.Event"]),
        True,
    ),
    Pair(
        "record-renamed-alias-in-other-namespace",
        one("int"),
        one("int", name="Renamed", aliases=["other.Event"]),
        False,
    ),
    Pair(
        "record-renamed-writer-alias-only", one("int", aliases=["Renamed"]), one("int", name="Renamed"), False
    ),
    Pair(
        "record-renamed-relative-alias-other-namespace",
        one("int"),
        rec("Renamed", [f("x", "int")], namespace="other", aliases=["Event"]),
        False,
    ),
    Pair("record-namespace-changed", one("int"), rec("Event", [f("x", "int")], namespace="other"), True),
    Pair("nested-record-renamed", one(ADDRESS), one(rec("Location", [f("city", "string")])), False),
    Pair(
        "nested-record-renamed-with-alias",
        one(ADDRESS),
        one(rec("Location", [f("city", "string")], aliases=["Address"])),
        True,
    ),
    Pair(
        "nested-record-renamed-second-use-by-name",
        one(ADDRESS, f("home", "Address")),
        one(rec("Location", [f("city", "string")], aliases=["Address"]), f("home", "Location")),
        True,
    ),
    Pair(
        "nested-enum-renamed",
        one(rec("Inner", [f("e", enum("Color", ["R", "G"]))])),
        one(rec("Inner", [f("e", enum("Colour", ["R", "G"]))])),
        False,
    ),
    Pair(
        "named-reference-unchanged",
        one(enum("E", ["A"]), f("y", "vf.E")),
        one(enum("E", ["A"]), f("y", "E")),
        True,
    ),
    Pair("recursive-unchanged", LIST, LIST, True),
    Pair(
        "recursive-field-added-with-default",
        LIST,
        rec("Node", [*LIST["fields"], f("w", "int", default=0)], namespace="vf"),
        True,
    ),
    Pair(
        "recursive-field-added-without-default",
        LIST,
        rec("Node", [*LIST["fields"], f("w", "int")], namespace="vf"),
        False,
    ),
    Pair("record-to-string", one(ADDRESS), one("string"), False),
    # -- arrays and maps
    Pair(
        "array-items-promoted",
        one({"type": "array", "items": "int"}),
        one({"type": "array", "items": "long"}),
        True,
    ),
    Pair(
        "array-items-narrowed",
        one({"type": "array", "items": "long"}),
        one({"type": "array", "items": "int"}),
        False,
    ),
    Pair(
        "array-of-records-field-added-without-default",
        one({"type": "array", "items": ADDRESS}),
        one({"type": "array", "items": rec("Address", [f("city", "string"), f("zip", "string")])}),
        False,
    ),
    Pair(
        "map-values-promoted",
        one({"type": "map", "values": "int"}),
        one({"type": "map", "values": "double"}),
        True,
    ),
    Pair(
        "map-values-changed",
        one({"type": "map", "values": "string"}),
        one({"type": "map", "values": "int"}),
        False,
    ),
    Pair(
        "array-to-map", one({"type": "array", "items": "int"}), one({"type": "map", "values": "int"}), False
    ),
    # -- fixed
    Pair("fixed-unchanged", one(fixed("Md5", 16)), one(fixed("Md5", 16)), True),
    Pair("fixed-resized", one(fixed("Md5", 16)), one(fixed("Md5", 32)), False),
    Pair("fixed-renamed", one(fixed("Md5", 16)), one(fixed("Hash", 16)), False),
    Pair("fixed-renamed-with-alias", one(fixed("Md5", 16)), one(fixed("Hash", 16, aliases=["Md5"])), True),
    Pair(
        "fixed-renamed-with-alias-resized",
        one(fixed("Md5", 16)),
        one(fixed("Hash", 8, aliases=["Md5"])),
        False,
    ),
    Pair("fixed-to-bytes", one(fixed("Md5", 16)), one("bytes"), False),
    # -- logical types (resolved as their underlying types)
    Pair("logical-long-to-timestamp-millis", one("long"), one(ts("timestamp-millis")), True),
    Pair("logical-timestamp-millis-to-long", one(ts("timestamp-millis")), one("long"), True),
    Pair("logical-millis-to-micros", one(ts("timestamp-millis")), one(ts("timestamp-micros")), True),
    Pair("logical-date-to-timestamp", one(ts("date", "int")), one(ts("timestamp-millis")), True),
    Pair("logical-timestamp-to-date", one(ts("timestamp-millis")), one(ts("date", "int")), False),
    Pair("logical-decimal-rescaled", one(DEC(4, 2)), one(DEC(6, 3)), False),
    Pair("logical-decimal-unchanged", one(DEC(4, 2)), one(DEC(4, 2)), True),
    Pair("logical-uuid-to-string", one(ts("uuid", "string")), one("string"), True),
    # the spec's "Decimal" section: scale is optional, default 0; a plain bytes side is no decimal
    Pair("logical-decimal-scale-omitted-by-reader", one(DEC(4, 0)), one(DEC0(4)), True),
    Pair("logical-decimal-scale-omitted-by-writer", one(DEC0(4)), one(DEC(4, 0)), True),
    Pair("logical-bytes-to-decimal", one("bytes"), one(DEC(4, 2)), True),
    Pair("logical-decimal-to-bytes", one(DEC(4, 2)), one("bytes"), True),
    Pair("logical-decimal-precision-changed", one(DEC(4, 2)), one(DEC(6, 2)), False),
    # one writer record read by two reader records (both aliasing it): each pair is resolved on its
    # own, the second reader's incompatible field is not hidden by the first one's success
    Pair(
        "two-reader-records-alias-one-writer-record",
        one(rec("W", [f("a", "int")]), f("y", "W")),
        one(rec("A", [f("a", "int")], aliases=["W"]), f("y", rec("B", [f("a", "string")], aliases=["W"]))),
        False,
    ),
    # one reader record aliasing two writer records: each writer record is resolved on its own
    Pair(
        "one-reader-record-aliases-two-writer-records",
        one(rec("W1", [f("a", "int")]), f("y", rec("W2", [f("a", "string")]))),
        one(rec("R", [f("a", "int")], aliases=["W1", "W2"]), f("y", "R")),
        False,
    ),
    Pair(
        "one-reader-record-aliases-two-writer-records-promoted",
        one(rec("W1", [f("a", "int")]), f("y", rec("W2", [f("a", "int")]))),
        one(rec("R", [f("a", "long")], aliases=["W1", "W2"]), f("y", "R")),
        True,
    ),
    # a reference by name resolves to its definition, even where the defining field is not compared
    # (the reader's defining field is new, with a default): the reference's enum lost a symbol
    Pair(
        "named-reference-narrowed-behind-a-new-field",
        one(enum("E", ["A", "B"]), f("y", "E")),
        rec("Event", [f("z", enum("E", ["A"]), default="A"), f("y", "E")], namespace="vf"),
        False,
    ),
    # the same at the top of a union (fastavro keeps the named types on the union's record branch)
    Pair(
        "top-level-union-named-reference-narrowed",
        ["null", one(enum("E", ["A", "B"]), f("y", "E"))],
        ["null", rec("Event", [f("z", enum("E", ["A"]), default="A"), f("y", "E")], namespace="vf")],
        False,
    ),
    Pair(
        "top-level-union-named-reference-widened",
        ["null", one(enum("E", ["A", "B"]), f("y", "E"))],
        [
            "null",
            rec("Event", [f("z", enum("E", ["A", "B", "C"]), default="A"), f("y", "E")], namespace="vf"),
        ],
        True,
    ),
    # errors are records: the record rules apply to them, and an error reads a record of its name
    Pair(
        "error-field-added-without-default",
        one(error("Fault", [f("a", "int")])),
        one(error("Fault", [f("a", "int"), f("b", "string")])),
        False,
    ),
    Pair(
        "error-field-added-with-default",
        one(error("Fault", [f("a", "int")])),
        one(error("Fault", [f("a", "int"), f("b", "string", default="")])),
        True,
    ),
    Pair(
        "error-renamed", one(error("Fault", [f("a", "int")])), one(error("Failure", [f("a", "int")])), False
    ),
    Pair("error-to-record", one(error("Fault", [f("a", "int")])), one(rec("Fault", [f("a", "int")])), True),
    Pair(
        "top-level-error-field-added-without-default",
        error("Fault", [f("a", "int")]),
        error("Fault", [f("a", "int"), f("b", "int")]),
        False,
    ),
]


@dataclass(frozen=True)
class History:
    """Versions registered under a subject (oldest first), a new schema and a compatibility level."""

    id: str
    versions: list[Schema]
    new: Schema
    level: Compatibility
    spec: bool  # may ``new`` be registered? BACKWARD: it reads the versions' data; FORWARD: they read its


def v(*fields: dict[str, Any]) -> dict[str, Any]:
    return rec("V", list(fields), namespace="vf")


A, B, B0, C, D0 = (
    f("a", "string"),
    f("b", "int"),
    f("b", "int", default=0),
    f("c", "int"),
    f("d", "int", default=0),
)
LEVELS: tuple[Compatibility, ...] = (
    "BACKWARD",
    "BACKWARD_TRANSITIVE",
    "FORWARD",
    "FORWARD_TRANSITIVE",
    "FULL",
    "FULL_TRANSITIVE",
    "NONE",
)
# The answer per level, in the order of LEVELS. Each history has a new schema unlike every version
# (the registry answers an identical schema with its existing id, without a check).
_HISTORIES: list[tuple[str, list[Schema], Schema, str]] = [
    # the new schema needs a field the old data lacks: it cannot read (BACKWARD), the old one can
    ("field-added-without-default", [v(A)], v(A, B), "FFTTFFT"),
    # the new schema drops a field the old one needs: the old schema cannot read new data (FORWARD)
    ("required-field-dropped", [v(A, B0)], v(B0), "TTFFFFT"),
    # needs b, which only the latest version has: fine against the latest, not against the first
    ("field-made-required-only-the-latest-has-it", [v(A), v(A, B0)], v(A, B), "TFTTTFT"),
    # the first version needs c, which the latest dropped and the new one lacks too
    ("first-version-needs-a-dropped-field", [v(A, C), v(A)], v(A, D0), "TTTFTFT"),
]
HISTORIES: list[History] = [
    History(f"{hid}-{level.lower()}", versions, new, level, answers[i] == "T")
    for hid, versions, new, answers in _HISTORIES
    for i, level in enumerate(LEVELS)
]
