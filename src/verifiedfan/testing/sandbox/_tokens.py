"""Tokens of a sandbox: bearer access tokens, refresh tokens, revocation and forced expiry, on a
clock that tests can move forward (:class:`SandboxClock`) instead of sleeping."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

__all__ = ["Grant", "SandboxClock", "TokenStore"]

APP_SUBJECT = "__app__"  # the subject of a client-credentials token: an app, no user


@dataclass(frozen=True, slots=True)
class Grant:
    """What an access token stands for: ``subject`` (a user id, or ``"__app__"`` for a
    client-credentials token), the ``client_id`` that obtained it, its ``scope`` and expiry."""

    subject: str
    client_id: str | None
    expires_at: float
    scope: str = ""

    @property
    def is_app(self) -> bool:
        return self.subject == APP_SUBJECT


class SandboxClock:
    """The sandbox's idea of now: wall-clock time plus an offset that :meth:`advance` moves
    forward, so a test makes a token or an authorization code expire without sleeping."""

    def __init__(self) -> None:
        self.offset = 0.0

    def now(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> float:
        """Move the clock ``seconds`` forward (never back); returns the new now."""
        if not seconds >= 0:
            raise ValueError("the sandbox clock only moves forward")
        self.offset += seconds
        return self.now()

    def reset(self) -> None:
        self.offset = 0.0


class TokenStore:
    """Access and refresh tokens in memory. Thread-safe; lookups take no lock."""

    def __init__(self, *, prefix: str = "sbx", clock: Callable[[], float] = time.time) -> None:
        self._prefix = prefix
        self._clock = clock
        self._access: dict[str, Grant] = {}
        self._refresh: dict[str, Grant] = {}
        self._lock = threading.Lock()

    def issue(
        self,
        subject: str,
        *,
        client_id: str | None = None,
        ttl: float = 3600.0,
        scope: str = "",
        refresh: bool = True,
    ) -> dict[str, Any]:
        """A new access token (and refresh token unless ``refresh=False``) for ``subject``:
        ``{"access_token", "refresh_token", "expires_at", "expires_in"}``."""
        grant = Grant(subject, client_id, self._clock() + ttl, scope)
        access = f"{self._prefix}-at-{secrets.token_urlsafe(18)}"
        out: dict[str, Any] = {
            "access_token": access,
            "expires_at": grant.expires_at,
            "expires_in": int(ttl),
        }
        with self._lock:
            self._access[access] = grant
            if refresh:
                token = f"{self._prefix}-rt-{secrets.token_urlsafe(18)}"
                self._refresh[token] = replace(grant, expires_at=float("inf"))
                out["refresh_token"] = token
        return out

    def check(self, token: str) -> tuple[Grant | None, str]:
        """``(grant, "")`` for a valid access token, else ``(None, "expired" | "invalid")``."""
        grant = self._access.get(token)
        if grant is None:
            return None, "invalid"
        if grant.expires_at <= self._clock():
            return None, "expired"
        return grant, ""

    def refresh_grant(self, token: str) -> Grant | None:
        """The grant a refresh token stands for (``None`` when unknown or revoked)."""
        return self._refresh.get(token)

    def revoke(self, *, token: str | None = None, subject: str | None = None) -> int:
        """Forget one token (access or refresh) or every token of ``subject``; returns how many."""
        with self._lock:
            removed = 0
            for table in (self._access, self._refresh):
                doomed = [t for t, g in table.items() if t == token or g.subject == subject]
                for t in doomed:
                    del table[t]
                removed += len(doomed)
        return removed

    def expire(self, *, token: str | None = None, subject: str | None = None) -> int:
        """Make access tokens expire now: one, every token of ``subject``, or all when both are
        ``None``. Refresh tokens keep working. Returns how many expired."""
        past = self._clock() - 1
        with self._lock:
            doomed = [
                t
                for t, g in self._access.items()
                if (token is None and subject is None) or t == token or g.subject == subject
            ]
            for t in doomed:
                self._access[t] = replace(self._access[t], expires_at=past)
        return len(doomed)
