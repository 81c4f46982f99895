"""examples/registration.py runs against the real Redis and MongoDB wire servers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pymongo
import pytest
import redis

if TYPE_CHECKING:
    from verifiedfan.stack import MongoConnection, RedisConnection

pytestmark = [pytest.mark.integration, pytest.mark.redis, pytest.mark.mongo]

EXAMPLE = Path(__file__).parents[2] / "examples" / "registration.py"


def run_example(
    vf_redis: RedisConnection, vf_mongo: MongoConnection, db: str, prefix: str, *extra: str
) -> Any:
    args = [
        "--redis-url",
        vf_redis.url,
        "--redis-replica-url",
        vf_redis.replica_url,
        "--redis-namespace",
        prefix,
    ]
    args += ["--mongo-hosts", vf_mongo.url, "--db-name", db, *extra]
    done = subprocess.run(
        [sys.executable, str(EXAMPLE), *args], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode in (0, 2), done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_registration_creates_the_user_caches_the_profile_and_detects_the_duplicate(
    vf_redis: RedisConnection, vf_mongo: MongoConnection, vf_mongo_db: str, vf_redis_prefix: str
) -> None:
    first = run_example(vf_redis, vf_mongo, vf_mongo_db, vf_redis_prefix)
    assert first["status"] == "created"
    assert first["profile"] == {
        "id": first["user_id"],
        "email": "user@example.com",
        "phone": "+15551234567",
        "name": {"full": "John O'Connor", "first": "John", "last": "O'Connor"},
    }
    with redis.Redis.from_url(vf_redis.url) as raw:
        assert 3500 < raw.ttl(f"{vf_redis_prefix}user:{first['user_id']}") <= 3600

    second = run_example(vf_redis, vf_mongo, vf_mongo_db, vf_redis_prefix)
    assert second == {
        "status": "duplicate",
        "user_id": first["user_id"],
        "profile": None,
        "invalid_fields": [],
    }
    with pymongo.MongoClient(vf_mongo.url) as client:
        assert client[vf_mongo_db]["users"].count_documents({"email": "user@example.com"}) == 1


def test_registration_rejects_input_that_does_not_normalize(
    vf_redis: RedisConnection, vf_mongo: MongoConnection, vf_mongo_db: str, vf_redis_prefix: str
) -> None:
    bad = json.dumps({"firstName": " ", "lastName": "", "email": "not-an-email", "phone": "12"})
    result = run_example(vf_redis, vf_mongo, vf_mongo_db, vf_redis_prefix, "--payload", bad)
    assert result["status"] == "invalid"
    assert set(result["invalid_fields"]) == {"email", "phone", "name"}
