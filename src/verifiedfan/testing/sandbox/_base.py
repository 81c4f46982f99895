"""What every sandbox app shares: tokens, fault knobs, counters and the ``/_sandbox`` control API."""

from __future__ import annotations

import json
import random
import secrets
import threading
import time
from collections import Counter, deque
from dataclasses import asdict, dataclass, fields
from typing import Any

from verifiedfan.errors import ValidationError
from verifiedfan.testing.sandbox._catalog import Catalog
from verifiedfan.testing.sandbox._http import Request, Response

__all__ = ["OUTCOMES", "Faults", "SandboxApp", "dumps", "json_response"]

# What ``inject`` accepts: an HTTP status to answer with, or a broken body.
OUTCOMES = frozenset({"429", "500", "502", "503", "401", "403", "malformed", "invalid_json"})


def dumps(data: Any) -> bytes:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()


def json_response(status: int, data: Any, headers: list[tuple[str, str]] | None = None) -> Response:
    return Response(status, dumps(data), headers=headers or [])


@dataclass(frozen=True, slots=True)
class Faults:
    """Fault knobs of a sandbox's API routes (the token endpoint and ``/_sandbox`` are exempt).

    - ``latency``: seconds added to every API answer (without blocking other connections).
    - ``error_rate``: fraction of API requests answered with a 503.
    - ``rate_limit_rate``: fraction answered with a 429 carrying ``Retry-After: retry_after``.
    - ``token_ttl``: lifetime in seconds of the access tokens minted or refreshed from now on.
    - ``rotate_refresh_tokens``: the token endpoint also returns a new refresh token (the old one
      keeps working, as Spotify does).
    """

    latency: float = 0.0
    error_rate: float = 0.0
    rate_limit_rate: float = 0.0
    retry_after: float = 1.0
    token_ttl: float = 3600.0
    rotate_refresh_tokens: bool = False

    def __post_init__(self) -> None:
        for name in ("error_rate", "rate_limit_rate"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValidationError(f"{name} must be between 0 and 1")
        if self.latency < 0 or self.retry_after < 0:
            raise ValidationError("latency and retry_after must be >= 0")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Faults:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


class SandboxApp:
    """Base of the Spotify and Apple Music apps: routes requests, applies faults, keeps tokens."""

    kind = "base"

    def __init__(
        self, *, seed: int = 7, faults: Faults | None = None, catalog: Catalog | None = None
    ) -> None:
        self.catalog = catalog or Catalog(seed=seed)
        self.faults = faults or Faults()
        self._rng = random.Random(seed)
        self._script: deque[str] = deque()
        self._lock = threading.Lock()
        self._access: dict[str, tuple[str, float]] = {}  # token -> (user id, expires at)
        self._refresh: dict[str, str] = {}  # refresh token -> user id
        self.counters: Counter[str] = Counter()

    # -- tokens ---------------------------------------------------------------------------------
    def mint(self, user_id: str, *, expires_in: float | None = None) -> dict[str, Any]:
        if not self.catalog.exists(user_id):
            raise ValidationError(f"unknown sandbox user {user_id!r}")
        if expires_in is None:
            expired = user_id == "expired-token"  # the seeded user whose tokens start expired
            expires_in = -60.0 if expired else self.faults.token_ttl
        access, expires_at = self._new_access(user_id, expires_in)
        refresh = "sbx-rt-" + secrets.token_urlsafe(18)
        with self._lock:
            self._refresh[refresh] = user_id
        return {
            "user_id": user_id,
            "access_token": access,
            "refresh_token": refresh,
            "expires_at": expires_at,
        }

    def _new_access(self, user_id: str, expires_in: float) -> tuple[str, float]:
        token = "sbx-at-" + secrets.token_urlsafe(18)
        expires_at = time.time() + expires_in
        with self._lock:
            self._access[token] = (user_id, expires_at)
        return token, expires_at

    def check_access(self, token: str) -> tuple[str | None, str]:
        """``(user_id, "")`` when valid, else ``(None, reason)`` with reason ``expired``/``invalid``."""
        entry = self._access.get(token)
        if entry is None:
            return None, "invalid"
        if entry[1] <= time.time():
            return None, "expired"
        return entry[0], ""

    def revoke(self, *, token: str | None = None, user_id: str | None = None) -> int:
        with self._lock:
            doomed_a = [t for t, (u, _) in self._access.items() if t == token or u == user_id]
            doomed_r = [t for t, u in self._refresh.items() if t == token or u == user_id]
            for t in doomed_a:
                del self._access[t]
            for t in doomed_r:
                del self._refresh[t]
        return len(doomed_a) + len(doomed_r)

    # -- faults ---------------------------------------------------------------------------------
    def inject(self, outcomes: list[str]) -> None:
        bad = [o for o in outcomes if o not in OUTCOMES]
        if bad:
            raise ValidationError(f"unknown outcomes {bad}; known: {sorted(OUTCOMES)}")
        with self._lock:
            self._script.extend(outcomes)

    def _fault(self) -> str | None:
        if self._script:
            with self._lock:
                if self._script:
                    return self._script.popleft()
        f = self.faults
        if f.rate_limit_rate and self._rng.random() < f.rate_limit_rate:
            return "429"
        if f.error_rate and self._rng.random() < f.error_rate:
            return "503"
        return None

    def error_body(self, status: int, message: str) -> Response:
        raise NotImplementedError

    # -- dispatch -------------------------------------------------------------------------------
    def __call__(self, request: Request) -> Response:
        if request.path.startswith("/_sandbox/"):
            return self._control(request)
        if self.is_exempt(request):
            return self.route(request)
        self.counters["api_requests"] += 1
        outcome = self._fault()
        if outcome is None or outcome in ("malformed", "invalid_json"):
            response = self.route(request)
            if outcome == "malformed" and response.status == 200:
                response.body = b'{"unexpected":true}'
            elif outcome == "invalid_json" and response.status == 200:
                response.body = response.body[: max(1, len(response.body) // 2)]
        elif outcome == "429":
            self.counters["rate_limited"] += 1
            response = self.error_body(429, "API rate limit exceeded")
            response.headers.append(("Retry-After", f"{self.faults.retry_after:g}"))
        else:
            self.counters["injected_errors"] += 1
            response = self.error_body(int(outcome), "injected failure")
        response.delay = self.faults.latency
        return response

    def is_exempt(self, request: Request) -> bool:
        return False

    def route(self, request: Request) -> Response:
        raise NotImplementedError

    def info(self) -> dict[str, Any]:
        target = self.catalog.target
        return {
            "kind": self.kind,
            "seed": self.catalog.seed,
            "target_artist": {
                "name": target.name,
                "spotify_id": target.spotify_id,
                "apple_id": target.apple_id,
            },
            "named_users": list(self.catalog.named_users()),
        }

    def _control(self, request: Request) -> Response:
        try:
            payload = json.loads(request.body) if request.body else {}
            action = request.path[len("/_sandbox/") :]
            if action == "info":
                return json_response(200, self.info())
            if action == "stats":
                return json_response(200, dict(self.counters))
            if action == "reset" and request.method == "POST":
                self.counters.clear()
                with self._lock:
                    self._script.clear()
                return json_response(200, {})
            if action == "tokens" and request.method == "POST":
                expires_in = payload.get("expires_in")
                tokens = [self.mint(u, expires_in=expires_in) for u in payload.get("user_ids", [])]
                return json_response(200, {"tokens": tokens})
            if action == "faults" and request.method == "POST":
                self.faults = Faults.from_dict({**asdict(self.faults), **payload})
                return json_response(200, asdict(self.faults))
            if action == "inject" and request.method == "POST":
                self.inject(list(payload.get("outcomes", [])))
                return json_response(200, {})
            if action == "revoke" and request.method == "POST":
                count = self.revoke(token=payload.get("token"), user_id=payload.get("user_id"))
                return json_response(200, {"revoked": count})
        except (ValueError, TypeError) as exc:
            return json_response(400, {"error": str(exc)})
        return json_response(404, {"error": "unknown sandbox control action"})
