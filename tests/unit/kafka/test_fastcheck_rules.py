"""The producer's pre-send Avro check, rule by rule, against fastavro's own ``validate`` (the reference).

Each schema is compiled inside its test: a check compiled when a module is imported is built before
mutmut's forkserver activates a mutant, so it could never notice one (issue 22; the property test in
``test_kafka_fastcheck.py`` compiles once at import). For every type the check is responsible for
(numbers and their ranges, null, boolean, arrays, maps, records, dates and times) its answer must be
fastavro's; for the types it leaves to the writer (string, bytes, enum, fixed, unions) it answers True.
"""

from __future__ import annotations

import datetime
import io
from typing import Any

import fastavro
import pytest
from fastavro.validation import validate

from verifiedfan.kafka import _fastcheck
from verifiedfan.kafka._fastcheck import compile_check, compile_unknown_fields

INT_MIN, INT_MAX = -(2**31), 2**31 - 1  # Avro spec: int is a 32-bit signed integer
LONG_MIN, LONG_MAX = -(2**63), 2**63 - 1  # long is 64-bit signed
NOW = datetime.datetime(2026, 11, 26, 4, 0, tzinfo=datetime.UTC)
PROBES: list[Any] = [
    None,
    True,
    False,
    0,
    -1,
    INT_MIN,
    INT_MIN - 1,
    INT_MAX,
    INT_MAX + 1,
    LONG_MIN,
    LONG_MIN - 1,
    LONG_MAX,
    LONG_MAX + 1,
    1.5,
    "1",
    b"1",
    [],
    [1],
    {},
    {"k": 1},
    NOW,
    NOW.date(),
    NOW.time(),
]


def parsed(schema: Any) -> Any:
    return fastavro.parse_schema(schema)


def fastavro_says(value: Any, schema: Any) -> bool:
    try:
        return bool(validate(value, schema, raise_errors=False))
    except ValueError:  # fastavro's logical-type preparation refuses some values by raising
        return False


@pytest.mark.parametrize("kind", ["null", "boolean", "int", "long", "float", "double"])
def test_primitives_agree_with_fastavro(kind: str) -> None:
    schema = parsed(kind)
    check = compile_check(schema)
    assert [check(v) for v in PROBES] == [validate(v, schema, raise_errors=False) for v in PROBES]


def test_the_int_check_draws_the_spec_bounds_inclusively() -> None:
    check = _fastcheck._int_check((INT_MIN, INT_MAX))
    assert [check(v) for v in (INT_MIN - 1, INT_MIN, 0, INT_MAX, INT_MAX + 1)] == [
        False,
        True,
        True,
        True,
        False,
    ]
    assert [check(v) for v in (True, 1.0, "1", None, NOW)] == [False] * 5


def test_the_int_check_accepts_the_extra_types_only_when_given() -> None:
    plain = _fastcheck._int_check((LONG_MIN, LONG_MAX))
    dated = _fastcheck._int_check((LONG_MIN, LONG_MAX), (datetime.datetime,))
    assert (plain(NOW), dated(NOW)) == (False, True)
    assert (dated(LONG_MAX + 1), dated(NOW.date()), dated(1)) == (False, False, True)


@pytest.mark.parametrize(
    ("logical", "base"),
    [
        ("timestamp-millis", "long"),
        ("timestamp-micros", "long"),
        ("local-timestamp-millis", "long"),
        ("local-timestamp-micros", "long"),
        ("date", "int"),
        ("time-millis", "int"),
        ("time-micros", "long"),
    ],
)
def test_dates_and_times_agree_with_fastavro(logical: str, base: str) -> None:
    schema = parsed({"type": base, "logicalType": logical})
    check = compile_check(schema)
    probes = [v for v in PROBES if not (logical.startswith("local") and v is NOW)]  # fastavro wants naive
    assert [check(v) for v in probes] == [fastavro_says(v, schema) for v in probes]


def test_what_is_left_to_the_writer_passes() -> None:
    for schema in (
        "string",
        "bytes",
        {"type": "string", "logicalType": "uuid"},
        ["null", "int"],
    ):
        check = compile_check(parsed(schema))
        assert all(check(v) for v in PROBES), schema


def test_an_unknown_logical_type_is_left_to_fastavros_validate() -> None:
    check = compile_check(parsed({"type": "bytes", "logicalType": "decimal", "precision": 4, "scale": 2}))
    assert check(b"x") is False  # not trusted: the producer asks fastavro's validate


def test_arrays_and_maps_of_checked_items() -> None:
    ints = parsed({"type": "array", "items": "int"})
    longs = parsed({"type": "map", "values": "long"})
    check_ints, check_longs = compile_check(ints), compile_check(longs)
    arrays: list[Any] = [[], [1, 2], (1, 2), [1, INT_MAX + 1], [1, "2"], "12", {1: 1}, None]
    maps: list[Any] = [{}, {"a": 1}, {"a": LONG_MAX + 1}, {"a": 1, "b": "x"}, [], "", None, [("a", 1)]]
    assert [check_ints(v) for v in arrays] == [True, True, True, False, False, False, False, False]
    assert [check_longs(v) for v in maps] == [True, True, False, False, False, False, False, False]
    for v in arrays[3:5]:
        assert not validate(v, ints, raise_errors=False)
    for v in maps[2:4]:
        assert not validate(v, longs, raise_errors=False)


def test_arrays_and_maps_of_writer_checked_items_check_the_container_only() -> None:
    strings = compile_check(parsed({"type": "array", "items": "string"}))
    string_map = compile_check(parsed({"type": "map", "values": "string"}))
    assert [strings(v) for v in ([], ["a", 1], ("a",), "abc", {"a": "b"})] == [True, True, True, False, False]
    assert [string_map(v) for v in ({}, {"a": 1}, "", [], b"")] == [True, True, False, False, False]


RECORD = {
    "type": "record",
    "name": "Order",
    "namespace": "t",
    "fields": [
        {"name": "qty", "type": "int"},
        {"name": "note", "type": "string"},
        {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["A", "B"]}},
        {"name": "again", "type": ["null", "t.Kind"], "default": None},
        {
            "name": "line",
            "type": {"type": "record", "name": "Line", "fields": [{"name": "price", "type": "double"}]},
        },
        {"name": "lines", "type": {"type": "array", "items": "t.Line"}, "default": []},
        {"name": "by_sku", "type": {"type": "map", "values": "t.Line"}, "default": {}},
        {"name": "parent", "type": ["null", "t.Order"], "default": None},
        {"name": "children", "type": {"type": "array", "items": "t.Order"}, "default": []},
        {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}, "default": 0},
    ],
}


def order(**changes: Any) -> dict[str, Any]:
    return {"qty": 1, "note": "n", "kind": "A", "line": {"price": 2.5}} | changes


def test_records_check_each_present_field() -> None:
    schema = parsed(RECORD)
    check = compile_check(schema)
    good = [
        order(),
        order(lines=[{"price": 1}], by_sku={"x": {"price": 1.0}}, at=NOW),
        order(note=5, kind="Z"),  # string and enum: the writer refuses them
        {"qty": 1},  # a missing field: the writer's default or its refusal
        "not a record",  # the writer refuses it
    ]
    bad = [
        order(qty=INT_MAX + 1),
        order(qty="1"),
        order(line={"price": "2.5"}),
        order(lines=[{"price": None}]),
        order(lines="x"),
        order(by_sku={"x": {"price": [1]}}),
        order(at=1.5),
    ]
    assert [check(v) for v in good] == [True] * len(good)
    assert [check(v) for v in bad] == [False] * len(bad)
    for v in bad:
        assert not validate(v, schema, raise_errors=False)
    assert validate(order(lines=[{"price": 1}], by_sku={"x": {"price": 1.0}}, at=NOW), schema)


def test_a_recursive_record_is_checked_at_every_depth() -> None:
    check = compile_check(parsed(RECORD))
    assert check(order(children=[order(children=[order()])]))
    assert not check(order(children=[order(children=[order(qty=1.5)])]))
    # a union is left to the writer, which matches its branches with fastavro's validate
    assert check(order(parent=order(qty=1.5)))
    assert not writes(order(parent=order(qty=1.5)), RECORD)


def writes(datum: Any, schema: Any) -> bool:
    try:
        fastavro.schemaless_writer(io.BytesIO(), parsed(schema), datum)
    except (TypeError, ValueError, AttributeError, KeyError):
        return False
    return True


def test_a_record_of_writer_checked_fields_only_passes_anything() -> None:
    schema = {"type": "record", "name": "Note", "fields": [{"name": "text", "type": "string"}]}
    check = compile_check(parsed(schema))
    assert [check({"text": 5}), check({}), check("x")] == [True, True, True]


def test_an_error_type_is_a_record() -> None:
    schema = {"type": "error", "name": "Oops", "fields": [{"name": "code", "type": "int"}]}
    check = compile_check(parsed(schema))
    assert (check({"code": 1}), check({"code": "1"})) == (True, False)


def test_an_unparsed_or_unknown_type_is_never_trusted() -> None:
    assert compile_check("t.Missing")(1) is False
    assert compile_check(42)(1) is False
    assert compile_check({"type": "t.Missing"})(1) is False


# -- unknown fields ------------------------------------------------------------------------------------


def test_unknown_fields_in_nested_arrays_maps_and_unions_with_their_paths() -> None:
    unknown = compile_unknown_fields(parsed(RECORD))
    datum = order(
        zz=1,
        line={"price": 1.0, "cost": 2},
        lines=[{"price": 1.0}, {"price": 1.0, "vat": 1}],
        by_sku={"s1": {"price": 1.0, "tax": 0}},
        parent=order(yy=3),
    )
    found = unknown(datum, "")
    assert [path for path, _ in found] == ["zz", "line.cost", "lines.1.vat", "by_sku.s1.tax", "parent.yy"]
    assert found[1][1] == frozenset({"price"})
    assert found[0][1] == frozenset(f["name"] for f in RECORD["fields"])  # type: ignore[attr-defined]


def test_unknown_fields_ignore_values_of_the_wrong_shape() -> None:
    unknown = compile_unknown_fields(parsed(RECORD))
    assert unknown(order(lines="x", by_sku=["a"], line=7), "") == []
    assert unknown(order(), "root.") == []
    assert [p for p, _ in unknown(order(zz=1), "root.")] == ["root.zz"]


def test_unknown_fields_of_a_union_of_records_follow_the_branch_that_fits_best() -> None:
    a = {
        "type": "record",
        "name": "A",
        "fields": [{"name": "x", "type": "int"}, {"name": "y", "type": "int"}],
    }
    b = {"type": "record", "name": "B", "fields": [{"name": "z", "type": "int"}]}
    unknown = compile_unknown_fields(parsed(["null", a, b]))
    assert unknown({"x": 1, "y": 2}, "") == []
    assert unknown({"z": 1}, "") == []
    assert [p for p, _ in unknown({"x": 1, "q": 2}, "")] == ["q"]
    single = compile_unknown_fields(parsed(["null", a]))
    assert [p for p, _ in single({"x": 1, "q": 2}, "")] == ["q"]


def test_a_union_schema_refuses_unknown_fields_like_a_record_schema() -> None:
    # fastavro returns a union schema as a list, its named types kept per branch: they were missed,
    # and a value schema ["null", Record] let the writer drop unknown keys silently.
    from verifiedfan.kafka import validate_record

    record = {"type": "record", "name": "A", "fields": [{"name": "x", "type": "int"}]}
    for schema in (record, ["null", record]):
        assert [issue.field for issue in validate_record(schema, {"x": 1, "q": 2})] == ["q"]
        assert validate_record(schema, {"x": 1, "q": 2}, allow_unknown_fields=True) == []
    assert validate_record(["null", record], None) == []


def test_schemas_without_records_have_no_unknown_fields() -> None:
    for schema in (
        "int",
        ["null", "string"],
        {"type": "array", "items": "long"},
        {"type": "map", "values": "int"},
    ):
        assert compile_unknown_fields(parsed(schema))({"a": 1}, "") == []
    enum = {"type": "enum", "name": "E", "symbols": ["A"]}
    assert compile_unknown_fields(parsed({"type": "array", "items": enum}))(["A"], "") == []


def test_a_record_as_any_mapping_is_checked_and_a_non_mapping_is_left_to_the_writer() -> None:
    from types import MappingProxyType

    check = compile_check(parsed(RECORD))
    assert check(MappingProxyType(order())) is True
    assert check(MappingProxyType(order(qty="1"))) is False
    assert [check(v) for v in (5, None, ["qty"])] == [True, True, True]


def test_unknown_fields_in_a_tuple_of_records_and_in_an_error_type() -> None:
    unknown = compile_unknown_fields(parsed(RECORD))
    found = unknown(order(lines=({"price": 1.0}, {"price": 1.0, "vat": 1})), "")
    assert [p for p, _ in found] == ["lines.1.vat"]
    oops = {"type": "error", "name": "Oops", "fields": [{"name": "code", "type": "int"}]}
    assert [p for p, _ in compile_unknown_fields(parsed(oops))({"code": 1, "why": "x"}, "")] == ["why"]


def test_an_enum_named_again_in_a_union_has_no_unknown_fields() -> None:
    # "E" is defined by field a, then named by b and inside c's union: the names are resolved from the
    # cache the second time, which must remember "no record here" as nothing, not as a check
    record_b = {"type": "record", "name": "B", "fields": [{"name": "x", "type": "int"}]}
    schema = {
        "type": "record",
        "name": "R",
        "fields": [
            {"name": "a", "type": {"type": "enum", "name": "E", "symbols": ["A"]}},
            {"name": "b", "type": "E"},
            {"name": "c", "type": ["null", "E", record_b]},
        ],
    }
    unknown = compile_unknown_fields(parsed(schema))
    assert unknown({"a": "A", "b": "A", "c": "A"}, "") == []
    assert [p for p, _ in unknown({"a": "A", "b": "A", "c": {"x": 1, "y": 2}}, "")] == ["c.y"]


def test_the_best_union_branch_is_the_one_with_fewest_unknown_keys_not_the_first_in_order() -> None:
    a = {"type": "record", "name": "A", "fields": [{"name": "c", "type": "int"}]}
    b = {
        "type": "record",
        "name": "B",
        "fields": [{"name": "a", "type": "int"}, {"name": "b", "type": "int"}],
    }
    unknown = compile_unknown_fields(
        parsed({"type": "record", "name": "W", "fields": [{"name": "u", "type": [a, b]}]})
    )
    assert [p for p, _ in unknown({"u": {"a": 1, "b": 1, "z": 1}}, "")] == ["u.z"]


def test_unknown_fields_of_an_inline_error_type_field() -> None:
    oops = {"type": "error", "name": "Oops", "fields": [{"name": "code", "type": "int"}]}
    schema = {"type": "record", "name": "Reply", "fields": [{"name": "err", "type": oops}]}
    unknown = compile_unknown_fields(parsed(schema))
    assert [p for p, _ in unknown({"err": {"code": 1, "why": "x"}}, "")] == ["err.why"]
