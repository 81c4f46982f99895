"""Option groups of the HTTP core: timeouts, connection limits, the retry policy and the settings."""

from __future__ import annotations

import asyncio
import email.utils
import math
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC

import httpx
from pydantic import Field
from pydantic_settings import SettingsConfigDict

from verifiedfan.errors import ConfigurationError
from verifiedfan.settings import VFSettings

__all__ = ["IDEMPOTENT_METHODS", "HttpSettings", "Limits", "RetryPolicy", "Timeouts", "parse_retry_after"]

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})


@dataclass(frozen=True, kw_only=True, slots=True)
class Timeouts:
    """How long one attempt may take, in seconds.

    ``total`` bounds a whole attempt (connect, send, wait and read the body) and always applies;
    ``connect`` bounds establishing the connection (capped at ``total``).
    """

    connect: float = 5.0
    total: float = 30.0

    def __post_init__(self) -> None:
        for name in ("connect", "total"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
                raise ConfigurationError(
                    f"Timeouts.{name} must be a positive number of seconds, got {value!r}"
                )

    def to_httpx(self) -> httpx.Timeout:
        """The per-phase httpx timeout: every phase is bounded by ``total`` as well."""
        return httpx.Timeout(self.total, connect=min(self.connect, self.total))


@dataclass(frozen=True, kw_only=True, slots=True)
class Limits:
    """Connection pool limits of one client."""

    max_connections: int = 100
    max_keepalive_connections: int = 20
    keepalive_expiry: float = 5.0

    def __post_init__(self) -> None:
        if self.max_connections < 1 or self.max_keepalive_connections < 0 or self.keepalive_expiry < 0:
            raise ConfigurationError(f"invalid connection limits: {self!r}")

    def to_httpx(self) -> httpx.Limits:
        return httpx.Limits(
            max_connections=self.max_connections,
            max_keepalive_connections=self.max_keepalive_connections,
            keepalive_expiry=self.keepalive_expiry,
        )


def parse_retry_after(value: str | None, *, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delay-seconds or an HTTP date), or ``None``.

    ``now`` is the current wall-clock time (epoch seconds) used for the HTTP-date form. A date in the
    past gives ``0.0``; an unparseable value gives ``None``.
    """
    if not value:
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = when.timestamp() - now
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)


async def _asyncio_sleep(seconds: float) -> None:
    await asyncio.sleep(seconds)


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    """When and how long to wait before trying a call again: the one retry policy of the library.

    The HTTP clients (and the API clients built on them) use all of it; ``verifiedfan.redis`` uses
    its schedule (``max_retries``, the backoff, ``jitter``, ``deadline``) for reconnects, through the
    subclass :class:`~verifiedfan.redis.ReconnectPolicy` that only changes the defaults.

    * ``max_retries`` retries after the first attempt (default 3, so at most 4 attempts).
    * Retried: network errors, timeouts, 5xx and 429. Never any other 4xx.
    * Backoff: exponential with full jitter: ``jitter() * min(backoff_max,
      backoff_initial * backoff_multiplier ** (retry - 1))``.
    * ``Retry-After`` (429, and 503 when present) is honoured up to ``retry_after_cap`` seconds; past the
      cap the error is raised at once (:class:`~verifiedfan.errors.RateLimitedError` carries
      ``retry_after``).
    * Only ``idempotent_methods`` are retried, unless the call opts in or carries an idempotency key
      (connection failures, where nothing was sent, are retried for every method).
    * ``deadline`` (optional) bounds the whole call, attempts and waits included.

    ``sleep``/``sync_sleep``, ``jitter``, ``clock`` (monotonic) and ``wall_clock`` (epoch, for
    HTTP dates) are injectable so tests never wait.
    """

    max_retries: int = 3
    backoff_initial: float = 0.5
    backoff_multiplier: float = 2.0
    backoff_max: float = 30.0
    retry_after_cap: float = 60.0
    deadline: float | None = None
    idempotent_methods: frozenset[str] = IDEMPOTENT_METHODS
    sleep: Callable[[float], Awaitable[None]] = field(default=_asyncio_sleep, repr=False, compare=False)
    sync_sleep: Callable[[float], None] = field(default=time.sleep, repr=False, compare=False)
    jitter: Callable[[], float] = field(default=random.random, repr=False, compare=False)
    clock: Callable[[], float] = field(default=time.monotonic, repr=False, compare=False)
    wall_clock: Callable[[], float] = field(default=time.time, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ConfigurationError(f"RetryPolicy.max_retries must be >= 0, got {self.max_retries}")
        numbers = (self.backoff_initial, self.backoff_max, self.retry_after_cap)
        if min(numbers) < 0 or self.backoff_multiplier < 1:
            raise ConfigurationError("RetryPolicy backoffs must be >= 0 and the multiplier >= 1")
        if self.deadline is not None and self.deadline <= 0:
            raise ConfigurationError("RetryPolicy.deadline must be positive when set")

    @classmethod
    def never(cls) -> RetryPolicy:
        """A policy that never retries."""
        return cls(max_retries=0)

    def ceiling(self, retry: int) -> float:
        """The longest wait before retry number ``retry`` (1 for the first): the un-jittered backoff."""
        return min(self.backoff_max, self.backoff_initial * self.backoff_multiplier ** max(0, retry - 1))

    def backoff(self, retry: int) -> float:
        """The full-jitter wait before retry number ``retry`` (1 for the first retry)."""
        return self.jitter() * self.ceiling(retry)

    def retry_after(self, value: str | None) -> float | None:
        """Parse a ``Retry-After`` header value against this policy's wall clock."""
        return parse_retry_after(value, now=self.wall_clock())

    def allows_method(self, method: str, *, idempotency_key: str | None, opted_in: bool) -> bool:
        """Whether a call with this method may be retried after its request was sent."""
        return opted_in or idempotency_key is not None or method in self.idempotent_methods


class HttpSettings(VFSettings):
    """Settings of one service's HTTP client (env prefix ``VF_HTTP_``).

    Services with several upstreams give each its own prefix:
    ``HttpSettings(_env_prefix="VF_SPOTIFY_HTTP_")``.
    """

    model_config = SettingsConfigDict(env_prefix="VF_HTTP_")

    service_name: str = "http"
    base_url: str = ""
    default_headers: dict[str, str] = Field(default_factory=dict)
    connect_timeout: float = Field(default=5.0, gt=0)
    total_timeout: float = Field(default=30.0, gt=0)
    max_connections: int = Field(default=100, ge=1)
    max_keepalive_connections: int = Field(default=20, ge=0)
    keepalive_expiry: float = Field(default=5.0, ge=0)
    max_retries: int = Field(default=3, ge=0)
    backoff_initial: float = Field(default=0.5, ge=0)
    backoff_max: float = Field(default=30.0, ge=0)
    retry_after_cap: float = Field(default=60.0, ge=0)
    deadline: float | None = Field(default=None, gt=0)

    def timeouts(self) -> Timeouts:
        return Timeouts(connect=self.connect_timeout, total=self.total_timeout)

    def limits(self) -> Limits:
        return Limits(
            max_connections=self.max_connections,
            max_keepalive_connections=self.max_keepalive_connections,
            keepalive_expiry=self.keepalive_expiry,
        )

    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(
            max_retries=self.max_retries,
            backoff_initial=self.backoff_initial,
            backoff_max=self.backoff_max,
            retry_after_cap=self.retry_after_cap,
            deadline=self.deadline,
        )
