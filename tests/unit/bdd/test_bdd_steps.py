from __future__ import annotations

import re

import pytest

from verifiedfan.testing.bdd import STEP_PHRASES, BddUsageError, table_fields
from verifiedfan.testing.bdd._steps import seconds


def phrase(text: str) -> dict[str, str | None]:
    matches = [m for p in STEP_PHRASES if (m := re.fullmatch(p, text))]
    assert len(matches) == 1, f"{text!r} matched {len(matches)} step phrases"
    return matches[0].groupdict()


def test_avro_with_schema_and_key() -> None:
    assert phrase(
        'an Avro event with key "${fan_id}" is sent to topic "fan.verified" with schema "s.avsc":'
    ) == {
        "key": "${fan_id}",
        "topic": "fan.verified",
        "schema_file": "s.avsc",
    }


def test_avro_with_subject_without_key() -> None:
    assert phrase('an Avro event is sent to topic "t" with subject "fan"') == {
        "key": None,
        "topic": "t",
        "subject": "fan",
    }


def test_waits_take_an_optional_timeout() -> None:
    assert phrase('a message on topic "t" matches within 2.5 seconds:')["timeout"] == "2.5"
    assert phrase('a document in collection "c" matches:')["timeout"] is None
    assert phrase('the Redis key "k" matches within 1 second:')["timeout"] == "1"


@pytest.mark.parametrize(
    "text",
    [
        'the variable "fan_id" is "fan-${run_id}"',
        'the topic "fan.verified" is watched',
        'the Avro schema "s.avsc" is registered as subject "fan"',
        'a JSON event is sent to topic "t":',
        'a document is inserted into collection "c":',
        'the Redis key "k" is set to:',
        'the Redis key "k" does not exist',
        'it matches the JSON schema "s.json"',
        "it has fields:",
    ],
)
def test_each_phrase_matches_exactly_one_step(text: str) -> None:
    phrase(text)


def test_seconds_converter() -> None:
    assert seconds("1.5") == 1.5
    assert seconds(None) is None


def test_table_fields_builds_nested_json_values() -> None:
    table = [["field", "value"], ["fan.id", "${fan_id}"], ["fan.score", "0.5"], ["ok", "true"], ["s", '"42"']]
    assert table_fields(table, {"fan_id": "f-1"}) == {
        "fan": {"id": "f-1", "score": 0.5},
        "ok": True,
        "s": "42",
    }


def test_table_fields_rejects_bad_rows() -> None:
    with pytest.raises(BddUsageError, match="two columns"):
        table_fields([["a", "b", "c"]])


def test_table_fields_rejects_conflicting_paths() -> None:
    with pytest.raises(BddUsageError, match="conflicts"):
        table_fields([["a", "1"], ["a.b", "2"]])
