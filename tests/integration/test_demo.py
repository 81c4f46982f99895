"""``vf demo`` end to end against the real servers of ``vf stack`` and the sandbox processes."""

from __future__ import annotations

import asyncio
import json

import pytest
from typer.testing import CliRunner

from verifiedfan.cli import main
from verifiedfan.cli._demo import app
from verifiedfan.demo import DemoConnections, DemoOptions, DemoResult, run_demo
from verifiedfan.stack import KafkaConnection, RedisConnection, SchemaRegistryConnection

pytestmark = [pytest.mark.integration, pytest.mark.kafka, pytest.mark.redis]

FANS = 200


@pytest.fixture(scope="module")
def connections(
    vf_kafka: KafkaConnection, vf_schema_registry: SchemaRegistryConnection, vf_redis: RedisConnection
) -> DemoConnections:
    return DemoConnections(
        kafka_brokers=vf_kafka.bootstrap_servers,
        registry_url=vf_schema_registry.url,
        redis_url=vf_redis.url,
        redis_replica_url=vf_redis.replica_url,
    )


@pytest.fixture(scope="module")
def demo_result(connections: DemoConnections) -> DemoResult:
    return asyncio.run(run_demo(DemoOptions(fans=FANS, repeat_ratio=0.1), connections=connections))


def test_every_fan_is_checked_without_error(demo_result: DemoResult) -> None:
    assert demo_result.fans_checked == FANS
    assert demo_result.errors == 0, demo_result.error_samples


def test_one_event_per_verified_fan_is_published_and_consumed_back(demo_result: DemoResult) -> None:
    assert demo_result.verified > 0
    assert demo_result.events_published == demo_result.verified == demo_result.events_consumed
    assert demo_result.events_match


def test_repeated_fans_are_served_from_the_cache(demo_result: DemoResult) -> None:
    assert demo_result.repeated_checks == FANS // 10
    assert demo_result.cache_hits == demo_result.repeated_checks
    assert demo_result.cache_misses == demo_result.unique_fans
    assert demo_result.cache_hit_rate > 0


def test_cached_fans_do_not_reach_the_platform(demo_result: DemoResult) -> None:
    # the minimal engagement is at least the profile, the top artists and one page of saved tracks
    requests = sum(p.api_requests for p in demo_result.platforms)
    assert requests >= 3 * demo_result.unique_fans
    assert sum(p.checked for p in demo_result.platforms) == FANS


def test_both_platforms_verify_fans(demo_result: DemoResult) -> None:
    assert {p.platform for p in demo_result.platforms if p.verified > 0} == {"spotify", "apple_music"}


def test_every_verified_fan_gets_one_presale_email_with_a_unique_code(demo_result: DemoResult) -> None:
    emails = demo_result.emails
    assert emails is not None
    assert emails.verified_fans > 0
    assert emails.sent == emails.verified_fans
    assert emails.unique_codes == emails.sent
    assert emails.sent_twice == 0
    assert emails.send_calls >= 1  # the multi-recipient send, not one call per fan
    assert emails.send_calls < emails.sent


def test_the_campaign_consumer_restart_replays_without_sending_twice(demo_result: DemoResult) -> None:
    emails = demo_result.emails
    assert emails is not None
    assert emails.restarts == 1
    assert emails.events_replayed > 0  # the batch whose offsets were never committed, read again
    assert emails.events_read == demo_result.events_published + emails.events_replayed
    # every replayed fan's email met SFMC's duplicate-key answer instead of going out again
    assert emails.duplicates_refused >= 1
    assert demo_result.ok


def test_the_demo_also_runs_in_one_process(connections: DemoConnections) -> None:
    result = asyncio.run(run_demo(DemoOptions(fans=60, parallel=False), connections=connections))
    assert result.ok
    assert result.fans_checked == 60
    assert result.cache_hits == result.repeated_checks == 6


def test_the_cli_runs_the_demo_through_the_stack_and_prints_json(
    vf_kafka: KafkaConnection, vf_schema_registry: SchemaRegistryConnection, vf_redis: RedisConnection
) -> None:
    assert main.SUBCOMMANDS["demo"][0] == "verifiedfan.cli._demo"
    result = CliRunner().invoke(app, ["--fans", "60", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["fans_checked"] == 60
    assert data["ok"] is True
    assert data["events_published"] == data["verified"] == data["events_consumed"]
    assert data["emails"]["sent"] == data["emails"]["verified_fans"] > 0
    assert data["servers_started"] == []  # the session's fixtures had them running already


CACHE_FANS = 400


def test_the_cache_mode_serves_over_90_percent_from_the_cache_and_times_the_hit_path(
    vf_kafka: KafkaConnection, vf_schema_registry: SchemaRegistryConnection, vf_redis: RedisConnection
) -> None:
    args = [
        "--cache-mode",
        "--fans",
        str(CACHE_FANS),
        "--concurrency",
        "8",
        "--no-emails",
        "--no-parallel",
        "--json",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["ok"] is True
    assert data["errors"] == 0
    assert data["repeated_checks"] == int(CACHE_FANS * 0.95)
    assert data["cache_hit_rate"] > 0.9
    # every check is one lookup, answered by the cache or by one load; each fan is loaded once
    assert data["cache_hits"] + data["cache_misses"] == data["cache_lookups"] == CACHE_FANS
    assert data["cache_misses"] == data["unique_fans"] == CACHE_FANS - data["repeated_checks"]
    assert data["events_published"] == data["verified"] == data["events_consumed"] > 0
    path = data["cache_path"]
    # the hit path was timed on every repeated check, each one still cached
    assert path["samples"] == data["repeated_checks"]
    assert path["sample_misses"] == 0
    assert 0 < path["local_hits"] <= data["cache_hits"]
    assert 0 < path["ours_p50_us"] <= path["ours_p99_us"]
    assert 0 < path["raw_p50_us"] <= path["raw_p99_us"]
    assert path["reference"] == "redis-py asyncio GET + json.loads"
