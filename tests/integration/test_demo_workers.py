"""``vf demo --workers``: a consumer group of worker processes on the real servers, one SIGKILLed."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from verifiedfan.demo import DemoConnections, WorkersOptions, WorkersResult, run_workers_demo
from verifiedfan.stack import KafkaConnection, RedisConnection, SchemaRegistryConnection

pytestmark = [pytest.mark.integration, pytest.mark.kafka, pytest.mark.redis]

FANS = 240


@pytest.fixture(scope="module")
def connections(
    vf_kafka: KafkaConnection, vf_schema_registry: SchemaRegistryConnection, vf_redis: RedisConnection
) -> DemoConnections:
    return DemoConnections(
        kafka_brokers=vf_kafka.bootstrap_servers, registry_url=vf_schema_registry.url, redis_url=vf_redis.url
    )


@pytest.fixture(scope="module")
def killed_run(connections: DemoConnections) -> WorkersResult:
    # small transactions, so that the kill lands in the middle of the run with batches in flight
    options = WorkersOptions(fans=FANS, workers=2, batch_size=10, concurrency=16, kill_after=0.3, timeout=120)
    return asyncio.run(run_workers_demo(options, connections=connections))


def test_a_worker_was_killed_mid_run(killed_run: WorkersResult) -> None:
    assert killed_run.killed == "0"
    assert 0.3 * FANS <= killed_run.committed_at_kill < FANS
    # the worker's process is gone, and so is every process the run started
    assert [s["worker_id"] for s in killed_run.worker_stats] == ["1"]


def test_after_the_rebalance_every_request_is_handled(killed_run: WorkersResult) -> None:
    assert killed_run.committed == killed_run.requests == FANS
    survivor = killed_run.worker_stats[0]
    # the survivor handled what the dead worker left, not only its own partitions' share
    assert survivor["checked"] >= FANS - killed_run.committed_at_kill
    assert survivor["transactions"] > 0
    assert killed_run.errors == 0


def test_every_verified_fan_has_exactly_one_event(killed_run: WorkersResult) -> None:
    assert killed_run.expected_fans > 0
    assert killed_run.duplicates == 0
    assert killed_run.missing == 0
    assert killed_run.unexpected == 0
    assert killed_run.events == killed_run.distinct_keys == killed_run.expected_fans
    # a read_uncommitted reader sees at least as much: aborted events, if the kill caught some
    assert killed_run.events_in_log >= killed_run.events
    assert killed_run.ok


def test_repeated_checks_publish_no_second_event(killed_run: WorkersResult) -> None:
    assert killed_run.unique_fans == FANS - FANS // 10
    assert killed_run.requests > killed_run.unique_fans  # repeats were requested...
    assert killed_run.distinct_keys == killed_run.events  # ...and none was published twice


def _children(pid: int) -> list[str]:
    """The command lines of ``pid``'s live child processes, from /proc."""
    out = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
            if entry.name.isdigit() and int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append((entry / "cmdline").read_text().replace("\0", " "))
        except (OSError, ValueError):
            continue
    return out


def test_no_worker_process_is_left_behind(killed_run: WorkersResult) -> None:
    assert killed_run.worker_stats[0]["cpu_seconds"] > 0  # the survivor stopped cleanly and reported
    assert [c for c in _children(os.getpid()) if " worker " in c] == []
