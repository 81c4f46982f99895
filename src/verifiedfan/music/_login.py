"""The non-I/O half of the Spotify sign-in (OAuth 2.0 authorization code with PKCE, RFC 6749 and
RFC 7636): the code verifier and its S256 challenge, the authorization URL, reading the callback
(``state`` compared in constant time), and the accounts service's ``invalid_grant`` answers as
typed errors. The I/O half is :meth:`verifiedfan.music.Spotify.exchange_code`.

The flow a web service runs (workflow 1, step 1)::

    login = spotify.authorization_url("https://app.example/callback", scopes=LISTENING_SCOPES)
    session["spotify_login"] = (login.state, login.code_verifier)  # server side, never in the URL
    redirect(login.url)
    ...                                                             # Spotify redirects back
    state, verifier = session.pop("spotify_login")
    code = read_callback(request.query, expected_state=state)      # StateMismatchError, denied...
    token = await spotify.exchange_code(code, "https://app.example/callback", verifier)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit

from verifiedfan.errors import ClientError, ResponseFormatError, ValidationError
from verifiedfan.music._errors import AuthorizationCodeError, AuthorizationDeniedError, StateMismatchError

__all__ = [
    "LISTENING_SCOPES",
    "AuthorizationRequest",
    "CodeErrorReason",
    "authorization_code_failed",
    "build_authorization_url",
    "check_code_arguments",
    "check_state",
    "code_challenge",
    "new_code_verifier",
    "read_callback",
    "refresh_token_of",
]

# What get_fan_engagement reads (Spotify's scope names).
LISTENING_SCOPES = (
    "user-read-private",
    "user-read-email",
    "user-library-read",
    "user-top-read",
    "user-follow-read",
    "user-read-recently-played",
)

# RFC 7636 4.1: 43 to 128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~".
_VERIFIER = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")
_SCOPE = re.compile(r"^[a-z][a-z0-9-]*$")

CodeErrorReason = Literal["invalid_code", "expired_code", "code_verifier", "redirect_uri", "other"]


def new_code_verifier(nbytes: int = 64) -> str:
    """A fresh PKCE code verifier: ``nbytes`` random octets, base64url without padding (RFC 7636
    4.1 recommends 32 octets, 43 characters; 64 octets give 86 characters)."""
    if not 32 <= nbytes <= 96:
        raise ValidationError("a code verifier needs between 32 and 96 random octets (43-128 characters)")
    return base64.urlsafe_b64encode(secrets.token_bytes(nbytes)).rstrip(b"=").decode("ascii")


def code_challenge(code_verifier: str) -> str:
    """``BASE64URL(SHA256(ASCII(code_verifier)))`` without padding: the S256 method of RFC 7636 4.2."""
    if not isinstance(code_verifier, str) or not _VERIFIER.match(code_verifier):
        raise ValidationError("a code verifier is 43 to 128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636 4.1)")
    digest = hashlib.sha256(code_verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass(frozen=True, slots=True)
class AuthorizationRequest:
    """Where to send the user (``url``) and what to keep server side until the callback: the
    ``state`` to compare and the ``code_verifier`` to send with the code. Its ``repr`` hides the
    verifier."""

    url: str
    state: str
    code_verifier: str = field(repr=False)
    redirect_uri: str
    scopes: tuple[str, ...]


def _check_redirect_uri(redirect_uri: str) -> None:
    parts = urlsplit(redirect_uri) if isinstance(redirect_uri, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc or parts.fragment:
        raise ValidationError("redirect_uri must be an absolute http(s) URI without a fragment")


def build_authorization_url(
    accounts_url: str,
    client_id: str,
    redirect_uri: str,
    *,
    scopes: Iterable[str],
    state: str | None,
    code_verifier: str | None,
    show_dialog: bool,
) -> AuthorizationRequest:
    """The ``GET /authorize`` URL of the authorization code flow with PKCE (S256)."""
    _check_redirect_uri(redirect_uri)
    scope_list = tuple(scopes) if not isinstance(scopes, str) else tuple(scopes.split())
    bad = [s for s in scope_list if not isinstance(s, str) or not _SCOPE.match(s)]
    if bad:
        raise ValidationError(f"not Spotify scope names: {bad!r}")
    if state is None:
        state = secrets.token_urlsafe(32)
    elif not isinstance(state, str) or not 8 <= len(state) <= 512:
        raise ValidationError("state must be a string of 8 to 512 characters (an unguessable value)")
    verifier = new_code_verifier() if code_verifier is None else code_verifier
    params = {
        "client_id": client_id,
        "response_type": "code",
        "redirect_uri": redirect_uri,
        "state": state,
        "code_challenge_method": "S256",
        "code_challenge": code_challenge(verifier),
    }
    if scope_list:
        params["scope"] = " ".join(scope_list)
    if show_dialog:
        params["show_dialog"] = "true"
    url = f"{accounts_url.rstrip('/')}/authorize?{urlencode(params)}"
    return AuthorizationRequest(
        url=url, state=state, code_verifier=verifier, redirect_uri=redirect_uri, scopes=scope_list
    )


def check_state(expected: str, received: str | None) -> None:
    """Raise :class:`StateMismatchError` unless the callback's ``state`` is the one sent (compared
    in constant time, so the comparison tells an attacker nothing about the expected value)."""
    if not isinstance(expected, str) or not expected:
        raise ValidationError("the expected state is empty: keep the one authorization_url returned")
    if not isinstance(received, str) or not hmac.compare_digest(
        expected.encode("utf-8"), received.encode("utf-8")
    ):
        raise StateMismatchError(
            "spotify: the callback's state does not match the one sent (a forged or stale callback)"
        )


def read_callback(callback: str | Mapping[str, str], *, expected_state: str) -> str:
    """The authorization code of Spotify's redirect to ``redirect_uri``: ``callback`` is the full
    callback URL, its query string, or the query as a mapping. The state is checked first (a forged
    callback is refused whatever else it says); ``error=access_denied`` raises
    :class:`AuthorizationDeniedError`."""
    if isinstance(callback, str):
        query = urlsplit(callback).query if "?" in callback or "://" in callback else callback
        params = dict(parse_qsl(query, keep_blank_values=True))
    else:
        params = dict(callback)
    check_state(expected_state, params.get("state"))
    error = params.get("error")
    if error:
        raise AuthorizationDeniedError(f"spotify: the authorization was not granted ({error})", error=error)
    code = params.get("code")
    if not code:
        raise ValidationError("the callback carries neither a code nor an error")
    return code


_REASONS: dict[str, CodeErrorReason] = {
    "invalid authorization code": "invalid_code",
    "authorization code expired": "expired_code",
    "code_verifier was incorrect": "code_verifier",
    "invalid redirect uri": "redirect_uri",
}


def authorization_code_failed(exc: ClientError) -> AuthorizationCodeError | None:
    """The typed error of an ``invalid_grant`` answer of the code grant (``None`` for any other):
    Spotify answers 400 ``{"error": "invalid_grant", "error_description": ...}``."""
    body: Any = exc.body
    if not isinstance(body, dict) or body.get("error") != "invalid_grant":
        return None
    description = body.get("error_description")
    text = description if isinstance(description, str) else ""
    reason = _REASONS.get(text.strip().rstrip(".").lower(), "other")
    return AuthorizationCodeError(
        f"spotify: the authorization code was refused ({text or 'invalid_grant'}); start the sign-in again",
        reason=reason,
        status=exc.status_code,
    )


def check_code_arguments(code: str, redirect_uri: str, code_verifier: str | None) -> None:
    """Bad input for :meth:`Spotify.exchange_code`, refused before any I/O."""
    if not isinstance(code, str) or not code:
        raise ValidationError("code must be the non-empty code of the callback")
    _check_redirect_uri(redirect_uri)
    if code_verifier is not None:
        code_challenge(code_verifier)  # validates the verifier's alphabet and length


def refresh_token_of(body: Any) -> str:
    """The refresh token a code grant must return."""
    token = body.get("refresh_token") if isinstance(body, dict) else None
    if not isinstance(token, str) or not token:
        raise ResponseFormatError("spotify /api/token: the code grant returned no refresh_token")
    return token
