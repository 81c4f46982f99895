"""Argument checks shared by the music clients (no I/O)."""

from __future__ import annotations

from verifiedfan.errors import ValidationError
from verifiedfan.http import UserToken

__all__ = ["TokenLike", "check_limit", "check_token"]

TokenLike = str | UserToken


def check_limit(limit: int | None, name: str = "limit") -> None:
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 1):
        raise ValidationError(f"{name} must be a positive integer or None, got {limit!r}")


def check_token(token: TokenLike) -> UserToken:
    if isinstance(token, UserToken):
        if not token.access_token:
            raise ValidationError("the UserToken has an empty access_token")
        return token
    if not isinstance(token, str) or not token:
        raise ValidationError("token must be a non-empty string or a UserToken")
    return UserToken(access_token=token)
