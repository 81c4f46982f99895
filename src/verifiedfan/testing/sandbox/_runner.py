"""``ApiSandbox``: run a sandbox app in a background thread (tests) or a child process (benchmarks,
demo), with one handle for both.

The control methods (faults, inject, tokens, journal, counters) go straight to the app in thread
mode and through ``/_sandbox`` over HTTP in process mode, so they behave the same either way.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import importlib
import json
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from types import TracebackType
from typing import Any, ClassVar, Self

from verifiedfan.errors import ConfigurationError, NotConnectedError, ValidationError
from verifiedfan.testing.sandbox._app import SandboxApp
from verifiedfan.testing.sandbox._faults import Faults
from verifiedfan.testing.sandbox._http import Request, Response, serve, shutdown
from verifiedfan.testing.sandbox._journal import JournalEntry

__all__ = ["ApiSandbox", "load_app_class"]


def load_app_class(spec: str) -> type[SandboxApp]:
    """``"package.module:ClassName"`` -> the class (a :class:`SandboxApp` subclass)."""
    module_name, _, name = spec.partition(":")
    try:
        cls = getattr(importlib.import_module(module_name), name)
    except (ImportError, AttributeError) as exc:
        raise ConfigurationError(f"no sandbox app {spec!r}: {exc}") from exc
    if not (isinstance(cls, type) and issubclass(cls, SandboxApp)):
        raise ConfigurationError(f"{spec!r} is not a SandboxApp subclass")
    return cls


class ApiSandbox:
    """A handle on a running sandbox app. Subclass it with ``app_class = YourApp``; keyword
    ``options`` are passed to the app's constructor (JSON-serialisable, for process mode)."""

    app_class: ClassVar[type[SandboxApp]] = SandboxApp

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        seed: int = 7,
        faults: Faults | None = None,
        process: bool = False,
        **options: Any,
    ) -> None:
        self.host = host
        self.port = port
        self.seed = seed
        self.process = process
        self.options = options
        self._faults = faults or Faults()
        self._url: str | None = None
        self._app: SandboxApp | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._proc: subprocess.Popen[str] | None = None
        self._info: dict[str, Any] | None = None

    @property
    def kind(self) -> str:
        return self.app_class.kind

    @property
    def app(self) -> SandboxApp:
        """The app object (thread mode only: in process mode it lives in the child)."""
        if self._app is None:
            raise NotConnectedError(f"the {self.kind} sandbox runs no app in this process")
        return self._app

    def make_app(self) -> SandboxApp:
        return self.app_class(seed=self.seed, faults=self._faults, **self.options)

    @property
    def pid(self) -> int | None:
        """The server process's id in process mode (to measure its CPU), ``None`` in thread mode."""
        return self._proc.pid if self._proc is not None else None

    # -- lifecycle --------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` once started."""
        if self._url is None:
            raise NotConnectedError(f"the {self.kind} sandbox is not started")
        return self._url

    def start(self) -> Self:
        """Start serving (idempotent); returns ``self``."""
        if self._url is None:
            self._start_process() if self.process else self._start_thread()
        return self

    def _start_thread(self) -> None:
        app = self._app = self.make_app()
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                server = loop.run_until_complete(serve(app, host=self.host, port=self.port))
            except OSError as exc:
                failure.append(exc)
                ready.set()
                loop.close()
                return
            self.port = server.sockets[0].getsockname()[1]
            ready.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(shutdown(server))
                loop.close()

        self._thread = threading.Thread(target=run, name=f"vf-sandbox-{self.kind}", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            self._app = None
            raise ConfigurationError(f"cannot start the {self.kind} sandbox: {failure[0]}") from failure[0]
        self._url = app.base_url = f"http://{self.host}:{self.port}"

    def _start_process(self) -> None:
        cls = self.app_class
        cmd = [
            sys.executable,
            "-m",
            "verifiedfan.testing.sandbox",
            f"{cls.__module__}:{cls.__qualname__}",
            "--host",
            self.host,
            "--port",
            str(self.port),
            "--seed",
            str(self.seed),
            "--faults",
            json.dumps(self._faults.to_dict()),
            "--options",
            json.dumps(self.options),
        ]
        self._proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        line = self._proc.stdout.readline() if self._proc.stdout else ""
        try:
            self._url = json.loads(line)["url"]
        except (ValueError, KeyError, TypeError) as exc:
            self._proc.kill()
            self._proc.wait()
            self._proc = None
            raise ConfigurationError(f"the {self.kind} sandbox process did not start") from exc
        self.port = int(self.url.rsplit(":", 1)[1])

    def stop(self) -> None:
        """Stop serving (idempotent)."""
        if self._proc is not None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
            if self._proc.stdout:
                self._proc.stdout.close()
            self._proc = None
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
            self._loop = None
            self._thread = None
        self._url = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def __aenter__(self) -> Self:
        return await asyncio.to_thread(self.start)

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await asyncio.to_thread(self.stop)

    # -- control ----------------------------------------------------------------------------------
    def control(
        self, action: str, payload: dict[str, Any] | None = None, *, query: dict[str, str] | None = None
    ) -> Any:
        """Call ``/_sandbox/<action>`` (directly in thread mode); ``ValidationError`` when refused."""
        method = "GET" if action in ("info", "stats", "counts", "journal") else "POST"
        body = json.dumps(payload).encode() if payload is not None else b""
        if self._app is not None:
            response = self._on_loop(Request(method, f"/_sandbox/{action}", dict(query or {}), {}, body))
            status, raw = response.status, response.body
        else:
            url = f"{self.url}/_sandbox/{action}"
            if query:
                url += "?" + urllib.parse.urlencode(query)
            req = urllib.request.Request(url, data=body if method == "POST" else None, method=method)  # noqa: S310 - loopback
            try:
                with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310
                    status, raw = resp.status, resp.read()
            except urllib.error.HTTPError as exc:
                status, raw = exc.code, exc.read()
        data = json.loads(raw) if raw else None
        if status != 200:
            message = data.get("error") if isinstance(data, dict) else raw.decode(errors="replace")
            raise ValidationError(f"sandbox {action} failed: {message}")
        return data

    def _on_loop(self, request: Request) -> Response:
        """Run a control request on the server's loop thread, so the app's state is only ever
        touched by one thread (no race between a test reading the journal and a request)."""
        app, loop = self.app, self._loop
        if loop is None or not loop.is_running() or self._thread is threading.current_thread():
            return app(request)
        done: concurrent.futures.Future[Response] = concurrent.futures.Future()

        def call() -> None:
            try:
                done.set_result(app(request))
            except Exception as exc:  # noqa: BLE001 - handed to the caller, raised there
                done.set_exception(exc)

        loop.call_soon_threadsafe(call)
        return done.result(timeout=30)

    def info(self) -> dict[str, Any]:
        """The app's ``info()`` (cached: it describes seeded data that does not change)."""
        if self._info is None:
            self._info = self.control("info")
        return self._info

    def set_faults(self, faults: Faults | None = None, **changes: Any) -> Faults:
        """Replace the fault knobs (``faults``) or change some of them (``latency=0.05``)."""
        payload = faults.to_dict() if faults is not None else {}
        payload.update(changes)
        return Faults.from_dict(self.control("faults", payload))

    def faults(self) -> Faults:
        return Faults.from_dict(self.control("faults", {}))

    def inject(self, *outcomes: str) -> None:
        """Answer the next API requests with these outcomes, in order: an HTTP status (``"429"``,
        ``"500"``, ``"502"``, ``"503"``, ``"504"``, ``"400"``, ``"401"``, ``"403"``, ``"404"``),
        ``"malformed"`` (a 200 of the wrong shape), ``"invalid_json"``, ``"reset"`` or ``"close"``."""
        self.control("inject", {"outcomes": list(outcomes)})

    def mint(self, user_id: str, *, expires_in: float | None = None) -> dict[str, Any]:
        """Raw tokens for a subject: ``{"access_token", "refresh_token", "expires_at", ...}``."""
        return dict(self.control("tokens", {"user_ids": [user_id], "expires_in": expires_in})["tokens"][0])

    def revoke(self, *, token: str | None = None, user_id: str | None = None) -> int:
        """Revoke one token (access or refresh) or every token of a user; returns how many."""
        return int(self.control("revoke", {"token": token, "user_id": user_id})["revoked"])

    def expire_tokens(self, *, token: str | None = None, user_id: str | None = None) -> int:
        """Make access tokens expire now (one, a user's, or all); refresh tokens keep working."""
        return int(self.control("expire", {"token": token, "user_id": user_id})["expired"])

    def advance_clock(self, seconds: float) -> float:
        """Move the sandbox's clock ``seconds`` forward (tokens and authorization codes expire on
        it; ``reset`` puts it back); returns the sandbox's new now."""
        return float(self.control("clock", {"advance": seconds})["now"])

    def stats(self) -> dict[str, int]:
        """Event counters: ``api_requests``, ``token_requests``, ``refresh_grants``, ``rate_limited``,
        ``injected_errors``, ``connection_faults``..."""
        return {str(k): int(v) for k, v in self.control("stats").items()}

    def counts(self) -> dict[str, dict[str, int]]:
        """Requests per route (``{"routes": {"GET /v1/me": 3}}``) and per app (``{"apps": {...}}``)."""
        data = self.control("counts")
        return {"routes": dict(data["routes"]), "apps": dict(data["apps"])}

    def journal(
        self, *, method: str | None = None, route: str | None = None, path: str | None = None
    ) -> list[JournalEntry]:
        """The requests received since the last reset, oldest first, secrets redacted."""
        query = {k: v for k, v in (("method", method), ("route", route), ("path", path)) if v}
        return [JournalEntry.from_dict(e) for e in self.control("journal", query=query)]

    def reset(self) -> None:
        """Zero the counters, clear the journal and rate-limit windows, drop injected outcomes."""
        self.control("reset")
