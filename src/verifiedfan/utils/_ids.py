"""Random identifiers: short hex ids from :mod:`secrets` and UUID4 strings."""

from __future__ import annotations

import secrets
import uuid as _uuid

from verifiedfan.errors import ValidationError

__all__ = ["simple_unique_id", "uuid"]


def simple_unique_id(length: int = 24) -> str:
    """``length`` random lower-case hex characters from a cryptographic source (``secrets``).

    Raises :class:`~verifiedfan.errors.ValidationError` unless 1 <= ``length`` <= 1024.
    """
    if isinstance(length, bool) or not isinstance(length, int) or not 1 <= length <= 1024:
        raise ValidationError(f"length must be an integer from 1 to 1024, got {length!r}")
    return secrets.token_hex((length + 1) // 2)[:length]


def uuid() -> str:
    """A random (version 4) UUID as a string: ``'1b4e28ba-2fa1-4d2e-9c1f-...'``."""
    return str(_uuid.uuid4())
