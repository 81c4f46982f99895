"""Running a sandbox: in a background thread (tests) or in a child process (benchmarks, demo).

Both modes expose the same handle: ``url``, ``start``/``stop``, sync and async context managers,
and the control methods (mint tokens, set faults, inject outcomes, revoke, read counters), which go
through the sandbox's ``/_sandbox`` control API so they work the same across a process boundary.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from dataclasses import asdict
from types import TracebackType
from typing import Any, Self

from verifiedfan.errors import ConfigurationError, NotConnectedError, ValidationError
from verifiedfan.music._models import UserToken
from verifiedfan.music._verify import TargetArtist
from verifiedfan.testing.sandbox._apple import AppleDeveloperKey, AppleMusicApp
from verifiedfan.testing.sandbox._base import Faults, SandboxApp
from verifiedfan.testing.sandbox._catalog import Catalog
from verifiedfan.testing.sandbox._http import Request, serve
from verifiedfan.testing.sandbox._spotify import SpotifyApp

__all__ = ["AppleMusicSandbox", "Sandbox", "SpotifySandbox"]


class Sandbox:
    """Base handle of a sandbox server. Use a subclass: :class:`SpotifySandbox`,
    :class:`AppleMusicSandbox`."""

    kind = "base"

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        seed: int = 7,
        faults: Faults | None = None,
        process: bool = False,
    ) -> None:
        self.host = host
        self.port = port
        self.seed = seed
        self.process = process
        self._faults = faults or Faults()
        self._url: str | None = None
        self._app: SandboxApp | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._proc: subprocess.Popen[str] | None = None
        self._info: dict[str, Any] | None = None

    # -- lifecycle --------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` once started."""
        if self._url is None:
            raise NotConnectedError(f"the {self.kind} sandbox is not started")
        return self._url

    def _make_app(self) -> SandboxApp:
        raise NotImplementedError

    def _process_args(self) -> list[str]:
        return []

    def start(self) -> Self:
        """Start serving (idempotent); returns ``self``."""
        if self._url is not None:
            return self
        if self.process:
            self._start_process()
        else:
            self._start_thread()
        return self

    def _start_thread(self) -> None:
        app = self._app = self._make_app()
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
                server.close()
                loop.run_until_complete(server.wait_closed())
                loop.close()

        self._thread = threading.Thread(target=run, name=f"vf-sandbox-{self.kind}", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            raise ConfigurationError(f"cannot start the {self.kind} sandbox: {failure[0]}") from failure[0]
        self._url = f"http://{self.host}:{self.port}"
        if isinstance(app, SpotifyApp):
            app.base_url = self._url

    def _start_process(self) -> None:
        cmd = [
            sys.executable,
            "-m",
            "verifiedfan.testing.sandbox",
            self.kind,
            "--host",
            self.host,
            "--port",
            str(self.port),
            "--seed",
            str(self.seed),
            "--faults",
            json.dumps(asdict(self._faults)),
            *self._process_args(),
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
    def _control(self, action: str, payload: dict[str, Any] | None = None) -> Any:
        body = json.dumps(payload or {}).encode()
        method = "GET" if action in ("info", "stats") else "POST"
        if self._app is not None:
            request = Request(method, f"/_sandbox/{action}", {}, {}, body)
            response = self._app(request)
            status, raw = response.status, response.body
        else:
            req = urllib.request.Request(f"{self.url}/_sandbox/{action}", data=body, method=method)  # noqa: S310 - loopback sandbox
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

    def info(self) -> dict[str, Any]:
        if self._info is None:
            self._info = self._control("info")
        return self._info

    @property
    def target_artist(self) -> TargetArtist:
        """The artist the seeded fans are fans of, with its ids on both platforms and its name."""
        t = self.info()["target_artist"]
        return TargetArtist(ids=frozenset({t["spotify_id"], t["apple_id"]}), name=t["name"])

    @property
    def named_users(self) -> tuple[str, ...]:
        return tuple(self.info()["named_users"])

    @staticmethod
    def crowd_user_id(index: int) -> str:
        """The id of crowd user ``index`` (any index >= 0 is a valid seeded user)."""
        return Catalog.crowd_user_id(index)

    def mint_tokens(self, user_ids: list[str], *, expires_in: float | None = None) -> list[UserToken]:
        """Tokens for seeded users (the expiry defaults to the ``token_ttl`` knob; the user
        ``expired-token`` gets an already expired access token)."""
        data = self._control("tokens", {"user_ids": list(user_ids), "expires_in": expires_in})
        return [
            UserToken(
                access_token=t["access_token"],
                refresh_token=t["refresh_token"] if self.kind == "spotify" else None,
                expires_at=t["expires_at"],
            )
            for t in data["tokens"]
        ]

    def mint_token(self, user_id: str, *, expires_in: float | None = None) -> UserToken:
        return self.mint_tokens([user_id], expires_in=expires_in)[0]

    def set_faults(self, faults: Faults | None = None, **changes: Any) -> Faults:
        """Replace the fault knobs (``faults``) or change some of them (``latency=0.05``)."""
        payload = asdict(faults) if faults is not None else {}
        payload.update(changes)
        return Faults.from_dict(self._control("faults", payload))

    def inject(self, *outcomes: str) -> None:
        """Answer the next API requests with these outcomes, in order: ``"429"``, ``"500"``,
        ``"502"``, ``"503"``, ``"401"``, ``"403"``, ``"malformed"`` (a 200 with the wrong shape) or
        ``"invalid_json"``."""
        self._control("inject", {"outcomes": list(outcomes)})

    def revoke(self, *, token: str | None = None, user_id: str | None = None) -> int:
        """Revoke one token (access or refresh) or every token of a user; returns how many."""
        return int(self._control("revoke", {"token": token, "user_id": user_id})["revoked"])

    def stats(self) -> dict[str, int]:
        """Counters: ``api_requests``, ``token_requests``, ``refresh_grants``, ``rate_limited``..."""
        return {str(k): int(v) for k, v in self._control("stats").items()}

    def reset(self) -> None:
        """Zero the counters and drop injected outcomes not yet used."""
        self._control("reset")


class SpotifySandbox(Sandbox):
    """The Spotify Web API (``api_url``) and accounts service (``accounts_url``) on one server."""

    kind = "spotify"

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        seed: int = 7,
        faults: Faults | None = None,
        process: bool = False,
        client_id: str = "sandbox-client-id",
        client_secret: str = "sandbox-client-secret",  # noqa: S107 - a sandbox credential
    ) -> None:
        super().__init__(host=host, port=port, seed=seed, faults=faults, process=process)
        self.client_id = client_id
        self.client_secret = client_secret

    @property
    def api_url(self) -> str:
        return self.url

    @property
    def accounts_url(self) -> str:
        return self.url

    def _make_app(self) -> SandboxApp:
        return SpotifyApp(
            seed=self.seed, faults=self._faults, client_id=self.client_id, client_secret=self.client_secret
        )

    def _process_args(self) -> list[str]:
        return ["--client-id", self.client_id, "--client-secret", self.client_secret]


class AppleMusicSandbox(Sandbox):
    """The Apple Music API; ``developer_key`` is the signing key its developer tokens must use."""

    kind = "apple_music"

    @property
    def api_url(self) -> str:
        return self.url

    @property
    def developer_key(self) -> AppleDeveloperKey:
        key = self.info()["developer_key"]
        return AppleDeveloperKey(team_id=key["team_id"], key_id=key["key_id"], private_key=key["private_key"])

    def _make_app(self) -> SandboxApp:
        return AppleMusicApp(seed=self.seed, faults=self._faults)
