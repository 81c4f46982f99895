"""The Spotify accounts service's sign-in: ``GET /authorize`` and the authorization code grant of
``POST /api/token``, as Spotify documents them (the authorization code flow, with or without PKCE).

What is checked, as the real service does:

- ``/authorize``: a registered ``client_id`` and an allowed ``redirect_uri`` (otherwise a 400 page,
  never a redirect: RFC 6749 4.1.2.1); then ``response_type=code``, known scopes and, with PKCE,
  ``code_challenge_method=S256`` and a 43-character challenge, each refused by a redirect carrying
  ``error`` (and ``state``). The sandbox has no login page: the user who signs in is the query's
  ``sandbox_user`` (default ``fan-top-1``), and ``sandbox_consent=deny`` answers as a user who
  declined (``error=access_denied``).
- the code grant: a code is single use (a second use is ``invalid_grant`` and revokes the tokens the
  first one gave, RFC 6749 4.1.2), lives ``code_ttl`` seconds on the sandbox clock, belongs to the
  client it was issued to and to its ``redirect_uri``, and with a challenge needs the matching
  ``code_verifier``. Errors are Spotify's bodies: ``{"error": "invalid_grant", "error_description":
  "Invalid authorization code" | "Authorization code expired" | "Invalid redirect URI" |
  "code_verifier was incorrect"}``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

from verifiedfan.testing.sandbox._http import Request, Response
from verifiedfan.testing.sandbox._music import MusicApp
from verifiedfan.testing.sandbox._routing import route

__all__ = ["DEFAULT_CODE_TTL", "SPOTIFY_SCOPES", "SpotifyAccountsApp"]

# Spotify's documented scopes (developer.spotify.com, "Scopes").
SPOTIFY_SCOPES = frozenset(
    {
        "ugc-image-upload",
        "user-read-playback-state",
        "user-modify-playback-state",
        "user-read-currently-playing",
        "app-remote-control",
        "streaming",
        "playlist-read-private",
        "playlist-read-collaborative",
        "playlist-modify-private",
        "playlist-modify-public",
        "user-follow-modify",
        "user-follow-read",
        "user-read-playback-position",
        "user-top-read",
        "user-read-recently-played",
        "user-library-modify",
        "user-library-read",
        "user-read-email",
        "user-read-private",
    }
)
_CHALLENGE = re.compile(r"^[A-Za-z0-9_-]{43}$")
DEFAULT_CODE_TTL = 600.0  # RFC 6749 4.1.2: "a maximum authorization code lifetime of 10 minutes"


@dataclass(slots=True)
class _Code:
    client_id: str
    redirect_uri: str
    user: str
    scope: str
    challenge: str | None
    expires_at: float
    used: bool = False
    issued: list[str] = field(default_factory=list)


def _grant_error(description: str, error: str = "invalid_grant") -> Response:
    return Response.json({"error": error, "error_description": description}, 400)


class SpotifyAccountsApp(MusicApp):
    """The sign-in half of the Spotify sandbox (see the module docstring). ``code_ttl``: seconds an
    authorization code lives; ``redirect_uris``: the app's allowlist (empty: any absolute http(s)
    URI without a fragment)."""

    def __init__(
        self, *, code_ttl: float = DEFAULT_CODE_TTL, redirect_uris: tuple[str, ...] = (), **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.code_ttl = code_ttl
        self.redirect_uris = frozenset(redirect_uris)
        self._codes: dict[str, _Code] = {}
        self._codes_lock = threading.Lock()

    def _redirect_allowed(self, uri: str) -> bool:
        if self.redirect_uris:
            return uri in self.redirect_uris
        parts = urlsplit(uri)
        return parts.scheme in ("http", "https") and bool(parts.netloc) and not parts.fragment

    @route("GET", "/authorize", faults=False)
    def authorize(self, request: Request) -> Response:
        """Spotify's authorization page, answered at once as the sandbox user would."""
        self.counters["authorize_requests"] += 1
        q = request.query
        client_id, redirect_uri = q.get("client_id", ""), q.get("redirect_uri", "")
        if client_id not in self.clients:
            return Response(400, b"INVALID_CLIENT: Invalid client", content_type="text/plain")
        if not self._redirect_allowed(redirect_uri):
            return Response(400, b"INVALID_CLIENT: Invalid redirect URI", content_type="text/plain")
        state = q.get("state")

        def back(**params: str) -> Response:
            if state is not None:
                params["state"] = state
            sep = "&" if urlsplit(redirect_uri).query else "?"
            return Response(
                302, b"", content_type=None, headers=[("Location", redirect_uri + sep + urlencode(params))]
            )

        if q.get("response_type") != "code":
            return back(error="unsupported_response_type")
        scopes = q.get("scope", "").split()
        if any(s not in SPOTIFY_SCOPES for s in scopes):
            return back(error="invalid_scope")
        challenge = q.get("code_challenge")
        pkce = challenge is not None or "code_challenge_method" in q
        if pkce and (q.get("code_challenge_method") != "S256" or not _CHALLENGE.match(challenge or "")):
            return back(error="invalid_request")
        if q.get("sandbox_consent") == "deny":
            return back(error="access_denied")
        user = q.get("sandbox_user", "fan-top-1")
        if not self.subject_exists(user):
            return back(error="access_denied")
        code = "sbx-code-" + secrets.token_urlsafe(48)
        with self._codes_lock:
            self._codes[code] = _Code(
                client_id=client_id,
                redirect_uri=redirect_uri,
                user=user,
                scope=" ".join(scopes),
                challenge=challenge,
                expires_at=self.clock.now() + self.code_ttl,
            )
        return back(code=code)

    def authorization_code_grant(self, request: Request, form: dict[str, str]) -> Response:
        """``grant_type=authorization_code``: a confidential client (Basic or form secret) or a
        public one (``client_id`` alone, PKCE required)."""
        self.counters["authorization_code_grants"] += 1
        client_id, secret = self.basic_credentials(request)
        if client_id is None:
            client_id = form.get("client_id")
        if client_id is None or client_id not in self.clients:
            return _grant_error("Invalid client", "invalid_client")
        if secret is not None and self.clients[client_id] != secret:
            return _grant_error("Invalid client secret", "invalid_client")
        with self._codes_lock:
            entry = self._codes.get(form.get("code", ""))
            if entry is None or entry.client_id != client_id:
                return _grant_error("Invalid authorization code")
            if entry.used:  # replayed: refuse, and revoke what the first use gave (RFC 6749 4.1.2)
                for token in entry.issued:
                    self.tokens.revoke(token=token)
                entry.issued.clear()
                self.counters["replayed_codes"] += 1
                return _grant_error("Invalid authorization code")
            if entry.expires_at <= self.clock.now():
                return _grant_error("Authorization code expired")
            if form.get("redirect_uri") != entry.redirect_uri:
                return _grant_error("Invalid redirect URI")
            if entry.challenge is None:
                if secret is None:  # a public client must have used PKCE
                    return _grant_error("Invalid client secret", "invalid_client")
            elif not _verifier_matches(form.get("code_verifier"), entry.challenge):
                return _grant_error("code_verifier was incorrect")
            entry.used = True
        ttl = self.faults.token_ttl
        issued = self.tokens.issue(entry.user, client_id=client_id, ttl=ttl, scope=entry.scope)
        entry.issued.extend((issued["access_token"], issued["refresh_token"]))
        body: dict[str, Any] = {
            "access_token": issued["access_token"],
            "token_type": "Bearer",
            "scope": entry.scope,
            "expires_in": int(ttl),
            "refresh_token": issued["refresh_token"],
        }
        return Response.json(body)


def _verifier_matches(verifier: str | None, challenge: str) -> bool:
    if not verifier or not 43 <= len(verifier) <= 128:
        return False
    digest = hashlib.sha256(verifier.encode("ascii", errors="replace")).digest()
    computed = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return hmac.compare_digest(computed, challenge)
