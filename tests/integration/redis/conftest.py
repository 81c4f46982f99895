"""Servers for the Redis integration tests.

The shared primary/replica pair is the stack's (the plugin's ``vf_redis``), each test in its own key
prefix (``vf_redis_prefix``, cleaned up by the plugin). Tests that stop, restart or fail over a
server get their own pair from ``own_pair`` (started and stopped by PID), so they never disturb the
servers other tests and sessions share.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.integration.redis._servers import RedisPair

if TYPE_CHECKING:
    from verifiedfan.stack import RedisConnection


@pytest.fixture(scope="session")
def redis_urls(vf_redis: RedisConnection) -> tuple[str, str]:
    """``(primary_url, replica_url)`` of the stack's Redis."""
    return vf_redis.url, vf_redis.replica_url


@pytest.fixture
def namespace(vf_redis_prefix: str) -> str:
    """A key prefix unique to the test."""
    return vf_redis_prefix


@pytest.fixture
def own_pair(tmp_path: Path) -> Iterator[RedisPair]:
    pair = RedisPair(tmp_path).start()
    try:
        yield pair
    finally:
        pair.stop()
