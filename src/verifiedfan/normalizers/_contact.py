"""Email, phone and zip normalizers (total functions: any input, never raise, ``None`` when invalid).

``phonenumbers`` (installed by ``phonenumberslite``) and ``email_validator`` are imported on first
use, so ``import verifiedfan.normalizers`` stays cheap; a missing extra raises
:class:`~verifiedfan.errors.DependencyMissingError` (a configuration problem, not bad input).
"""

from __future__ import annotations

import logging
import re
from types import ModuleType
from typing import Any

from verifiedfan._optional import require
from verifiedfan.normalizers._text import as_text

__all__ = ["MIN_PHONE_DIGITS", "email", "phone", "zip"]

logger = logging.getLogger(__name__)

MIN_PHONE_DIGITS = 7
"""The digits fallback of :func:`phone` needs at least this many digits (and at most 15, E.164's limit)."""
_MAX_PHONE_DIGITS = 15
_MAX_PHONE_INPUT = 250  # libphonenumber's own input limit
_MAX_EMAIL_LENGTH = 320  # 64 local + @ + 255 domain; email_validator enforces the finer limits
_ZIP = re.compile(r"([0-9]{5})(?:[-\s]?[0-9]{4})?")
_NON_DIGITS = re.compile(r"[^0-9]+")
_PLAIN_NUMBER = re.compile(r"[0-9\s().\-/]+")
_MAX_COUNTRY_CODE_DIGITS = 3


class _Phone:
    """The phonenumbers functions we call, bound once on first use."""

    def __init__(self, mod: ModuleType) -> None:
        self.parse = mod.parse
        self.is_valid = mod.is_valid_number
        self.possible_reason = mod.is_possible_number_with_reason
        self.possible = mod.ValidationResult.IS_POSSIBLE
        self.format = mod.format_number
        self.e164 = mod.PhoneNumberFormat.E164
        self.error = mod.NumberParseException
        self.regions_by_code = mod.phonenumberutil.COUNTRY_CODE_TO_REGION_CODE
        self.metadata = mod.PhoneMetadata
        self.min_lengths: dict[int, int] = {}

    def min_length(self, code: int) -> int:
        """The shortest national number valid for ``code`` (0 when unsure, so no shortcut is taken)."""
        known = self.min_lengths.get(code)
        if known is None:
            known = self.min_lengths[code] = self._min_length(code)
        return known

    def _min_length(self, code: int) -> int:
        lengths: list[int] = []
        for region in self.regions_by_code.get(code, ()):
            if region == "001":
                meta = self.metadata.metadata_for_nongeo_region(code)
            else:
                meta = self.metadata.metadata_for_region(region)
            if meta is None or meta.national_prefix_transform_rule or not meta.general_desc.possible_length:
                return 0  # a transform rule could lengthen the number: always parse
            lengths.extend(n for n in meta.general_desc.possible_length if n > 0)
        return min(lengths, default=0)

    def plus_reading_is_impossible(self, text: str) -> bool:
        """Whether ``'+' + text`` is certainly not a valid number, judged without parsing.

        Only for plain numbers (ASCII digits and separators: no letters, extensions or other
        scripts' digits): the country code is read as libphonenumber reads it, and a national
        number shorter than any valid one for that code is impossible (parsing only shortens it).
        """
        if not _PLAIN_NUMBER.fullmatch(text):
            return False
        digits = _NON_DIGITS.sub("", text)
        if not digits or digits[0] == "0":
            return True  # no country code starts with 0: libphonenumber refuses it
        for size in range(1, min(len(digits), _MAX_COUNTRY_CODE_DIGITS) + 1):
            code = int(digits[:size])
            if code in self.regions_by_code:
                return len(digits) - size < self.min_length(code)
        return True  # no country code: libphonenumber refuses it


_phone_lib: _Phone | None = None
_SHORTCUT = True  # skip parsing/validity work whose outcome is known (tests compare both ways)
_validate_email: Any = None
_email_error: type[Exception] = ValueError


def _phonenumbers() -> _Phone:
    global _phone_lib
    if _phone_lib is None:
        _phone_lib = _Phone(require("phonenumbers", "normalizers"))
    return _phone_lib


def _email_validator() -> Any:
    global _validate_email, _email_error
    if _validate_email is None:
        mod = require("email_validator", "normalizers")
        _email_error = mod.EmailNotValidError
        _validate_email = mod.validate_email
    return _validate_email


def email(value: object) -> str | None:
    """The address trimmed, lower-cased and syntax-checked (no DNS lookup), or ``None``.

    ``' User@Example.COM '`` gives ``'user@example.com'``. The whole address is lower-cased (a
    product rule: lookups are case-insensitive); internationalized domains are accepted and
    returned in Unicode NFC form.
    """
    text = as_text(value)
    if text is None:
        return None
    text = text.strip()
    if not text or len(text) > _MAX_EMAIL_LENGTH or "@" not in text:
        return None
    validate = _email_validator()
    try:
        result = validate(text.lower(), check_deliverability=False)
    except _email_error:
        return None
    except Exception:  # the never-raise contract: a library bug must not escape
        logger.debug("email_validator failed unexpectedly", exc_info=True)
        return None
    normalized: str = result.normalized.lower()
    return normalized


def _reading(lib: _Phone, text: str, region: str | None, *, possible: bool) -> tuple[str | None, str | None]:
    """One reading of ``text``: (E.164 when valid, E.164 when only possible and ``possible`` asked)."""
    try:
        number = lib.parse(text, region)
        if lib.is_valid(number):
            valid: str = lib.format(number, lib.e164)
            return valid, None
        if possible and lib.possible_reason(number) == lib.possible:
            maybe: str = lib.format(number, lib.e164)
            return None, maybe
    except lib.error:
        pass
    except Exception:  # the never-raise contract: a library bug must not escape
        logger.debug("phonenumbers failed unexpectedly", exc_info=True)
    return None, None


def _digits_fallback(text: str) -> str | None:
    digits = _NON_DIGITS.sub("", text).lstrip("0")  # no country code starts with 0
    if MIN_PHONE_DIGITS <= len(digits) <= _MAX_PHONE_DIGITS:
        return "+" + digits
    return None


def _plus_number(lib: _Phone, text: str) -> str | None:
    """Non-strict reading of a number written with ``+``: the valid E.164 form, else the digits.

    When libphonenumber's E.164 form is just ``'+'`` and the digits (nothing stripped), both
    outcomes are the same string, so the validity check is skipped.
    """
    fallback = _digits_fallback(text)
    try:
        number = lib.parse(text, None)
        formatted: str = lib.format(number, lib.e164)
        if formatted == fallback or lib.is_valid(number):
            return formatted
    except lib.error:
        pass
    except Exception:  # the never-raise contract: a library bug must not escape
        logger.debug("phonenumbers failed unexpectedly", exc_info=True)
    return fallback


def phone(value: object, *, region: str = "US", strict: bool = False) -> str | None:
    """The number in E.164 form (``'+33612345678'``), or ``None``.

    The original's order; the first reading libphonenumber calls *valid* wins:

    1. the text as given (when it has a ``+``, e.g. ``'+33 6 12 34 56 78'``; a leading ``00``
       counts as ``+``);
    2. ``'+'`` followed by the text (``'33612345678'``);
    3. the text as a national number of ``region`` (US by default, i.e. ``'+1'`` + text).

    Unless ``strict``: 4. a number *possible* in ``region`` (right length; libphonenumber calls
    the 555 numbers invalid, yet ``'5551234567'`` gives ``'+15551234567'`` as it did in the
    original), then 5. ``'+'`` followed by the digits (leading zeros dropped) when there are 7
    to 15 of them. With ``strict=True`` only valid numbers are returned.
    """
    text = as_text(value)
    if text is None:
        return None
    text = text.strip()
    if not text or len(text) > _MAX_PHONE_INPUT:
        return None
    lib = _phonenumbers()
    if text.startswith("00"):  # the international call prefix of most of the world
        text = "+" + text[2:]
    has_plus = "+" in text or "\uff0b" in text
    region = region.upper() if isinstance(region, str) else "US"
    valid = maybe = None
    if has_plus:
        if not strict and _SHORTCUT:
            return _plus_number(lib, text)
        valid, _ = _reading(lib, text, None, possible=False)
    else:
        if not (_SHORTCUT and lib.plus_reading_is_impossible(text)):
            valid, _ = _reading(lib, "+" + text, None, possible=False)
        if valid is None:
            valid, maybe = _reading(lib, text, region, possible=not strict)
    if valid or strict:
        return valid
    if maybe:
        return maybe
    return _digits_fallback(text)


def zip(value: object) -> str | None:  # shadows the builtin on purpose: the original name
    """The 5-digit US zip code from ``'02134'``, ``' 02134 '`` or ``'02134-1234'``, else ``None``."""
    text = as_text(value)
    if text is None or len(text) > 32:
        return None
    match = _ZIP.fullmatch(text.strip())
    return match.group(1) if match else None
