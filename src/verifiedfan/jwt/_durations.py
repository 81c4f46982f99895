"""Durations as the original accepted them: every string the ``ms`` package reads, or seconds.

The Node services passed ``expiresIn`` to jsonwebtoken, which reads a string with the ``ms`` package
(vercel/ms 2.1, ``index.js``: ``"2 days"``, ``"10h"``, ``"7d"``, ``"1.5 hrs"``, ``".5y"``...) and a
number as seconds; a string *without* a unit is milliseconds there (``"86400"`` is 86.4 seconds).
:func:`parse_ms` is that parser, :func:`parse_expires_in` jsonwebtoken's reading of ``expiresIn`` (with an
:class:`AmbiguousDurationWarning` for the unit-less string), and :func:`parse_duration` the reading of
the other durations of this package (leeways, cache ages), where a bare number stays seconds.
The interop suite (``tests/interop``) checks :func:`parse_ms` and :func:`parse_expires_in` against the real
``ms`` and ``jsonwebtoken`` over a corpus of strings.
"""

from __future__ import annotations

import math
import re
import warnings
from datetime import timedelta

from verifiedfan.errors import ValidationError

__all__ = ["AmbiguousDurationWarning", "Duration", "parse_duration", "parse_expires_in", "parse_ms"]

Duration = int | float | str | timedelta
"""A duration: seconds (int/float), a :class:`~datetime.timedelta`, or a string like ``'15m'``."""


class AmbiguousDurationWarning(UserWarning):
    """A duration string without a unit (``"86400"``), which jsonwebtoken reads as milliseconds."""


_SECOND, _MINUTE, _HOUR, _DAY = 1000, 60_000, 3_600_000, 86_400_000
_MS_PER_UNIT: dict[str, float] = {
    **dict.fromkeys(("years", "year", "yrs", "yr", "y"), _DAY * 365.25),
    **dict.fromkeys(("weeks", "week", "w"), _DAY * 7),
    **dict.fromkeys(("days", "day", "d"), _DAY),
    **dict.fromkeys(("hours", "hour", "hrs", "hr", "h"), _HOUR),
    **dict.fromkeys(("minutes", "minute", "mins", "min", "m"), _MINUTE),
    **dict.fromkeys(("seconds", "second", "secs", "sec", "s"), _SECOND),
    **dict.fromkeys(("milliseconds", "millisecond", "msecs", "msec", "ms"), 1),
}
# ms 2.1.3's expression, ASCII-only as in JavaScript (no Unicode digits, no case folding of 'ſ' to 's').
_MS_PATTERN = re.compile(
    r"(-?(?:[0-9]+)?\.?[0-9]+) *"
    r"(milliseconds?|msecs?|ms|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w|years?|yrs?|y)?",
    re.IGNORECASE | re.ASCII,
)
_MS_MAX_LENGTH = 100  # longer strings are refused by ms (undefined)
_FORMS = 'a number of seconds, or a number with a unit such as "15m", "10h", "7d", "2 days", "1.5 hours"'


def _match(text: str) -> re.Match[str] | None:
    if len(text.encode("utf-16-le")) // 2 > _MS_MAX_LENGTH:  # JavaScript counts UTF-16 code units
        return None
    return _MS_PATTERN.fullmatch(text)


def parse_ms(text: str) -> float | None:
    """Milliseconds in ``text`` exactly as ``require('ms')(text)`` computes them; ``None`` for undefined.

    ``parse_ms("2 days") == 172800000``, ``parse_ms("1y") == 31557600000``, ``parse_ms("86400") ==
    86400`` (no unit: milliseconds), ``parse_ms("-1h") == -3600000``, ``parse_ms("1 fortnight") is None``.
    """
    match = _match(text)
    if match is None:
        return None
    return float(match.group(1)) * _MS_PER_UNIT[(match.group(2) or "ms").lower()]


def _checked(seconds: float, value: object, *, allow_zero: bool) -> float:
    if math.isnan(seconds) or math.isinf(seconds) or seconds < 0:
        raise ValidationError(f"not a duration: {value!r} (negative or not finite)")
    if seconds == 0 and not allow_zero:
        raise ValidationError("a duration of zero is not allowed here")
    return seconds


def _number_or_timedelta(value: object) -> float:
    if isinstance(value, bool):
        raise ValidationError(f"not a duration: {value!r}")
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, int | float):
        return float(value)
    raise ValidationError(f"not a duration: {type(value).__name__}")


def parse_expires_in(value: Duration) -> float:
    """Seconds of a token lifetime, read as jsonwebtoken reads ``expiresIn``.

    A number (or :class:`~datetime.timedelta`) is seconds; a string is read by :func:`parse_ms`, so
    ``"2 days"``, ``"10h"``, ``"7d"`` mean what they meant to the Node services, and a string without
    a unit is **milliseconds** (``"86400"`` is 86.4 s): that reading warns with
    :class:`AmbiguousDurationWarning` (write ``"86400s"`` or pass ``86400``). Strings ``ms`` does not
    read, negative and zero lifetimes (jsonwebtoken would sign an already expired token) raise
    :class:`~verifiedfan.errors.ValidationError`.
    """
    if not isinstance(value, str):
        return _checked(_number_or_timedelta(value), value, allow_zero=False)
    match = _match(value)
    if match is None:
        raise ValidationError(f"not a duration: {value[:40]!r} (use {_FORMS})")
    millis = float(match.group(1)) * _MS_PER_UNIT[(match.group(2) or "ms").lower()]
    seconds = _checked(millis / 1000, value, allow_zero=False)
    if match.group(2) is None:
        warnings.warn(
            f"expires_in={value!r} has no unit: read as {value} milliseconds ({millis / 1000:g} s), as "
            f"jsonwebtoken does; write {value + 's'!r} or pass the number {value} for seconds",
            AmbiguousDurationWarning,
            stacklevel=3,
        )
    return seconds


def parse_duration(value: Duration, *, allow_zero: bool = False) -> float:
    """Seconds in ``value``: ``'24h'`` → 86400, ``'15m'`` → 900, ``'2 days'`` → 172800, ``90`` → 90.

    Strings with a unit follow :func:`parse_ms` (surrounding spaces allowed); a bare number, or a numeric
    string, is seconds here (only ``expires_in`` follows jsonwebtoken's milliseconds, see
    :func:`parse_expires_in`). Negative, non-finite or unparseable values raise
    :class:`~verifiedfan.errors.ValidationError`; zero is refused unless ``allow_zero``.
    """
    if not isinstance(value, str):
        return _checked(_number_or_timedelta(value), value, allow_zero=allow_zero)
    match = _match(value.strip())
    if match is None:
        raise ValidationError(f"not a duration: {value[:40]!r} (use {_FORMS})")
    number, unit = float(match.group(1)), match.group(2)
    seconds = number if unit is None else number * _MS_PER_UNIT[unit.lower()] / 1000
    return _checked(seconds, value, allow_zero=allow_zero)
