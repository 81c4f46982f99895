"""Errors specific to the music clients (all :class:`~verifiedfan.errors.VFError` subclasses)."""

from __future__ import annotations

from typing import Literal

from verifiedfan.errors import AuthError, ForbiddenError, InvalidTokenError, UnauthorizedError

__all__ = [
    "AppleDeveloperTokenError",
    "AppleUserTokenError",
    "AuthorizationCodeError",
    "AuthorizationDeniedError",
    "StateMismatchError",
    "TokenRefreshError",
]


class TokenRefreshError(InvalidTokenError):
    """The platform refused to refresh a user token (revoked or invalid refresh token): the user must
    sign in again."""


class AppleDeveloperTokenError(UnauthorizedError):
    """Apple Music answered 401: the developer token (our ES256 JWT, key id, team id) was rejected."""


class AppleUserTokenError(ForbiddenError):
    """Apple Music answered 403: the Music-User-Token is missing, expired or revoked, or the user has
    not accepted the privacy setting. It cannot be refreshed by the server: ask the user again."""


class AuthorizationCodeError(InvalidTokenError):
    """The accounts service refused an authorization code (``invalid_grant``): already used (a
    replayed callback), expired, issued to another client or for another ``redirect_uri``, or the
    PKCE ``code_verifier`` does not match its challenge. ``reason`` says which when Spotify's
    ``error_description`` tells (``"invalid_code"``, ``"expired_code"``, ``"code_verifier"``,
    ``"redirect_uri"``, else ``"other"``). The code cannot be used again: start the sign-in over."""

    status = 400

    def __init__(
        self,
        message: str,
        *,
        reason: Literal["invalid_code", "expired_code", "code_verifier", "redirect_uri", "other"] = "other",
        status: int | None = None,
    ) -> None:
        super().__init__(message, status=status)
        self.reason = reason


class StateMismatchError(AuthError):
    """The OAuth callback's ``state`` is not the one this sign-in sent (a forged, replayed or
    crossed callback, RFC 6749 10.12): the code it carries must not be exchanged."""

    status = 400


class AuthorizationDeniedError(AuthError):
    """The user did not grant access: the callback carries ``error`` (``"access_denied"`` when the
    user declined) instead of a code."""

    status = 403

    def __init__(self, message: str, *, error: str) -> None:
        super().__init__(message)
        self.error = error
