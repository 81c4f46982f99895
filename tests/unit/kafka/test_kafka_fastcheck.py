from __future__ import annotations

import datetime
import io
from typing import Any

import fastavro
from fastavro.validation import validate
from hypothesis import given, settings
from hypothesis import strategies as st

from verifiedfan.kafka._fastcheck import compile_check, compile_unknown_fields

SCHEMA = fastavro.parse_schema(
    {
        "type": "record",
        "name": "Node",
        "namespace": "t",
        "fields": [
            {"name": "i", "type": "int"},
            {"name": "l", "type": "long", "default": 0},
            {"name": "d", "type": "double"},
            {"name": "b", "type": "boolean"},
            {"name": "s", "type": ["null", "string"], "default": None},
            {"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["A", "B"]}},
            {"name": "f", "type": {"type": "fixed", "name": "F", "size": 2}},
            {"name": "tags", "type": {"type": "array", "items": "string"}},
            {"name": "attrs", "type": {"type": "map", "values": "long"}},
            {"name": "next", "type": ["null", "Node"], "default": None},
        ],
    }
)
check = compile_check(SCHEMA)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=3),
    st.sampled_from(["A", "B", "C"]),
    st.binary(max_size=3),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=2), inner, max_size=3)
    ),
    max_leaves=6,
)
FIELDS = ["i", "l", "d", "b", "s", "e", "f", "tags", "attrs", "next"]


def writes(datum: Any) -> bool:
    try:
        fastavro.schemaless_writer(io.BytesIO(), SCHEMA, datum)
    except (TypeError, ValueError, AttributeError, KeyError):
        return False
    return True


def valid(**changes: Any) -> dict[str, Any]:
    base = {"i": 1, "d": 1.5, "b": True, "e": "A", "f": b"xy", "tags": ["a"], "attrs": {"k": 2}}
    return base | changes


VALID_VALUES = {
    "i": st.integers(-(2**31), 2**31 - 1),
    "l": st.integers(-(2**63), 2**63 - 1),
    "d": st.one_of(st.floats(allow_nan=False), st.integers(-(2**53), 2**53)),
    "b": st.booleans(),
    "s": st.one_of(st.none(), st.text(max_size=3)),
    "e": st.sampled_from(["A", "B"]),
    "f": st.binary(min_size=2, max_size=2),
    "tags": st.lists(st.text(max_size=2), max_size=3),
    "attrs": st.dictionaries(st.text(max_size=2), st.integers(-(2**63), 2**63 - 1), max_size=2),
    "next": st.none(),
}
# A datum is a valid one with one to three fields changed, each to a value valid for that field or to
# anything at all: most candidates are near the boundary the check must draw, not random noise.
change = st.sampled_from(FIELDS).flatmap(
    lambda name: st.tuples(st.just(name), st.one_of(VALID_VALUES[name], values))
)
near_valid = st.lists(change, min_size=1, max_size=3).map(lambda changes: valid(**dict(changes)))
EXAMPLES = 400


def test_what_the_check_passes_and_the_writer_accepts_is_valid() -> None:
    reached: list[bool] = []

    @settings(max_examples=EXAMPLES, deadline=None, database=None)
    @given(near_valid)
    def prop(candidate: dict[str, Any]) -> None:
        trusted = check(candidate) and writes(candidate)
        reached.append(trusted)
        if trusted:
            assert validate(candidate, SCHEMA, raise_errors=False)

    prop()
    # The property means something only if its guard holds often, and fails often enough too.
    assert sum(reached) >= len(reached) // 4, f"guard reached {sum(reached)} of {len(reached)}"
    assert len(reached) - sum(reached) >= len(reached) // 10


def test_a_valid_datum_passes() -> None:
    assert check(valid(next=valid(s="x")))


def test_int_limits_and_types() -> None:
    assert not check(valid(i=2**31))
    assert not check(valid(i=1.5))
    assert not check(valid(i=True))
    assert not check(valid(l=2**63))


def test_what_the_writer_would_silently_accept_is_refused() -> None:
    assert not check(valid(attrs=""))  # fastavro writes an empty string as an empty map
    assert not check(valid(attrs=[]))
    assert not check(valid(b="yes"))
    assert not check(valid(d="1.5"))
    assert not check(valid(tags="abc"))
    assert not check(valid(attrs={"k": "v"}))


def test_what_the_writer_refuses_itself_is_left_to_it() -> None:
    for datum in (valid(e="C"), valid(f=b"xyz"), valid(s=5)):
        assert check(datum)
        assert not writes(datum)


def test_a_missing_field_is_left_to_the_writer() -> None:
    without_i = {k: v for k, v in valid().items() if k != "i"}
    assert check(without_i)
    assert not writes(without_i)


def test_timestamps_accept_ints_and_datetimes_and_unknown_logical_types_fall_back() -> None:
    fields = [
        {"name": "t", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "d", "type": {"type": "bytes", "logicalType": "decimal", "precision": 4, "scale": 2}},
    ]
    logical = compile_check(fastavro.parse_schema({"type": "record", "name": "R", "fields": fields}))
    assert logical({"t": 1})
    assert logical({"t": datetime.datetime.now(datetime.UTC)})
    assert not logical({"t": 1.5})
    assert not logical({"t": 1, "d": b"x"})  # decimal: fastavro's validate decides


def test_unknown_fields_are_found_in_recursive_records_with_their_path() -> None:
    unknown = compile_unknown_fields(SCHEMA)
    assert unknown(valid(next=valid(s="x")), "") == []
    found = unknown(valid(zz=1, next=valid(next=valid(yy=2))), "")
    assert [path for path, _ in found] == ["zz", "next.next.yy"]
    assert "next" in found[0][1]  # the names known there, for a suggestion
    assert unknown("not a record", "") == []
