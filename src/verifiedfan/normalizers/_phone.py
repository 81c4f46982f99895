"""The phone normalizer (a total function: any input, never raises, ``None`` when invalid).

``phonenumbers`` (installed by ``phonenumberslite``: the same parsing metadata as ``phonenumbers``,
without the geocoder, carrier and time-zone data) is imported on first use, so
``import verifiedfan.normalizers`` stays cheap; a missing extra raises
:class:`~verifiedfan.errors.DependencyMissingError` (a configuration problem, not bad input).

Every output is a *fixed point*: ``phone(phone(x)) == phone(x)``. libphonenumber may read an E.164
string differently from the number it was formatted from (it strips what looks like a national
prefix after the country code), so each candidate is read again as ``phone`` would read it until it
no longer changes; a cheap check skips that reading when the country's national prefix cannot match.
"""

from __future__ import annotations

import functools
import logging
import re
from types import ModuleType
from typing import Any

from verifiedfan._optional import require
from verifiedfan.normalizers._text import as_text

__all__ = ["MIN_PHONE_DIGITS", "phone"]

logger = logging.getLogger(__name__)

MIN_PHONE_DIGITS = 7
"""Every number :func:`phone` returns has at least this many digits (and at most 15, E.164's limit)."""
_MAX_PHONE_DIGITS = 15
_MAX_PHONE_INPUT = 250  # libphonenumber's own input limit
_NON_DIGITS = re.compile(r"[^0-9]+")
_PLAIN_NUMBER = re.compile(r"[0-9\s().\-/]+")
_SIMPLE_NUMBER = re.compile(r"[0-9 ().\-/]+")  # only characters libphonenumber reads as punctuation
_MAX_NSN = 17  # libphonenumber's longest national number
_MAX_COUNTRY_CODE_DIGITS = 3
_CACHE_SIZE = 4096  # recent answers: lists of fans repeat numbers (households, re-registrations)
_SHORTCUT = True  # skip parsing/validity work whose outcome is known (tests compare both ways)


# a number description: its possible lengths (None: any) and its compiled national number pattern
_Desc = tuple[frozenset[int] | None, re.Pattern[str]]
# a region's general description and the descriptions of its number types
_Descs = tuple[_Desc | None, tuple[_Desc, ...]]
# per country code: the national lengths any region allows, and its regions in the order
# region_code_for_number walks them, with their compiled leading digits
_Facts = tuple[frozenset[int], tuple[tuple[re.Pattern[str] | None, _Descs | None], ...]]
# the types _number_type_helper tries after the general description (any of them makes it valid)
_TYPE_DESCS = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
    "fixed_line",
    "mobile",
)


def _desc(desc: Any) -> _Desc | None:
    if desc is None or not desc.national_number_pattern:
        return None  # _match_national_number: no pattern never matches
    lengths = frozenset(desc.possible_length) if desc.possible_length else None
    return lengths, re.compile(desc.national_number_pattern)


def _matches(nsn: str, desc: _Desc | None) -> bool:
    if desc is None:
        return False
    lengths, pattern = desc
    return (lengths is None or len(nsn) in lengths) and pattern.fullmatch(nsn) is not None


def _has_type(nsn: str, descs: _Descs | None) -> bool:
    """``_number_type_helper(nsn, metadata) != UNKNOWN``."""
    if descs is None:
        return False
    general, kinds = descs
    return _matches(nsn, general) and any(_matches(nsn, kind) for kind in kinds)


class _Phone:
    """The phonenumbers functions we call, bound once on first use, and what we derive from its metadata."""

    def __init__(self, mod: ModuleType) -> None:
        self.parse = mod.parse
        self.number_class = mod.PhoneNumber
        self.is_valid = mod.is_valid_number
        self.possible_reason = mod.is_possible_number_with_reason
        self.possible = mod.ValidationResult.IS_POSSIBLE
        self.format = mod.format_number
        self.e164 = mod.PhoneNumberFormat.E164
        self.error = mod.NumberParseException
        self.regions_by_code: dict[int, tuple[str, ...]] = mod.phonenumberutil.COUNTRY_CODE_TO_REGION_CODE
        self.metadata = mod.PhoneMetadata
        self.min_lengths: dict[int, int] = {}
        self.nsn = mod.national_significant_number
        self.facts: dict[int, _Facts] = {}
        self.prefixes: dict[int, re.Pattern[str] | None] = {}
        self.national_facts: dict[str, tuple[int, re.Pattern[str], str, re.Pattern[str] | None] | None] = {}

    def _meta(self, code: int, region: str) -> Any:
        return self.metadata.metadata_for_region_or_calling_code(code, region)

    def valid(self, number: Any) -> bool:
        """``is_valid_number``, computed from the same metadata with precompiled patterns.

        ``is_valid_number`` validates against the region ``region_code_for_number`` picks: it
        walks the country code's regions in order, taking a region with ``leading_digits`` when
        they match and one without when the number has a type there (valid for it); a number has
        a type when it matches the general description and one type's description (possible
        lengths, then the national number pattern in full). The same walk and checks are done
        here with patterns compiled once, instead of through ``re``'s cache about a dozen times per
        region; a national length no region of the code allows is a "no" at once.
        """
        if not _SHORTCUT:
            return bool(self.is_valid(number))
        code = number.country_code
        facts = self.facts.get(code)
        if facts is None:
            facts = self.facts[code] = (self._lengths(code), self._walk(code))
        lengths, walk = facts
        nsn = self.nsn(number)
        if lengths and len(nsn) not in lengths:
            return False
        for leading, descs in walk:
            if leading is None:
                if _has_type(nsn, descs):
                    return True
            elif leading.match(nsn):
                return _has_type(nsn, descs)
        return False

    def _walk(self, code: int) -> tuple[tuple[re.Pattern[str] | None, _Descs | None], ...]:
        regions = self.regions_by_code.get(code, ())
        if len(regions) == 1:  # region_code_for_number takes it without looking
            return ((None, self._descs(self._meta(code, regions[0]))),)
        walk = []
        for region in regions:
            meta = self.metadata.metadata_for_region(region, None)
            if meta is not None:  # region_code_for_number skips regions without metadata too
                leading = meta.leading_digits
                walk.append((re.compile(leading) if leading is not None else None, self._descs(meta)))
        return tuple(walk)

    @staticmethod
    def _descs(meta: Any) -> _Descs | None:
        if meta is None:
            return None
        general = _desc(meta.general_desc)
        names = _TYPE_DESCS[:-1] if meta.same_mobile_and_fixed_line_pattern else _TYPE_DESCS  # as the helper
        kinds = [_desc(getattr(meta, name)) for name in names]
        return general, tuple(kind for kind in kinds if kind is not None)

    def _lengths(self, code: int) -> frozenset[int]:
        """Every national number length some region of ``code`` allows (empty when unsure)."""
        lengths: set[int] = set()
        for region in self.regions_by_code.get(code, ()):
            meta = self._meta(code, region)
            possible = meta.general_desc.possible_length if meta is not None else None
            if not possible or any(n <= 0 for n in possible):
                return frozenset()
            lengths.update(possible)
        return frozenset(lengths)

    def is_possible(self, number: Any) -> bool:
        return bool(self.possible_reason(number) == self.possible)

    def min_length(self, code: int) -> int:
        """The shortest national number valid for ``code`` (0 when unsure, so no shortcut is taken)."""
        known = self.min_lengths.get(code)
        if known is None:
            known = self.min_lengths[code] = self._min_length(code)
        return known

    def _min_length(self, code: int) -> int:
        lengths: list[int] = []
        for region in self.regions_by_code.get(code, ()):
            meta = self._meta(code, region)
            if meta is None or meta.national_prefix_transform_rule or not meta.general_desc.possible_length:
                return 0  # a transform rule could lengthen the number: always parse
            lengths.extend(n for n in meta.general_desc.possible_length if n > 0)
        return min(lengths, default=0)

    def _split_code(self, digits: str) -> tuple[int, str] | None:
        """The country code libphonenumber reads at the start of ``digits`` and the rest, or ``None``."""
        if not digits or digits[0] == "0":
            return None  # no country code starts with 0: libphonenumber refuses it
        for size in range(1, min(len(digits), _MAX_COUNTRY_CODE_DIGITS) + 1):
            code = int(digits[:size])
            if code in self.regions_by_code:
                return code, digits[size:]
        return None

    def plus_reading_is_impossible(self, text: str) -> bool:
        """Whether ``'+' + text`` is certainly not a valid number, judged without parsing.

        Only for plain numbers (ASCII digits and separators: no letters, extensions or other
        scripts' digits): the country code is read as libphonenumber reads it, and a national
        number shorter than any valid one for that code is impossible (parsing only shortens it).
        """
        if not _PLAIN_NUMBER.fullmatch(text):
            return False
        split = self._split_code(_NON_DIGITS.sub("", text))
        return split is None or len(split[1]) < self.min_length(split[0])

    def plus_number(self, text: str) -> Any:
        """``parse('+' + text, None)`` (or ``None`` where it raises), built directly for a plain number.

        For ASCII digits and the punctuation libphonenumber skips, ``parse`` reads the country code
        as :meth:`_split_code` does, keeps the rest as the national number unless the country's
        national prefix matches its start (then it is parsed for real), refuses a national number
        shorter than 2 or longer than 17 digits, and records leading zeros (the "Italian" zero).
        """
        if not _SIMPLE_NUMBER.fullmatch(text):
            return _parse(self, "+" + text, None)
        digits = _NON_DIGITS.sub("", text)
        if len(digits) < 3:  # libphonenumber: too short after the international prefix
            return None
        split = self._split_code(digits)
        if split is None:
            return None
        code, national = split
        if len(national) < 2:
            return None
        prefix = self.prefix_for(code)
        if prefix is not None and prefix.match(national):
            return _parse(self, "+" + text, None)
        if len(national) > _MAX_NSN:  # checked after the prefix stripping, as parse does
            return None
        return self._build(code, national)

    def national_number(self, text: str, region: str) -> Any:
        """``parse(text, region)`` (or ``None`` where it raises), built directly for a plain number.

        Without a ``+``, ``parse`` strips the region's international call prefix, then a leading
        country code of the region, then its national prefix, each under conditions; when none of
        them can start the digits, the digits are the national number as they are (2 to 17 of
        them). Anything else is parsed for real.
        """
        facts = self.national_facts.get(region)
        if facts is None:
            facts = self.national_facts[region] = self._national_facts(region)
        digits = _NON_DIGITS.sub("", text) if _SIMPLE_NUMBER.fullmatch(text) else ""
        if facts is None or len(digits) < 3:
            return _parse(self, text, region)
        code, idd, code_text, prefix = facts
        if idd.match(digits) or digits.startswith(code_text) or (prefix is not None and prefix.match(digits)):
            return _parse(self, text, region)
        if len(digits) > _MAX_NSN:
            return None
        return self._build(code, digits)

    def _national_facts(self, region: str) -> tuple[int, re.Pattern[str], str, re.Pattern[str] | None] | None:
        meta = self.metadata.metadata_for_region(region, None)
        if meta is None or not meta.international_prefix or not meta.country_code:
            return None  # parse refuses an unknown region; no shortcut for odd metadata
        prefix = meta.national_prefix_for_parsing
        code = int(meta.country_code)
        return code, re.compile(meta.international_prefix), str(code), re.compile(prefix) if prefix else None

    def _build(self, code: int, national: str) -> Any:
        """The ``PhoneNumber`` ``parse`` makes of these digits, leading ("Italian") zeros included."""
        number = self.number_class(country_code=code, national_number=int(national))
        if len(national) > 1 and national[0] == "0":
            number.italian_leading_zero = True
            zeros = len(national) - len(national.lstrip("0"))
            zeros = min(zeros, len(national) - 1)
            if zeros != 1:
                number.number_of_leading_zeros = zeros
        return number

    def prefix_for(self, code: int) -> re.Pattern[str] | None:
        """The compiled ``national_prefix_for_parsing`` ``parse`` uses after country code ``code``."""
        if code not in self.prefixes:
            meta = self._meta(code, self.regions_by_code[code][0])
            pattern = meta.national_prefix_for_parsing if meta is not None else None
            self.prefixes[code] = re.compile(pattern) if pattern else None
        return self.prefixes[code]

    def reads_back_unchanged(self, e164: str) -> bool:
        """Whether parsing ``e164`` (``'+'`` and digits) certainly gives the same digits back.

        The only step of ``parse`` that changes the digits of a number written with its country
        code is the national prefix (and carrier code) stripping, which starts with a match of the
        country's ``national_prefix_for_parsing`` at the start of the national number.
        """
        split = self._split_code(e164[1:])
        if split is None:
            return True  # parse refuses it: the digits fallback gives it back unchanged
        code, national = split
        prefix = self.prefix_for(code)
        return prefix is None or prefix.match(national) is None


_phone_lib: _Phone | None = None


def _phonenumbers() -> _Phone:
    global _phone_lib
    if _phone_lib is None:
        _phone_lib = _Phone(require("phonenumbers", "normalizers"))
    return _phone_lib


def _parse(lib: _Phone, text: str, region: str | None) -> Any:
    try:
        return lib.parse(text, region)
    except lib.error:
        return None


def _digits_fallback(text: str) -> str | None:
    digits = _NON_DIGITS.sub("", text).lstrip("0")  # no country code starts with 0
    if MIN_PHONE_DIGITS <= len(digits) <= _MAX_PHONE_DIGITS:
        return "+" + digits
    return None


def _find(lib: _Phone, text: str, region: str, strict: bool) -> str | None:
    """The first reading that applies (see :func:`phone`), before it is read back."""
    if text.startswith("00"):  # the international call prefix of most of the world
        text = "+" + text[2:]
    if "+" in text or "\uff0b" in text:
        number = lib.plus_number(text[1:]) if _SHORTCUT and text[0] == "+" else _parse(lib, text, None)
        fallback = None if strict else _digits_fallback(text)
        if number is not None:
            formatted: str = lib.format(number, lib.e164)
            # the same string either way: the validity check would change nothing
            if (_SHORTCUT and formatted == fallback) or lib.valid(number):
                return formatted
        return fallback
    national = lib.national_number(text, region) if _SHORTCUT else _parse(lib, text, region)
    plus_possible = not (_SHORTCUT and lib.plus_reading_is_impossible(text))
    if national is not None:
        if not plus_possible and not strict:  # valid or possible: the same answer
            if lib.is_possible(national) or lib.valid(national):
                return str(lib.format(national, lib.e164))
            return _digits_fallback(text)
        if lib.valid(national):
            return str(lib.format(national, lib.e164))
    if plus_possible:
        plus = lib.plus_number(text) if _SHORTCUT else _parse(lib, "+" + text, None)
        if plus is not None and lib.valid(plus):
            return str(lib.format(plus, lib.e164))
    if strict:
        return None
    if national is not None and lib.is_possible(national):
        return str(lib.format(national, lib.e164))
    return _digits_fallback(text)


def _settle(lib: _Phone, found: str, strict: bool) -> str | None:
    """``found`` read again as :func:`phone` reads it until it stays the same, within the bounds."""
    current: str | None = found
    for _ in range(_MAX_PHONE_DIGITS + 1):  # every change strips digits: it ends sooner
        if current is None:
            return None
        if _SHORTCUT and lib.reads_back_unchanged(current):
            break
        again = _find(lib, current, "US", strict)
        if again == current:
            break
        current = again
    else:
        return None
    if current is None or not MIN_PHONE_DIGITS <= len(current) - 1 <= _MAX_PHONE_DIGITS:
        return None
    return current


def phone(value: object, *, region: str = "US", strict: bool = False) -> str | None:
    """The number in E.164 form (``'+33612345678'``) with 7 to 15 digits, or ``None``.

    The first reading libphonenumber calls *valid* wins:

    1. the text as given when it has a ``+`` (``'+33 6 12 34 56 78'``; a leading ``00`` counts
       as ``+``);
    2. the text as a national number of ``region`` (US by default: ``'(201) 555-0123'`` gives
       ``'+12015550123'``, not Egypt's ``+20``);
    3. ``'+'`` followed by the text (``'33612345678'``).

    Unless ``strict``: 4. a number *possible* in ``region`` (right length; libphonenumber calls
    the 555 numbers invalid, yet ``'5551234567'`` gives ``'+15551234567'`` as it did in the
    original), then 5. ``'+'`` followed by the digits (leading zeros dropped). With
    ``strict=True`` only valid numbers are returned. The answer is read back until stable, so
    ``phone(phone(x)) == phone(x)``; one outside 7 to 15 digits gives ``None``. The last 4,096
    answers are kept (a bounded, thread-safe cache of a pure function).
    """
    text = as_text(value)
    if text is None:
        return None
    text = text.strip()
    if not text or len(text) > _MAX_PHONE_INPUT:
        return None
    region = str.upper(region) if issubclass(type(region), str) else "US"
    return _normalized(text, region, strict is True or (type(strict) is int and strict != 0))


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _normalized(text: str, region: str, strict: bool) -> str | None:
    """:func:`phone` after the text checks; a pure function of its arguments, so cached."""
    lib = _phonenumbers()
    try:
        found = _find(lib, text, region, strict)
        return None if found is None else _settle(lib, found, strict)
    except Exception:  # the never-raise contract: a library bug must not escape
        logger.debug("phonenumbers failed unexpectedly", exc_info=True)
        return None
