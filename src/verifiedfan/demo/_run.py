"""``run_demo``: workflow 1 end to end against real servers and the sandbox music APIs.

Phases: bring up the stack (Redis, Kafka, the schema registry), start the Spotify and Apple Music
sandboxes as child processes and mint tokens for the crowd, create the run's topic and register
the ``fan.verified`` schema, then verify the crowd on both platforms at once (one slice per
platform, each in a process of its own by default: each fan's profile cached in Redis with
``get_or_set``, every verified fan published as an Avro event, in batches) while a consumer reads
the events back; meanwhile a campaign consumer (``_campaign``) gives each verified fan a presale
code from PACMAN and sends the presale email through the SFMC sandbox, and is stopped and
restarted once mid-run to show that a replay sends no email twice. Finally delete the topic, the
subject and the keys, stop the sandboxes and release the servers this run started.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from verifiedfan.demo._campaign import CampaignConsumer, CampaignTally
from verifiedfan.demo._crowd import PLATFORMS, plan_crowd
from verifiedfan.demo._events import analytics_consumer, consume_events, create_topic, delete_topic
from verifiedfan.demo._models import (
    CachePathReport,
    DemoConnections,
    DemoOptions,
    DemoResult,
    EmailCounts,
    PhaseTiming,
    PlatformCounts,
)
from verifiedfan.demo._slice import SliceResult, SliceSpec, init_child, run_slice_in_process, verify_slice
from verifiedfan.demo._stack import StackLease, bring_up
from verifiedfan.errors import VFError
from verifiedfan.kafka import Kafka, SchemaRegistryClient
from verifiedfan.music import FAN_VERIFIED_SCHEMA
from verifiedfan.partners import Sfmc
from verifiedfan.redis import Redis
from verifiedfan.stack import StackSettings
from verifiedfan.testing.sandbox import AppleMusicSandbox, Sandbox, SfmcSandbox, SpotifySandbox

__all__ = ["ProgressCallback", "run_demo"]

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]
"""Called as fans are checked, with (checks done, checks in all)."""


class _Phases:
    def __init__(self, on_phase: Callable[[str], None] | None) -> None:
        self.items: list[PhaseTiming] = []
        self._on_phase = on_phase

    @contextlib.contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        if self._on_phase is not None:
            self._on_phase(name)
        start = time.perf_counter()
        try:
            yield
        finally:
            self.items.append(PhaseTiming(name, round(time.perf_counter() - start, 3)))


def _children_cpu() -> float:
    times = os.times()
    return times.children_user + times.children_system


async def run_demo(
    options: DemoOptions | None = None,
    *,
    connections: DemoConnections | None = None,
    stack_settings: StackSettings | None = None,
    on_progress: ProgressCallback | None = None,
    on_phase: Callable[[str], None] | None = None,
) -> DemoResult:
    """Run workflow 1 for ``options.fans`` sandbox fans and return what happened.

    With ``connections`` the servers are used as they are; without, the servers are brought up
    through :class:`~verifiedfan.stack.Stack` (``stack_settings``) and those this run started are
    stopped at the end. Everything the run creates (topic, subject, keys) is deleted at the end.
    """
    opts = options or DemoOptions()
    phases = _Phases(on_phase)
    run_start = time.perf_counter()
    lease: StackLease | None = None
    if connections is None:
        with phases("stack up"):
            lease = await asyncio.to_thread(bring_up, stack_settings)
        connections = lease.connections
    try:
        return await _run(opts, connections, phases, run_start, lease, on_progress)
    finally:
        if lease is not None:
            await asyncio.to_thread(lease.release)


async def _verify(
    specs: list[SliceSpec], *, parallel: bool, total: int, on_progress: ProgressCallback | None
) -> list[SliceResult]:
    if not parallel:
        done = dict.fromkeys(range(len(specs)), 0)

        def progress_of(slot: int) -> Callable[[int], None]:
            def progress(n: int) -> None:
                done[slot] = n
                if on_progress is not None:
                    on_progress(sum(done.values()), total)

            return progress

        return list(await asyncio.gather(*(verify_slice(s, progress_of(i)) for i, s in enumerate(specs))))
    ctx = multiprocessing.get_context("spawn")  # the parent has threads: never fork it
    shared: Any = ctx.Array("q", len(specs), lock=False)
    level = logging.getLogger("verifiedfan").getEffectiveLevel()
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(
        max_workers=len(specs), mp_context=ctx, initializer=init_child, initargs=(shared, level)
    ) as pool:
        futures = [loop.run_in_executor(pool, run_slice_in_process, s, i) for i, s in enumerate(specs)]
        waiting = asyncio.gather(*futures)
        while not waiting.done():
            await asyncio.wait([waiting], timeout=0.1)
            if on_progress is not None:
                on_progress(sum(shared), total)
        return list(waiting.result())


async def _run(
    opts: DemoOptions,
    conns: DemoConnections,
    phases: _Phases,
    run_start: float,
    lease: StackLease | None,
    on_progress: ProgressCallback | None,
) -> DemoResult:
    run_id = uuid.uuid4().hex[:10]
    topic = f"vf-demo-fan-verified-{run_id}"
    namespace = f"vf-demo:{run_id}:"
    # the cache mode's repeats pick fans whose first check is a few rounds of checks back
    hot_gap = 4 * opts.concurrency if opts.cache_mode else None
    crowd = plan_crowd(opts.fans, repeat_ratio=opts.repeat_ratio, seed=opts.seed, hot_gap=hot_gap)
    unique = sorted({(f.platform, f.user_id) for f in crowd})
    cpu_children = _children_cpu()
    spotify_sb = SpotifySandbox(process=True, seed=opts.seed)
    apple_sb = AppleMusicSandbox(process=True, seed=opts.seed)
    sandboxes: dict[str, Sandbox] = {"spotify": spotify_sb, "apple_music": apple_sb}
    sfmc_sb = SfmcSandbox(process=True, seed=opts.seed) if opts.emails else None
    running: list[Any] = [*sandboxes.values(), *([sfmc_sb] if sfmc_sb is not None else [])]
    created_topic = False
    campaign: _Campaign | None = None
    try:
        with phases("sandboxes + tokens"):
            await asyncio.gather(*(asyncio.to_thread(s.start) for s in running))
            info = spotify_sb.info()["target_artist"]
            artist_ids = {"spotify": str(info["spotify_id"]), "apple_music": str(info["apple_id"])}
            key = apple_sb.developer_key
            credentials = {
                "spotify": {"client_id": spotify_sb.client_id, "client_secret": spotify_sb.client_secret},
                "apple_music": {"team_id": key.team_id, "key_id": key.key_id, "private_key": key.private_key},
            }
            specs = []
            for platform in PLATFORMS:
                fans = tuple(f for f in crowd if f.platform == platform)
                ids = sorted({f.user_id for f in fans})
                minted = await asyncio.to_thread(sandboxes[platform].mint_tokens, ids)
                specs.append(
                    SliceSpec(
                        platform=platform,
                        fans=fans,
                        tokens=dict(zip(ids, minted, strict=True)),
                        api_url=sandboxes[platform].url,
                        credentials=credentials[platform],
                        # Apple Music library songs name their artist without an id: match by name too
                        target_ids=frozenset(artist_ids.values()),
                        target_name=str(info["name"]),
                        artist_id=artist_ids[platform],
                        connections=conns,
                        redis_namespace=namespace,
                        topic=topic,
                        concurrency=opts.concurrency,
                        batch_size=opts.batch_size,
                        cache_ttl=opts.cache_ttl,
                        cache_mode=opts.cache_mode,
                        cache_samples=opts.cache_samples,
                    )
                )
        with phases("topic + schema"):
            await create_topic(conns.kafka_brokers, topic)
            created_topic = True
            async with Kafka(
                brokers=conns.kafka_brokers, topic=topic, registry_url=conns.registry_url
            ) as kafka:
                await kafka.register_schema(FAN_VERIFIED_SCHEMA)
            consumer = analytics_consumer(conns.kafka_brokers, conns.registry_url, topic, run_id)
            await consumer.connect()
            if sfmc_sb is not None:
                campaign = _Campaign(sfmc_sb, conns, topic, namespace, run_id, opts, len(crowd))
        published: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        consumer_task = asyncio.create_task(
            consume_events(consumer, published=published, give_up_after=opts.consume_timeout)
        )
        campaign_task = (
            asyncio.create_task(campaign.consumer.run(published, give_up_after=opts.consume_timeout))
            if campaign is not None
            else None
        )
        try:
            cpu = time.process_time()
            with phases("verify + publish" + (" + hit-path timing" if opts.cache_mode else "")):
                verify_start = time.perf_counter()
                slices = await _verify(
                    specs, parallel=opts.parallel, total=len(crowd), on_progress=on_progress
                )
                # the cache mode's hit-path timing runs at each slice's end: not verification time
                timing = max((s.hit_path_seconds for s in slices), default=0.0)
                verify_seconds = time.perf_counter() - verify_start - timing
            sent = sum(s.published.total() for s in slices)
            published.set_result(sent)
            with phases("consume (after last publish)"):
                seen = await consumer_task
                tally = await campaign_task if campaign_task is not None else None
            parent_cpu = time.process_time() - cpu
        finally:
            if not published.done():  # verification failed: stop the consumers, keep the error
                published.set_result(0)
                for task in (consumer_task, campaign_task):
                    if task is not None:
                        task.cancel()
                        with contextlib.suppress(asyncio.CancelledError, VFError):
                            await task
            await consumer.close()
        requests = {p: s.stats().get("api_requests", 0) for p, s in sandboxes.items()}
        emails = await campaign.counts(tally, seen) if campaign is not None and tally is not None else None
    finally:
        with phases("cleanup"):
            if created_topic:
                await delete_topic(conns.kafka_brokers, topic)
                await _delete_subject(conns.registry_url, f"{topic}-value")
            code_keys = campaign.code_keys() if campaign is not None else []
            await _delete_keys(conns, namespace, [f"{p}:{u}" for p, u in unique] + code_keys)
            if campaign is not None:
                await campaign.aclose()
            await asyncio.gather(*(asyncio.to_thread(s.stop) for s in running))
    children_cpu = _children_cpu() - cpu_children  # the sandboxes, and the slices' processes
    slices_cpu = sum(s.cpu_seconds for s in slices) if opts.parallel else 0.0
    all_published: Counter[tuple[str, str]] = Counter()
    for s in slices:
        all_published.update(s.published)
    verified = sum(s.verified for s in slices)
    errors = sum(s.errors for s in slices)
    return DemoResult(
        artist=str(info["name"]),
        fans_checked=sum(s.checked for s in slices),
        unique_fans=len(unique),
        repeated_checks=sum(f.repeat for f in crowd),
        verified=verified,
        not_verified=sum(s.checked for s in slices) - verified - errors,
        errors=errors,
        events_published=sent,
        events_consumed=seen.total(),
        events_match=seen == all_published,
        cache_hits=sum(s.hits for s in slices),
        cache_misses=sum(s.misses for s in slices),
        verify_seconds=round(verify_seconds, 3),
        total_seconds=round(time.perf_counter() - run_start, 3),
        client_cpu_seconds=round(parent_cpu + slices_cpu, 2),
        sandbox_cpu_seconds=round(children_cpu - slices_cpu, 2),
        topic=topic,
        servers_started=lease.started if lease is not None else (),
        kafka_batches=sum(s.batches for s in slices),
        kafka_send_seconds=round(sum(s.send_seconds for s in slices), 3),
        platforms=tuple(
            PlatformCounts(
                platform=s.platform,
                checked=s.checked,
                verified=s.verified,
                errors=s.errors,
                api_requests=requests[s.platform],
            )
            for s in slices
        ),
        phases=tuple(phases.items),
        error_samples=tuple(e for s in slices for e in s.error_samples),
        emails=emails,
        cache_path=_cache_path(slices) if opts.cache_mode else None,
    )


def _cache_path(slices: list[SliceResult]) -> CachePathReport:
    ours: list[float] = []
    raw: list[float] = []
    for s in slices:
        if s.hit_path is not None:
            ours += s.hit_path.ours_us
            raw += s.hit_path.raw_us
    return CachePathReport.from_samples(
        ours,
        raw,
        sample_misses=sum(s.hit_path.misses for s in slices if s.hit_path is not None),
        local_hits=sum(s.local_hits for s in slices),
    )


class _Campaign:
    """The campaign consumer of a run with its clients (SFMC on the sandbox, Redis for the codes)."""

    def __init__(
        self,
        sandbox: SfmcSandbox,
        conns: DemoConnections,
        topic: str,
        namespace: str,
        run_id: str,
        opts: DemoOptions,
        checks: int,
    ) -> None:
        self.sandbox = sandbox
        self.sfmc = Sfmc(
            client_id=sandbox.client_id,
            client_secret=sandbox.client_secret,
            auth_base_url=sandbox.url,
            account_id=sandbox.account_id,
        )
        self.redis = Redis(url=conns.redis_url, namespace=namespace)
        self.consumer = CampaignConsumer(
            connections=conns,
            topic=topic,
            group_id=f"vf-demo-campaign-{run_id}",
            campaign=f"vf-demo-{run_id}",
            sfmc=self.sfmc,
            redis=self.redis,
            # stop it after about a sixth of the checks' events: mid-run for a usual verified share
            restart_after=max(1, checks // 6) if opts.restart_campaign else None,
        )

    def code_keys(self) -> list[str]:
        return sorted(self.consumer.tally.code_keys)

    async def counts(self, tally: CampaignTally, seen: Counter[tuple[str, str]]) -> EmailCounts:
        outbox = await asyncio.to_thread(self.sandbox.outbox)
        stats = await asyncio.to_thread(self.sandbox.stats)
        routes = (await asyncio.to_thread(self.sandbox.counts))["routes"]
        per_fan = Counter(m["contactKey"] for m in outbox)
        return EmailCounts(
            sent=len(outbox),
            verified_fans=len({user for user, _ in seen}),
            unique_codes=len({m["attributes"].get("PresaleCode") for m in outbox}),
            sent_twice=sum(1 for n in per_fan.values() if n > 1),
            duplicates_refused=stats.get("duplicates", 0),
            events_read=tally.events_read,
            events_replayed=tally.events_replayed,
            restarts=tally.restarts,
            send_calls=routes.get("POST /messaging/v1/email/messages", 0),
        )

    async def aclose(self) -> None:
        await self.sfmc.aclose()
        await self.redis.aclose()


async def _delete_subject(registry_url: str, subject: str) -> None:
    async with SchemaRegistryClient(url=registry_url) as registry:
        try:
            await registry.delete_subject(subject, permanent=True)
        except VFError as exc:
            logger.warning("could not delete subject %s: %s", subject, exc)


async def _delete_keys(conns: DemoConnections, namespace: str, keys: list[str], chunk: int = 1000) -> None:
    async with Redis(url=conns.redis_url, namespace=namespace) as redis:
        for start in range(0, len(keys), chunk):
            try:
                await redis.delete(*keys[start : start + chunk])
            except VFError as exc:
                logger.warning("could not delete demo keys: %s", exc)
                return
