"""The cache mode's hit path, timed against raw redis-py on the run's own keys and Redis.

After a slice's fans are checked (nothing else in flight), :func:`time_hit_path` reads the keys of
the slice's repeated checks again, one lookup at a time, two ways per key: ours through
``Redis.get_or_set`` with the client-side cache, exactly as the demo's checks do, and raw redis-py
asyncio ``GET`` + ``json.loads`` on the same primary. Which side goes first alternates per key, so
neither pays the other's warm-up. The samples go back to the parent, which merges the platforms'
samples into one :class:`~verifiedfan.demo.CachePathReport`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from verifiedfan._optional import require
from verifiedfan.redis import Redis

__all__ = ["HitPathSamples", "time_hit_path"]


@dataclass(frozen=True, slots=True)
class HitPathSamples:
    """Microseconds per lookup, ours and raw, key by key; ``misses``: our lookups that had to load."""

    ours_us: list[float] = field(default_factory=list)
    raw_us: list[float] = field(default_factory=list)
    misses: int = 0


class _Missed(Exception):
    """Raised by the sampling loader: the key was not cached (counted, not an error of the run)."""


async def _never_load() -> Any:
    raise _Missed


async def time_hit_path(
    redis: Redis, *, redis_url: str, namespace: str, keys: Sequence[str], ttl: float
) -> HitPathSamples:
    """Time ``keys`` (already cached by the run) through ``redis`` and through raw redis-py."""
    api = require("redis.asyncio", "redis")
    raw: Any = api.Redis.from_url(redis_url, socket_timeout=2.0, socket_connect_timeout=2.0)
    ours_us: list[float] = []
    raw_us: list[float] = []
    misses = 0
    clock = time.perf_counter_ns

    async def ours(key: str) -> Any:
        nonlocal misses
        start = clock()
        try:
            value = await redis.get_or_set(key, _never_load, ttl=ttl)
        except _Missed:
            misses += 1
            return None
        ours_us.append((clock() - start) / 1000)
        return value

    async def reference(key: str) -> Any:
        start = clock()
        got = await raw.get(namespace + key)
        value = json.loads(got) if got is not None else None
        raw_us.append((clock() - start) / 1000)
        return value

    try:
        await raw.ping()  # the connection is made before the first timed call
        for i, key in enumerate(keys):
            if i % 2:
                await reference(key)
                await ours(key)
            else:
                await ours(key)
                await reference(key)
    finally:
        await raw.aclose()
    return HitPathSamples(ours_us, raw_us, misses)
