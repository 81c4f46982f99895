"""What ``TmSms`` checks and builds before any I/O: recipients in E.164, GSM-7 segments, templates,
idempotency keys, and the typed outcomes of a wave.

The GSM 03.38 tables below are the 3GPP TS 23.038 default alphabet and its extension table (the
characters that cost two septets). They are small and fixed, so they live here rather than behind a
dependency: a message that only uses them travels as GSM-7 (160 septets in one segment, 153 per
segment of a concatenated message); any other character makes it UCS-2 (70 UTF-16 code units, 67 per
segment when concatenated).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from pydantic_settings import SettingsConfigDict

from verifiedfan.errors import ValidationError, VFError
from verifiedfan.http import ApiSettings
from verifiedfan.normalizers import phone

__all__ = [
    "MAX_SEGMENTS",
    "SmsEncoding",
    "SmsOutcome",
    "SmsRecipient",
    "SmsResult",
    "SmsStatus",
    "TmSmsSettings",
    "default_idempotency_key",
    "fill_template",
    "segments_of",
    "to_e164",
]

#: A message longer than this many segments is refused before any I/O.
MAX_SEGMENTS = 10

_GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENDED = frozenset("\f^{}\\[~]|€")
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


class SmsEncoding(StrEnum):
    GSM7 = "gsm7"
    UCS2 = "ucs2"


def segments_of(message: str) -> tuple[SmsEncoding, int]:
    """The encoding a message travels in and how many SMS segments it takes."""
    if all(c in _GSM7_BASIC or c in _GSM7_EXTENDED for c in message):
        units = sum(2 if c in _GSM7_EXTENDED else 1 for c in message)
        single, multi, encoding = 160, 153, SmsEncoding.GSM7
    else:
        units = len(message.encode("utf-16-le")) // 2
        single, multi, encoding = 70, 67, SmsEncoding.UCS2
    if units <= single:
        return encoding, 1
    return encoding, -(-units // multi)


def to_e164(to: object, *, region: str = "US") -> str:
    """``to`` in E.164 through :func:`verifiedfan.normalizers.phone`, or a ValidationError."""
    if not isinstance(to, str) or not to.strip():
        raise ValidationError("an SMS recipient must be a non-empty phone number")
    e164 = phone(to, region=region)
    if e164 is None:
        raise ValidationError(f"not a phone number: {to!r}")
    return e164


def check_message(message: object) -> tuple[SmsEncoding, int]:
    """The encoding and segment count of a sendable message (ValidationError when empty or too long)."""
    if not isinstance(message, str) or not message.strip():
        raise ValidationError("an SMS message must be a non-empty string")
    encoding, segments = segments_of(message)
    if segments > MAX_SEGMENTS:
        raise ValidationError(f"the message takes {segments} SMS segments; at most {MAX_SEGMENTS} allowed")
    return encoding, segments


def default_idempotency_key(to_e164: str, message: str) -> str:
    """SHA-256 of the recipient and the message: the same text to the same number is sent once,
    however many times the call is retried (or repeated)."""
    digest = hashlib.sha256(f"{to_e164}\x00{message}".encode()).hexdigest()
    return f"sms-{digest}"


def fill_template(template: str, variables: Mapping[str, Any]) -> str:
    """Replace each ``{name}`` of ``template`` with ``variables[name]`` (ValidationError naming a
    missing one). Only plain names are substituted: no attribute or index access, unlike
    ``str.format``, so a template cannot reach into the values."""
    missing = sorted({m for m in _PLACEHOLDER.findall(template) if m not in variables})
    if missing:
        raise ValidationError(f"the template needs variables {missing}")
    return _PLACEHOLDER.sub(lambda m: str(variables[m.group(1)]), template)


@dataclass(frozen=True, slots=True)
class SmsRecipient:
    """One recipient of a wave: a phone number (any form :func:`~verifiedfan.normalizers.phone`
    reads) and the template variables for that person."""

    to: str
    variables: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SmsResult:
    """An accepted message. ``duplicate`` is True when the API had already accepted the same
    idempotency key (the message was not sent again)."""

    message_id: str
    to: str
    status: str
    segments: int
    encoding: SmsEncoding
    idempotency_key: str
    duplicate: bool = False


class SmsStatus(StrEnum):
    SENT = "sent"
    INVALID_NUMBER = "invalid_number"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class SmsOutcome:
    """What became of one recipient of a wave: ``SENT`` (with ``result``), ``INVALID_NUMBER`` or
    ``FAILED`` (with the typed ``error``: a missing template variable, a refused or failed call)."""

    recipient: SmsRecipient
    status: SmsStatus
    result: SmsResult | None = None
    error: VFError | None = None

    @property
    def ok(self) -> bool:
        return self.status is SmsStatus.SENT


class TmSmsSettings(ApiSettings):
    """Settings of :class:`~verifiedfan.ticketmaster.TmSms` (``VF_TM_SMS_*``): ``base_url`` (or
    ``base_urls`` per ``environment``), ``client_id``/``client_secret``/``token_url`` (OAuth2 client
    credentials; the token URL defaults to ``<base_url>/oauth/token``), ``integrator_id``,
    ``sender_id`` and ``default_region`` (how a national number is read)."""

    model_config = SettingsConfigDict(env_prefix="VF_TM_SMS_")

    service_name: str = "tm_sms"
    integrator_id: str = ""
    sender_id: str | None = None
    default_region: str = "US"
