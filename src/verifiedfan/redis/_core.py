"""The I/O-free core shared by :class:`Redis` and :class:`SyncRedis`.

Validation, the JSON codec, the retry decisions, the error translation, URL redaction and the event
listeners live here, so the async client and its sync twin behave identically by construction.
"""

from __future__ import annotations

import enum
import json
import logging
import math
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from verifiedfan.http._config import RetryPolicy as _HttpRetryPolicy
from verifiedfan.redis._errors import (
    CacheAuthenticationError,
    CacheConnectionError,
    CacheDecodeError,
    CacheError,
    CacheReadOnlyError,
    CacheResponseError,
    CacheTimeoutError,
    CacheValidationError,
)

__all__ = [
    "EventName",
    "ReconnectPolicy",
    "RedisEvent",
    "RedisInstrument",
    "RetryPolicy",
    "Role",
    "SyncRedisInstrument",
    "redact_url",
]

logger = logging.getLogger(__name__)

Role = Literal["primary", "replica"]
EventName = Literal["connect", "ready", "error", "reconnecting", "end"]
EVENT_NAMES: tuple[EventName, ...] = ("connect", "ready", "error", "reconnecting", "end")
Ttl = int | float | timedelta

RedisInstrument = Callable[[str, Callable[[], Awaitable[Any]]], Awaitable[Any]]
"""``instrument(op_name, call)`` wraps ``get``/``mget``/``set``/``delete``/``get_or_set`` of
:class:`Redis`: it must await ``call()`` once and return its result (``verifiedfan.tracing`` gives one
that makes each operation a span)."""
SyncRedisInstrument = Callable[[str, Callable[[], Any]], Any]
"""The :class:`SyncRedis` hook: ``instrument(op_name, call)`` returns ``call()``."""

_JSON_SEPARATORS = (",", ":")


@dataclass(frozen=True, kw_only=True)
class ReconnectPolicy(_HttpRetryPolicy):
    """The library's :class:`~verifiedfan.http.RetryPolicy` with the defaults of a cache reconnecting.

    Redis retries connection errors (and ``READONLY`` after a failover) only, whatever the policy
    says about HTTP: ``idempotent_methods`` and ``retry_after_cap`` do not apply. Used: ``max_retries``
    (3), the backoff ceilings ``backoff_initial * backoff_multiplier ** (retry - 1)`` capped at
    ``backoff_max`` (0.25 s, 0.75 s, 2 s), full jitter (``jitter``, or the client's ``rand=``) and
    ``deadline`` (no reconnect starts when its wait would reach it). Any ``RetryPolicy`` works too.
    """

    backoff_initial: float = 0.25
    backoff_multiplier: float = 3.0
    backoff_max: float = 2.0


RetryPolicy = ReconnectPolicy
"""The former name of :class:`ReconnectPolicy` (its ``delays=``/``jitter=`` float options are gone)."""


@dataclass(frozen=True)
class RedisEvent:
    """What listeners registered with ``on()`` receive."""

    name: EventName
    role: Role
    endpoint: str  # the redacted URL
    attempt: int = 0
    delay: float = 0.0
    error: BaseException | None = field(default=None, compare=False)


class ErrorKind(enum.Enum):
    CONNECTION = "connection"
    TIMEOUT = "timeout"
    READONLY = "readonly"
    OTHER = "other"


def redact_url(url: str) -> str:
    """``url`` with any userinfo replaced by ``***`` (safe to log)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable redis url>"
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, f"***@{host}", parts.path, parts.query, parts.fragment))


def validate_key(key: object) -> str:
    if not isinstance(key, str):
        raise CacheValidationError(f"cache key must be a str, got {type(key).__name__}")
    if not key:
        raise CacheValidationError("cache key must not be empty")
    return key


def validate_keys(keys: Sequence[str]) -> list[str]:
    if isinstance(keys, str):
        raise CacheValidationError("keys must be a sequence of str, not a single str")
    return [validate_key(k) for k in keys]


def ttl_args(ttl: object) -> tuple[int | None, int | None]:
    """``(ex, px)`` for ``SET``: ``ttl`` seconds as ``EX`` when whole, as ``PX`` milliseconds otherwise."""
    if isinstance(ttl, timedelta):
        ttl = ttl.total_seconds()
    if isinstance(ttl, bool) or not isinstance(ttl, int | float):
        raise CacheValidationError(f"ttl must be a number of seconds, got {type(ttl).__name__}")
    if not math.isfinite(ttl) or ttl <= 0:
        raise CacheValidationError(f"ttl must be positive, got {ttl!r}")
    if float(ttl).is_integer():
        return int(ttl), None
    ms = round(ttl * 1000)
    if ms < 1:
        raise CacheValidationError(f"ttl must be at least 1 ms, got {ttl!r}")
    return None, ms


def encode(value: object) -> str:
    """Compact JSON (readable from any language); a typed error when not serializable."""
    try:
        return json.dumps(value, separators=_JSON_SEPARATORS, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise CacheValidationError(f"value is not JSON-serializable: {exc}") from exc


def decode(raw: bytes | str | None, key: str) -> Any:
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise CacheDecodeError(f"value of key {key!r} is not JSON") from exc


def classify(exc: BaseException) -> ErrorKind:
    from redis import exceptions as rx  # the extra is installed: a client exists

    if isinstance(exc, rx.ReadOnlyError):
        return ErrorKind.READONLY
    if isinstance(exc, rx.AuthenticationError | rx.AuthorizationError):
        return ErrorKind.OTHER
    if isinstance(exc, rx.TimeoutError | TimeoutError):
        return ErrorKind.TIMEOUT
    if isinstance(exc, rx.ConnectionError | OSError):
        return ErrorKind.CONNECTION
    return ErrorKind.OTHER


def is_retryable(kind: ErrorKind) -> bool:
    return kind is not ErrorKind.OTHER


def translate(exc: BaseException, kind: ErrorKind, role: Role, endpoint: str, attempts: int) -> CacheError:
    """The ``CacheError`` for a redis-py exception (the caller chains it with ``from``)."""
    from redis import exceptions as rx

    where = f"redis {role} {endpoint}"
    tries = f" after {attempts} attempt{'s' if attempts != 1 else ''}"
    if kind is ErrorKind.READONLY:
        return CacheReadOnlyError(f"{where} answered READONLY{tries}: {exc}")
    if kind is ErrorKind.TIMEOUT:
        return CacheTimeoutError(f"{where} timed out{tries}: {exc}")
    if kind is ErrorKind.CONNECTION:
        return CacheConnectionError(f"{where} unreachable{tries}: {exc}", url=endpoint)
    if isinstance(exc, rx.AuthenticationError | rx.AuthorizationError):
        return CacheAuthenticationError(f"{where} refused the credentials: {exc}")
    return CacheResponseError(f"{where} answered an error: {exc}")


class Listeners:
    """Event listeners (``connect``, ``ready``, ``error``, ``reconnecting``, ``end``)."""

    def __init__(self) -> None:
        self._by_event: dict[EventName, list[Callable[[RedisEvent], None]]] = {n: [] for n in EVENT_NAMES}

    def add(self, event: EventName, listener: Callable[[RedisEvent], None]) -> None:
        if event not in self._by_event:
            raise CacheValidationError(f"unknown event {event!r}; expected one of {EVENT_NAMES}")
        self._by_event[event].append(listener)

    def remove(self, event: EventName, listener: Callable[[RedisEvent], None]) -> None:
        if event in self._by_event and listener in self._by_event[event]:
            self._by_event[event].remove(listener)

    def emit(self, event: RedisEvent) -> None:
        for listener in tuple(self._by_event[event.name]):
            try:
                listener(event)
            except Exception:  # a listener must never break a cache call
                logger.exception("redis %s listener failed", event.name)


class ReplicaHealth:
    """Marks the replica down for ``cooldown`` seconds after a connection failure."""

    def __init__(self, cooldown: float, clock: Callable[[], float]) -> None:
        self.cooldown = cooldown
        self._clock = clock
        self._down_until = 0.0

    def usable(self) -> bool:
        return self._clock() >= self._down_until

    def mark_down(self) -> bool:
        """Mark it down; ``True`` when it was up (so the caller logs the fallback once)."""
        was_up = self.usable()
        self._down_until = self._clock() + self.cooldown
        return was_up


#: Pool size when ``max_connections`` is not given; calls beyond it wait for a free connection.
DEFAULT_MAX_CONNECTIONS = 100


def connection_options(
    *,
    connect_timeout: float | None,
    socket_timeout: float | None,
    client_name: str | None,
    max_connections: int | None,
    health_check_interval: int,
) -> dict[str, Any]:
    """Keyword arguments shared by the sync and async redis-py pools (their own retries disabled)."""
    return {
        "socket_connect_timeout": connect_timeout,
        "socket_timeout": socket_timeout,
        "client_name": client_name,
        "max_connections": max_connections or DEFAULT_MAX_CONNECTIONS,
        # how long a call waits for a free pooled connection before failing as a connection error
        "timeout": (connect_timeout or 0.0) + (socket_timeout or 0.0) or None,
        "health_check_interval": health_check_interval,
        "retry_on_error": [],
    }
