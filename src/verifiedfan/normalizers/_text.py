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
    """``value`` as text: a ``str`` as is, UTF-8 ``bytes`` decoded, an ``int`` in decimal, else ``None``.

    No method of ``value`` itself is called (a subclass may override any of them, and a released
    ``memoryview`` refuses access): the base types' own methods read it.
    """
    kind = type(value)
    if kind is str:
        return value  # type: ignore[return-value]
    try:
        if issubclass(kind, str):
            return str.__str__(value)
        if issubclass(kind, bytes):
            return bytes.decode(value, "utf-8")  # type: ignore[arg-type]
        if issubclass(kind, bytearray):
            return bytearray.decode(value, "utf-8")  # type: ignore[arg-type]
        if kind is memoryview:
            return memoryview.tobytes(value).decode("utf-8")  # type: ignore[arg-type]
        if issubclass(kind, int) and not issubclass(kind, bool):
            return int.__repr__(value)
    except ValueError:  # not UTF-8, a released memoryview, or more than sys.get_int_max_str_digits()
        return None
    return None


def _number(value: object) -> int | float | None:
    """``value`` as an exact ``int``/``float`` (bool included as int), read without calling its methods."""
    kind = type(value)
    if issubclass(kind, int):
        return int.__int__(value)  # type: ignore[arg-type]
    if issubclass(kind, float):
        return float.__float__(value)  # type: ignore[arg-type]
    return None


_COLLECTIONS = (list, tuple, dict, set, frozenset)


def fold_lower(text: str) -> str:
    """``text.lower()``, except that the Turkish dotted capital ``İ`` becomes a plain ``i``.

    Unicode lower-cases ``İ`` to ``i`` and a combining dot above, so ``İSMAİL`` would become
    ``İsmai̇l`` while ``İsmail`` becomes ``İsmail``. Without the language (``i``/``İ`` are casing
    pairs only in Turkish and Azerbaijani) both give ``Ismail``.
    """
    return text.replace("\u0130", "I").lower() if "\u0130" in text else text.lower()


def title_first(word: str) -> str:
    """``word`` (already lower case) with its first character in Unicode *titlecase*.

    Titlecase is not upper case: ``ǆemal`` gives ``ǅemal`` (not ``Ǆemal``) and a Georgian
    Mkhedruli letter, which has no titlecase form, stays as it is (``გიორგი``). A first character
    whose titlecase is longer (``ß`` gives ``Ss``) is kept as it is, so lengths never change.
    """
    first = word[:1].title()
    if len(first) != 1:
        first = word[:1]
    return first + word[1:]


def _capitalize(word: str) -> str:
    return title_first(fold_lower(word))


def title_case(value: object) -> str | None:
    """Each space-separated word with its first letter in titlecase and the rest lower case.

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
    if type(value) is bool:  # bool cannot be subclassed
        return value
    number = _number(value)
    if number is not None:
        if type(number) is float and math.isnan(number):
            return None
        if number == 1:
            return True
        if number == 0:
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
    number = _number(value)  # bool, int and float, NaN included
    if number is not None:
        return (type(number) is float and math.isnan(number)) or not number
    kind = type(value)
    for base in _COLLECTIONS:
        if issubclass(kind, base):
            return base.__len__(value) == 0  # type: ignore[arg-type]
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
