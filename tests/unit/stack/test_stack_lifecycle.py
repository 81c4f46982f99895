"""Stack.up/down/status with a stand-in server (a tiny Python process): no real server involved."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from verifiedfan.stack import Stack, StackSettings, StackStartError, _servers
from verifiedfan.stack._proc import proc_start_ticks
from verifiedfan.stack._servers import ProcessSpec, Server


class _Exits(Server):
    name = "otlp"

    def processes(self, run_dir: Path) -> list[ProcessSpec]:
        code = "import sys; print('boom: cannot bind'); sys.exit(3)"
        return [ProcessSpec(role="receiver", argv=(sys.executable, "-c", code), port=self.settings.otlp_port)]

    def probe(self, timeout: float) -> None:
        raise ConnectionRefusedError("not yet")


class _NeverReady(_Exits):
    def processes(self, run_dir: Path) -> list[ProcessSpec]:
        code = "import time; print('starting slowly', flush=True); time.sleep(60)"
        return [ProcessSpec(role="receiver", argv=(sys.executable, "-c", code), port=self.settings.otlp_port)]


class _Ready(_NeverReady):
    def probe(self, timeout: float) -> None:
        return None


def _stack(tmp_path: Path, clock: list[float] | None = None) -> Stack:
    settings = StackSettings(home=tmp_path, otlp_port=1, start_timeout=10)  # port 1: bind check only
    ticks = iter(clock) if clock is not None else None
    return Stack(
        settings=settings,
        sleep=lambda _: None,
        clock=(lambda: next(ticks)) if ticks is not None else (lambda: 0.0),
    )


@pytest.fixture(autouse=True)
def _no_port_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Stack, "_check_ports", lambda self, srv: None)


def test_a_server_that_exits_while_starting_raises_with_its_log_tail(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(_servers.SERVERS, "otlp", _Exits)
    stack = _stack(tmp_path, clock=[0.0] + [1.0] * 10_000)
    with pytest.raises(StackStartError, match="exited while starting") as info:
        stack.up(["otlp"])
    assert "boom: cannot bind" in info.value.log_tail
    assert info.value.server == "otlp"


def test_a_server_that_never_answers_is_stopped_and_raises(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(_servers.SERVERS, "otlp", _NeverReady)
    stack = _stack(tmp_path, clock=[0.0, 0.0, 0.0, 0.0, 99.0, 99.0] + [99.0] * 10_000)
    with pytest.raises(StackStartError, match="did not answer within 10s") as info:
        stack.up(["otlp"])
    assert "not yet" in str(info.value)
    assert stack.records("otlp") == []


def test_up_then_status_then_down(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(_servers.SERVERS, "otlp", _Ready)
    stack = _stack(tmp_path)
    assert stack.up(["otlp"]).started == ("otlp",)
    (status,) = stack.status(["otlp"])
    assert (status.state, status.healthy, len(status.pids)) == ("running", True, 1)
    assert status.rss_mb is not None
    assert stack.down(["otlp"]) == ("otlp",)
    assert stack.status(["otlp"])[0].state == "stopped"


def test_logs_show_the_process_output(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(_servers.SERVERS, "otlp", _Ready)
    stack = _stack(tmp_path)
    stack.up(["otlp"])
    try:
        for _ in range(500):
            if "starting slowly" in stack.logs("otlp"):
                break
            threading.Event().wait(0.01)
        assert "starting slowly" in stack.logs("otlp")
    finally:
        stack.down(["otlp"])


def _other_session(stack: Stack) -> subprocess.Popen[bytes]:
    """A live process holding a lease on otlp, as another pytest session would."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    lease_dir = stack.settings.state_dir / ".leases" / "otlp"
    lease_dir.mkdir(parents=True, exist_ok=True)
    (lease_dir / f"{child.pid}-{proc_start_ticks(child.pid)}").touch()
    return child


def test_the_starting_session_stops_its_server_when_nobody_else_uses_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(_servers.SERVERS, "otlp", _Ready)
    stack = _stack(tmp_path)
    stack.lease("otlp")
    stack.up(["otlp"])
    assert stack.release("otlp", started_here=True) is True
    assert not stack.is_running("otlp")


def test_a_server_still_leased_by_another_session_is_left_to_the_last_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(_servers.SERVERS, "otlp", _Ready)
    stack = _stack(tmp_path)
    stack.lease("otlp")
    stack.up(["otlp"])
    other = _other_session(stack)
    try:
        assert stack.release("otlp", started_here=True) is False
        assert stack.is_running("otlp")
    finally:
        other.kill()
        other.wait()
    # the last session (which did not start it) stops it
    stack.lease("otlp")
    assert stack.release("otlp", started_here=False) is True
    assert not stack.is_running("otlp")


def test_a_server_started_outside_sessions_is_never_stopped_by_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(_servers.SERVERS, "otlp", _Ready)
    stack = _stack(tmp_path)
    stack.up(["otlp"])  # as `vf stack up` does
    try:
        stack.lease("otlp")
        assert stack.release("otlp", started_here=False) is False
        assert stack.is_running("otlp")
    finally:
        stack.down(["otlp"])
