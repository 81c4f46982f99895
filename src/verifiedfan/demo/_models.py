"""The demo's option group and its result: small frozen dataclasses, JSON-ready."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from verifiedfan.errors import ValidationError

__all__ = [
    "CACHE_MODE_REPEAT_RATIO",
    "CachePathReport",
    "DemoConnections",
    "DemoOptions",
    "DemoResult",
    "EmailCounts",
    "PhaseTiming",
    "PlatformCounts",
]

MAX_REPEAT_RATIO = 1 / 3
#: the cache mode's default share of repeated checks (scenario 1: > 90 % of lookups from the cache)
CACHE_MODE_REPEAT_RATIO = 0.95
MAX_CACHE_MODE_REPEAT_RATIO = 0.99


@dataclass(frozen=True, kw_only=True, slots=True)
class DemoOptions:
    """How big the crowd is and how it is checked.

    ``repeat_ratio`` of the checks are fans already checked earlier in the run (a fan who signs up
    twice, or for a second presale): they must be answered from the Redis cache, not the platform.
    ``concurrency`` is the number of fans in flight per platform; ``batch_size`` caps the events
    per Kafka send. ``parallel`` checks each platform's fans in a child process of its own (two
    cores used instead of one); ``False`` checks both in the caller's event loop. ``emails`` runs the
    campaign consumer (a presale code and email per verified fan, through the SFMC sandbox), which
    is stopped and restarted once mid-run when ``restart_campaign``.

    ``cache_mode`` is scenario 1's cache path: the crowd is a hot set (``repeat_ratio`` up to 0.99,
    :data:`CACHE_MODE_REPEAT_RATIO` by default from the CLI) in which new fans keep arriving and a
    repeat is checked once the fan's first check has ended (a fan coming back, not a duplicate
    request joining the load in flight), each slice reads Redis through the client-side cache
    (:class:`~verifiedfan.redis.LocalCacheConfig`, its invalidation subscription up before the checks),
    and after the run the hit path is timed against raw redis-py on the same keys
    (:class:`CachePathReport`, at most ``cache_samples`` lookups per platform).
    """

    fans: int = 2000
    repeat_ratio: float = 0.1
    concurrency: int = 64
    batch_size: int = 2000
    seed: int = 7
    cache_ttl: float = 600.0
    consume_timeout: float = 30.0
    parallel: bool = True
    emails: bool = True
    restart_campaign: bool = True
    cache_mode: bool = False
    cache_samples: int = 2000

    def __post_init__(self) -> None:
        if self.fans < 1:
            raise ValidationError("fans must be >= 1")
        if self.cache_mode:
            if not 0.0 <= self.repeat_ratio <= MAX_CACHE_MODE_REPEAT_RATIO:
                raise ValidationError(
                    f"repeat_ratio must be between 0 and {MAX_CACHE_MODE_REPEAT_RATIO} in the cache mode"
                )
        elif not 0.0 <= self.repeat_ratio <= MAX_REPEAT_RATIO:
            raise ValidationError(
                f"repeat_ratio must be between 0 and {MAX_REPEAT_RATIO:.3f} "
                "(higher ratios: the cache mode, `vf demo --cache-mode`)"
            )
        if self.cache_samples < 1:
            raise ValidationError("cache_samples must be >= 1")
        if self.concurrency < 1:
            raise ValidationError("concurrency must be >= 1")
        if self.batch_size < 1:
            raise ValidationError("batch_size must be >= 1")
        if self.cache_ttl <= 0 or self.consume_timeout <= 0:
            raise ValidationError("cache_ttl and consume_timeout must be positive")


@dataclass(frozen=True, kw_only=True, slots=True)
class DemoConnections:
    """Where the servers are (``None``: the demo brings them up with :class:`~verifiedfan.stack.Stack`)."""

    kafka_brokers: str
    registry_url: str
    redis_url: str = field(repr=False)  # a URL may carry a password
    redis_replica_url: str | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class PhaseTiming:
    """Wall-clock seconds of one phase of the run."""

    name: str
    seconds: float


@dataclass(frozen=True, kw_only=True, slots=True)
class PlatformCounts:
    """Per-platform outcome; ``api_requests`` is what the platform's sandbox served."""

    platform: str
    checked: int
    verified: int
    errors: int
    api_requests: int


@dataclass(frozen=True, kw_only=True, slots=True)
class EmailCounts:
    """The campaign consumer's side of a run, checked against the SFMC sandbox's outbox.

    ``sent``: emails in the outbox; ``verified_fans``: distinct fans with a ``fan.verified`` event;
    ``unique_codes``: distinct presale codes among the emails; ``sent_twice``: fans with more than
    one email; ``duplicates_refused``: sends SFMC refused as a reused message key (repeated events
    and the replay after the restart); ``events_read``/``events_replayed``: events the consumer read
    (replays included) and read again after its restart; ``restarts``; ``send_calls``: calls of the
    multi-recipient send."""

    sent: int
    verified_fans: int
    unique_codes: int
    sent_twice: int
    duplicates_refused: int
    events_read: int
    events_replayed: int
    restarts: int
    send_calls: int

    @property
    def ok(self) -> bool:
        """One email per verified fan, every code unique, nobody mailed twice, and a restart (if
        any) that really replayed events."""
        replayed = self.restarts == 0 or self.events_replayed > 0
        return (
            self.sent == self.verified_fans
            and self.unique_codes == self.sent
            and self.sent_twice == 0
            and replayed
        )


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (nearest rank) of ``values``; 0.0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


@dataclass(frozen=True, kw_only=True, slots=True)
class CachePathReport:
    """The cache mode's hit path, timed after the run on the run's own keys and Redis.

    Each sampled lookup is a repeated check of the run, read again two ways, one after the other,
    alternating which goes first: ours, ``Redis.get_or_set`` with the client-side cache (the demo's
    hit path; its loader is never called on a hit, ``sample_misses`` counts those that did), and raw
    redis-py asyncio ``GET`` + ``json.loads`` of the same key on the same primary. Microseconds per
    lookup. ``local_hits`` are the run's lookups answered by the client-side cache (no round trip);
    the other hits were answered by a Redis ``GET``: the first reads of a key after its load (the
    repeats that waited for the fan's first check to end read it together, and only one of them
    may fill the local cache) or before the invalidation subscription was up."""

    samples: int
    sample_misses: int
    local_hits: int
    ours_p50_us: float
    ours_p99_us: float
    raw_p50_us: float
    raw_p99_us: float
    reference: str = "redis-py asyncio GET + json.loads"

    @classmethod
    def from_samples(
        cls, ours_us: list[float], raw_us: list[float], *, sample_misses: int, local_hits: int
    ) -> CachePathReport:
        return cls(
            samples=len(ours_us),
            sample_misses=sample_misses,
            local_hits=local_hits,
            ours_p50_us=round(percentile(ours_us, 0.5), 1),
            ours_p99_us=round(percentile(ours_us, 0.99), 1),
            raw_p50_us=round(percentile(raw_us, 0.5), 1),
            raw_p99_us=round(percentile(raw_us, 0.99), 1),
        )

    @property
    def p50_ratio(self) -> float:
        """Our p50 over raw redis-py's (below 1: ours is faster)."""
        return self.ours_p50_us / self.raw_p50_us if self.raw_p50_us else 0.0

    @property
    def p99_ratio(self) -> float:
        return self.ours_p99_us / self.raw_p99_us if self.raw_p99_us else 0.0


@dataclass(frozen=True, kw_only=True, slots=True)
class DemoResult:
    """What one ``vf demo`` run did. ``verify_seconds`` is the verify-and-publish phase (the
    verifications per second are measured over it); ``total_seconds`` includes every phase."""

    artist: str
    fans_checked: int
    unique_fans: int
    repeated_checks: int
    verified: int
    not_verified: int
    errors: int
    events_published: int
    events_consumed: int
    events_match: bool
    cache_hits: int
    cache_misses: int
    verify_seconds: float
    total_seconds: float
    client_cpu_seconds: float
    sandbox_cpu_seconds: float
    topic: str
    servers_started: tuple[str, ...] = ()
    kafka_batches: int = 0
    kafka_send_seconds: float = 0.0  # awaiting the broker's acks, overlapped with the checks
    platforms: tuple[PlatformCounts, ...] = ()
    phases: tuple[PhaseTiming, ...] = ()
    error_samples: tuple[str, ...] = field(default=())
    emails: EmailCounts | None = None
    cache_path: CachePathReport | None = None

    @property
    def cache_lookups(self) -> int:
        """Profile lookups that got an answer (a hit or a load); errors excluded."""
        return self.cache_hits + self.cache_misses

    @property
    def cache_hit_rate(self) -> float:
        lookups = self.cache_hits + self.cache_misses
        return self.cache_hits / lookups if lookups else 0.0

    @property
    def verifications_per_second(self) -> float:
        return self.fans_checked / self.verify_seconds if self.verify_seconds > 0 else 0.0

    @property
    def ok(self) -> bool:
        """Every fan checked without error, every event published was consumed back, and (when the
        campaign ran) one presale email per verified fan with a unique code, none sent twice."""
        return (
            self.errors == 0
            and self.events_match
            and self.events_published == self.verified == self.events_consumed
            and (self.emails is None or self.emails.ok)
        )

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["cache_hit_rate"] = round(self.cache_hit_rate, 4)
        out["verifications_per_second"] = round(self.verifications_per_second, 1)
        out["cache_lookups"] = self.cache_lookups
        out["ok"] = self.ok
        if self.cache_path is not None:
            out["cache_path"]["p50_ratio"] = round(self.cache_path.p50_ratio, 3)
            out["cache_path"]["p99_ratio"] = round(self.cache_path.p99_ratio, 3)
        return out

    def summary_rows(self) -> list[tuple[str, str]]:
        """``(metric, value)`` rows of the summary table."""
        rows = [
            ("artist", self.artist),
            ("fans checked", f"{self.fans_checked:,}"),
            ("unique fans / repeated checks", f"{self.unique_fans:,} / {self.repeated_checks:,}"),
            ("verified", f"{self.verified:,}"),
            ("not verified", f"{self.not_verified:,}"),
            ("errors", f"{self.errors:,}"),
            ("events published", f"{self.events_published:,}"),
            ("events consumed", f"{self.events_consumed:,} ({'match' if self.events_match else 'MISMATCH'})"),
            (
                "cache hit rate",
                f"{self.cache_hit_rate:.1%} ({self.cache_hits:,} hits + {self.cache_misses:,} loads "
                f"= {self.cache_lookups:,} lookups)",
            ),
            *self._cache_path_rows(),
            *self._email_rows(),
            ("verifications per second", f"{self.verifications_per_second:,.0f}"),
            ("Kafka sends", f"{self.kafka_batches:,} batches, {self.kafka_send_seconds:.1f} s awaiting acks"),
            ("total time", f"{self.total_seconds:.1f} s"),
            (
                "client CPU / sandbox CPU",
                f"{self.client_cpu_seconds:.1f} s / {self.sandbox_cpu_seconds:.1f} s",
            ),
        ]
        rows += [
            (
                f"{p.platform}",
                f"{p.checked:,} checked, {p.verified:,} verified, {p.api_requests:,} API requests",
            )
            for p in self.platforms
        ]
        rows += [(f"phase: {p.name}", f"{p.seconds:.2f} s") for p in self.phases]
        return rows

    def _cache_path_rows(self) -> list[tuple[str, str]]:
        c = self.cache_path
        if c is None:
            return []
        return [
            (
                "hits from the client-side cache",
                f"{c.local_hits:,} of {self.cache_hits:,} (the others: a Redis GET)",
            ),
            (
                f"hit path p50 / p99 ({c.samples:,} lookups)",
                f"{c.ours_p50_us:,.0f} / {c.ours_p99_us:,.0f} µs; raw redis-py {c.raw_p50_us:,.0f} / "
                f"{c.raw_p99_us:,.0f} µs ({c.p50_ratio:.2f}x / {c.p99_ratio:.2f}x)",
            ),
        ]

    def _email_rows(self) -> list[tuple[str, str]]:
        e = self.emails
        if e is None:
            return []
        match = "match" if e.sent == e.verified_fans else "MISMATCH"
        return [
            ("presale emails sent (SFMC)", f"{e.sent:,} for {e.verified_fans:,} verified fans ({match})"),
            (
                "presale codes unique",
                f"{e.unique_codes:,} of {e.sent:,} ({'yes' if e.unique_codes == e.sent else 'NO'})",
            ),
            ("emails sent twice", f"{e.sent_twice:,}"),
            (
                "campaign consumer restarts",
                f"{e.restarts} ({e.events_replayed:,} events read again, {e.duplicates_refused:,} "
                "duplicate sends refused by SFMC)",
            ),
            ("SFMC send calls", f"{e.send_calls:,} multi-recipient calls for {e.events_read:,} events read"),
        ]
