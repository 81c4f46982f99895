"""A verification worker: one member of a Kafka consumer group, exactly once per request.

Each worker reads verification requests (JSON, key = fan id) from the requests topic, verifies
every fan of a batch on its music platform (profiles cached in Redis, as the one-process demo does)
and publishes a ``fan.verified`` Avro event per verified fan, keyed by fan and campaign. A batch is
one Kafka transaction: its events and the group's offsets after it are committed together, or
aborted together (and the batch read again), so a ``read_committed`` reader never sees an event
twice, even when a worker is killed mid-batch. Run it with ``vf worker --settings FILE`` (or the
``VF_WORKER_*`` environment) on any machine that reaches the servers and the platforms.

A fan checked again later (a repeat request) must not publish a second event. Each published fan
gets a marker in Redis holding the partition and offset of the request that published it; the
marker is written before the transaction commits, so it is trusted only when that offset is below
the batch's first offset on the same partition (every batch starts at the group's committed
position, so a lower offset belongs to a committed transaction; a higher one to an aborted one).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from verifiedfan.errors import VFError
from verifiedfan.http import UserToken
from verifiedfan.kafka import ConsumedMessage, JsonFormatter, Kafka, KafkaConsumer, TransactionError
from verifiedfan.music import (
    AppleMusic,
    Spotify,
    TargetArtist,
    VerificationCriteria,
    verify_fan,
)
from verifiedfan.redis import Redis

__all__ = ["PlatformAccess", "WorkerSettings", "WorkerStats", "run_worker"]

logger = logging.getLogger(__name__)

_CHUNK = 25  # events per send inside a transaction


class PlatformAccess(BaseModel):
    """One music platform's API: its URL, the app's credentials, and the campaign artist's id there."""

    api_url: str
    artist_id: str
    client_id: str = ""
    client_secret: SecretStr = SecretStr("")
    team_id: str = ""
    key_id: str = ""
    private_key: SecretStr = SecretStr("")


class WorkerSettings(BaseSettings):
    """What a worker needs (``VF_WORKER_*``, nested values as JSON, or a JSON file)."""

    model_config = SettingsConfigDict(env_prefix="VF_WORKER_", extra="forbid")

    worker_id: str
    kafka_brokers: str
    registry_url: str
    redis_url: SecretStr
    redis_namespace: str = "vf-worker:"
    requests_topic: str
    events_topic: str
    group_id: str
    campaign: str
    target_ids: list[str]
    target_name: str
    platforms: dict[str, PlatformAccess]
    concurrency: int = 64
    batch_size: int = 200
    cache_ttl: float = 600.0
    session_timeout: float = 6.0
    transaction_timeout: float = 60.0  # a batch must commit within it, or the broker aborts it

    @property
    def transactional_id(self) -> str:
        """Stable per worker slot: a restarted worker fences (and aborts) its dead predecessor's
        open transaction at once."""
        return f"{self.group_id}.{self.worker_id}"


@dataclass(kw_only=True, slots=True)
class WorkerStats:
    """What one worker did (printed as JSON when it stops)."""

    worker_id: str
    checked: int = 0
    verified: int = 0
    errors: int = 0
    published: int = 0
    repeats_skipped: int = 0
    cache_hits: int = 0
    cache_misses: int = 0
    transactions: int = 0
    aborted: int = 0
    cpu_seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def event_key(fan_id: str, campaign: str) -> str:
    """The stable key of a fan's ``fan.verified`` event for a campaign."""
    return f"{fan_id}@{campaign}"


def _client(platform: str, access: PlatformAccess, concurrency: int) -> Spotify | AppleMusic:
    if platform == "spotify":
        return Spotify(
            client_id=access.client_id,
            client_secret=access.client_secret.get_secret_value(),
            api_url=access.api_url,
            accounts_url=access.api_url,
            max_connections=concurrency,
        )
    return AppleMusic(
        team_id=access.team_id,
        key_id=access.key_id,
        private_key=access.private_key.get_secret_value(),
        api_url=access.api_url,
        max_connections=concurrency,
    )


class _Worker:
    def __init__(self, settings: WorkerSettings, stats: WorkerStats) -> None:
        self.s = settings
        self.stats = stats
        self.target = TargetArtist(ids=frozenset(settings.target_ids), name=settings.target_name)
        self.criteria = VerificationCriteria()
        self.clients = {p: _client(p, a, settings.concurrency) for p, a in settings.platforms.items()}
        self.redis = Redis(url=settings.redis_url.get_secret_value(), namespace=settings.redis_namespace)
        self.kafka = Kafka(
            brokers=settings.kafka_brokers,
            topic=settings.events_topic,
            registry_url=settings.registry_url,
            client_id=f"vf-worker-{settings.worker_id}",
            transactional_id=settings.transactional_id,
            transaction_timeout=settings.transaction_timeout,
        )
        timeout_ms = int(settings.session_timeout * 1000)
        self.consumer = KafkaConsumer(
            brokers=settings.kafka_brokers,
            topics=settings.requests_topic,
            group_id=settings.group_id,
            client_id=f"vf-worker-{settings.worker_id}",
            formatter=JsonFormatter(),
            auto_commit=False,
            batch_size=settings.batch_size,
            poll_timeout=0.2,
            message_context=None,
            consumer_config={
                "session.timeout.ms": timeout_ms,
                "heartbeat.interval.ms": max(100, timeout_ms // 6),
            },
        )
        self.gate = asyncio.Semaphore(settings.concurrency)

    async def aclose(self) -> None:
        await self.consumer.close()
        await self.kafka.disconnect()
        for client in self.clients.values():
            await client.aclose()
        await self.redis.aclose()

    async def _profile(self, request: dict[str, Any]) -> dict[str, Any] | None:
        platform, user = request["platform"], request["userId"]
        loaded = False

        async def load() -> dict[str, Any]:
            nonlocal loaded
            loaded = True
            token = UserToken(**request["token"])
            engagement = await self.clients[platform].get_fan_engagement(
                token, top_tracks=False, followed_artists=False, recently_played=False
            )
            result = verify_fan(engagement, artist=self.target, criteria=self.criteria)
            return {
                "userId": engagement.user.id,
                "verified": result.verified,
                "method": result.method,
                "score": result.verification_score,
            }

        async with self.gate:
            try:
                profile: dict[str, Any] = await self.redis.get_or_set(
                    f"{platform}:{user}", load, ttl=self.s.cache_ttl
                )
            except VFError as exc:
                self.stats.errors += 1
                logger.warning("%s:%s: %s: %s", platform, user, type(exc).__name__, exc)
                return None
        self.stats.cache_misses += loaded  # per attempt: a batch read again counts again
        self.stats.cache_hits += not loaded
        return profile

    async def handle(self, batch: list[ConsumedMessage]) -> None:
        """Verify a batch in one transaction: each verified fan's event is sent as soon as it is
        known (in chunks), then the batch's offsets, then the commit."""
        first: dict[int, int] = {}  # per partition, the batch's first offset: the committed position
        for m in batch:
            first.setdefault(m.partition, m.offset)
        keys = [self._marker(m.value) for m in batch]
        markers = dict(zip(keys, await self.redis.mget(keys), strict=True))
        claimed: set[str] = set()
        pending: list[dict[str, Any]] = []
        sends: list[asyncio.Task[Any]] = []
        counts = {"verified": 0, "skipped": 0, "published": 0}

        def send(final: bool = False) -> None:
            if pending and (final or len(pending) >= _CHUNK):
                sends.append(asyncio.ensure_future(self.kafka.send_messages(list(pending))))
                counts["published"] += len(pending)
                pending.clear()

        async def check(m: ConsumedMessage, key: str) -> None:
            profile = await self._profile(m.value)
            if profile is None or not profile["verified"]:
                return
            counts["verified"] += 1
            marker = markers[key]
            committed = isinstance(marker, dict) and (
                marker.get("p") != m.partition or int(marker.get("o", 0)) < first[m.partition]
            )
            if committed or key in claimed:  # published by a committed transaction, or in this batch
                counts["skipped"] += 1
                return
            claimed.add(key)
            try:
                await self.redis.set(key, {"p": m.partition, "o": m.offset}, ttl=self.s.cache_ttl)
            except VFError as exc:  # no marker, no event: the whole batch is aborted and read again
                failures.append(exc)
                return
            pending.append(self._event(m.value, profile))
            send()

        failures: list[BaseException] = []
        await self.kafka.begin_transaction()
        await asyncio.gather(*(check(m, k) for m, k in zip(batch, keys, strict=True)))
        if not failures:
            send(final=True)
        # every send acknowledged (or failed) before the commit or the abort
        failures += [
            r for r in await asyncio.gather(*sends, return_exceptions=True) if isinstance(r, BaseException)
        ]
        if failures:
            raise failures[0]
        await self.kafka.send_offsets_to_transaction(self.consumer, batch)
        await self.kafka.commit_transaction()
        self.stats.checked += len(batch)  # counted once committed: an aborted batch is read again
        self.stats.verified += counts["verified"]
        self.stats.repeats_skipped += counts["skipped"]
        self.stats.published += counts["published"]
        self.stats.transactions += 1

    def _marker(self, request: dict[str, Any]) -> str:
        return f"published:{self.s.campaign}:{request['platform']}:{request['userId']}"

    def _event(self, request: dict[str, Any], profile: dict[str, Any]) -> dict[str, Any]:
        platform = request["platform"]
        fan_id = f"{platform}:{request['userId']}"
        return {
            "key": event_key(fan_id, self.s.campaign),
            "value": {
                "userId": profile["userId"],
                "artistId": self.s.platforms[platform].artist_id,
                "verifiedAt": int(datetime.now(UTC).timestamp() * 1000),
                "verificationMethod": f"{platform}:{profile['method']}",
                "status": "VERIFIED",
                "verificationScore": float(profile["score"]),
            },
        }

    async def run(self, stop: asyncio.Event, on_ready: Callable[[], None] | None) -> None:
        started = time.perf_counter()
        await self.kafka.connect()  # init_transactions: fences an older instance of this slot
        logger.info("worker %s: producer ready after %.2f s", self.s.worker_id, time.perf_counter() - started)
        await self.consumer.connect()
        logger.info("worker %s: consumer ready after %.2f s", self.s.worker_id, time.perf_counter() - started)
        while not stop.is_set():
            batch = await self.consumer.fetch()
            if on_ready is not None:  # polled once: joined the group
                on_ready()
                on_ready = None
            if not batch:
                continue
            if not self.stats.transactions:
                logger.info("worker %s: first batch of %d", self.s.worker_id, len(batch))
            try:
                await self.handle(batch)
            except VFError as exc:  # a Kafka, Redis or platform failure: abort, read the batch again
                if isinstance(exc, TransactionError) and exc.fatal:
                    raise
                logger.warning("worker %s: batch aborted, read again: %s", self.s.worker_id, exc)
                if self.kafka.in_transaction:
                    await self.kafka.abort_transaction()
                await self.consumer.rewind()
                self.stats.aborted += 1


async def run_worker(
    settings: WorkerSettings,
    *,
    stop: asyncio.Event | None = None,
    on_ready: Callable[[], None] | None = None,
) -> WorkerStats:
    """Run one worker until ``stop`` is set (or SIGTERM/SIGINT, when ``stop`` is not given);
    ``on_ready`` is called once the worker is connected and has polled the group once."""
    cpu = time.process_time()
    stats = WorkerStats(worker_id=settings.worker_id)
    loop = asyncio.get_running_loop()
    own_signals = stop is None
    stop = stop or asyncio.Event()
    if own_signals:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
    worker = _Worker(settings, stats)
    try:
        await worker.run(stop, on_ready)
    finally:
        with contextlib.suppress(VFError):
            await worker.aclose()
        if own_signals:
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(sig)
        stats.cpu_seconds = round(time.process_time() - cpu, 2)
    return stats
