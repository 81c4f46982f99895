"""Fault knobs of a sandbox and its per-app rolling-window rate limiter."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

from verifiedfan.errors import ValidationError

__all__ = ["OUTCOMES", "Faults", "RateLimiter"]

# What ``inject`` accepts: an HTTP status to answer with, a broken body, or a broken connection.
OUTCOMES = frozenset(
    {
        "400",
        "401",
        "403",
        "404",
        "429",
        "500",
        "502",
        "503",
        "504",
        "malformed",
        "invalid_json",
        "reset",
        "close",
    }
)
_RATES = ("error_rate", "rate_limit_rate", "reset_rate", "malformed_rate")


@dataclass(frozen=True, slots=True)
class Faults:
    """Fault knobs of a sandbox's API routes (routes declared ``faults=False``, such as token
    endpoints, and ``/_sandbox`` are exempt). Every knob can change at run time
    (``sandbox.set_faults(latency=0.05)`` or ``POST /_sandbox/faults``).

    - ``latency``: seconds added to every API answer (without blocking other connections).
    - ``error_rate``: fraction of API requests answered with ``error_status`` (503).
    - ``rate_limit_rate``: fraction answered with a 429 carrying ``Retry-After: retry_after``.
    - ``reset_rate``: fraction whose connection is reset (TCP RST) instead of answered.
    - ``malformed_rate``: fraction answered 200 with a truncated, unparseable JSON body.
    - ``rate_limit``: requests an app may make per ``rate_limit_window`` seconds, rolling (0: no
      limit); past it the app gets 429 with ``Retry-After`` = whole seconds until its oldest request
      in the window leaves it, as Spotify's rolling 30-second window does.
    - ``token_ttl``: lifetime in seconds of the access tokens minted or refreshed from now on.
    - ``rotate_refresh_tokens``: the token endpoint also returns a new refresh token (the old one
      keeps working, as Spotify does).
    """

    latency: float = 0.0
    error_rate: float = 0.0
    error_status: int = 503
    rate_limit_rate: float = 0.0
    retry_after: float = 1.0
    reset_rate: float = 0.0
    malformed_rate: float = 0.0
    rate_limit: int = 0
    rate_limit_window: float = 30.0
    token_ttl: float = 3600.0
    rotate_refresh_tokens: bool = False

    def __post_init__(self) -> None:
        for name in _RATES:
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValidationError(f"{name} must be between 0 and 1")
        if self.latency < 0 or self.retry_after < 0:
            raise ValidationError("latency and retry_after must be >= 0")
        if self.rate_limit < 0 or self.rate_limit_window <= 0:
            raise ValidationError("rate_limit must be >= 0 and rate_limit_window > 0")
        if not 400 <= self.error_status <= 599:
            raise ValidationError("error_status must be an HTTP error status (400-599)")

    @property
    def random(self) -> bool:
        """Whether any random fault is on (the dispatcher skips the dice otherwise)."""
        return bool(self.error_rate or self.rate_limit_rate or self.reset_rate or self.malformed_rate)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Faults:
        """Build from a mapping, refusing unknown knobs (a misspelt knob would silently do nothing)."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValidationError(f"unknown fault knobs {unknown}; known: {sorted(known)}")
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


class RateLimiter:
    """A rolling-window limit per key: at most ``limit`` requests in any ``window`` seconds.

    :meth:`hit` records an allowed request and returns ``None``, or returns the seconds to wait
    (rounded up to whole seconds, at least 1, as a ``Retry-After`` header carries them) without
    recording the refused one.
    """

    def __init__(self, limit: int, window: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> int | None:
        now = self._clock()
        with self._lock:
            hits = self._hits.get(key)
            if hits is None:
                hits = self._hits[key] = deque()
            horizon = now - self.window
            while hits and hits[0] <= horizon:
                hits.popleft()
            if len(hits) < self.limit:
                hits.append(now)
                return None
            return max(1, math.ceil(hits[0] + self.window - now))

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()
