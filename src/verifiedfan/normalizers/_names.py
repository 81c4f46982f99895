"""Personal names: safe characters, title case per part, first/last/full objects.

Rules (each function is total: any input, never raises, ``None`` when nothing is left):

* Unicode NFC; accents and apostrophes kept (``François``, ``O'Connor``, ``Nguyễn``).
* Markup tags, control and format characters (including right-to-left marks and zero-width
  spaces), lone surrogates, digits, symbols and punctuation other than ``- ' .`` are removed;
  typographic apostrophes and hyphens become ``'`` and ``-``; runs of white space become one space.
* Every part after a space, hyphen, apostrophe or period is title-cased with Unicode's titlecase
  mapping (``ǆemal`` gives ``ǅemal``, Georgian Mkhedruli stays as it is; ``İ`` is read as ``I``),
  whatever the input case (``JEAN-LUC`` gives ``Jean-Luc``; mixed case is not preserved:
  ``DeAndre`` gives ``Deandre``).
  ``Mc`` always capitalizes the next letter (``McDonald``); ``Mac`` only for the lower-case names
  listed in ``mac_names`` (``{'macdonald'}``; so ``Machine`` stays ``Machine``); the lower-case words
  listed in ``particles`` (see :data:`NAME_PARTICLES`) stay lower case unless they come first
  (``Juan de la Cruz``). Nothing is title-cased specially by default.
* Names longer than :data:`MAX_NAME_LENGTH` characters give ``None``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass

from verifiedfan.normalizers._text import as_text, fold_lower, title_first

__all__ = [
    "MAX_NAME_LENGTH",
    "NAME_PARTICLES",
    "LowercaseNameParts",
    "NameParts",
    "name",
    "name_obj",
    "name_part",
    "name_safe",
    "split_name_parts",
]

MAX_NAME_LENGTH = 1024
"""Longer input is not a name: the name functions return ``None`` for it."""

NAME_PARTICLES: frozenset[str] = frozenset(
    {"da", "das", "de", "del", "della", "der", "di", "do", "dos", "du", "la", "le", "van", "von", "y"}
)
"""Common lower-case particles, to pass as ``particles=`` (not applied by default)."""

_TAGS = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>|<[^<>]*>", re.IGNORECASE | re.DOTALL)
_REPEATED_PUNCT = re.compile(r"([-'.])[-'.]+")
_SEGMENTS = re.compile(r"([-'.])")
_PUNCT_ONLY = re.compile(r"[-'.]+")
_EDGE_PUNCT = "-'"
_APOSTROPHES = "\u2018\u2019\u02bc\u0060\u00b4\u2032"
_HYPHENS = "\u2010\u2011\u2012\u2013\u2212\ufe63\uff0d"


def _keep(ch: str) -> str:
    """What one character becomes in a safe name: itself, a space, or nothing."""
    if ch in "-'.":
        return ch
    if ch in _APOSTROPHES:
        return "'"
    if ch in _HYPHENS:
        return "-"
    if ch.isspace():
        return " "
    if unicodedata.category(ch)[0] in "LM":
        return ch
    return ""


class _SafeTable(dict[int, str]):
    """A ``str.translate`` table computed on demand: one C-level pass per string."""

    def __missing__(self, code_point: int) -> str:
        kept = _keep(chr(code_point))
        if len(self) < _TABLE_LIMIT:  # adversarial input cannot grow it without bound
            self[code_point] = kept
        return kept


_TABLE_LIMIT = 65_536
_SAFE = _SafeTable()


def name_safe(value: object) -> str | None:
    """The text with unsafe characters removed and spaces collapsed (case unchanged), or ``None``."""
    text = as_text(value)
    if text is None or len(text) > MAX_NAME_LENGTH:
        return None
    if "<" in text:
        text = _TAGS.sub(" ", text)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    text = text.translate(_SAFE)
    text = _REPEATED_PUNCT.sub(r"\1", text)
    words = [w.strip(_EDGE_PUNCT) for w in text.split()]
    result = " ".join(w for w in words if w and not _PUNCT_ONLY.fullmatch(w))
    if not result.isascii():  # a removed character may have separated a letter from its mark
        result = unicodedata.normalize("NFC", result)
    return result or None


def _cap_segment(segment: str, mac_names: Collection[str]) -> str:
    low = fold_lower(segment)
    if len(low) > 2 and low.startswith("mc"):
        return "Mc" + _cap_segment(low[2:], ())
    if mac_names and len(low) > 3 and low.startswith("mac") and low in mac_names:
        return "Mac" + _cap_segment(low[3:], ())
    return title_first(low)


def _title_word(word: str, mac_names: Collection[str]) -> str:
    if "-" not in word and "'" not in word and "." not in word:
        return _cap_segment(word, mac_names)
    return "".join(
        part if i % 2 else _cap_segment(part, mac_names) for i, part in enumerate(_SEGMENTS.split(word))
    )


def _normalize(
    value: object,
    *,
    particles: Collection[str],
    mac_names: Collection[str],
    first_is_leading: bool = True,
) -> str | None:
    safe = name_safe(value)
    if safe is None:
        return None
    words = []
    for i, word in enumerate(safe.split(" ")):
        if particles and (i > 0 or not first_is_leading) and word.lower() in particles:
            words.append(word.lower())
        else:
            words.append(_title_word(word, mac_names))
    result = " ".join(words)
    return result if result.isascii() else unicodedata.normalize("NFC", result)


def name_part(
    value: object,
    *,
    particles: Collection[str] = (),
    mac_names: Collection[str] = (),
) -> str | None:
    """One first or last name, normalized (``' JOHN '`` gives ``'John'``), or ``None``."""
    return _normalize(value, particles=particles, mac_names=mac_names)


def split_name_parts(
    value: object,
    *,
    particles: Collection[str] = (),
    mac_names: Collection[str] = (),
) -> list[str] | None:
    """The words of a full name, normalized; text before a first comma is the last name, moved last.

    ``'Doe, John Michael'`` gives ``['John', 'Michael', 'Doe']``; ``None`` when no word is left.
    """
    text = as_text(value)
    if text is None or len(text) > MAX_NAME_LENGTH:
        return None
    last, comma, rest = text.partition(",")
    chunks = [(rest, True), (last, False)] if comma else [(text, True)]
    words: list[str] = []
    for chunk, leading in chunks:
        normalized = _normalize(
            chunk, particles=particles, mac_names=mac_names, first_is_leading=leading and not words
        )
        if normalized:
            words.extend(normalized.split(" "))
    return words or None


def name(
    value: object,
    *,
    particles: Collection[str] = (),
    mac_names: Collection[str] = (),
) -> str | None:
    """A full name, normalized (``'doe, JOHN'`` gives ``'John Doe'``), or ``None``."""
    parts = split_name_parts(value, particles=particles, mac_names=mac_names)
    return " ".join(parts) if parts else None


@dataclass(frozen=True, slots=True)
class LowercaseNameParts:
    """The lower-case variants of a :class:`NameParts` (for case-insensitive lookups)."""

    full: str
    first: str | None
    last: str | None


@dataclass(frozen=True, slots=True)
class NameParts:
    """A normalized first/last name pair and the full name they make."""

    full: str
    first: str | None
    last: str | None
    lowercase: LowercaseNameParts | None = None


def name_obj(
    first: object,
    last: object = None,
    *,
    include_lower_case: bool = False,
    particles: Collection[str] = (),
    mac_names: Collection[str] = (),
) -> NameParts | None:
    """``name_obj(' JOHN ', "O'Connor")`` gives ``NameParts(full="John O'Connor", first='John',
    last="O'Connor")``; ``None`` when neither part has anything left.

    With ``include_lower_case=True``, ``lowercase`` holds the lower-case variants.
    """
    first_n = name_part(first, particles=particles, mac_names=mac_names)
    last_n = name_part(last, particles=particles, mac_names=mac_names)
    full = " ".join(p for p in (first_n, last_n) if p)
    if not full:
        return None
    lowercase = None
    if include_lower_case:
        lowercase = LowercaseNameParts(
            full=full.lower(),
            first=first_n.lower() if first_n else None,
            last=last_n.lower() if last_n else None,
        )
    return NameParts(full=full, first=first_n, last=last_n, lowercase=lowercase)
