"""TmDiscovery.get_event_cached keeps event details in the real Redis through get_or_set (issue 12)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from verifiedfan.redis import Redis
from verifiedfan.testing.sandbox import TmDiscoveryApp, TmDiscoverySandbox
from verifiedfan.ticketmaster import DiscoveryLimiter, TmDiscovery

if TYPE_CHECKING:
    from verifiedfan.stack import RedisConnection


async def test_event_details_are_cached_once_for_many_concurrent_callers(
    vf_redis: RedisConnection, vf_redis_prefix: str
) -> None:
    with TmDiscoverySandbox() as sandbox:
        limiter = DiscoveryLimiter(limit=100, per_day=None)
        async with (
            TmDiscovery(api_key=TmDiscoveryApp.api_key, base_url=sandbox.base_url, limiter=limiter) as client,
            Redis(url=vf_redis.url, read_only_url=vf_redis.replica_url, namespace=vf_redis_prefix) as cache,
        ):
            events = await asyncio.gather(
                *(client.get_event_cached("vvG1000042", cache, ttl=60) for _ in range(20))
            )
            again = await client.get_event_cached("vvG1000042", cache, ttl=60)
            assert {e.id for e in events} == {"vvG1000042"}
            assert again == events[0]
            assert sandbox.counts()["routes"]["GET /discovery/v2/events/{event_id}.json"] == 1
            assert await cache.get("tm:event:vvG1000042") is not None
