from __future__ import annotations

from typing import Any

import pytest

from verifiedfan.errors import ConfigurationError
from verifiedfan.kafka import can_read, is_compatible

from .avro_corpus import HISTORIES, LEVELS, PAIRS, History, Pair
from .conftest import V1, V2, V3_INCOMPATIBLE


def record(*fields: dict[str, Any]) -> dict[str, Any]:
    return {"type": "record", "name": "R", "fields": list(fields)}


def test_adding_a_field_with_a_default_is_backward_compatible() -> None:
    assert is_compatible(V2, [V1], "BACKWARD")


def test_adding_a_field_without_a_default_is_not_backward_compatible() -> None:
    assert not is_compatible(V3_INCOMPATIBLE, [V1], "BACKWARD")


def test_forward_checks_that_the_old_schema_reads_new_data() -> None:
    assert is_compatible(V2, [V1], "FORWARD")
    assert is_compatible(V1, [V2], "BACKWARD")  # removing a field is fine when reading


def test_int_is_promoted_to_long_but_not_back() -> None:
    assert can_read(record({"name": "x", "type": "long"}), record({"name": "x", "type": "int"}))
    assert not can_read(record({"name": "x", "type": "int"}), record({"name": "x", "type": "long"}))


def test_enum_reader_must_know_every_writer_symbol() -> None:
    small = record({"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["A"]}})
    large = record({"name": "e", "type": {"type": "enum", "name": "E", "symbols": ["A", "B"]}})
    assert can_read(large, small)
    assert not can_read(small, large)


def test_union_writer_needs_every_branch_readable() -> None:
    optional = record({"name": "x", "type": ["null", "string"], "default": None})
    required = record({"name": "x", "type": "string"})
    assert can_read(optional, required)
    assert not can_read(required, optional)


def test_transitive_checks_every_version() -> None:
    v1 = record({"name": "a", "type": "string"})
    v2 = record({"name": "a", "type": "string"}, {"name": "b", "type": "int", "default": 0})
    v3 = record({"name": "b", "type": "int", "default": 0})  # drops "a": v1 data lacks nothing, fine
    v4 = record({"name": "a", "type": "string"}, {"name": "c", "type": "int"})
    assert is_compatible(v3, [v1, v2], "BACKWARD_TRANSITIVE")
    assert not is_compatible(v4, [v1, v3], "BACKWARD")


def test_none_accepts_anything() -> None:
    assert is_compatible(V3_INCOMPATIBLE, [V1], "NONE")


def test_unknown_level_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match=r"unknown compatibility level 'SIDEWAYS'"):
        is_compatible(V2, [V1], "SIDEWAYS")


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: p.id)
def test_the_specification_answer_for_every_pair_of_the_corpus(pair: Pair) -> None:
    assert is_compatible(pair.new, [pair.old], "BACKWARD") is pair.spec
    assert can_read(pair.new, pair.old) is pair.spec


@pytest.mark.parametrize("history", HISTORIES, ids=lambda h: h.id)
def test_the_specification_answer_for_every_history_and_level(history: History) -> None:
    assert is_compatible(history.new, history.versions, history.level) is history.spec
    # the level is read case-insensitively, like the registry's REST API does not (it wants upper case)
    assert is_compatible(history.new, history.versions, history.level.lower()) is history.spec


@pytest.mark.parametrize("history", [h for h in HISTORIES if h.level == "BACKWARD"], ids=lambda h: h.id)
def test_the_default_level_is_backward(history: History) -> None:
    assert is_compatible(history.new, history.versions) is history.spec


def test_the_histories_tell_every_level_apart() -> None:
    """Each level's answers differ from every other level's on some history, so a level read as
    another one (a transitive level as its plain one, FULL as BACKWARD...) fails a case."""
    answers = {level: tuple(h.spec for h in HISTORIES if h.level == level) for level in LEVELS}
    assert len(set(answers.values())) == len(LEVELS)


@pytest.mark.parametrize("level", LEVELS)
def test_a_first_version_is_compatible_at_every_level(level: str) -> None:
    assert is_compatible(V3_INCOMPATIBLE, [], level)


def test_the_corpus_covers_renames_with_and_without_alias_both_ways() -> None:
    ids = {p.id for p in PAIRS}
    for kind in ("record", "nested-record", "enum", "fixed"):
        assert {f"{kind}-renamed", f"{kind}-renamed-with-alias"} <= ids
    assert sum(p.spec for p in PAIRS) >= 20
    assert sum(not p.spec for p in PAIRS) >= 20


def test_a_rename_is_compatible_under_full_only_when_both_sides_alias() -> None:
    old = {"type": "record", "name": "A", "fields": [{"name": "x", "type": "int"}]}
    new = {**old, "name": "B", "aliases": ["A"]}
    assert is_compatible(new, [old], "BACKWARD")
    assert not is_compatible(new, [old], "FULL")  # the old reader knows no alias B
    assert is_compatible(new, [{**old, "aliases": ["B"]}], "FULL")


async def test_the_fake_registry_refuses_a_renamed_record() -> None:
    from verifiedfan.kafka import SchemaIncompatibleError
    from verifiedfan.testing.kafka import FakeSchemaRegistry

    async with FakeSchemaRegistry().client() as registry:
        await registry.register("s", V1)
        with pytest.raises(SchemaIncompatibleError, match="incompatible"):
            await registry.register("s", {**V1, "name": "SomethingElse"})
        assert await registry.register("s", {**V1, "name": "SomethingElse", "aliases": [V1["name"]]}) == 2


async def test_the_fake_registry_answers_every_pair_of_the_corpus_as_the_specification() -> None:
    from verifiedfan.testing.kafka import FakeSchemaRegistry

    async with FakeSchemaRegistry().client() as registry:
        answers = {}
        for pair in PAIRS:
            subject = f"s-{pair.id}"
            await registry.register(subject, pair.old)
            answers[pair.id] = await registry.check_compatibility(subject, pair.new)
    assert answers == {p.id: p.spec for p in PAIRS}
