"""Email and zip normalizers (total functions: any input, never raise, ``None`` when invalid).

``email_validator`` is imported on first
use, so ``import verifiedfan.normalizers`` stays cheap; a missing extra raises
:class:`~verifiedfan.errors.DependencyMissingError` (a configuration problem, not bad input).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from verifiedfan._optional import require
from verifiedfan.normalizers._text import as_text

__all__ = ["email", "zip"]

logger = logging.getLogger(__name__)

_MAX_EMAIL_LENGTH = 320  # a cheap first cut, before the RFC 5321 limits below
_MAX_LOCAL_OCTETS = 64
_MAX_ADDRESS_OCTETS = 254
_ZIP = re.compile(r"([0-9]{5})(?:[-\s]?[0-9]{4})?")


_validate_email: Any = None
_email_error: type[Exception] = ValueError


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
    returned in Unicode NFC form. RFC 5321's limits hold: at most 64 octets (UTF-8) before the
    ``@`` and 254 in all.
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
    # RFC 5321 4.5.3.1: 64 octets of local part, 254 for the whole path (email_validator checks
    # the local part only in strict mode, which also refuses addresses we accept)
    local = normalized.rpartition("@")[0]
    if len(local.encode("utf-8")) > _MAX_LOCAL_OCTETS:
        return None
    if len(normalized.encode("utf-8")) > _MAX_ADDRESS_OCTETS:
        return None
    return normalized


def zip(value: object) -> str | None:  # shadows the builtin on purpose: the original name
    """The 5-digit US zip code from ``'02134'``, ``' 02134 '`` or ``'02134-1234'``, else ``None``."""
    text = as_text(value)
    if text is None or len(text) > 32:
        return None
    match = _ZIP.fullmatch(text.strip())
    return match.group(1) if match else None
