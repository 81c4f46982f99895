"""examples/fan_verification.py (workflow 1) runs against the real Kafka, registry and Redis (issue 19)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import redis

if TYPE_CHECKING:
    from verifiedfan.stack import KafkaConnection, RedisConnection, SchemaRegistryConnection

EXAMPLE = Path(__file__).parents[2] / "examples" / "fan_verification.py"


def run(
    kafka: KafkaConnection, registry: SchemaRegistryConnection, cache: RedisConnection, *extra: str
) -> Any:
    args = ["--brokers", kafka.bootstrap_servers, "--registry-url", registry.url, "--redis-url", cache.url]
    args += ["--redis-replica-url", cache.replica_url, *extra]
    done = subprocess.run(
        [sys.executable, str(EXAMPLE), *args], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_fan_is_verified_cached_published_and_read_back(
    vf_kafka: KafkaConnection,
    vf_schema_registry: SchemaRegistryConnection,
    vf_redis: RedisConnection,
    vf_kafka_topic: str,
    vf_redis_prefix: str,
) -> None:
    out = run(
        vf_kafka,
        vf_schema_registry,
        vf_redis,
        "--topic",
        vf_kafka_topic,
        "--redis-namespace",
        vf_redis_prefix,
    )
    assert (out["verified"], out["loads"], out["same_on_second_check"]) == (True, 1, True)  # 2nd from Redis
    [event] = out["consumed"]
    assert (event["status"], event["verificationMethod"]) == ("VERIFIED", "spotify:top_artist")
    with redis.Redis.from_url(vf_redis.url) as raw:
        assert 3500 < raw.ttl(f"{vf_redis_prefix}verdict:fan-top-1") <= 3600


def test_a_fan_who_is_not_verified_is_cached_and_not_published(
    vf_kafka: KafkaConnection,
    vf_schema_registry: SchemaRegistryConnection,
    vf_redis: RedisConnection,
    vf_kafka_topic: str,
    vf_redis_prefix: str,
) -> None:
    extra = ("--topic", vf_kafka_topic, "--redis-namespace", vf_redis_prefix, "--user", "fan-saved-50")
    out = run(vf_kafka, vf_schema_registry, vf_redis, *extra)
    assert (out["verified"], out["consumed"]) == (False, [])
