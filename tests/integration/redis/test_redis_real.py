"""The cache against a real Redis primary and replica."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
import redis
import redis.asyncio as aioredis

from tests.integration.redis._servers import RedisPair
from verifiedfan.redis import ReconnectPolicy, Redis, RedisEvent, SyncRedis

pytestmark = [pytest.mark.integration, pytest.mark.redis]

CALL_TIMEOUT = 15.0  # no call may hang: every await below is bounded


async def eventually(check: Callable[[], Awaitable[bool]], *, attempts: int = 200) -> None:
    """Poll ``check`` every 50 ms until it holds (no wall-clock assertion, a bounded wait)."""
    for _ in range(attempts):
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition never became true")


def get_calls(url: str) -> int:
    with redis.Redis.from_url(url) as r:
        stats = r.info("commandstats")
    return int(stats.get("cmdstat_get", {}).get("calls", 0))


def wait_replicated(url: str) -> None:
    with redis.Redis.from_url(url) as r:
        assert r.execute_command("WAIT", 1, 5000) >= 1


@pytest.fixture
async def cache(redis_urls: tuple[str, str], namespace: str) -> AsyncIterator[Redis]:
    primary, replica = redis_urls
    client = Redis(url=primary, read_only_url=replica, namespace=namespace)
    yield client
    await client.aclose()


async def test_a_value_written_to_the_primary_is_read_from_the_replica(
    cache: Redis, redis_urls: tuple[str, str]
) -> None:
    primary, replica = redis_urls
    assert await cache.set("user:12345", {"name": "Fan"}, ttl=3600)
    wait_replicated(primary)
    before_primary, before_replica = get_calls(primary), get_calls(replica)
    assert await cache.get("user:12345") == {"name": "Fan"}
    assert get_calls(replica) == before_replica + 1
    assert get_calls(primary) == before_primary


async def test_use_primary_reads_from_the_primary(cache: Redis, redis_urls: tuple[str, str]) -> None:
    primary, replica = redis_urls
    await cache.set("k", 1, ttl=60)
    before_primary, before_replica = get_calls(primary), get_calls(replica)
    assert await cache.get("k", use_primary=True) == 1
    assert get_calls(primary) == before_primary + 1
    assert get_calls(replica) == before_replica


async def test_new_only_writes_only_a_missing_key(cache: Redis) -> None:
    assert await cache.set("k", "first", ttl=60, new_only=True) is True
    assert await cache.set("k", "second", ttl=60, new_only=True) is False
    assert await cache.get("k", use_primary=True) == "first"
    assert await cache.set("k", "third", ttl=60) is True
    assert await cache.get("k", use_primary=True) == "third"


async def test_values_expire_after_their_ttl(
    cache: Redis, redis_urls: tuple[str, str], namespace: str
) -> None:
    await cache.set("short", {"a": 1}, ttl=1)
    with redis.Redis.from_url(redis_urls[0]) as raw:
        assert 0 < raw.pttl(f"{namespace}short") <= 1000

    async def gone() -> bool:
        return await cache.get("short", use_primary=True) is None

    await eventually(gone)


async def test_fractional_ttl_is_set_in_milliseconds(
    cache: Redis, redis_urls: tuple[str, str], namespace: str
) -> None:
    await cache.set("ms", 1, ttl=0.25)
    with redis.Redis.from_url(redis_urls[0]) as raw:
        assert 0 < raw.pttl(f"{namespace}ms") <= 250


async def test_values_are_plain_json_strings_readable_by_any_client(
    cache: Redis, redis_urls: tuple[str, str], namespace: str
) -> None:
    await cache.set("json", {"a": [1, "é"]}, ttl=60)
    with redis.Redis.from_url(redis_urls[0], decode_responses=True) as raw:
        assert raw.get(f"{namespace}json") == '{"a":[1,"é"]}'


async def test_mget_and_delete(cache: Redis, redis_urls: tuple[str, str]) -> None:
    await cache.set("a", 1, ttl=60)
    await cache.set("b", 2, ttl=60)
    wait_replicated(redis_urls[0])
    assert await cache.mget(["a", "missing", "b"]) == [1, None, 2]
    assert await cache.delete("a", "b", "missing") == 2
    assert await cache.mget(["a", "b"], use_primary=True) == [None, None]


async def test_a_thousand_concurrent_misses_load_once(cache: Redis) -> None:
    loads = 0

    async def loader() -> dict[str, str]:
        nonlocal loads
        loads += 1
        await asyncio.sleep(0.05)
        return {"profile": "from the database"}

    async with asyncio.timeout(CALL_TIMEOUT):
        results = await asyncio.gather(*[cache.get_or_set("hot", loader, ttl=60) for _ in range(1000)])
    assert loads == 1
    assert all(r == {"profile": "from the database"} for r in results)
    assert await cache.get("hot", use_primary=True) == {"profile": "from the database"}


async def test_replica_stopped_mid_traffic_reads_keep_working(
    own_pair: RedisPair, caplog: pytest.LogCaptureFixture
) -> None:
    client = Redis(url=own_pair.primary.url, read_only_url=own_pair.replica.url, replica_cooldown=60)
    try:
        await client.set("k", "v", ttl=60)
        wait_replicated(own_pair.primary.url)
        results = []
        with caplog.at_level(logging.WARNING, logger="verifiedfan.redis"):
            async with asyncio.timeout(CALL_TIMEOUT):
                for i in range(60):
                    if i == 20:
                        own_pair.replica.stop()
                    results.append(await client.get("k"))
        assert results == ["v"] * 60
        assert any("replica" in r.getMessage() and r.levelno == logging.WARNING for r in caplog.records)
    finally:
        await client.aclose()


async def test_replica_hung_mid_traffic_reads_fall_back_after_the_socket_timeout(own_pair: RedisPair) -> None:
    client = Redis(
        url=own_pair.primary.url, read_only_url=own_pair.replica.url, socket_timeout=0.5, replica_cooldown=60
    )
    replica = own_pair.replica.proc
    assert replica is not None
    try:
        await client.set("k", "v", ttl=60)
        wait_replicated(own_pair.primary.url)
        assert await client.get("k") == "v"
        os.kill(replica.pid, signal.SIGSTOP)
        try:
            async with asyncio.timeout(CALL_TIMEOUT):
                results = [await client.get("k") for _ in range(20)]
        finally:
            os.kill(replica.pid, signal.SIGCONT)
        assert results == ["v"] * 20
    finally:
        await client.aclose()


async def test_primary_restarted_mid_traffic_the_client_recovers(own_pair: RedisPair) -> None:
    events: list[RedisEvent] = []
    client = Redis(url=own_pair.primary.url, retry=ReconnectPolicy())
    client.on("reconnecting", events.append)
    client.on("ready", events.append)
    try:
        async with asyncio.timeout(CALL_TIMEOUT):
            for i in range(40):
                if i == 15:
                    own_pair.primary.stop()
                    own_pair.primary.start()
                assert await client.set(f"k{i}", i, ttl=60) is True
                assert await client.get(f"k{i}", use_primary=True) == i
        assert any(e.name == "reconnecting" for e in events)
        assert sum(e.name == "ready" for e in events) >= 2  # connected again to the restarted server
    finally:
        await client.aclose()


async def test_readonly_after_a_failover_reconnects_instead_of_failing(own_pair: RedisPair) -> None:
    """The primary URL now points at a replica (as after a failover) until the promotion completes."""
    target = own_pair.primary.url
    with redis.Redis.from_url(target) as raw:
        raw.execute_command("REPLICAOF", "127.0.0.1", str(own_pair.replica.port))
    promote = aioredis.Redis.from_url(target)

    async def sleep_then_promote(delay: float) -> None:
        await promote.execute_command("REPLICAOF", "NO", "ONE")

    events: list[RedisEvent] = []
    client = Redis(url=target, sleep=sleep_then_promote)
    client.on("reconnecting", events.append)
    try:
        async with asyncio.timeout(CALL_TIMEOUT):
            # the old primary answers READONLY until the sleep hook promotes it
            assert await client.set("after-failover", 1, ttl=60) is True
        assert [type(e.error).__name__ for e in events] == ["ReadOnlyError"]
    finally:
        await client.aclose()
        await promote.aclose()


def test_sync_twin_routes_and_single_flights(redis_urls: tuple[str, str], namespace: str) -> None:
    import threading

    primary, replica = redis_urls
    with SyncRedis(url=primary, read_only_url=replica, namespace=namespace) as client:
        assert client.set("s", [1, 2], ttl=60) is True
        wait_replicated(primary)
        before = get_calls(replica)
        assert client.get("s") == [1, 2]
        assert get_calls(replica) == before + 1
        loads = 0
        gate = threading.Event()

        def loader() -> str:
            nonlocal loads
            loads += 1
            gate.wait(5)
            return "loaded"

        out: list[str] = []
        threads = [
            threading.Thread(target=lambda: out.append(client.get_or_set("t", loader, ttl=5)))
            for _ in range(16)
        ]
        for t in threads:
            t.start()
        gate.set()
        for t in threads:
            t.join(10)
        assert loads == 1
        assert out == ["loaded"] * 16
