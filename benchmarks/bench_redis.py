"""verifiedfan.redis against raw redis-py asyncio, on the same servers (the stack's Redis).

Both sides do the same work: compact JSON encoding/decoding plus one command, with the same 2 s
socket timeouts (redis-py's default is none, which lets a call hang on a stalled server). The servers are
the stack's ``redis`` primary and replica (the runner starts them; their addresses come from the stack's
connection settings, ``VF_STACK_REDIS_URL`` / ``VF_STACK_REDIS_REPLICA_URL`` to point at others).
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Awaitable, Callable

from benchmarks._harness import Comparison, interleaved_rates
from verifiedfan.stack import StackSettings, connections

SERVERS = ("redis",)
_REDIS = connections(StackSettings()).redis
PRIMARY = _REDIS.url
REPLICA = _REDIS.replica_url
PROFILE = {"id": "12345", "email": "user@example.com", "name": {"first": "John", "last": "O'Connor"}}
SEP = (",", ":")


async def _latencies_us(
    ours: Callable[[], Awaitable[object]], ref: Callable[[], Awaitable[object]], n: int
) -> tuple[list[float], list[float]]:
    """Per-call latencies of both sides, calls interleaved one by one, each side first half the time."""
    a: list[float] = []
    b: list[float] = []
    for i in range(n):
        first, second, first_out, second_out = (ref, ours, b, a) if i % 2 else (ours, ref, a, b)
        start = time.perf_counter_ns()
        await first()
        mid = time.perf_counter_ns()
        await second()
        second_out.append((time.perf_counter_ns() - mid) / 1000)
        first_out.append((mid - start) / 1000)
    return a, b


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _check_servers() -> None:
    import redis.asyncio as aioredis

    for url in (PRIMARY, REPLICA):
        client = aioredis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        try:
            await client.ping()
        except Exception as exc:
            raise RuntimeError(
                f"Redis is not reachable at {url} ({exc}): start it with `vf stack up redis` "
                "or point VF_STACK_REDIS_URL / VF_STACK_REDIS_REPLICA_URL at running servers"
            ) from exc
        finally:
            await client.aclose()


async def _run(quick: bool) -> list[Comparison]:
    import redis.asyncio as aioredis

    from verifiedfan.redis import Redis

    await _check_servers()
    n, rounds = (400, 4) if quick else (6000, 60)
    prefix = f"bench:{uuid.uuid4().hex[:8]}:"
    ours = Redis(url=PRIMARY, read_only_url=REPLICA, namespace=prefix)
    # the same socket timeouts as ours (2 s): a cache call must never hang, on either side
    raw_primary = aioredis.Redis.from_url(PRIMARY, socket_timeout=2.0, socket_connect_timeout=2.0)
    raw_replica = aioredis.Redis.from_url(REPLICA, socket_timeout=2.0, socket_connect_timeout=2.0)
    key = "user:12345"
    try:
        await ours.set(key, PROFILE, ttl=3600)
        await raw_primary.execute_command("WAIT", 1, 2000)

        async def our_get() -> object:
            return await ours.get(key)

        async def raw_get() -> object:
            raw = await raw_replica.get(prefix + key)
            return json.loads(raw) if raw is not None else None

        async def our_set() -> object:
            return await ours.set(key, PROFILE, ttl=3600)

        async def raw_set() -> object:
            return await raw_primary.set(prefix + key, json.dumps(PROFILE, separators=SEP), ex=3600)

        async def load() -> object:
            return PROFILE

        async def our_hit() -> object:
            return await ours.get_or_set(key, load, ttl=3600)

        get_rates = await interleaved_rates(our_get, raw_get, n, rounds, warmup=200)
        set_rates = await interleaved_rates(our_set, raw_set, n, rounds, warmup=200)
        await raw_primary.execute_command("WAIT", 1, 2000)
        hit_ours, hit_raw = await _latencies_us(our_hit, raw_get, n * 2)
    finally:
        keys = [k async for k in raw_primary.scan_iter(match=f"{prefix}*")]
        if keys:
            await raw_primary.delete(*keys)
        await ours.aclose()
        await raw_primary.aclose()
        await raw_replica.aclose()
    ref = "redis-py asyncio + json"
    return [
        Comparison("get (replica read), sequential", *get_rates, ref, "ops/s", True, ">= 0.9x"),
        Comparison("set with TTL (primary), sequential", *set_rates, ref, "ops/s", True, ">= 0.9x"),
        Comparison(
            "cache-hit path get_or_set, p50",
            _pct(hit_ours, 0.5),
            _pct(hit_raw, 0.5),
            ref + " GET",
            "µs",
            False,
            "report",
        ),
        Comparison(
            "cache-hit path get_or_set, p99",
            _pct(hit_ours, 0.99),
            _pct(hit_raw, 0.99),
            ref + " GET",
            "µs",
            False,
            "report",
        ),
    ]


def run(quick: bool) -> list[Comparison]:
    return asyncio.run(_run(quick))
