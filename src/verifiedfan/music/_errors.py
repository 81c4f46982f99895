"""Errors specific to the music clients (all :class:`~verifiedfan.errors.VFError` subclasses)."""

from __future__ import annotations

from verifiedfan.errors import ForbiddenError, HTTPStatusError, InvalidTokenError, UnauthorizedError

__all__ = ["AppleDeveloperTokenError", "AppleUserTokenError", "TokenRefreshError", "rebrand"]


class TokenRefreshError(InvalidTokenError):
    """The platform refused to refresh a user token (revoked or invalid refresh token): the user must
    sign in again."""


class AppleDeveloperTokenError(UnauthorizedError):
    """Apple Music answered 401: the developer token (our ES256 JWT, key id, team id) was rejected."""


class AppleUserTokenError(ForbiddenError):
    """Apple Music answered 403: the Music-User-Token is missing, expired or revoked, or the user has
    not accepted the privacy setting. It cannot be refreshed by the server: ask the user again."""


def rebrand(error: HTTPStatusError, cls: type[HTTPStatusError], message: str) -> HTTPStatusError:
    """``error`` as a more specific class, keeping status, body, method, URL and headers."""
    return cls(
        message,
        status=error.status_code,
        body=error.body,
        method=error.method,
        url=error.url,
        service_name=error.service_name,
        headers=error.headers,
    )
