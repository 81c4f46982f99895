"""The document-layer codec against boto3's own TypeSerializer/TypeDeserializer (the reference)."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import pytest
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from hypothesis import given
from hypothesis import strategies as st

from verifiedfan.aws import AwsValidationError
from verifiedfan.aws._ddb_codec import deserialize_item, serialize_item

ITEM = {
    "pk": "fan#1",
    "n": 42,
    "d": Decimal("3.14159265358979323846"),
    "big": 12345678901234567890123456789012345678,
    "ok": True,
    "none": None,
    "blob": b"\x00\x01",
    "tags": {"a", "b"},
    "scores": {1, 2},
    "nested": {"list": [1, "x", {"y": False}]},
}


def test_same_wire_shape_as_boto3() -> None:
    ours = serialize_item(ITEM)
    theirs = {k: TypeSerializer().serialize(v) for k, v in ITEM.items()}
    # sets are unordered on the wire; compare them as sets
    for name in ("tags", "scores"):
        (kind,) = ours[name]
        assert set(ours[name][kind]) == set(theirs[name][kind])
        del ours[name], theirs[name]
    assert ours == theirs


def test_round_trip_through_boto3_deserializer() -> None:
    wire = serialize_item(ITEM)
    theirs = {k: TypeDeserializer().deserialize(v) for k, v in wire.items()}
    ours = deserialize_item(wire)
    assert ours["d"] == theirs["d"] == ITEM["d"]
    assert ours["n"] == 42
    assert type(ours["n"]) is int
    assert ours["big"] == ITEM["big"]
    assert ours == {**ITEM, "blob": b"\x00\x01"}


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_finite_floats_keep_every_digit(value: float) -> None:
    back = deserialize_item(serialize_item({"v": value}))["v"]
    assert float(back) == value
    assert not isinstance(back, float)


@pytest.mark.parametrize(
    ("value", "match"),
    [
        (math.nan, r"item\.v: DynamoDB numbers must be finite"),
        (math.inf, "must be finite"),
        (Decimal("NaN"), "must be finite"),
        ({"x": [1, math.nan]}, r"item\.v\.x\[1\]"),
        (set(), "sets cannot be empty"),
        ({1, "a"}, "only strings, only numbers or only bytes"),
        (object(), "cannot be stored"),
    ],
)
def test_bad_values_are_refused(value: Any, match: str) -> None:
    with pytest.raises(AwsValidationError, match=match):
        serialize_item({"v": value})
