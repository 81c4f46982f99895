"""Date helpers on epoch **milliseconds** (the original's unit), UTC throughout.

Functions that depend on the current time take ``now=`` (epoch ms) so tests need no clock patching.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from verifiedfan.errors import ValidationError

__all__ = [
    "TimeUnits",
    "is_not_within_ttl",
    "is_within_ttl",
    "millis_elapsed_since",
    "now",
    "parse",
    "time_in_milliseconds",
    "time_in_seconds",
    "to_hours",
    "to_iso_string",
    "to_milliseconds",
    "to_seconds",
    "to_seconds_from_millis",
    "tomorrow",
    "yesterday",
]


@dataclass(frozen=True, slots=True)
class TimeUnits:
    """Durations of the usual units, in one unit (see :data:`time_in_milliseconds`)."""

    SECOND: int
    MINUTE: int
    HOUR: int
    DAY: int
    WEEK: int


time_in_milliseconds = TimeUnits(SECOND=1000, MINUTE=60_000, HOUR=3_600_000, DAY=86_400_000, WEEK=604_800_000)
"""``time_in_milliseconds.DAY == 86_400_000``."""
time_in_seconds = TimeUnits(SECOND=1, MINUTE=60, HOUR=3600, DAY=86_400, WEEK=604_800)
"""``time_in_seconds.HOUR == 3600``."""


def _ms(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationError(f"{what} must be a finite number of milliseconds, got {value!r}")
    return int(value)


def _clock() -> int:
    return time.time_ns() // 1_000_000


def now() -> int:
    """The current time in epoch milliseconds."""
    return _clock()


def yesterday(*, now: int | None = None) -> int:
    """``now`` minus one day, in epoch milliseconds."""
    return _now(now) - time_in_milliseconds.DAY


def tomorrow(*, now: int | None = None) -> int:
    """``now`` plus one day, in epoch milliseconds."""
    return _now(now) + time_in_milliseconds.DAY


def _now(value: int | None, what: str = "now") -> int:
    return _clock() if value is None else _ms(value, what)


def to_seconds(date_ms: int | None = None) -> int:
    """Epoch seconds (floored) of ``date_ms``, or of the current time."""
    return _now(date_ms, "date_ms") // 1000


def to_seconds_from_millis(ms: float) -> int:
    """Milliseconds to whole seconds (floored)."""
    return _ms(ms, "ms") // 1000


def to_milliseconds(seconds: float) -> int:
    """Seconds to milliseconds (rounded to the nearest millisecond)."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not math.isfinite(seconds):
        raise ValidationError(f"seconds must be a finite number, got {seconds!r}")
    return round(seconds * 1000)


def to_hours(seconds: float) -> float:
    """Seconds to hours."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not math.isfinite(seconds):
        raise ValidationError(f"seconds must be a finite number, got {seconds!r}")
    return seconds / 3600


def to_iso_string(date_ms: int | None = None) -> str:
    """ISO 8601 in UTC with milliseconds, like JavaScript's ``toISOString``:
    ``'2024-01-02T03:04:05.006Z'``."""
    ms = _now(date_ms, "date_ms")
    try:
        moment = datetime.fromtimestamp(ms / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise ValidationError(f"{ms} ms is out of the representable date range") from exc
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def parse(text: str) -> int:
    """An ISO 8601 date or date-time to epoch milliseconds; no offset means UTC.

    Raises :class:`~verifiedfan.errors.ValidationError` for anything else.
    """
    if not isinstance(text, str):
        raise ValidationError(f"parse needs a string, got {type(text).__name__}")
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise ValidationError(f"not an ISO 8601 date: {text[:64]!r}") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
    return delta.days * 86_400_000 + delta.seconds * 1000 + delta.microseconds // 1000


def millis_elapsed_since(start_ms: int, *, now: int | None = None) -> int:
    """Milliseconds from ``start_ms`` to ``now`` (the current time by default)."""
    return _now(now) - _ms(start_ms, "start_ms")


def is_within_ttl(ttl_ms: int, date_ms: int, *, now: int | None = None) -> bool:
    """Whether ``date_ms`` is less than ``ttl_ms`` old (``now - date_ms < ttl_ms``)."""
    return _now(now) - _ms(date_ms, "date_ms") < _ms(ttl_ms, "ttl_ms")


def is_not_within_ttl(ttl_ms: int, date_ms: int, *, now: int | None = None) -> bool:
    """The negation of :func:`is_within_ttl`: ``date_ms`` is ``ttl_ms`` old or older."""
    return not is_within_ttl(ttl_ms, date_ms, now=now)
