"""The demo's pure parts: the crowd plan, the options, the result and the public API."""

from __future__ import annotations

import importlib
import inspect
from collections import Counter
from typing import Any

import pytest

from verifiedfan.demo import DemoOptions, DemoResult, EmailCounts, PhaseTiming, PlatformCounts, plan_crowd
from verifiedfan.errors import ValidationError


def test_the_plan_has_as_many_checks_as_fans() -> None:
    assert len(plan_crowd(1000, repeat_ratio=0.1, seed=7)) == 1000


def test_the_repeat_ratio_decides_how_many_checks_repeat_a_fan() -> None:
    crowd = plan_crowd(1000, repeat_ratio=0.1, seed=7)
    assert sum(f.repeat for f in crowd) == 100
    assert len({f.cache_key for f in crowd}) == 900


def test_every_repeat_comes_after_the_first_check_of_its_fan() -> None:
    crowd = plan_crowd(301, repeat_ratio=1 / 3, seed=3)
    first_seen: dict[str, int] = {}
    for position, fan in enumerate(crowd):
        if fan.repeat:
            assert fan.cache_key in first_seen
        else:
            assert fan.cache_key not in first_seen
            first_seen[fan.cache_key] = position


def test_the_crowd_is_split_evenly_over_both_platforms() -> None:
    counts = Counter(f.platform for f in plan_crowd(1000, repeat_ratio=0.0, seed=7))
    assert counts == {"spotify": 500, "apple_music": 500}


def test_the_plan_is_deterministic_for_a_seed() -> None:
    assert plan_crowd(500, repeat_ratio=0.2, seed=1) == plan_crowd(500, repeat_ratio=0.2, seed=1)


def test_without_repeats_every_fan_is_unique() -> None:
    crowd = plan_crowd(10, repeat_ratio=0.0, seed=7)
    assert len({f.cache_key for f in crowd}) == 10


@pytest.mark.parametrize(
    "changes",
    [{"fans": 0}, {"repeat_ratio": -0.1}, {"repeat_ratio": 0.5}, {"concurrency": 0}, {"batch_size": 0}],
)
def test_bad_options_raise_a_validation_error(changes: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        DemoOptions(**changes)


def _result(**changes: Any) -> DemoResult:
    values: dict[str, Any] = {
        "artist": "A",
        "fans_checked": 10,
        "unique_fans": 9,
        "repeated_checks": 1,
        "verified": 4,
        "not_verified": 6,
        "errors": 0,
        "events_published": 4,
        "events_consumed": 4,
        "events_match": True,
        "cache_hits": 1,
        "cache_misses": 9,
        "verify_seconds": 2.0,
        "total_seconds": 3.0,
        "client_cpu_seconds": 1.0,
        "sandbox_cpu_seconds": 1.0,
        "topic": "t",
        "platforms": (PlatformCounts(platform="spotify", checked=10, verified=4, errors=0, api_requests=30),),
        "phases": (PhaseTiming("verify + publish", 2.0),),
    }
    values.update(changes)
    return DemoResult(**values)


def test_the_rates_are_derived_from_the_counts() -> None:
    result = _result()
    assert result.cache_hit_rate == pytest.approx(0.1)
    assert result.verifications_per_second == pytest.approx(5.0)


def test_a_clean_run_is_ok() -> None:
    assert _result().ok


@pytest.mark.parametrize(
    "changes", [{"errors": 1}, {"events_consumed": 3}, {"events_match": False}, {"events_published": 5}]
)
def test_errors_or_lost_events_make_the_run_not_ok(changes: dict[str, Any]) -> None:
    assert not _result(**changes).ok


def test_to_dict_includes_the_derived_figures() -> None:
    data = _result().to_dict()
    assert data["cache_hit_rate"] == 0.1
    assert data["ok"] is True
    assert list(data["phases"]) == [{"name": "verify + publish", "seconds": 2.0}]


def test_the_summary_rows_name_every_phase_and_platform() -> None:
    names = [name for name, _ in _result().summary_rows()]
    assert "phase: verify + publish" in names
    assert "spotify" in names
    assert "cache hit rate" in names


def test_every_exported_name_exists_and_is_documented() -> None:
    package = importlib.import_module("verifiedfan.demo")
    assert package.__all__ == sorted(package.__all__, key=lambda n: (not n.isupper(), n))
    for export in package.__all__:
        value = getattr(package, export)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert inspect.getdoc(value), f"verifiedfan.demo.{export} has no docstring"


def test_no_public_name_is_missing_from_all() -> None:
    package = importlib.import_module("verifiedfan.demo")
    public = {n for n, v in vars(package).items() if not n.startswith("_") and not inspect.ismodule(v)}
    assert public == set(package.__all__)


async def test_the_publisher_sends_every_record_once_in_batches() -> None:
    from verifiedfan.demo._events import Publisher
    from verifiedfan.kafka import JsonFormatter, Kafka
    from verifiedfan.testing.kafka import FakeBroker

    broker = FakeBroker(partitions=1)
    broker.create_topic("fans")
    kafka = Kafka(
        brokers="fake:9092", topic="fans", formatter=JsonFormatter(), producer_factory=broker.producer
    )
    publisher = Publisher(kafka, batch_size=4)
    for i in range(10):
        publisher.put({"userId": f"u{i}", "artistId": "a"})
    publisher.close()
    await publisher.run()
    await kafka.disconnect()
    assert publisher.count == 10
    assert publisher.batches == 3  # 4 + 4 + 2: a batch never exceeds batch_size
    assert len(broker.records("fans")) == 10
    assert publisher.published[("u3", "a")] == 1


def _emails(**changes: Any) -> EmailCounts:
    values: dict[str, Any] = {
        "sent": 4,
        "verified_fans": 4,
        "unique_codes": 4,
        "sent_twice": 0,
        "duplicates_refused": 2,
        "events_read": 6,
        "events_replayed": 2,
        "restarts": 1,
        "send_calls": 2,
    }
    values.update(changes)
    return EmailCounts(**values)


def test_a_run_with_one_email_per_fan_is_ok() -> None:
    result = _result(emails=_emails())
    assert result.ok
    rows = dict(result.summary_rows())
    assert rows["presale emails sent (SFMC)"] == "4 for 4 verified fans (match)"
    assert rows["emails sent twice"] == "0"
    assert "2 events read again" in rows["campaign consumer restarts"]
    assert result.to_dict()["emails"]["duplicates_refused"] == 2


@pytest.mark.parametrize(
    "changes",
    [
        {"sent": 3},  # a verified fan without an email
        {"unique_codes": 3},  # two fans share a code
        {"sent_twice": 1},  # a fan mailed twice
        {"events_replayed": 0},  # a restart that replayed nothing proves nothing
    ],
)
def test_missing_repeated_or_unproven_emails_make_the_run_not_ok(changes: dict[str, Any]) -> None:
    assert not _result(emails=_emails(**changes)).ok
    assert "presale emails sent (SFMC)" in dict(_result(emails=_emails(**changes)).summary_rows())


def test_without_the_campaign_there_are_no_email_rows() -> None:
    assert _result().emails is None
    assert not any(name.startswith("presale") for name, _ in _result().summary_rows())
