"""Client-side caching (``Redis(local_cache=...)``) against raw redis-py GET on the stack's Redis.

1. Hits: a key read again and again, ours served from the local cache (kept valid by ``CLIENT
   TRACKING``), the reference a redis-py asyncio ``GET`` + ``json.loads`` of the same value from the
   primary (where our misses read too). Wall rate interleaved, and CPU per call measured apart.
2. A fan-profile stream with 92 % repeats (scenario 1 expects > 90 % of profile lookups served from
   cache): ours ``get_or_set`` with the local cache, the reference redis-py ``GET`` then ``SET`` on a
   miss; the same key sequence on both sides (separate prefixes), calls interleaved one by one, p50
   and p99 of every call.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import uuid
from collections.abc import Awaitable, Callable

from benchmarks._harness import Comparison, interleaved_rates, time_per_call_us
from benchmarks.bench_redis import PRIMARY, PROFILE, SEP, _latencies_us, _pct
from verifiedfan.stack import StackSettings, connections

SERVERS = ("redis",)
REPEAT = 0.92


def _stream(n: int, seed: int = 7) -> list[str]:
    """``n`` profile keys, each a repeat of an earlier one with probability ``REPEAT``."""
    rng = random.Random(seed)
    seen: list[str] = []
    keys = []
    for i in range(n):
        if seen and rng.random() < REPEAT:
            key = rng.choice(seen)
        else:
            key = f"profile:{i}"
            seen.append(key)
        keys.append(key)
    return keys


async def _cpu_us(fn: Callable[[], Awaitable[object]], n: int) -> float:
    start = time.process_time()
    for _ in range(n):
        await fn()
    return (time.process_time() - start) / n * 1e6


async def _run(quick: bool) -> list[Comparison]:
    import redis.asyncio as aioredis

    from verifiedfan.redis import LocalCacheConfig, Redis

    connections(StackSettings())  # the same addresses bench_redis uses
    n, rounds = (2000, 4) if quick else (20000, 40)
    prefix = f"bench:{uuid.uuid4().hex[:8]}:"
    ours = Redis(url=PRIMARY, namespace=prefix, local_cache=LocalCacheConfig(max_keys=100_000, ttl=600))
    raw = aioredis.Redis.from_url(PRIMARY, socket_timeout=2.0, socket_connect_timeout=2.0)
    key = "user:12345"
    try:
        await ours.set(key, PROFILE, ttl=3600)
        await ours.get(key)  # starts the invalidation listener
        for _ in range(400):
            info = ours.local_cache_info()
            if info is not None and info.tracking:
                break
            await asyncio.sleep(0.005)
        else:
            raise RuntimeError("the invalidation subscription never came up")

        async def our_get() -> object:
            return await ours.get(key)

        async def raw_get() -> object:
            got = await raw.get(prefix + key)
            return json.loads(got) if got is not None else None

        assert await our_get() == await raw_get() == PROFILE
        rates = await interleaved_rates(our_get, raw_get, n, rounds, warmup=200)
        cpu = (await _cpu_us(our_get, n), await _cpu_us(raw_get, n))

        stream = _stream(n // 2 if quick else n)
        ref_prefix = prefix + "ref:"
        ours_keys = iter(stream)
        ref_keys = iter(stream)

        async def load() -> object:
            return PROFILE

        async def our_lookup() -> object:
            return await ours.get_or_set(next(ours_keys), load, ttl=3600)

        async def raw_lookup() -> object:
            full = ref_prefix + next(ref_keys)
            got = await raw.get(full)
            if got is not None:
                return json.loads(got)
            await raw.set(full, json.dumps(PROFILE, separators=SEP), ex=3600)
            return PROFILE

        before = ours.local_cache_info()
        lat_ours, lat_raw = await _latencies_us(our_lookup, raw_lookup, len(stream))
        after = ours.local_cache_info()
        assert before is not None
        assert after is not None
        local = (after.hits - before.hits) / len(stream)
    finally:
        keys = [k async for k in raw.scan_iter(match=f"{prefix}*", count=1000)]
        for i in range(0, len(keys), 1000):
            await raw.delete(*keys[i : i + 1000])
        await ours.aclose()
        await raw.aclose()
    ref = "redis-py asyncio GET + json"
    mix = f"{REPEAT:.0%} repeats, {local:.1%} served locally"
    return [
        Comparison("local-cache hit get, sequential", *rates, ref, "ops/s", True, ">= 10x"),
        Comparison("local-cache hit get, CPU per call", *cpu, ref, "µs CPU", False, "report"),
        Comparison(
            f"profile lookups ({mix}), p50",
            _pct(lat_ours, 0.5),
            _pct(lat_raw, 0.5),
            ref,
            "µs",
            False,
            "report",
        ),
        Comparison(
            f"profile lookups ({mix}), p99",
            _pct(lat_ours, 0.99),
            _pct(lat_raw, 0.99),
            ref,
            "µs",
            False,
            "report",
        ),
    ]


def _sync_hits(quick: bool) -> Comparison:
    """The generated twin: ``SyncRedis`` local hits against redis-py's blocking ``GET`` + json.

    (redis-py's own ``cache_config`` would be the natural reference here, but it refuses servers
    older than Redis 7.4, and the stack runs 7.0.)"""
    import redis

    from verifiedfan.redis import LocalCacheConfig, SyncRedis

    n = 500 if quick else 5000
    prefix = f"bench:{uuid.uuid4().hex[:8]}:"
    with (
        SyncRedis(url=PRIMARY, namespace=prefix, local_cache=LocalCacheConfig()) as ours,
        redis.Redis.from_url(PRIMARY, socket_timeout=2.0, socket_connect_timeout=2.0) as raw,
    ):
        try:
            ours.set("k", PROFILE, ttl=600)
            ours.get("k")
            for _ in range(400):
                info = ours.local_cache_info()
                if info is not None and info.tracking:
                    break
                time.sleep(0.005)
            assert ours.get("k") == PROFILE

            def raw_get() -> object:
                got = raw.get(prefix + "k")
                return json.loads(got) if got is not None else None

            return Comparison(
                "SyncRedis local-cache hit get",
                time_per_call_us(lambda: ours.get("k"), n=n),
                time_per_call_us(raw_get, n=n),
                "redis-py GET + json",
                "µs",
                False,
                "<= 0.1x",
            )
        finally:
            raw.delete(prefix + "k")


def run(quick: bool) -> list[Comparison]:
    return [*asyncio.run(_run(quick)), _sync_hits(quick)]
