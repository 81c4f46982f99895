"""What :class:`FakeRedisServer` adds beyond the contract suite: its inspection helpers and outages."""

from __future__ import annotations

import pytest

from verifiedfan.redis import CacheConnectionError, ReconnectPolicy
from verifiedfan.testing.redis import FakeRedisServer


async def test_the_docstring_example_and_the_inspection_helpers() -> None:
    server = FakeRedisServer()
    async with server.redis(namespace="registration:") as cache:
        await cache.set("user:1", {"name": "Fan"}, ttl=3600)
        await cache.set("user:2", [1], ttl=1.5)
    ttl = server.ttl("registration:user:1")
    assert ttl is not None
    assert 3599 < ttl <= 3600
    assert server.ttl("missing") is None
    assert server.keys() == ["registration:user:1", "registration:user:2"]
    assert server.keys("*:2") == ["registration:user:2"]
    assert server.raw("registration:user:1") == '{"name":"Fan"}'
    server.flush()
    assert server.keys() == []


async def test_two_servers_share_nothing_and_one_server_serves_both_twins() -> None:
    first, second = FakeRedisServer(), FakeRedisServer()
    async with first.redis() as cache:
        await cache.set("k", "v", ttl=60)
    assert second.raw("k") is None
    with first.sync_redis() as sync_cache:
        assert sync_cache.get("k") == "v"


async def test_an_outage_raises_the_typed_connection_error_after_the_retries() -> None:
    server = FakeRedisServer()
    slept: list[float] = []

    async def sleep(delay: float) -> None:
        slept.append(delay)

    retry = ReconnectPolicy(max_retries=2)
    async with server.redis(retry=retry, sleep=sleep, rand=lambda: 1.0) as cache:
        await cache.set("k", 1, ttl=60)
        server.available = False
        assert server.available is False
        with pytest.raises(CacheConnectionError, match=r"unreachable after 3 attempts"):
            await cache.set("k", 2, ttl=60)
        assert slept == [0.25, 0.75]
        server.available = True
        assert await cache.get("k") == 1
