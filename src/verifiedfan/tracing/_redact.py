"""Redaction of span attributes: secret-looking keys, then the logging redactor on string values."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["redact_attributes"]

_SECRET_PARTS = ("password", "secret", "token", "authorization", "cookie", "api_key", "apikey", "private_key")
REDACTED = "[REDACTED]"


def redact_attributes(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``attrs`` with values under secret-looking keys replaced."""
    from verifiedfan.log import redact

    out: dict[str, Any] = {}
    for key, value in attrs.items():
        lowered = key.lower().replace("-", "_")
        if any(part in lowered for part in _SECRET_PARTS):
            out[key] = REDACTED
        elif isinstance(value, str):
            out[key] = redact(value)
        else:
            out[key] = value
    return out
