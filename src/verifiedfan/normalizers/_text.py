"""Coercion and the small text helpers: casing, trimming, spaces, booleans, URL-safe strings.

Every function here is *total*: it accepts any object and never raises. Text helpers return
``None`` for input that is not text (``str``, UTF-8 ``bytes`` or an ``int``); predicates return
``False`` instead.
"""

from __future__ import annotations

import math
import re

__all__ = [
    "as_text",
    "boolean",
    "is_falsey",
    "is_url_safe",
    "lower_case",
    "single_spaces",
    "title_case",
    "trim_str",
    "upper_case",
    "url_safe",
]

_TRUE = frozenset({"1", "true", "t", "yes", "y", "on"})
_FALSE = frozenset({"0", "false", "f", "no", "n", "off"})
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"\S+")
_URL_SAFE = re.compile(r"[A-Za-z0-9]+")
_NOT_URL_SAFE = re.compile(r"[^A-Za-z0-9]+")


def as_text(value: object) -> str | None:
    """``value`` as text: a ``str`` as is, UTF-8 ``bytes`` decoded, an ``int`` in decimal, else ``None``."""
    if type(value) is str:
        return value
    if isinstance(value, str):
        return str.__str__(value)  # a subclass: its own __str__ could do anything
    if isinstance(value, bytes | bytearray | memoryview):
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            return None
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return str(int(value))
        except ValueError:  # more digits than sys.get_int_max_str_digits()
            return None
    return None


def _capitalize(word: str) -> str:
    lowered = word.lower()
    first = lowered[:1].upper()
    if len(first) != 1:  # 'ß'.upper() == 'SS': keep the character rather than change the length
        first = lowered[:1]
    return first + lowered[1:]


def title_case(value: object) -> str | None:
    """Each space-separated word with its first letter upper case and the rest lower case.

    Unlike :meth:`str.title`, letters after an apostrophe stay lower case (``"john's"`` gives
    ``"John's"``). Use :func:`verifiedfan.normalizers.name` for personal names.
    """
    text = as_text(value)
    if text is None:
        return None
    return _WORD.sub(lambda m: _capitalize(m.group()), text)


def lower_case(value: object) -> str | None:
    """The text in lower case, or ``None`` when ``value`` is not text."""
    text = as_text(value)
    return None if text is None else text.lower()


def upper_case(value: object) -> str | None:
    """The text in upper case, or ``None`` when ``value`` is not text."""
    text = as_text(value)
    return None if text is None else text.upper()


def trim_str(value: object) -> str | None:
    """The text without leading and trailing white space (possibly ``''``), or ``None``."""
    text = as_text(value)
    return None if text is None else text.strip()


def single_spaces(value: object) -> str | None:
    """Every run of white space (tabs, newlines, non-breaking spaces...) replaced by one space.

    The text is not trimmed: combine with :func:`trim_str` for that.
    """
    text = as_text(value)
    return None if text is None else _SPACES.sub(" ", text)


def boolean(value: object) -> bool | None:
    """``True``/``False`` from the usual spellings, else ``None``.

    Accepted: ``bool``; the numbers 1 and 0; and, case-insensitively and trimmed, the strings
    ``1/0``, ``true/false``, ``t/f``, ``yes/no``, ``y/n`` and ``on/off``.
    """
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if isinstance(value, float) and math.isnan(value):
            return None
        if value == 1:
            return True
        if value == 0:
            return False
        return None
    text = as_text(value)
    if text is None or len(text) > 16:
        return None
    key = text.strip().lower()
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    return None


def is_falsey(value: object) -> bool:
    """Whether ``value`` means "no": ``None``, ``False``, ``0``, ``NaN``, blank text, an empty
    collection, or a false spelling accepted by :func:`boolean` (``'no'``, ``'off'``, ``'0'``...).

    Objects of other types are never falsey (their ``__bool__`` is not called).
    """
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, bool | int | float):
        return not value
    if isinstance(value, list | tuple | dict | set | frozenset):
        return len(value) == 0
    text = as_text(value)
    if text is None:
        return False
    return not text.strip() or boolean(text) is False


def is_url_safe(value: object) -> bool:
    """Whether ``value`` is non-empty text made only of ASCII letters and digits."""
    text = as_text(value)
    return text is not None and _URL_SAFE.fullmatch(text) is not None


def url_safe(value: object) -> str | None:
    """The text with everything but ASCII letters and digits removed; ``None`` when nothing is left."""
    text = as_text(value)
    if text is None:
        return None
    return _NOT_URL_SAFE.sub("", text) or None
