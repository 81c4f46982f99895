from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from bson import ObjectId

from verifiedfan.testing.bdd import (
    BddAssertionError,
    BddUsageError,
    assert_fields,
    assert_matches_schema,
    field_mismatches,
    jsonable,
    parse_json,
    render,
    schema_issues,
)

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["fanId", "status"],
    "properties": {
        "fanId": {"type": "string"},
        "status": {"enum": ["verified", "rejected"]},
        "scores": {"type": "array", "items": {"type": "number"}},
    },
}


def test_partial_match_ignores_extra_keys() -> None:
    assert field_mismatches({"a": 1, "b": 2, "c": {"d": 3, "e": 4}}, {"a": 1, "c": {"d": 3}}) == []


def test_mismatches_name_their_json_path() -> None:
    found = field_mismatches({"fan": {"id": "1", "tier": "gold"}}, {"fan": {"id": "2", "email": "x"}})
    assert [str(m) for m in found] == [
        "$.fan.id: expected '2', got '1'",
        "$.fan.email: missing (expected 'x')",
    ]


def test_lists_match_element_by_element_with_the_same_length() -> None:
    assert [m.path for m in field_mismatches({"a": [1, 2]}, {"a": [1, 3]})] == ["$.a[1]"]
    assert [m.path for m in field_mismatches({"a": [1, 2]}, {"a": [1]})] == ["$.a"]


def test_true_is_not_one() -> None:
    assert field_mismatches({"ok": 1}, {"ok": True}) != []
    assert field_mismatches({"n": 1.0}, {"n": 1}) == []


def test_assert_fields_shows_the_differences_and_a_diff() -> None:
    with pytest.raises(BddAssertionError) as info:
        assert_fields({"status": "pending", "other": 1}, {"status": "verified"}, what="record")
    text = str(info.value)
    assert "record does not match (1 difference):" in text
    assert "$.status: expected 'verified', got 'pending'" in text
    assert '-  "status": "verified"' in text
    assert '+  "status": "pending"' in text
    assert "other" not in text  # the diff is focused on the expected fields


def test_assert_fields_passes_silently() -> None:
    assert_fields({"a": {"b": [1]}}, {"a": {"b": [1]}})


def test_schema_issues_are_sorted_by_path() -> None:
    issues = schema_issues({"status": "pending", "scores": [1, "x"]}, SCHEMA)
    assert [(i.path, i.keyword) for i in issues] == [
        ("$", "required"),
        ("$.scores[1]", "type"),
        ("$.status", "enum"),
    ]


def test_valid_documents_have_no_issue() -> None:
    assert schema_issues({"fanId": "1", "status": "verified"}, SCHEMA) == []


def test_schema_failure_lists_problems_and_the_document() -> None:
    with pytest.raises(BddAssertionError) as info:
        assert_matches_schema({"status": "pending"}, SCHEMA, what="record", schema_name="verification.json")
    text = str(info.value)
    assert "record does not match the JSON schema 'verification.json' (2 problems):" in text
    assert "$: 'fanId' is a required property   [required]" in text
    assert "$.status: 'pending' is not one of ['verified', 'rejected']   [enum]" in text
    assert '"status": "pending"' in text


def test_an_invalid_schema_is_a_usage_error() -> None:
    with pytest.raises(BddUsageError, match="invalid JSON schema"):
        schema_issues({}, {"type": "no-such-type"})


def test_mongo_documents_are_validated_as_json() -> None:
    doc = {"_id": ObjectId("6b04c67071033ee58267cd04"), "at": dt.datetime(2026, 1, 2, tzinfo=dt.UTC)}
    schema = {"type": "object", "properties": {"_id": {"type": "string"}, "at": {"type": "string"}}}
    assert schema_issues(doc, schema) == []


def test_jsonable_converts_bson_and_python_types() -> None:
    u = uuid.UUID(int=1)
    assert jsonable({"id": ObjectId("6b04c67071033ee58267cd04"), "b": b"\x00", "u": u, "t": (1, 2)}) == {
        "id": "6b04c67071033ee58267cd04",
        "b": "AA==",
        "u": str(u),
        "t": [1, 2],
    }


def test_render_replaces_variables_but_not_mongo_operators() -> None:
    text = render('{"fanId": "${fan_id}", "score": {"$lt": 1}}', {"fan_id": "f-1"})
    assert text == '{"fanId": "f-1", "score": {"$lt": 1}}'


def test_render_names_unknown_variables() -> None:
    with pytest.raises(BddUsageError, match=r"unknown variable \$\{nope\} \(known: run_id\)"):
        render("${nope}", {"run_id": "r"})


def test_parse_json_reports_the_position() -> None:
    with pytest.raises(BddUsageError, match="line 2 col 1"):
        parse_json('{"a": 1,\n}')
