"""``vf demo --workers N``: the crowd as verification requests on Kafka, verified by a consumer
group of N worker processes (:mod:`verifiedfan.demo._worker`, started as ``vf worker``).

The run produces one request per check to a requests topic (key = fan id), starts N workers with
their settings in a private file, follows the group's committed offsets until every request is
handled (optionally SIGKILLing one worker on the way: its open transaction is fenced at once, as a
restarted worker would, and the others take its partitions over after the rebalance), stops the
workers (SIGTERM, by pid), then reads the events topic as a ``read_committed`` consumer would and
counts the events per key: every fan the cache says is verified must have exactly one event.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from verifiedfan._optional import require
from verifiedfan.demo._crowd import PLATFORMS, CrowdFan, plan_crowd
from verifiedfan.demo._events import analytics_consumer, create_topic, delete_topic
from verifiedfan.demo._models import DemoConnections
from verifiedfan.demo._stack import StackLease, bring_up
from verifiedfan.demo._worker import PlatformAccess, WorkerSettings, event_key
from verifiedfan.errors import ValidationError, VFError
from verifiedfan.kafka import JsonFormatter, Kafka, SchemaRegistryClient
from verifiedfan.music import FAN_VERIFIED_SCHEMA
from verifiedfan.redis import Redis
from verifiedfan.stack import StackSettings
from verifiedfan.testing.sandbox import AppleMusicSandbox, Sandbox, SpotifySandbox

__all__ = ["WorkersOptions", "WorkersResult", "run_workers_demo"]

logger = logging.getLogger(__name__)

_TICK = 0.1


@dataclass(frozen=True, kw_only=True, slots=True)
class WorkersOptions:
    """``fans`` checks by ``workers`` processes; ``kill_after`` (0..1) SIGKILLs one worker once that
    share of the requests is committed. ``partitions`` of the requests topic (default: 8, at least
    one per worker); ``batch_size``: most requests per transaction."""

    fans: int = 2000
    workers: int = 2
    repeat_ratio: float = 0.1
    seed: int = 7
    concurrency: int = 64
    batch_size: int = 100
    partitions: int = 0
    kill_after: float | None = None
    timeout: float = 180.0

    def __post_init__(self) -> None:
        if self.fans < 1 or self.workers < 1:
            raise ValidationError("fans and workers must be >= 1")
        if self.kill_after is not None and not (0.0 < self.kill_after < 1.0 and self.workers >= 2):
            raise ValidationError("kill_after must be between 0 and 1, with at least 2 workers")


@dataclass(frozen=True, kw_only=True, slots=True)
class WorkersResult:
    """What a workers run did. ``expected_fans``: unique fans whose cached profile says verified;
    ``missing``/``unexpected``: fans without an event / events for fans not verified;
    ``duplicates``: events beyond the first per key (fan and campaign); ``events_in_log``: what a
    ``read_uncommitted`` reader sees, aborted transactions' events included (more than ``events``
    when a killed worker's open transaction had sent some)."""

    workers: int
    partitions: int
    requests: int
    unique_fans: int
    committed: int
    expected_fans: int
    events: int
    distinct_keys: int
    duplicates: int
    missing: int
    unexpected: int
    killed: str | None
    committed_at_kill: int
    events_in_log: int
    verify_seconds: float
    first_commit_seconds: float
    total_seconds: float
    client_cpu_seconds: float
    sandbox_cpu_seconds: float
    load_average: tuple[float, float, float]
    worker_stats: tuple[dict[str, Any], ...] = field(default=())

    @property
    def verifications_per_second(self) -> float:
        return self.requests / self.verify_seconds if self.verify_seconds > 0 else 0.0

    @property
    def errors(self) -> int:
        return sum(int(s.get("errors", 0)) for s in self.worker_stats)

    @property
    def ok(self) -> bool:
        """Every request handled, every verified fan has exactly one event, and nothing else."""
        return (
            self.committed == self.requests
            and self.missing == 0
            and self.unexpected == 0
            and self.duplicates == 0
            and self.errors == 0
        )

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["verifications_per_second"] = round(self.verifications_per_second, 1)
        out["errors"] = self.errors
        out["ok"] = self.ok
        return out

    def summary_rows(self) -> list[tuple[str, str]]:
        return [
            ("workers (consumer group)", f"{self.workers} on {self.partitions} partitions"),
            (
                "requests committed",
                f"{self.committed:,} of {self.requests:,} ({self.unique_fans:,} unique fans)",
            ),
            (
                "worker killed (SIGKILL)",
                f"{self.killed} at {self.committed_at_kill:,} committed" if self.killed else "none",
            ),
            ("verified fans (cache)", f"{self.expected_fans:,}"),
            ("fan.verified events", f"{self.events:,} ({self.distinct_keys:,} keys)"),
            ("events in the log, aborted included", f"{self.events_in_log:,}"),
            ("duplicates / missing / unexpected", f"{self.duplicates} / {self.missing} / {self.unexpected}"),
            ("errors", f"{self.errors:,}"),
            ("verifications per second", f"{self.verifications_per_second:,.0f}"),
            (
                "verify time (first commit)",
                f"{self.verify_seconds:.1f} s ({self.first_commit_seconds:.1f} s)",
            ),
            (
                "client CPU / sandbox CPU",
                f"{self.client_cpu_seconds:.1f} s / {self.sandbox_cpu_seconds:.1f} s",
            ),
            ("load average", " ".join(f"{x:.2f}" for x in self.load_average)),
            ("total time", f"{self.total_seconds:.1f} s"),
        ]


def _cpu_of(pid: int) -> float:
    """utime + stime of a live process, from /proc (0 where there is no /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children_cpu() -> float:
    t = os.times()
    return t.children_user + t.children_system


class _Group:
    """The worker processes, started and stopped by pid."""

    def __init__(self) -> None:
        self.procs: dict[str, asyncio.subprocess.Process] = {}
        self.stats: list[dict[str, Any]] = []
        self.killed_cpu = 0.0

    async def start(self, worker_id: str, settings_path: Path) -> None:
        argv = [sys.executable, "-m", "verifiedfan.cli.main", "worker", "--settings", str(settings_path)]
        self.procs[worker_id] = await asyncio.create_subprocess_exec(
            *argv, stdout=asyncio.subprocess.PIPE, stdin=asyncio.subprocess.DEVNULL
        )

    async def ready(self) -> None:
        """Wait for every worker's ``ready`` line (connected, and polled the group once)."""

        async def one(worker_id: str, proc: asyncio.subprocess.Process) -> None:
            assert proc.stdout is not None
            line = await proc.stdout.readline()
            if line.strip() != b"ready":
                raise VFError(f"worker {worker_id} did not start (exit status {await proc.wait()})")

        await asyncio.gather(*(one(w, p) for w, p in self.procs.items()))

    async def kill(self, worker_id: str) -> None:
        proc = self.procs.pop(worker_id)
        self.killed_cpu += _cpu_of(proc.pid)
        proc.send_signal(signal.SIGKILL)
        await proc.communicate()  # reaped, and its stdout pipe closed

    def dead(self) -> list[str]:
        return [w for w, p in self.procs.items() if p.returncode is not None]

    async def stop(self, grace: float = 30.0) -> None:
        for proc in self.procs.values():
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs.values():
            try:
                out, _ = await asyncio.wait_for(proc.communicate(), grace)
            except TimeoutError:
                proc.send_signal(signal.SIGKILL)
                await proc.communicate()
                continue
            lines = [ln for ln in out.decode().splitlines() if ln.startswith("{")]
            if lines:
                self.stats.append(json.loads(lines[-1]))
        self.procs.clear()


class _Progress:
    """The group's committed offsets on the requests topic (OffsetFetch only: never joins)."""

    def __init__(self, brokers: str, group: str, topic: str, partitions: int) -> None:
        kafka = require("confluent_kafka", "kafka")
        # read_uncommitted: the OffsetFetch does not wait for a transaction's pending offsets
        conf = {"bootstrap.servers": brokers, "group.id": group, "isolation.level": "read_uncommitted"}
        self._probe = kafka.Consumer({**conf, "log_level": 3})
        self._tps = [kafka.TopicPartition(topic, p) for p in range(partitions)]
        self._failed = kafka.KafkaException
        self._last = 0

    def committed(self) -> int:
        """The committed offsets' sum (the last known one when the broker does not answer in time)."""
        try:
            self._last = sum(max(tp.offset, 0) for tp in self._probe.committed(self._tps, timeout=5))
        except self._failed as exc:
            logger.info("committed offsets not read: %s", exc)
        return self._last

    def close(self) -> None:
        self._probe.close()


async def run_workers_demo(
    options: WorkersOptions,
    *,
    connections: DemoConnections | None = None,
    stack_settings: StackSettings | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> WorkersResult:
    """Run the crowd through ``options.workers`` worker processes and check the events."""
    start = time.perf_counter()
    lease: StackLease | None = None
    if connections is None:
        lease = await asyncio.to_thread(bring_up, stack_settings)
        connections = lease.connections
    try:
        return await _run(options, connections, start, on_progress)
    finally:
        if lease is not None:
            await asyncio.to_thread(lease.release)


async def _run(
    opts: WorkersOptions,
    conns: DemoConnections,
    start: float,
    on_progress: Callable[[int, int], None] | None,
) -> WorkersResult:
    run_id = uuid.uuid4().hex[:10]
    requests_topic, events_topic = f"vf-demo-requests-{run_id}", f"vf-demo-fan-verified-{run_id}"
    namespace, group, campaign = f"vf-demo:{run_id}:", f"vf-demo-workers-{run_id}", f"vf-demo-{run_id}"
    partitions = opts.partitions or max(8, opts.workers)
    crowd = plan_crowd(opts.fans, repeat_ratio=opts.repeat_ratio, seed=opts.seed)
    unique: list[tuple[str, str]] = sorted({(f.platform, f.user_id) for f in crowd})
    cpu_children = _children_cpu()
    sandboxes: dict[str, Sandbox] = {
        "spotify": SpotifySandbox(process=True, seed=opts.seed),
        "apple_music": AppleMusicSandbox(process=True, seed=opts.seed),
    }
    group_procs = _Group()
    topics: list[str] = []
    tmp = tempfile.TemporaryDirectory(prefix="vf-workers-")
    try:
        await asyncio.gather(*(asyncio.to_thread(s.start) for s in sandboxes.values()))
        spotify, apple = sandboxes["spotify"], sandboxes["apple_music"]
        assert isinstance(spotify, SpotifySandbox)
        assert isinstance(apple, AppleMusicSandbox)
        info = spotify.info()["target_artist"]
        key = apple.developer_key
        access = {
            "spotify": PlatformAccess(
                api_url=spotify.url,
                artist_id=str(info["spotify_id"]),
                client_id=spotify.client_id,
                client_secret=spotify.client_secret,  # type: ignore[arg-type]  # pydantic makes it a SecretStr
            ),
            "apple_music": PlatformAccess(
                api_url=apple.url,
                artist_id=str(info["apple_id"]),
                team_id=key.team_id,
                key_id=key.key_id,
                private_key=key.private_key,  # type: ignore[arg-type]
            ),
        }
        tokens: dict[tuple[str, str], Any] = {}
        for platform in PLATFORMS:
            ids = sorted({u for p, u in unique if p == platform})
            minted = await asyncio.to_thread(sandboxes[platform].mint_tokens, ids)
            tokens.update({(platform, u): t for u, t in zip(ids, minted, strict=True)})
        await create_topic(conns.kafka_brokers, requests_topic, partitions=partitions)
        topics.append(requests_topic)
        await create_topic(conns.kafka_brokers, events_topic)
        topics.append(events_topic)
        async with Kafka(
            brokers=conns.kafka_brokers, topic=events_topic, registry_url=conns.registry_url
        ) as k:
            await k.register_schema(FAN_VERIFIED_SCHEMA)
        base = WorkerSettings(
            worker_id="0",
            kafka_brokers=conns.kafka_brokers,
            registry_url=conns.registry_url,
            redis_url=conns.redis_url,  # type: ignore[arg-type]
            redis_namespace=namespace,
            requests_topic=requests_topic,
            events_topic=events_topic,
            group_id=group,
            campaign=campaign,
            target_ids=sorted({str(info["spotify_id"]), str(info["apple_id"])}),
            target_name=str(info["name"]),
            platforms=access,
            concurrency=opts.concurrency,
            batch_size=opts.batch_size,
        )
        for i in range(opts.workers):
            path = Path(tmp.name) / f"worker-{i}.json"
            path.touch(mode=0o600)
            path.write_text(_settings_json(base.model_copy(update={"worker_id": str(i)})))
            await group_procs.start(str(i), path)
        async with asyncio.timeout(opts.timeout):
            await group_procs.ready()
        verify_start = time.perf_counter()  # the workers are up: time the requests only
        await _produce_requests(conns.kafka_brokers, requests_topic, crowd, tokens)
        progress = _Progress(conns.kafka_brokers, group, requests_topic, partitions)
        try:
            killed, first_commit, committed, at_kill = None, 0.0, 0, 0
            while committed < len(crowd):
                await asyncio.sleep(_TICK)
                if time.perf_counter() - verify_start > opts.timeout:
                    raise VFError(f"workers: {committed} of {len(crowd)} requests after {opts.timeout:g} s")
                if group_procs.dead():
                    raise VFError(f"worker(s) {group_procs.dead()} exited before the end")
                committed = await asyncio.to_thread(progress.committed)
                if committed and not first_commit:
                    first_commit = time.perf_counter() - verify_start
                if on_progress is not None:
                    on_progress(committed, len(crowd))
                if (
                    opts.kill_after is not None
                    and killed is None
                    and committed >= opts.kill_after * len(crowd)
                ):
                    killed, at_kill = "0", committed
                    await group_procs.kill(killed)
                    dead = base.model_copy(update={"worker_id": killed})
                    await _fence(conns, dead.transactional_id, events_topic)
        finally:
            await asyncio.to_thread(progress.close)
        verify_seconds = time.perf_counter() - verify_start
        await group_procs.stop()
        keys, in_log = await asyncio.gather(
            _read_events(conns, events_topic, f"{run_id}-committed", "read_committed"),
            _read_events(conns, events_topic, f"{run_id}-all", "read_uncommitted"),
        )
        expected = await _verified_fans(conns, namespace, unique)
    finally:
        await group_procs.stop(grace=5.0)
        for topic in topics:
            await delete_topic(conns.kafka_brokers, topic)
        if topics:
            await _cleanup(conns, namespace, campaign, unique, f"{events_topic}-value")
        await asyncio.gather(*(asyncio.to_thread(s.stop) for s in sandboxes.values()))
        tmp.cleanup()
    workers_cpu = sum(float(s.get("cpu_seconds", 0.0)) for s in group_procs.stats) + group_procs.killed_cpu
    wanted = {event_key(f"{p}:{u}", campaign) for p, u in expected}
    return WorkersResult(
        workers=opts.workers,
        partitions=partitions,
        requests=len(crowd),
        unique_fans=len(unique),
        committed=committed,
        expected_fans=len(expected),
        events=sum(keys.values()),
        distinct_keys=len(keys),
        duplicates=sum(n - 1 for n in keys.values()),
        missing=len(wanted - set(keys)),
        unexpected=len(set(keys) - wanted),
        killed=killed,
        committed_at_kill=at_kill,
        events_in_log=sum(in_log.values()),
        verify_seconds=round(verify_seconds, 3),
        first_commit_seconds=round(first_commit, 3),
        total_seconds=round(time.perf_counter() - start, 3),
        client_cpu_seconds=round(workers_cpu, 2),
        sandbox_cpu_seconds=round(_children_cpu() - cpu_children - workers_cpu, 2),
        load_average=tuple(round(x, 2) for x in os.getloadavg()),  # type: ignore[arg-type]
        worker_stats=tuple(group_procs.stats),
    )


async def _produce_requests(
    brokers: str, topic: str, crowd: list[CrowdFan], tokens: dict[tuple[str, str], Any]
) -> None:
    """One verification request per check, keyed by fan id (a fan's requests share a partition)."""
    async with Kafka(brokers=brokers, topic=topic, formatter=JsonFormatter()) as kafka:
        for at in range(0, len(crowd), 2000):
            chunk = crowd[at : at + 2000]
            await kafka.send_messages(
                [{"key": f.cache_key, "value": _request(f, tokens[(f.platform, f.user_id)])} for f in chunk]
            )


def _request(fan: CrowdFan, token: Any) -> dict[str, Any]:
    return {
        "platform": fan.platform,
        "userId": fan.user_id,
        "token": {
            "access_token": token.access_token,
            "refresh_token": token.refresh_token,
            "expires_at": token.expires_at,
        },
    }


def _settings_json(settings: WorkerSettings) -> str:
    data = settings.model_dump(mode="json")
    data["redis_url"] = settings.redis_url.get_secret_value()
    for name, platform in settings.platforms.items():
        data["platforms"][name]["client_secret"] = platform.client_secret.get_secret_value()
        data["platforms"][name]["private_key"] = platform.private_key.get_secret_value()
    return json.dumps(data)


async def _fence(conns: DemoConnections, transactional_id: str, topic: str) -> None:
    """Abort a dead worker's open transaction now (what its restart would do), rather than after
    the broker's transaction timeout: its events and offsets then never become visible."""
    fencer = Kafka(
        brokers=conns.kafka_brokers, topic=topic, formatter=JsonFormatter(), transactional_id=transactional_id
    )
    await fencer.connect()
    await fencer.disconnect()


async def _read_events(
    conns: DemoConnections, topic: str, run_id: str, isolation: Literal["read_committed", "read_uncommitted"]
) -> Counter[str]:
    keys: Counter[str] = Counter()
    async with analytics_consumer(
        conns.kafka_brokers, conns.registry_url, topic, run_id, isolation_level=isolation
    ) as consumer:
        async for message in consumer.messages(idle_timeout=1.5):
            keys[message.key or ""] += 1
    return keys


async def _verified_fans(
    conns: DemoConnections, namespace: str, unique: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    async with Redis(url=conns.redis_url, namespace=namespace) as redis:
        profiles = await redis.mget([f"{p}:{u}" for p, u in unique], use_primary=True)
    missing = [fan for fan, profile in zip(unique, profiles, strict=True) if profile is None]
    if missing:
        raise VFError(f"{len(missing)} fans were never checked (first: {missing[0]})")
    return [fan for fan, profile in zip(unique, profiles, strict=True) if profile["verified"]]


async def _cleanup(
    conns: DemoConnections, namespace: str, campaign: str, unique: list[tuple[str, str]], subject: str
) -> None:
    keys = [f"{p}:{u}" for p, u in unique] + [f"published:{campaign}:{p}:{u}" for p, u in unique]
    with contextlib.suppress(VFError):
        async with SchemaRegistryClient(url=conns.registry_url) as registry:
            await registry.delete_subject(subject, permanent=True)
    with contextlib.suppress(VFError):
        async with Redis(url=conns.redis_url, namespace=namespace) as redis:
            for at in range(0, len(keys), 1000):
                await redis.delete(*keys[at : at + 1000])
