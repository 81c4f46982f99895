"""Durations as the original accepted them: ``'24h'``, ``'15m'``, ``'30s'``, ``'7d'`` or seconds."""

from __future__ import annotations

import re
from datetime import timedelta

from verifiedfan.errors import ValidationError

__all__ = ["Duration", "parse_duration"]

Duration = int | float | str | timedelta
"""A duration: seconds (int/float), a :class:`~datetime.timedelta`, or a string like ``'15m'``."""

_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_PATTERN = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*", re.IGNORECASE)


def parse_duration(value: Duration, *, allow_zero: bool = False) -> float:
    """Seconds in ``value``: ``'24h'`` → 86400, ``'15m'`` → 900, ``'30s'`` → 30, ``'7d'`` → 604800.

    A bare number (or numeric string) is seconds. Negative, non-finite or unparseable values raise
    :class:`~verifiedfan.errors.ValidationError`; zero is refused unless ``allow_zero``.
    """
    seconds: float
    if isinstance(value, bool):
        raise ValidationError(f"not a duration: {value!r}")
    if isinstance(value, timedelta):
        seconds = value.total_seconds()
    elif isinstance(value, int | float):
        seconds = float(value)
    elif isinstance(value, str):
        match = _PATTERN.fullmatch(value)
        if match is None:
            raise ValidationError(
                f"not a duration: {value[:40]!r} (use seconds or a number with a unit: ms, s, m, h, d, w)"
            )
        seconds = float(match.group(1)) * _UNITS[(match.group(2) or "s").lower()]
    else:
        raise ValidationError(f"not a duration: {type(value).__name__}")
    if seconds != seconds or seconds in (float("inf"), float("-inf")) or seconds < 0:
        raise ValidationError(f"not a duration: {value!r}")
    if seconds == 0 and not allow_zero:
        raise ValidationError("a duration of zero is not allowed here")
    return seconds
