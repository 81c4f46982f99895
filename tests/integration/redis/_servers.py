"""Redis primary/replica processes owned by a test (for the tests that stop or restart servers)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import redis

from verifiedfan.stack import StackSettings
from verifiedfan.testing.plugin import unavailable_outcome


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RedisProcess:
    """One ``redis-server`` on 127.0.0.1, started and stopped by PID."""

    def __init__(self, workdir: Path, port: int, replica_of: int | None = None) -> None:
        self.workdir = workdir
        self.port = port
        self.replica_of = replica_of
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            message = "redis-server is not installed (apt-get install redis-server, or vf stack up redis)"
            if unavailable_outcome(ci=StackSettings().ci) == "fail":  # the plugin's one reading of CI
                pytest.fail(message, pytrace=False)
            pytest.skip(message)
        args = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        args += ["--repl-diskless-sync-delay", "0", "--dir", str(self.workdir)]
        if self.replica_of is not None:
            args += ["--replicaof", "127.0.0.1", str(self.replica_of)]
        with (self.workdir / f"redis-{self.port}.log").open("ab") as log:
            self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with redis.Redis(port=self.port, socket_timeout=0.5) as r:
                    r.ping()
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server on port {self.port} did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None


class RedisPair:
    """A primary and a replica of it."""

    def __init__(self, workdir: Path) -> None:
        self.primary = RedisProcess(workdir, free_port())
        self.replica = RedisProcess(workdir, free_port(), replica_of=self.primary.port)

    def start(self) -> RedisPair:
        self.primary.start()
        self.replica.start()
        wait_replica_linked(self.replica.port)
        return self

    def stop(self) -> None:
        self.replica.stop()
        self.primary.stop()


def wait_replica_linked(port: int, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    with redis.Redis(port=port, socket_timeout=1) as r:
        while time.monotonic() < deadline:
            info = r.info("replication")
            if info.get("master_link_status") == "up":
                return
            time.sleep(0.05)
    raise RuntimeError(f"replica on port {port} never linked to its primary")
