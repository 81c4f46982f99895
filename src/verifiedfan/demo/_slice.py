"""One platform's share of the crowd: check each fan (profile cached in Redis), publish the verified.

A slice owns its clients (music platform, Redis, Kafka producer), so it runs the same way in the
demo's own event loop or in a child process of its own (``run_slice_in_process``): with two
platforms on a two-core machine, the two slices then verify in parallel instead of sharing one core.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from verifiedfan.demo._cache_path import HitPathSamples, time_hit_path
from verifiedfan.demo._crowd import CrowdFan
from verifiedfan.demo._events import Publisher
from verifiedfan.demo._models import DemoConnections
from verifiedfan.errors import VFError
from verifiedfan.kafka import Kafka
from verifiedfan.music import (
    AppleMusic,
    EngagementSource,
    Spotify,
    TargetArtist,
    UserToken,
    VerificationCriteria,
    verify_fan,
)
from verifiedfan.redis import LocalCacheConfig, Redis

__all__ = ["SliceResult", "SliceSpec", "run_slice_in_process", "verify_slice"]

logger = logging.getLogger(__name__)

_MAX_ERROR_SAMPLES = 5
_PROGRESS_EVERY = 50
_LINGER = 0.05  # seconds a Kafka batch may wait to fill up: a third as many sends, same throughput


@dataclass(frozen=True, kw_only=True, slots=True)
class SliceSpec:
    """Everything a slice needs (picklable: it crosses into a child process)."""

    platform: str
    fans: tuple[CrowdFan, ...]
    tokens: dict[str, UserToken] = field(repr=False)
    api_url: str
    credentials: dict[str, str] = field(repr=False)  # client_id/client_secret or team_id/key_id/private_key
    target_ids: frozenset[str]
    target_name: str
    artist_id: str
    connections: DemoConnections
    redis_namespace: str
    topic: str
    concurrency: int
    batch_size: int
    cache_ttl: float
    cache_mode: bool = False  # client-side cache on, and the hit path timed after the checks
    cache_samples: int = 2000


@dataclass(frozen=True, kw_only=True, slots=True)
class SliceResult:
    """What a slice did; ``published`` counts events per ``(userId, artistId)``."""

    platform: str
    checked: int
    verified: int
    errors: int
    hits: int
    misses: int
    published: Counter[tuple[str, str]]
    batches: int
    send_seconds: float
    cpu_seconds: float
    error_samples: tuple[str, ...] = ()
    local_hits: int = 0  # answered by the client-side cache (cache mode)
    hit_path: HitPathSamples | None = None
    hit_path_seconds: float = 0.0  # the timing after the checks (not part of the verification)


class _Tally:
    def __init__(self, progress: Callable[[int], None] | None) -> None:
        self.checked = self.verified = self.errors = self.hits = self.misses = 0
        self.samples: list[str] = []
        self._progress = progress

    def record(self, fan: CrowdFan, *, verified: bool, loaded: bool, error: VFError | None) -> None:
        self.checked += 1
        if error is not None:
            self.errors += 1
            if len(self.samples) < _MAX_ERROR_SAMPLES:
                self.samples.append(f"{fan.cache_key}: {type(error).__name__}: {error}")
        else:
            self.verified += verified
            self.hits += not loaded
            self.misses += loaded
        if self._progress is not None:
            self._progress(self.checked)


def _client(spec: SliceSpec) -> Spotify | AppleMusic:
    c = spec.credentials
    if spec.platform == "spotify":
        return Spotify(
            client_id=c["client_id"],
            client_secret=c["client_secret"],
            api_url=spec.api_url,
            accounts_url=spec.api_url,
            max_connections=spec.concurrency,
        )
    return AppleMusic(
        team_id=c["team_id"],
        key_id=c["key_id"],
        private_key=c["private_key"],
        api_url=spec.api_url,
        max_connections=spec.concurrency,
    )


async def _check(
    fan: CrowdFan,
    *,
    spec: SliceSpec,
    source: EngagementSource,
    redis: Redis,
    target: TargetArtist,
    criteria: VerificationCriteria,
    publisher: Publisher,
    tally: _Tally,
) -> None:
    loaded = False

    async def load() -> dict[str, Any]:
        nonlocal loaded
        loaded = True
        engagement = await source.get_fan_engagement(
            spec.tokens[fan.user_id], top_tracks=False, followed_artists=False, recently_played=False
        )
        result = verify_fan(engagement, artist=target, criteria=criteria)
        return {
            "userId": engagement.user.id,
            "displayName": engagement.user.display_name,
            "country": engagement.user.country,
            "verified": result.verified,
            "method": result.method,
            "score": result.verification_score,
            "artistRank": result.artist_rank,
            "savedTracksOfArtist": result.saved_tracks_of_artist,
        }

    try:
        profile = await redis.get_or_set(fan.cache_key, load, ttl=spec.cache_ttl)
    except VFError as exc:
        tally.record(fan, verified=False, loaded=loaded, error=exc)
        return
    verified = bool(profile["verified"])
    if verified:
        publisher.put(
            {
                "userId": profile["userId"],
                "artistId": spec.artist_id,
                "verifiedAt": int(datetime.now(UTC).timestamp() * 1000),
                "verificationMethod": f"{fan.platform}:{profile['method']}",
                "status": "VERIFIED",
                "verificationScore": float(profile["score"]),
            }
        )
    tally.record(fan, verified=verified, loaded=loaded, error=None)


async def _start_tracking(redis: Redis, *, fan: CrowdFan | None, wait: float = 5.0) -> None:
    """The client-side cache serves only once its invalidation subscription is confirmed, which
    the first read starts: read once and wait for it (at most ``wait`` s), so that the checks use the
    local cache from the first one. Not confirmed in time: the run goes on, reading Redis meanwhile."""
    if fan is None:
        return
    await redis.get(fan.cache_key)  # not cached yet: a miss, which starts the subscription
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        info = redis.local_cache_info()
        if info is None or info.tracking:
            return
        await asyncio.sleep(0.01)
    logger.warning("the Redis invalidation subscription is not up after %.0fs: reading Redis meanwhile", wait)


async def verify_slice(spec: SliceSpec, progress: Callable[[int], None] | None = None) -> SliceResult:
    """Check every fan of ``spec`` (``concurrency`` at a time) and publish the verified ones;
    ``progress`` gets the number of fans checked so far."""
    cpu = time.process_time()
    conns = spec.connections
    target = TargetArtist(ids=spec.target_ids, name=spec.target_name)
    criteria = VerificationCriteria()
    tally = _Tally(progress)
    local = LocalCacheConfig(max_keys=100_000, ttl=spec.cache_ttl) if spec.cache_mode else None
    redis = Redis(
        url=conns.redis_url,
        read_only_url=conns.redis_replica_url,
        namespace=spec.redis_namespace,
        local_cache=local,
    )
    kafka = Kafka(brokers=conns.kafka_brokers, topic=spec.topic, registry_url=conns.registry_url)
    source = _client(spec)
    publisher = Publisher(kafka, batch_size=spec.batch_size, linger=_LINGER)
    try:
        await kafka.connect()
        if spec.cache_mode:
            await _start_tracking(redis, fan=spec.fans[0] if spec.fans else None)
        publish_task = asyncio.create_task(publisher.run())
        fans = iter(spec.fans)
        # The cache mode: a repeat is a fan coming back *after* the first check of it ended (a second
        # signup), not a duplicate request racing it, which would only join the load in flight.
        # Every first check is taken from the shared iterator before its repeats, so none waits on
        # a check that no worker has started.
        first_done = (
            {f.cache_key: asyncio.Event() for f in spec.fans if not f.repeat} if spec.cache_mode else {}
        )

        async def worker() -> None:
            for fan in fans:  # one shared iterator: each fan is taken by one worker
                done = first_done.get(fan.cache_key)
                if done is not None and fan.repeat:
                    await done.wait()
                try:
                    await _check(
                        fan,
                        spec=spec,
                        source=source,
                        redis=redis,
                        target=target,
                        criteria=criteria,
                        publisher=publisher,
                        tally=tally,
                    )
                finally:
                    if done is not None and not fan.repeat:
                        done.set()

        try:
            await asyncio.gather(*(worker() for _ in range(spec.concurrency)))
        finally:
            publisher.close()
            await publish_task
        info = redis.local_cache_info()
        local_hits = info.hits if info is not None else 0
        hit_path = None
        timing_start = time.perf_counter()
        if spec.cache_mode:
            keys = [f.cache_key for f in spec.fans if f.repeat][: spec.cache_samples]
            hit_path = await time_hit_path(
                redis,
                redis_url=conns.redis_url,
                namespace=spec.redis_namespace,
                keys=keys,
                ttl=spec.cache_ttl,
            )
        hit_path_seconds = time.perf_counter() - timing_start
    finally:
        await source.aclose()
        await kafka.disconnect()
        await redis.aclose()
    return SliceResult(
        platform=spec.platform,
        checked=tally.checked,
        verified=tally.verified,
        errors=tally.errors,
        hits=tally.hits,
        misses=tally.misses,
        published=publisher.published,
        batches=publisher.batches,
        send_seconds=round(publisher.send_seconds, 3),
        cpu_seconds=round(time.process_time() - cpu, 2),
        error_samples=tuple(tally.samples),
        local_hits=local_hits,
        hit_path=hit_path,
        hit_path_seconds=round(hit_path_seconds, 3),
    )


_shared_progress: Any = None  # a multiprocessing.Array of counters, set in each child process


def init_child(progress: Any, log_level: int) -> None:
    """Process-pool initializer: keep the shared progress counters, and log at the level the
    parent's ``verifiedfan`` logger had (a spawned child starts with a fresh logging tree)."""
    global _shared_progress
    _shared_progress = progress
    logging.getLogger("verifiedfan").setLevel(log_level)


def run_slice_in_process(spec: SliceSpec, slot: int) -> SliceResult:
    """The child-process entry point: run the slice on a new event loop, reporting progress in
    ``_shared_progress[slot]`` every few fans."""
    shared = _shared_progress

    def progress(done: int) -> None:
        if shared is not None and (done % _PROGRESS_EVERY == 0 or done == len(spec.fans)):
            shared[slot] = done

    result = asyncio.run(verify_slice(spec, progress))
    # the child's whole CPU time (imports included), so the parent can tell it from the sandboxes'
    return dataclasses.replace(result, cpu_seconds=round(time.process_time(), 2))
