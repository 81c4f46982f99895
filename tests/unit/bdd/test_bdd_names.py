from __future__ import annotations

import re

import pytest

from verifiedfan.kafka import validate_topic_name
from verifiedfan.testing.bdd import BddUsageError, ScenarioNames, new_run_id


def test_run_id_is_a_slug_of_the_scenario_and_a_token() -> None:
    assert new_run_id("A verified fan is Recorded!", token=lambda: "abc123") == "a-verified-fan-is-abc123"


def test_run_id_slug_is_at_most_20_characters() -> None:
    run_id = new_run_id("supercalifragilisticexpialidocious words", token=lambda: "1")
    assert run_id == "supercalifragilistic-1"


def test_run_id_without_a_name_still_reads() -> None:
    assert new_run_id("!!!", token=lambda: "ff") == "scenario-ff"


def test_run_ids_are_random_by_default() -> None:
    first, second = new_run_id("same"), new_run_id("same")
    assert first != second
    assert re.fullmatch(r"same-[0-9a-f]{8}", first)


def test_a_bad_token_is_refused() -> None:
    with pytest.raises(
        BddUsageError, match=r"run id token must be 1-16 characters of \[a-z0-9\], not 'NOT OK'"
    ):
        new_run_id("x", token=lambda: "NOT OK")


def names(*shared: str) -> ScenarioNames:
    return ScenarioNames(run_id="fan-is-verified-3f2a9c1b", shared_topics=frozenset(shared))


def test_topics_carry_the_run_id_and_stay_valid() -> None:
    topic = names().topic("fan.verified")
    assert topic == "fan.verified.fan-is-verified-3f2a9c1b"
    assert validate_topic_name(topic) == topic


def test_shared_topics_keep_their_name() -> None:
    assert names("orders").topic("orders") == "orders"


def test_subjects_key_prefix_database_and_group_carry_the_run_id() -> None:
    n = names()
    assert n.subject("fan") == "fan.fan-is-verified-3f2a9c1b"
    assert n.value_subject("fan.verified") == "fan.verified.fan-is-verified-3f2a9c1b-value"
    assert n.redis_key("verification:1") == "bdd:fan-is-verified-3f2a9c1b:verification:1"
    assert n.mongo_db == "bdd_fan_is_verified_3f2a9c1b"
    assert n.group_id("svc") == "bdd-fan-is-verified-3f2a9c1b-svc"


def test_longest_database_name_fits_mongo_limit() -> None:
    run_id = new_run_id("x" * 100, token=lambda: "f" * 16)
    assert len(ScenarioNames(run_id=run_id).mongo_db) <= 63


@pytest.mark.parametrize("bad", ["", "has space", "slash/name", "x" * 181])
def test_invalid_topic_names_are_refused(bad: str) -> None:
    with pytest.raises(BddUsageError, match="invalid topic name"):
        names().topic(bad)


def test_invalid_redis_keys_are_refused() -> None:
    with pytest.raises(BddUsageError, match="invalid Redis key"):
        names().redis_key("two words")


def test_invalid_run_ids_are_refused() -> None:
    with pytest.raises(BddUsageError, match="invalid run id"):
        ScenarioNames(run_id="Upper_Case")
