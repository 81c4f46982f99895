"""validate_record: the producer's own pre-send check, public; it must agree with the producer."""

from __future__ import annotations

import json
from typing import Any

import fastavro
import pytest

from verifiedfan.kafka import (
    AvroFormatter,
    FieldIssue,
    InvalidSchemaError,
    SchemaValidationError,
    validate_record,
)
from verifiedfan.testing.kafka import FakeSchemaRegistry

from .conftest import V1, event

SCHEMA: dict[str, Any] = {
    "type": "record",
    "name": "Signup",
    "namespace": "vf",
    "fields": [
        {"name": "email", "type": "string"},
        {"name": "age", "type": "int"},
        {"name": "tier", "type": {"type": "enum", "name": "Tier", "symbols": ["GOLD", "SILVER"]}},
        {"name": "note", "type": ["null", "string"], "default": None},
        {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
    ],
}


def ok(**changes: Any) -> dict[str, Any]:
    return {"email": "fan@example.com", "age": 30, "tier": "GOLD", "at": 1_700_000_000_000, **changes}


def without(key: str) -> dict[str, Any]:
    record = ok()
    del record[key]
    return record


def test_a_valid_record_has_no_issue_and_fastavro_round_trips_it() -> None:
    assert validate_record(SCHEMA, ok()) == []
    assert validate_record(json.dumps(SCHEMA), ok(note="hi")) == []
    parsed = fastavro.parse_schema(SCHEMA)  # the reference implementation agrees it is valid
    assert fastavro.validation.validate(ok(), parsed, raise_errors=False)


@pytest.mark.parametrize(
    ("record", "field", "problem"),
    [
        (without("email"), "email", "expected string, got nothing (the field is missing)"),
        (ok(email=None), "email", "expected string, got null"),
        (ok(age="30"), "age", "expected int, got str"),
        (ok(age=2**31), "age", "expected int, got int out of range"),
        (ok(tier="BRONZE"), "tier", "got a str that is not one of the symbols"),
        (ok(note=5), "note", "expected null | string, got int"),
        (ok(emial="x"), "emial", "unknown field, not in the schema"),
        (ok(at=253_402_300_800_000 * 1000), "at", "expected timestamp-millis within the years 1-9999"),
    ],
)
def test_each_problem_names_its_field_and_never_the_value(
    record: dict[str, Any], field: str, problem: str
) -> None:
    issues = validate_record(SCHEMA, record)
    assert [i.field for i in issues] == [field]
    assert issues[0].index == 0
    assert problem in issues[0].problem
    assert all(isinstance(i, FieldIssue) for i in issues)
    for value in ("30", "BRONZE", "x"):
        assert repr(value) not in issues[0].problem


def test_fastavro_refuses_the_same_typed_records() -> None:
    parsed = fastavro.parse_schema(SCHEMA)
    for record in (without("email"), ok(age="30"), ok(tier="BRONZE"), ok(note=5), ok(age=2**31)):
        assert not fastavro.validation.validate(record, parsed, raise_errors=False)
        assert validate_record(SCHEMA, record) != []


def test_a_misspelt_field_gets_a_hint_unless_unknown_fields_are_allowed() -> None:
    issues = validate_record(SCHEMA, ok(emial="x"))
    assert "did you mean 'email'?" in issues[0].problem
    assert validate_record(SCHEMA, ok(emial="x"), allow_unknown_fields=True) == []


def test_a_bad_schema_is_a_typed_error() -> None:
    with pytest.raises(InvalidSchemaError, match="invalid Avro schema"):
        validate_record({"type": "record", "name": "X", "fields": [{"name": "a", "type": "nope"}]}, {})
    with pytest.raises(InvalidSchemaError, match="invalid Avro schema"):
        validate_record("{not json", {})


@pytest.mark.parametrize(
    "record",
    [
        event(),
        {"userId": 42, "artistId": "a", "method": "SMS"},
        {"artistId": "a", "method": "SMS"},
        event(extra_field=1),
        event(userId=None),
        "not a record",
    ],
)
async def test_it_agrees_with_the_producer_field_for_field(registry: FakeSchemaRegistry, record: Any) -> None:
    client = registry.client()
    await client.register("t-value", V1)
    formatter = AvroFormatter(client)
    producer_issues: list[FieldIssue] = []
    try:
        await formatter.encode_many([record], topic="t")
    except SchemaValidationError as exc:
        producer_issues = list(exc.errors)
    assert validate_record(V1, record) == producer_issues
    assert (producer_issues == []) == (record == event())  # only the first record is valid
