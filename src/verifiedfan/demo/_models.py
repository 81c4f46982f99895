"""The demo's option group and its result: small frozen dataclasses, JSON-ready."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from verifiedfan.errors import ValidationError

__all__ = ["DemoConnections", "DemoOptions", "DemoResult", "EmailCounts", "PhaseTiming", "PlatformCounts"]

MAX_REPEAT_RATIO = 1 / 3


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

    def __post_init__(self) -> None:
        if self.fans < 1:
            raise ValidationError("fans must be >= 1")
        if not 0.0 <= self.repeat_ratio <= MAX_REPEAT_RATIO:
            raise ValidationError(f"repeat_ratio must be between 0 and {MAX_REPEAT_RATIO:.3f}")
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
        out["ok"] = self.ok
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
            ("cache hit rate", f"{self.cache_hit_rate:.1%} ({self.cache_hits:,} hits)"),
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
