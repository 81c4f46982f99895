"""Decoding a token WITHOUT verification, for the ``vf jwt read --insecure-decode`` debugging path only.

Nothing here is exported from :mod:`verifiedfan.jwt`: services must use :class:`Verifier`.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from verifiedfan.errors import InvalidTokenError
from verifiedfan.jwt._verifier import check_token_size

__all__ = ["decode_unverified"]


def _segment(part: bytes) -> dict[str, Any]:
    try:
        value = json.loads(base64.urlsafe_b64decode(part + b"=" * (-len(part) % 4)))
    except (binascii.Error, ValueError) as exc:
        raise InvalidTokenError("invalid token: malformed token") from exc
    if not isinstance(value, dict):
        raise InvalidTokenError("invalid token: malformed token")
    return value


def decode_unverified(token: str | bytes, *, max_bytes: int = 65536) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(header, claims)`` of ``token``, UNVERIFIED: never use them to make a decision."""
    token = check_token_size(token, max_bytes)
    raw = token.encode("ascii", "replace") if isinstance(token, str) else token
    parts = raw.split(b".")
    if len(parts) != 3:
        raise InvalidTokenError("invalid token: malformed token")
    return _segment(parts[0]), _segment(parts[1])
