"""``SandboxApp``: the generic half of every sandbox API (routing, faults, rate limit, journal,
counters, tokens and the ``/_sandbox`` control API). A sandbox subclasses it and declares routes."""

from __future__ import annotations

import base64
import binascii
import logging
import random
import threading
import time
from collections import Counter, deque
from typing import Any, ClassVar

from verifiedfan.errors import ValidationError
from verifiedfan.testing.sandbox import _control
from verifiedfan.testing.sandbox._faults import OUTCOMES, Faults, RateLimiter
from verifiedfan.testing.sandbox._http import Request, Response
from verifiedfan.testing.sandbox._journal import Journal
from verifiedfan.testing.sandbox._routing import Route, Router, collect
from verifiedfan.testing.sandbox._tokens import APP_SUBJECT, Grant, SandboxClock, TokenStore

__all__ = ["SandboxApp"]

logger = logging.getLogger(__name__)


class SandboxApp:
    """Base of a sandbox API. Subclasses declare handlers with :func:`route` and may override:

    - :meth:`error` - the API's error body (default ``{"error": {"status", "message"}}``);
    - :meth:`app_key` - which app a request counts for in the rate limit (default: the client id of
      the bearer token, or of the Basic credentials);
    - :meth:`subject_exists` - which subjects (user ids) :meth:`mint` accepts;
    - :meth:`info` - what ``GET /_sandbox/info`` tells a client (ids, keys, seeded data).

    ``clients`` maps the registered OAuth client ids to their secrets (``register_client``).
    """

    kind: ClassVar[str] = "sandbox"
    realm: ClassVar[str] = "sandbox"  # the realm of WWW-Authenticate challenges
    strict_slashes: ClassVar[bool] = False
    _routes: ClassVar[list[Route]] = []

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._routes = collect(cls)

    def __init__(self, *, seed: int = 7, faults: Faults | None = None, journal_size: int = 10_000) -> None:
        self.seed = seed
        self.faults = faults or Faults()
        self.base_url = "http://127.0.0.1"  # set by the runner once the port is known
        self.clock = SandboxClock()  # tokens expire on it; ``/_sandbox/clock`` moves it forward
        self.tokens = TokenStore(clock=self.clock.now)
        self.clients: dict[str, str] = {}
        self.journal = Journal(journal_size)
        self.counters: Counter[str] = Counter()  # events: api_requests, rate_limited, ...
        self.route_counts: Counter[str] = Counter()  # "GET /v1/me" -> requests
        self.app_counts: Counter[str] = Counter()  # app key -> API requests
        self._router = Router(type(self)._routes, strict_slashes=self.strict_slashes)
        self._rng = random.Random(seed)
        self._script: deque[str] = deque()
        self._lock = threading.Lock()
        self._limiter: RateLimiter | None = None
        self._dice = False
        self._apply_faults(self.faults)

    # -- configuration ----------------------------------------------------------------------------
    def register_client(self, client_id: str, client_secret: str) -> None:
        """Accept this OAuth client at the token endpoint."""
        self.clients[client_id] = client_secret

    def set_faults(self, faults: Faults) -> None:
        self.faults = faults
        self._apply_faults(faults)

    def _apply_faults(self, faults: Faults) -> None:
        self._dice = faults.random
        limiter = self._limiter
        if not faults.rate_limit:
            self._limiter = None
        elif limiter is None or (limiter.limit, limiter.window) != (
            faults.rate_limit,
            faults.rate_limit_window,
        ):
            self._limiter = RateLimiter(faults.rate_limit, faults.rate_limit_window)

    def inject(self, outcomes: list[str]) -> None:
        """Answer the next API requests with these outcomes, in order (see ``OUTCOMES``)."""
        bad = [o for o in outcomes if o not in OUTCOMES]
        if bad:
            raise ValidationError(f"unknown outcomes {bad}; known: {sorted(OUTCOMES)}")
        with self._lock:
            self._script.extend(outcomes)

    def reset(self) -> None:
        """Zero the counters, empty the journal and the rate-limit windows, drop injected outcomes,
        and put the clock back to wall-clock time."""
        self.clock.reset()
        self.counters.clear()
        self.route_counts.clear()
        self.app_counts.clear()
        self.journal.clear()
        if self._limiter is not None:
            self._limiter.reset()
        with self._lock:
            self._script.clear()

    # -- hooks --------------------------------------------------------------------------------------
    def error(self, status: int, message: str, *, headers: list[tuple[str, str]] | None = None) -> Response:
        """The API's error answer. Override to speak the provider's error shape."""
        return Response.json({"error": {"status": status, "message": message}}, status, headers)

    def app_key(self, request: Request) -> str | None:
        """The app a request counts for (rate limit, ``app_counts``): the client id behind its
        bearer token or Basic credentials, ``None`` when anonymous."""
        auth = request.headers.get("authorization", "")
        if auth[:7] == "Bearer ":
            grant = self.tokens.check(auth[7:].strip())[0]
            return grant.client_id if grant is not None else None
        if auth[:6] == "Basic ":
            return self.basic_credentials(request)[0]
        return None

    def subject_exists(self, subject: str) -> bool:
        """Whether :meth:`mint` may issue tokens for ``subject`` (default: any)."""
        return True

    def info(self) -> dict[str, Any]:
        return {"kind": self.kind, "seed": self.seed, "routes": [r.key for r in self._routes]}

    def control(self, request: Request) -> Response:
        """Answer a ``/_sandbox/...`` control request (see ``_control``)."""
        return _control.control(self, request)

    # -- auth helpers -------------------------------------------------------------------------------
    def mint(
        self, subject: str, *, expires_in: float | None = None, client_id: str | None = None
    ) -> dict[str, Any]:
        """Tokens for a subject, as if it had gone through the provider's authorization flow."""
        if not self.subject_exists(subject):
            raise ValidationError(f"unknown sandbox user {subject!r}")
        ttl = self.faults.token_ttl if expires_in is None else expires_in
        owner = client_id if client_id is not None else next(iter(self.clients), None)
        return {"user_id": subject, **self.tokens.issue(subject, client_id=owner, ttl=ttl)}

    def challenge(self, message: str, *, error: str = "invalid_token", status: int = 401) -> Response:
        """A 401 with the RFC 6750 ``WWW-Authenticate: Bearer`` challenge RFC 9110 requires."""
        value = f'Bearer realm="{self.realm}"'
        if error:
            value += f', error="{error}", error_description="{message}"'
        return self.error(status, message, headers=[("WWW-Authenticate", value)])

    def bearer(self, request: Request, *, allow_app: bool = False) -> Grant | Response:
        """The grant of the request's bearer token, or the 401 to answer (missing, unknown,
        expired, or an app token where a user is needed unless ``allow_app``)."""
        auth = request.headers.get("authorization", "")
        if auth[:7] != "Bearer ":
            return self.challenge("No token provided", error="")
        grant, reason = self.tokens.check(auth[7:].strip())
        if grant is None:
            return self.challenge(
                "The access token expired" if reason == "expired" else "Invalid access token"
            )
        if grant.is_app and not allow_app:
            return self.challenge("A client credentials token has no user")
        return grant

    @staticmethod
    def basic_credentials(request: Request) -> tuple[str | None, str | None]:
        """``(client_id, client_secret)`` from Basic auth (RFC 6749 2.3.1: each form-encoded) or
        from the form body; ``(None, None)`` when absent or undecodable."""
        auth = request.headers.get("authorization", "")
        if auth[:6] == "Basic ":
            try:
                pair = base64.b64decode(auth[6:].strip(), validate=True).decode()
            except (binascii.Error, UnicodeDecodeError):
                return None, None
            from urllib.parse import unquote_plus

            client_id, _, secret = pair.partition(":")
            return unquote_plus(client_id), unquote_plus(secret)
        form = request.form() if request.body else {}
        return form.get("client_id"), form.get("client_secret")

    def oauth_token(self, request: Request, *, scope: str = "") -> Response:
        """An RFC 6749 token endpoint: ``client_credentials`` and ``refresh_token`` grants, the client
        authenticated by Basic auth or form fields. Counters: ``token_requests``,
        ``client_credentials_grants``, ``refresh_grants``. Errors are RFC 6749 5.2 bodies."""
        self.counters["token_requests"] += 1
        client_id, secret = self.basic_credentials(request)
        if client_id is None or self.clients.get(client_id) != secret:
            return _oauth_error(400, "invalid_client", "Invalid client")
        form = request.form()
        grant_type = form.get("grant_type")
        ttl = self.faults.token_ttl
        if grant_type == "client_credentials":
            self.counters["client_credentials_grants"] += 1
            issued = self.tokens.issue(APP_SUBJECT, client_id=client_id, ttl=ttl, refresh=False)
            return Response.json(
                {"access_token": issued["access_token"], "token_type": "Bearer", "expires_in": int(ttl)}
            )
        if grant_type == "refresh_token":
            self.counters["refresh_grants"] += 1
            grant = self.tokens.refresh_grant(form.get("refresh_token", ""))
            if grant is None:
                return _oauth_error(400, "invalid_grant", "Invalid refresh token")
            rotate = self.faults.rotate_refresh_tokens
            issued = self.tokens.issue(
                grant.subject, client_id=client_id, ttl=ttl, scope=grant.scope, refresh=rotate
            )
            body: dict[str, Any] = {
                "access_token": issued["access_token"],
                "token_type": "Bearer",
                "expires_in": int(ttl),
                "scope": scope or grant.scope,
            }
            if rotate:
                body["refresh_token"] = issued["refresh_token"]
            return Response.json(body)
        return _oauth_error(400, "unsupported_grant_type", f"grant_type {grant_type!r} is not supported")

    # -- dispatch -----------------------------------------------------------------------------------
    def __call__(self, request: Request) -> Response:
        path = request.path
        if path[:10] == "/_sandbox/":
            return self.control(request)
        found, params, allowed = self._router.match(request.method, path)
        key: str | None = None
        if found is None:
            if allowed:
                response = self.error(
                    405, "Method not allowed", headers=[("Allow", ", ".join(sorted(allowed)))]
                )
            else:
                response = self.error(404, "Service not found")
        else:
            request.route, request.params = found.template, params
            self.route_counts[found.key] += 1
            if found.faults:
                key = self.app_key(request)
                response = self._faulted(request, found, params, key)
            else:
                response = self._handle(request, found, params)
        status = 0 if response.fault is not None else response.status
        self.journal.record(
            time.time(),
            request.method,
            path,
            request.route,
            request.query,
            request.headers,
            request.body,
            status,
            key,
        )
        return response

    def _handle(self, request: Request, found: Route, params: dict[str, str]) -> Response:
        handler = getattr(self, found.handler)
        response: Response = handler(request, **params) if params else handler(request)
        return response

    def _faulted(self, request: Request, found: Route, params: dict[str, str], key: str | None) -> Response:
        self.counters["api_requests"] += 1
        if key is not None:
            self.app_counts[key] += 1
        faults = self.faults
        outcome = self._outcome(faults)
        if outcome is None and self._limiter is not None:
            wait = self._limiter.hit(key or "anonymous")
            if wait is not None:
                self.counters["rate_limited"] += 1
                response = self.error(429, "API rate limit exceeded", headers=[("Retry-After", str(wait))])
                response.delay = faults.latency
                return response
        if outcome is None or outcome in ("malformed", "invalid_json"):
            response = self._handle(request, found, params)
            if outcome == "malformed" and response.status == 200:
                response.body = b'{"unexpected":true}'
            elif outcome == "invalid_json" and response.status == 200:
                response.body = response.body[: max(1, len(response.body) // 2)]
        elif outcome == "429":
            self.counters["rate_limited"] += 1
            response = self.error(
                429, "API rate limit exceeded", headers=[("Retry-After", f"{faults.retry_after:g}")]
            )
        elif outcome in ("reset", "close"):
            self.counters["connection_faults"] += 1
            response = Response(fault="reset" if outcome == "reset" else "close")
        elif outcome == "401":
            self.counters["injected_errors"] += 1
            response = self.challenge("injected failure")
        else:
            self.counters["injected_errors"] += 1
            response = self.error(int(outcome), "injected failure")
        response.delay = faults.latency
        return response

    def _outcome(self, faults: Faults) -> str | None:
        if self._script:
            with self._lock:
                if self._script:
                    return self._script.popleft()
        if not self._dice:
            return None
        roll = self._rng.random
        if faults.reset_rate and roll() < faults.reset_rate:
            return "reset"
        if faults.rate_limit_rate and roll() < faults.rate_limit_rate:
            return "429"
        if faults.error_rate and roll() < faults.error_rate:
            return str(faults.error_status)
        if faults.malformed_rate and roll() < faults.malformed_rate:
            return "invalid_json"
        return None


def _oauth_error(status: int, error: str, description: str) -> Response:
    return Response.json({"error": error, "error_description": description}, status)
