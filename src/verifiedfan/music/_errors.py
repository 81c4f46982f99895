"""Errors specific to the music clients (all :class:`~verifiedfan.errors.VFError` subclasses)."""

from __future__ import annotations

from verifiedfan.errors import ForbiddenError, InvalidTokenError, UnauthorizedError

__all__ = ["AppleDeveloperTokenError", "AppleUserTokenError", "TokenRefreshError"]


class TokenRefreshError(InvalidTokenError):
    """The platform refused to refresh a user token (revoked or invalid refresh token): the user must
    sign in again."""


class AppleDeveloperTokenError(UnauthorizedError):
    """Apple Music answered 401: the developer token (our ES256 JWT, key id, team id) was rejected."""


class AppleUserTokenError(ForbiddenError):
    """Apple Music answered 403: the Music-User-Token is missing, expired or revoked, or the user has
    not accepted the privacy setting. It cannot be refreshed by the server: ask the user again."""
