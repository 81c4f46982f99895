"""Client-side caching (``local_cache=``) against the stack's real Redis, written to by other clients.

The writers are plain redis-py clients (the reference), so the invalidations are the server's own
``CLIENT TRACKING`` messages, not something our client sends itself.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import statistics
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
import redis
import redis.asyncio as aioredis

from tests.integration.redis._servers import RedisPair
from verifiedfan.redis import LocalCacheConfig, LocalCacheInfo, Redis, SyncRedis

pytestmark = [pytest.mark.integration, pytest.mark.redis]

CALL_TIMEOUT = 15.0
WRITES = 200


def info(client: Redis | SyncRedis) -> LocalCacheInfo:
    got = client.local_cache_info()
    assert got is not None
    return got


async def until(check: Callable[[], bool | Awaitable[bool]], *, attempts: int = 1000) -> None:
    """Poll ``check`` every 5 ms until it holds (a bounded wait, not a timing assertion)."""
    for _ in range(attempts):
        result = check()
        if result if isinstance(result, bool) else await result:
            return
        await asyncio.sleep(0.005)
    raise AssertionError("condition never became true")


async def write(writer: aioredis.Redis, cache: Redis, key: str, raw: str) -> None:
    """Another client's SET, then wait until its invalidation reached ``cache`` (so a read after it
    may be cached; a read racing it is, correctly, not kept)."""
    seen = info(cache).invalidations
    await writer.set(key, raw)
    await until(lambda: info(cache).invalidations > seen)


@pytest.fixture
async def writer(redis_urls: tuple[str, str]) -> AsyncIterator[aioredis.Redis]:
    client = aioredis.Redis.from_url(redis_urls[0])
    yield client
    await client.aclose()


@pytest.fixture
async def cache(redis_urls: tuple[str, str], namespace: str) -> AsyncIterator[Redis]:
    primary, replica = redis_urls
    client = Redis(
        url=primary,
        read_only_url=replica,
        namespace=namespace,
        client_name=f"vf-lc-{namespace.strip(':')}",
        local_cache=LocalCacheConfig(max_keys=1000, ttl=60),
    )
    await client.get("warm-up")  # starts the invalidation listener
    await until(lambda: info(client).tracking)
    yield client
    await client.aclose()


async def test_a_repeated_get_is_served_locally(cache: Redis, writer: aioredis.Redis, namespace: str) -> None:
    await write(writer, cache, f"{namespace}fan", json.dumps({"name": "Fan"}))
    before = info(cache)
    assert await cache.get("fan") == {"name": "Fan"}
    assert await cache.get("fan") == {"name": "Fan"}
    after = info(cache)
    assert (after.misses - before.misses, after.hits - before.hits, after.size) == (1, 1, 1)


async def test_no_stale_value_once_the_invalidation_arrived_and_the_stale_window_is_measured(
    cache: Redis, writer: aioredis.Redis, namespace: str
) -> None:
    """After each of 200 writes by another client: the value becomes fresh, and the first read after
    the server's invalidation was applied is fresh. Prints how long stale reads went on."""
    key = f"{namespace}hot"
    await write(writer, cache, key, "0")
    assert await cache.get("hot") == 0
    windows: list[float] = []
    stale_reads = 0
    async with asyncio.timeout(CALL_TIMEOUT):
        for i in range(1, WRITES + 1):
            assert await cache.get("hot") == i - 1  # cached again before the write
            seen = info(cache).invalidations
            await writer.set(key, str(i))
            written = time.perf_counter()
            while (value := await cache.get("hot")) != i:
                assert value == i - 1  # stale is the previous value, never anything else
                stale_reads += 1
                await asyncio.sleep(0)
            windows.append(time.perf_counter() - written)
            await until(lambda seen=seen: info(cache).invalidations > seen)  # type: ignore[misc]
            assert await cache.get("hot") == i
    windows.sort()
    p99 = windows[int(len(windows) * 0.99) - 1]
    print(
        f"\nstale window after another client's SET over {WRITES} writes: "
        f"p50 {statistics.median(windows) * 1e6:.0f} us, p99 {p99 * 1e6:.0f} us, "
        f"max {windows[-1] * 1e6:.0f} us; stale reads {stale_reads}"
    )


async def test_a_read_racing_a_write_is_not_kept_after_the_invalidation(
    cache: Redis, writer: aioredis.Redis, namespace: str
) -> None:
    """Misses in flight while another client writes: whatever they read, after the invalidations
    have arrived the cache answers the last written value."""
    key = f"{namespace}race"
    async with asyncio.timeout(CALL_TIMEOUT):
        for i in range(50):
            await writer.set(key, str(i))
            gets = [asyncio.ensure_future(cache.get("race")) for _ in range(5)]
            await writer.set(key, str(i + 1000))
            await asyncio.gather(*gets)
            await until(lambda i=i: asyncio.ensure_future(_is(cache, "race", i + 1000)))  # type: ignore[misc]
            assert await cache.get("race") == i + 1000


async def _is(cache: Redis, key: str, expected: object) -> bool:
    return bool(await cache.get(key) == expected)


async def test_a_killed_connection_empties_the_local_cache(
    cache: Redis, writer: aioredis.Redis, namespace: str
) -> None:
    for n in range(10):
        await write(writer, cache, f"{namespace}k{n}", str(n))
        assert await cache.get(f"k{n}") == n
    assert info(cache).size == 10
    clears = info(cache).clears
    name = f"vf-lc-{namespace.strip(':')}"
    clients = await writer.client_list()
    ours = [c for c in clients if c.get("name", "").startswith(name)]
    assert any(c["name"] == f"{name}:invalidate" for c in ours)
    for c in ours:
        await writer.client_kill_filter(_id=c["id"])
    # the invalidation of this write goes nowhere: the tracking connection is gone
    await writer.set(f"{namespace}k0", "100")
    async with asyncio.timeout(CALL_TIMEOUT):
        await until(lambda: info(cache).clears > clears)
    assert info(cache).size == 0
    assert await cache.get("k0") == 100  # read from Redis again, not the lost cache
    async with asyncio.timeout(CALL_TIMEOUT):
        await until(lambda: info(cache).tracking)
    await writer.set(f"{namespace}k1", "101")
    async with asyncio.timeout(CALL_TIMEOUT):
        await until(lambda: asyncio.ensure_future(_is(cache, "k1", 101)))


def test_the_sync_twin_sees_another_clients_write(redis_urls: tuple[str, str], namespace: str) -> None:
    with (
        SyncRedis(url=redis_urls[0], namespace=namespace, local_cache=LocalCacheConfig()) as cache,
        redis.Redis.from_url(redis_urls[0]) as other,
    ):
        other.set(f"{namespace}s", "1")
        assert cache.get("s") == 1
        for _ in range(1000):
            if info(cache).tracking:
                break
            time.sleep(0.005)
        assert cache.get("s") == 1
        assert cache.get("s") == 1
        assert info(cache).hits >= 1
        seen = info(cache).invalidations
        other.set(f"{namespace}s", "2")
        for _ in range(1000):
            if info(cache).invalidations > seen:
                break
            time.sleep(0.005)
        assert cache.get("s") == 2


async def test_a_silent_link_counts_as_lost_and_empties_the_local_cache(own_pair: RedisPair) -> None:
    """The server stops answering (SIGSTOP) without closing the socket: the unanswered health PING
    empties the cache instead of serving values whose invalidations can no longer arrive."""
    primary = own_pair.primary
    assert primary.proc is not None
    client = Redis(url=primary.url, local_cache=LocalCacheConfig(health_check=0.2))
    try:
        await client.set("k", "v", ttl=60)
        async with asyncio.timeout(CALL_TIMEOUT):
            await until(lambda: asyncio.ensure_future(_cached(client, "k")))
        clears = info(client).clears
        os.kill(primary.proc.pid, signal.SIGSTOP)
        try:
            async with asyncio.timeout(CALL_TIMEOUT):
                await until(lambda: info(client).clears > clears)
            assert (info(client).size, info(client).tracking) == (0, False)
        finally:
            os.kill(primary.proc.pid, signal.SIGCONT)
        async with asyncio.timeout(CALL_TIMEOUT):
            await until(lambda: info(client).tracking)
    finally:
        await client.aclose()


async def _cached(client: Redis, key: str) -> bool:
    """Read ``key`` until the local cache holds it (fills start once tracking is up)."""
    await client.get(key)
    return info(client).size == 1
