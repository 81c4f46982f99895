"""A local, scriptable, fault-injecting HTTP server for tests of HTTP clients.

It runs on the sandbox framework's server core (:mod:`verifiedfan.testing.sandbox`), in a
background thread on 127.0.0.1 (a free port), so async and sync clients can both use it. Each path
answers from a queue of scripted :class:`Reply` objects, then from its route or the default reply::

    with FaultServer() as server:
        server.script("/items", Reply(status=503), Reply(status=429, headers={"Retry-After": "2"}),
                      Reply(json={"ok": True}))
        server.script("/slow", Reply(delay=5.0))          # a timeout for the client
        server.script("/flaky", Reply.reset(), Reply.close())  # connection reset, abrupt close
        tokens = server.token_endpoint("/oauth/token")     # counts token requests
        server.protect("/me", tokens, Reply(json={"id": 1}))  # 401 unless a valid bearer token
        ...
        assert server.hits("/items") == 3

Every request is recorded (:attr:`FaultServer.requests`). Delays end early when the server stops
(the connection is dropped). For a whole API with routes, seeded data and fault knobs, build a
sandbox on :class:`verifiedfan.testing.sandbox.SandboxApp` instead.
"""

from __future__ import annotations

import base64
import json as _json
import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Literal, Self
from urllib.parse import parse_qs

from verifiedfan.testing.sandbox._app import SandboxApp
from verifiedfan.testing.sandbox._http import Request, Response
from verifiedfan.testing.sandbox._runner import ApiSandbox

__all__ = ["FaultServer", "RecordedRequest", "Reply", "TokenEndpoint"]


@dataclass(frozen=True, kw_only=True)
class Reply:
    """One scripted answer. ``json`` (when not ``None``) is the body, encoded, with its content type.

    ``delay`` waits before answering; ``drip`` sends the body one byte at a time with that many
    seconds between bytes (every read is quick, the whole body slow); ``fault`` ``"reset"`` closes
    the connection with a TCP RST, ``"close"`` closes it without answering.
    """

    status: int = 200
    json: Any = None
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drip: float = 0.0
    fault: Literal["reset", "close"] | None = None

    @classmethod
    def reset(cls) -> Reply:
        return cls(fault="reset")

    @classmethod
    def close(cls) -> Reply:
        return cls(fault="close")

    def to_response(self) -> Response:
        headers = dict(self.headers)
        body = self.body
        content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
        headers = {k: v for k, v in headers.items() if k.lower() != "content-type"}
        if self.json is not None:
            body = _json.dumps(self.json).encode()
            content_type = content_type or "application/json"
        return Response(
            self.status,
            body,
            content_type=content_type,
            headers=list(headers.items()),
            delay=self.delay,
            drip=self.drip,
            fault=self.fault,
        )


@dataclass(frozen=True, kw_only=True)
class RecordedRequest:
    """A request the server received."""

    method: str
    path: str
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        return _json.loads(self.body)

    def form(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(self.body.decode()).items()}


Handler = Callable[[RecordedRequest], Reply]


class TokenEndpoint:
    """An OAuth2 token endpoint: issues ``token-1``, ``token-2``... and counts the requests."""

    def __init__(
        self, *, client_id: str | None, client_secret: str | None, expires_in: float, delay: float
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.expires_in = expires_in
        self.delay = delay
        self.calls = 0
        self.valid: set[str] = set()
        self._lock = threading.Lock()

    def revoke_all(self) -> None:
        """Make every token issued so far invalid (protected routes answer 401 to them)."""
        with self._lock:
            self.valid.clear()

    def _credentials_ok(self, request: RecordedRequest) -> bool:
        if self.client_id is None:
            return True
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("basic "):
            pair = base64.b64decode(auth[6:]).decode()
            cid, _, secret = pair.partition(":")
        else:
            form = request.form()
            cid, secret = form.get("client_id", ""), form.get("client_secret", "")
        return cid == self.client_id and secret == self.client_secret

    def __call__(self, request: RecordedRequest) -> Reply:
        with self._lock:
            self.calls += 1
            if not self._credentials_ok(request):
                return Reply(status=401, json={"error": "invalid_client"}, delay=self.delay)
            token = f"token-{self.calls}"
            self.valid.add(token)
        body = {"access_token": token, "token_type": "Bearer", "expires_in": self.expires_in}
        return Reply(json=body, delay=self.delay)


class _ScriptApp(SandboxApp):
    """The framework app behind :class:`FaultServer`: every path answers from the owner's scripts."""

    kind = "fault-server"

    def __init__(self, *, owner: FaultServer, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.owner = owner

    def __call__(self, request: Request) -> Response:
        recorded = RecordedRequest(
            method=request.method,
            path=request.path,
            query=parse_qs(request.query_string),
            headers=request.headers,
            body=request.body,
        )
        return self.owner._next_reply(recorded).to_response()


class _Runner(ApiSandbox):
    app_class = _ScriptApp


class FaultServer:
    """The scriptable server; use as a context manager (or :meth:`start` / :meth:`stop`)."""

    def __init__(self, *, default: Reply | None = None) -> None:
        self._default = default or Reply(status=404, json={"error": "not scripted"})
        self._scripts: dict[str, deque[Reply | Handler]] = {}
        self._routes: dict[str, Reply | Handler] = {}
        self._lock = threading.Lock()
        self.requests: list[RecordedRequest] = []
        self._runner: _Runner | None = None

    @property
    def url(self) -> str:
        if self._runner is None:
            raise RuntimeError("the server is not started")
        return self._runner.url

    def start(self) -> Self:
        self._runner = _Runner(owner=self).start()
        return self

    def stop(self) -> None:
        if self._runner is not None:
            self._runner.stop()
            self._runner = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def script(self, path: str, *replies: Reply | Handler) -> None:
        """Queue answers for ``path``; once used up, the path answers with its route or the default."""
        with self._lock:
            self._scripts.setdefault(path, deque()).extend(replies)

    def route(self, path: str, reply: Reply | Handler) -> None:
        """The answer of ``path`` whenever nothing is scripted (a reply, or a function of the request)."""
        with self._lock:
            self._routes[path] = reply

    def token_endpoint(
        self,
        path: str = "/oauth/token",
        *,
        client_id: str | None = None,
        client_secret: str | None = None,
        expires_in: float = 3600,
        delay: float = 0.0,
    ) -> TokenEndpoint:
        """Serve an OAuth2 token endpoint at ``path`` (checking the credentials when given)."""
        endpoint = TokenEndpoint(
            client_id=client_id, client_secret=client_secret, expires_in=expires_in, delay=delay
        )
        self.route(path, endpoint)
        return endpoint

    def protect(self, path: str, tokens: TokenEndpoint, reply: Reply) -> None:
        """Answer ``reply`` at ``path`` to requests bearing a valid token of ``tokens``, else 401."""

        def handler(request: RecordedRequest) -> Reply:
            auth = request.headers.get("authorization", "")
            if auth.startswith("Bearer ") and auth[7:] in tokens.valid:
                return reply
            return Reply(
                status=401,
                json={"error": "invalid_token"},
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )

        self.route(path, handler)

    def hits(self, path: str) -> int:
        """How many requests ``path`` received."""
        with self._lock:
            return sum(1 for r in self.requests if r.path == path)

    def requests_to(self, path: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def _next_reply(self, request: RecordedRequest) -> Reply:
        with self._lock:
            self.requests.append(request)
            queue = self._scripts.get(request.path)
            answer = queue.popleft() if queue else self._routes.get(request.path, self._default)
        return answer(request) if callable(answer) else answer
