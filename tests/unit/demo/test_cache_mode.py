"""The cache mode's pure parts: the hot crowd, its options, and the hit-path report and rows."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from typer.testing import CliRunner

from verifiedfan.cli._demo import app
from verifiedfan.demo import (
    CACHE_MODE_REPEAT_RATIO,
    CachePathReport,
    DemoOptions,
    DemoResult,
    PhaseTiming,
    plan_crowd,
)
from verifiedfan.demo._crowd import plan_hot_crowd
from verifiedfan.demo._models import percentile
from verifiedfan.errors import ValidationError


def test_the_hot_crowd_has_exactly_the_asked_share_of_repeats() -> None:
    crowd = plan_crowd(2000, repeat_ratio=0.95, seed=7, hot_gap=256)
    assert len(crowd) == 2000
    assert sum(f.repeat for f in crowd) == 1900
    assert len({f.cache_key for f in crowd}) == 100
    assert Counter(f.platform for f in crowd if not f.repeat) == {"spotify": 50, "apple_music": 50}


def test_every_hot_repeat_comes_after_the_first_check_of_its_fan() -> None:
    first_seen: dict[str, int] = {}
    for position, fan in enumerate(plan_hot_crowd(3000, repeat_ratio=0.97, seed=3, gap=64)):
        if fan.repeat:
            assert fan.cache_key in first_seen
        else:
            assert fan.cache_key not in first_seen
            first_seen[fan.cache_key] = position


def test_hot_repeats_keep_the_gap_once_the_crowd_is_big_enough() -> None:
    gap = 32
    crowd = plan_hot_crowd(20_000, repeat_ratio=0.9, seed=5, gap=gap)
    first_seen: dict[str, int] = {}
    close = 0
    for position, fan in enumerate(crowd):
        if not fan.repeat:
            first_seen[fan.cache_key] = position
        elif position - first_seen[fan.cache_key] < gap:
            close += 1
    assert close == 0
    # new fans keep arriving through the run, not only at its start
    assert any(not f.repeat for f in crowd[-2000:])


def test_the_hot_plan_is_deterministic_for_a_seed() -> None:
    assert plan_hot_crowd(500, repeat_ratio=0.95, seed=1, gap=16) == plan_hot_crowd(
        500, repeat_ratio=0.95, seed=1, gap=16
    )


@pytest.mark.parametrize("changes", [{"repeat_ratio": 1.0}, {"gap": -1}])
def test_bad_hot_plans_are_refused(changes: dict[str, Any]) -> None:
    args: dict[str, Any] = {"repeat_ratio": 0.9, "seed": 1, "gap": 8} | changes
    with pytest.raises(ValidationError):
        plan_hot_crowd(100, **args)


def test_the_cache_mode_allows_repeat_ratios_above_a_third() -> None:
    assert DemoOptions(cache_mode=True, repeat_ratio=CACHE_MODE_REPEAT_RATIO).repeat_ratio == 0.95
    with pytest.raises(ValidationError, match="--cache-mode"):
        DemoOptions(repeat_ratio=0.95)
    with pytest.raises(ValidationError, match="cache mode"):
        DemoOptions(cache_mode=True, repeat_ratio=0.999)
    with pytest.raises(ValidationError, match="cache_samples"):
        DemoOptions(cache_mode=True, cache_samples=0)


def test_the_cli_cache_mode_still_refuses_a_bad_ratio() -> None:
    result = CliRunner().invoke(app, ["--cache-mode", "--repeat-ratio", "1.5", "--json"])
    assert result.exit_code == 1
    assert "repeat_ratio must be between 0 and 0.99 in the cache mode" in result.output


def test_percentiles_are_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) == 50.0
    assert percentile(values, 0.99) == 99.0
    assert percentile(values, 1.0) == 100.0
    assert percentile([7.0], 0.99) == 7.0
    assert percentile([], 0.5) == 0.0


def _report() -> CachePathReport:
    ours = [10.0] * 98 + [40.0, 50.0]
    raw = [200.0] * 98 + [900.0, 1000.0]
    return CachePathReport.from_samples(ours, raw, sample_misses=0, local_hits=80)


def test_the_report_compares_the_percentiles() -> None:
    report = _report()
    assert (report.ours_p50_us, report.ours_p99_us) == (10.0, 40.0)
    assert (report.raw_p50_us, report.raw_p99_us) == (200.0, 900.0)
    assert report.p50_ratio == pytest.approx(0.05)
    assert report.samples == 100


def _result(**changes: Any) -> DemoResult:
    values: dict[str, Any] = {
        "artist": "A",
        "fans_checked": 100,
        "unique_fans": 5,
        "repeated_checks": 95,
        "verified": 40,
        "not_verified": 60,
        "errors": 0,
        "events_published": 40,
        "events_consumed": 40,
        "events_match": True,
        "cache_hits": 95,
        "cache_misses": 5,
        "verify_seconds": 2.0,
        "total_seconds": 3.0,
        "client_cpu_seconds": 1.0,
        "sandbox_cpu_seconds": 1.0,
        "topic": "t",
        "phases": (PhaseTiming("verify + publish", 2.0),),
        "cache_path": _report(),
    }
    values.update(changes)
    return DemoResult(**values)


def test_the_json_carries_the_hit_rate_and_the_hit_path() -> None:
    data = _result().to_dict()
    assert data["cache_hit_rate"] == 0.95
    assert data["cache_lookups"] == 100
    path = data["cache_path"]
    assert path["ours_p50_us"] == 10.0
    assert path["raw_p99_us"] == 900.0
    assert path["p50_ratio"] == 0.05
    assert path["reference"] == "redis-py asyncio GET + json.loads"


def test_the_text_rows_show_the_hit_path_against_raw_redis_py() -> None:
    rows = dict(_result().summary_rows())
    assert rows["cache hit rate"] == "95.0% (95 hits + 5 loads = 100 lookups)"
    assert rows["hit path p50 / p99 (100 lookups)"].startswith("10 / 40 µs; raw redis-py 200 / 900 µs")
    assert rows["hits from the client-side cache"] == "80 of 95 (the others: a Redis GET)"


def test_without_the_cache_mode_there_are_no_hit_path_rows() -> None:
    rows = dict(_result(cache_path=None).summary_rows())
    assert "hits from the client-side cache" not in rows
    assert "cache_path" in _result(cache_path=None).to_dict()
