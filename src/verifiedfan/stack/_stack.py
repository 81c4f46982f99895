"""The :class:`Stack`: install, start, check, stop and disturb the local servers."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import signal
import socket
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from verifiedfan.stack import _proc
from verifiedfan.stack._connections import Connection, connection_for, render_env
from verifiedfan.stack._errors import StackError, StackStartError
from verifiedfan.stack._install import Reporter, log_reporter
from verifiedfan.stack._results import ServerState, ServerStatus, UpResult
from verifiedfan.stack._servers import Server, server
from verifiedfan.stack._settings import StackSettings
from verifiedfan.stack._versions import HOST, SERVER_NAMES

__all__ = ["Stack"]

_log = logging.getLogger(__name__)


class Stack:
    """The local servers, started from the cache under ``settings.home`` and tracked by PID.

    State lives under ``settings.state_dir/<server>/`` (``state.json`` with PIDs and start times,
    logs, data). Every method takes server names (``kafka``, ``schema-registry``, ``redis``,
    ``mongo``, ``aws``, ``lambda``, ``otlp``); ``None`` means all of them.
    """

    def __init__(
        self,
        *,
        settings: StackSettings | None = None,
        report: Reporter | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings if settings is not None else StackSettings()
        self._report = report or log_reporter
        self._sleep = sleep
        self._clock = clock

    @classmethod
    def from_settings(cls, settings: StackSettings, *, report: Reporter | None = None) -> Stack:
        return cls(settings=settings, report=report)

    # -- names, paths, records ----------------------------------------------------------------

    def _names(self, names: Iterable[str] | None) -> list[str]:
        wanted = list(names) if names else list(SERVER_NAMES)
        for name in wanted:
            server(name, self.settings)  # raises for an unknown name
        return [n for n in SERVER_NAMES if n in wanted]

    def run_dir(self, name: str) -> Path:
        return self.settings.state_dir / name

    def _state_file(self, name: str) -> Path:
        return self.run_dir(name) / "state.json"

    def records(self, name: str) -> list[_proc.ProcessRecord]:
        """The processes recorded for ``name`` (running or not)."""
        return _proc.read_records(self._state_file(name))

    def is_running(self, name: str) -> bool:
        records = self.records(name)
        return bool(records) and all(r.is_running() for r in records)

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        self.settings.state_dir.mkdir(parents=True, exist_ok=True)
        with (self.settings.state_dir / ".lock").open("w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    # -- install / up / down ------------------------------------------------------------------

    def install(self, names: Iterable[str] | None = None) -> dict[str, float]:
        """Install what is missing, in parallel; seconds spent per server (exactly 0 when cached)."""
        todo = self._names(names)

        def one(name: str) -> float:
            start = self._clock()
            if not server(name, self.settings).install(self._report):
                return 0.0
            return round(self._clock() - start, 2)

        with ThreadPoolExecutor(max_workers=len(todo) or 1) as pool:
            return dict(zip(todo, pool.map(one, todo), strict=True))

    def up(self, names: Iterable[str] | None = None) -> UpResult:
        """Install what is missing, start what is not running, and wait until each really answers.

        A server already running is only checked. Raises :class:`StackStartError` (with the server's
        log tail) when one does not become ready before ``settings.start_timeout``.
        """
        todo = self._names(names)
        self.install(todo)
        with self._lock():
            running = tuple(n for n in todo if self.is_running(n))
            seconds: dict[str, float] = {}
            errors: list[StackError] = []

            def one(name: str) -> None:
                start = self._clock()
                try:
                    self._start(name, already=name in running)
                except StackError as exc:
                    errors.append(exc)
                seconds[name] = round(self._clock() - start, 2)

            with ThreadPoolExecutor(max_workers=len(todo) or 1) as pool:
                list(pool.map(one, todo))
        if errors:
            if len(errors) == 1:
                raise errors[0]
            names_failed = ", ".join(e.server or "?" for e in errors)
            raise StackStartError(
                f"{len(errors)} servers failed ({names_failed}):\n\n" + "\n\n".join(str(e) for e in errors)
            )
        started = tuple(n for n in todo if n not in running)
        return UpResult(started=started, already_running=running, seconds=seconds)

    def _start(self, name: str, *, already: bool) -> None:
        srv = server(name, self.settings)
        if not already:
            self._stop(name, remove=True)  # a crashed leftover: clear it
            self._check_ports(srv)
            run_dir = self.run_dir(name)
            run_dir.mkdir(parents=True, exist_ok=True)
            self._report(name, "starting")
            srv.prepare(run_dir)
            self._spawn(srv, run_dir)
        self._wait_ready(srv, light=already)
        self._report(name, "ready")

    def _spawn(self, srv: Server, run_dir: Path) -> None:
        records: list[_proc.ProcessRecord] = []
        for spec in srv.processes(run_dir):
            records.append(
                _proc.spawn(
                    role=spec.role,
                    argv=spec.argv,
                    port=spec.port,
                    env=spec.env,
                    log=run_dir / f"{spec.role}.log",
                )
            )
            _proc.write_records(self._state_file(srv.name), records)

    def _check_ports(self, srv: Server) -> None:
        for port in self._ports(srv):
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    sock.bind((HOST, port))
                except OSError as exc:
                    raise StackStartError(
                        f"{srv.name}: port {port} on {HOST} is taken by a process vf stack did not start "
                        "(stop it, or choose other ports with the VF_STACK_*_PORT settings)",
                        server=srv.name,
                    ) from exc

    def _ports(self, srv: Server) -> tuple[int, ...]:
        conn_ports: dict[str, tuple[int, ...]] = {
            "kafka": (self.settings.kafka_port,),
            "schema-registry": (self.settings.registry_port,),
            "redis": (self.settings.redis_port, self.settings.redis_replica_port),
            "mongo": (self.settings.mongo_port,),
            "aws": (self.settings.aws_port,),
            "otlp": (self.settings.otlp_port,),
            "lambda": (self.settings.lambda_port,),
        }
        return conn_ports[srv.name] + srv.extra_ports()

    def _wait_ready(self, srv: Server, *, light: bool = False) -> None:
        deadline = self._clock() + self.settings.start_timeout
        last: BaseException | None = None
        while True:
            for record in self.records(srv.name):
                if not record.is_running():
                    log_tail = _proc.tail(Path(record.log))
                    if not light:
                        self._stop(srv.name, remove=False)  # the other processes of this server, if any
                    raise StackStartError(
                        f"{srv.name}: {record.role} (pid {record.pid}) exited while starting",
                        server=srv.name,
                        log_tail=log_tail,
                    )
            try:
                (srv.health if light else srv.probe)(5.0)
                return
            except Exception as exc:  # noqa: BLE001 - any client error means "not ready yet"
                last = exc
            if self._clock() >= deadline:
                break
            self._sleep(0.5)
        logs = "\n".join(_proc.tail(Path(r.log), 30) for r in self.records(srv.name))
        if not light:  # a server that was already running is reported, not stopped
            self._stop(srv.name, remove=False)
        raise StackStartError(
            f"{srv.name} did not answer within {self.settings.start_timeout:.0f}s (last error: {last!r})",
            server=srv.name,
            log_tail=logs,
        )

    # -- leases: several test sessions sharing one server ----------------------------------------

    def _lease_dir(self, name: str) -> Path:
        return self.settings.state_dir / ".leases" / name

    def _own_lease(self, name: str) -> Path:
        return self._lease_dir(name) / f"{os.getpid()}-{_proc.proc_start_ticks(os.getpid())}"

    def lease(self, name: str) -> None:
        """Record that this process uses ``name``, so that another session does not stop it meanwhile."""
        self._names([name])
        path = self._own_lease(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()

    def _live_leases(self, name: str) -> list[Path]:
        live = []
        for path in self._lease_dir(name).glob("*-*"):
            pid, _, ticks = path.name.partition("-")
            if pid.isdigit() and ticks.isdigit() and _proc.proc_start_ticks(int(pid)) == int(ticks):
                live.append(path)
            else:
                path.unlink(missing_ok=True)  # its process has gone
        return live

    def release(self, name: str, *, started_here: bool) -> bool:
        """Drop this process's lease; stop ``name`` when no other session uses it and a session started it.

        ``started_here`` says this process started the server. When other sessions still use it, the
        last of them stops it. Servers started by ``vf stack up`` are never stopped here.
        Returns True when the server was stopped.
        """
        marker = self._lease_dir(name) / "started-by-a-session"
        with self._lock():
            self._own_lease(name).unlink(missing_ok=True)
            owned = started_here or marker.exists()
            if not owned:
                return False
            if self._live_leases(name):
                marker.parent.mkdir(parents=True, exist_ok=True)
                marker.touch()
                return False
            marker.unlink(missing_ok=True)
            return self._stop(name, remove=True)

    def down(self, names: Iterable[str] | None = None) -> tuple[str, ...]:
        """Stop the processes this stack started (by PID) and remove their data; names stopped."""
        todo = self._names(names)
        with self._lock():
            return tuple(n for n in todo if self._stop(n, remove=True))

    def _stop(self, name: str, *, remove: bool) -> bool:
        records = self.records(name)
        stopped = False
        # reverse order: the replica before its primary
        for record in reversed(records):
            stopped |= _proc.terminate(record, timeout=self.settings.stop_timeout, sleep=self._sleep)
        if remove:
            shutil.rmtree(self.run_dir(name), ignore_errors=True)
        else:
            self._state_file(name).unlink(missing_ok=True)
        return stopped or bool(records)

    # -- status, logs, env --------------------------------------------------------------------

    def status(self, names: Iterable[str] | None = None, *, timeout: float = 3.0) -> list[ServerStatus]:
        """State, health (a light round trip), PIDs, ports, RSS and uptime of each server."""
        todo = self._names(names)
        with ThreadPoolExecutor(max_workers=len(todo) or 1) as pool:
            return list(pool.map(lambda n: self._status(n, timeout), todo))

    def _status(self, name: str, timeout: float) -> ServerStatus:
        srv = server(name, self.settings)
        records = self.records(name)
        alive = [r for r in records if r.is_running()]
        state: ServerState = (
            "stopped" if not records else "running" if len(alive) == len(records) else "crashed"
        )
        healthy, detail = False, ""
        if state == "running":
            try:
                srv.health(timeout)
                healthy = True
            except Exception as exc:  # noqa: BLE001 - reported, not raised
                detail = f"not answering: {type(exc).__name__}: {exc}"[:200]
        elif state == "crashed":
            dead = [r.role for r in records if r not in alive]
            detail = f"exited: {', '.join(dead)}"
        rss = [_proc.rss_bytes(r.pid) for r in alive]
        uptimes = [u for u in (_proc.uptime_seconds(r) for r in alive) if u is not None]
        return ServerStatus(
            name=name,
            state=state,
            healthy=healthy,
            pids=tuple(r.pid for r in records),
            ports=self._ports(srv),
            rss_mb=round(sum(x for x in rss if x) / 2**20, 1) if alive else None,
            uptime_s=round(min(uptimes), 1) if uptimes else None,
            detail=detail,
        )

    def logs(self, name: str, *, lines: int = 50) -> str:
        """The last ``lines`` lines of each log of ``name`` (its processes, and Kafka's format step)."""
        self._names([name])
        parts = []
        for log in sorted(self.run_dir(name).glob("*.log")):
            parts.append(f"==> {log} <==\n{_proc.tail(log, lines)}")
        return "\n".join(parts)

    def env(self) -> dict[str, str]:
        """The connection settings as environment variables (see :func:`render_env`)."""
        return render_env(self.settings)

    def connection(self, name: str) -> Connection:
        return connection_for(self.settings, name)

    # -- fault helpers ------------------------------------------------------------------------

    def restart(self, name: str, *, roles: Sequence[str] | None = None) -> None:
        """Stop the server's processes (all, or only ``roles``) and start them again on the same ports.

        Data directories are kept (but Redis runs without persistence, so a restarted primary
        comes back empty). Returns once the server answers again.
        """
        srv = server(name, self.settings)
        run_dir = self.run_dir(name)
        with self._lock():
            records = self.records(name)
            if not records:
                raise StackError(f"{name} is not running", server=name)
            specs = {spec.role: spec for spec in srv.processes(run_dir)}
            kept: list[_proc.ProcessRecord] = []
            for record in reversed(records):
                if roles is None or record.role in roles:
                    _proc.terminate(record, timeout=self.settings.stop_timeout, sleep=self._sleep)
                else:
                    kept.insert(0, record)
            srv.prepare(run_dir)
            new = list(kept)
            for record in records:
                if record in kept:
                    continue
                spec = specs[record.role]
                new.append(
                    _proc.spawn(
                        role=spec.role,
                        argv=spec.argv,
                        port=spec.port,
                        env=spec.env,
                        log=run_dir / f"{spec.role}.log",
                    )
                )
            order = list(specs)
            new.sort(key=lambda r: order.index(r.role))
            _proc.write_records(self._state_file(name), new)
            self._wait_ready(srv)

    @contextlib.contextmanager
    def paused(self, name: str) -> Iterator[None]:
        """Freeze the server (SIGSTOP) inside the block, and let it go on (SIGCONT) after it."""
        records = self.records(name)
        if not records or not all(r.is_running() for r in records):
            raise StackError(f"{name} is not running", server=name)
        for record in records:
            _proc.send_signal(record, signal.SIGSTOP)
        try:
            yield
        finally:
            for record in records:
                with contextlib.suppress(StackError):
                    _proc.send_signal(record, signal.SIGCONT)

    def pause(self, name: str, seconds: float) -> None:
        """Freeze the server for ``seconds``, then let it go on."""
        with self.paused(name):
            self._sleep(seconds)

    def kill_clients(self, *, replica: bool = False) -> int:
        """Cut every normal client connection to the Redis primary (or replica): ``CLIENT KILL TYPE normal``.

        Returns how many connections were closed (the caller's own connection is kept).
        """
        from verifiedfan._optional import require

        redis = require("redis", "redis")
        conn = connection_for(self.settings, "redis")
        url = conn.replica_url if replica else conn.url  # type: ignore[union-attr]
        client = redis.Redis.from_url(url, socket_timeout=5)
        try:
            return int(client.execute_command("CLIENT", "KILL", "TYPE", "normal"))
        except redis.RedisError as exc:
            raise StackError(f"CLIENT KILL failed on {url}: {exc}", server="redis") from exc
        finally:
            client.close()
