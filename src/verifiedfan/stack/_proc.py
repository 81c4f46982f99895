"""Processes the stack started: spawn, identify (guarding against PID reuse), signal, measure."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from verifiedfan.stack._errors import StackError

__all__ = [
    "ProcessRecord",
    "proc_start_ticks",
    "read_records",
    "rss_bytes",
    "send_signal",
    "spawn",
    "tail",
    "terminate",
    "uptime_seconds",
    "write_records",
]

_log = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True, slots=True)
class ProcessRecord:
    """One process started by the stack, as stored in its state file.

    ``start_ticks`` is field 22 of ``/proc/<pid>/stat`` (start time in clock ticks since boot): a
    recycled PID has another start time, so a record never lets us signal a stranger.
    """

    role: str
    pid: int
    start_ticks: int
    port: int
    argv: tuple[str, ...]
    log: str

    def is_running(self, *, proc: Path = Path("/proc")) -> bool:
        """True when the process is alive (not a zombie) and is the one we started."""
        _reap(self.pid)
        stat = _read_stat(self.pid, proc=proc)
        if stat is None:
            return False
        state, ticks = stat
        return state not in {"Z", "X"} and ticks == self.start_ticks


def _parse_stat(text: str) -> tuple[str, int]:
    # The command name (field 2) is in parentheses and may contain spaces and ')'.
    rest = text[text.rindex(")") + 2 :].split()
    return rest[0], int(rest[19])


def _read_stat(pid: int, *, proc: Path = Path("/proc")) -> tuple[str, int] | None:
    try:
        return _parse_stat((proc / str(pid) / "stat").read_text())
    except (OSError, ValueError, IndexError):
        return None


def proc_start_ticks(pid: int, *, proc: Path = Path("/proc")) -> int | None:
    """The start time of ``pid`` in clock ticks since boot, or None when it does not exist."""
    stat = _read_stat(pid, proc=proc)
    return None if stat is None else stat[1]


def rss_bytes(pid: int, *, proc: Path = Path("/proc")) -> int | None:
    """Resident memory of ``pid`` (``VmRSS``), or None when unknown."""
    try:
        for line in (proc / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def uptime_seconds(record: ProcessRecord, *, proc: Path = Path("/proc")) -> float | None:
    """How long the process has been running, from the boot-relative clocks in /proc."""
    try:
        since_boot = float((proc / "uptime").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return max(0.0, since_boot - record.start_ticks / os.sysconf("SC_CLK_TCK"))


def _reap(pid: int) -> None:
    """Collect the exit status of ``pid`` if it is an exited child of ours (so it is no zombie)."""
    with contextlib.suppress(ChildProcessError, OSError):
        os.waitpid(pid, os.WNOHANG)


def spawn(
    *,
    role: str,
    argv: Sequence[str],
    port: int,
    log: Path,
    env: Mapping[str, str] | None = None,
) -> ProcessRecord:
    """Start ``argv`` in its own session (so it outlives ``vf stack up``), output appended to ``log``.

    ``posix_spawn`` rather than ``subprocess.Popen``: the servers outlive this process, and a
    Popen object would warn when it is collected while its process still runs.
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, str(log), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644),
        (os.POSIX_SPAWN_DUP2, 1, 2),
    ]
    try:
        pid = os.posix_spawnp(
            argv[0], list(argv), dict(os.environ if env is None else env), file_actions=actions, setsid=True
        )
    except OSError as exc:
        raise StackError(f"cannot run {argv[0]}: {exc}") from exc
    ticks = proc_start_ticks(pid)
    return ProcessRecord(
        role=role,
        pid=pid,
        start_ticks=ticks if ticks is not None else -1,
        port=port,
        argv=tuple(argv),
        log=str(log),
    )


def terminate(
    record: ProcessRecord,
    *,
    timeout: float,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> bool:
    """SIGTERM, then SIGKILL after ``timeout``: only when the PID is still the process we started.

    Returns False when there was nothing to stop (exited, or the PID now belongs to another process).
    """
    if not record.is_running():
        return False
    _signal(record, signal.SIGCONT)  # a paused process cannot handle SIGTERM
    _signal(record, signal.SIGTERM)
    deadline = clock() + timeout
    while clock() < deadline:
        if not record.is_running():
            return True
        sleep(0.1)
    _log.warning("%s (pid %d) ignored SIGTERM for %.0fs: sending SIGKILL", record.role, record.pid, timeout)
    _signal(record, signal.SIGKILL)
    for _ in range(50):
        if not record.is_running():
            break
        sleep(0.1)
    return True


def _signal(record: ProcessRecord, sig: signal.Signals) -> None:
    if record.is_running():
        with contextlib.suppress(ProcessLookupError):
            os.kill(record.pid, sig)


def send_signal(record: ProcessRecord, sig: signal.Signals) -> None:
    """Send ``sig`` to the process of ``record`` when it is still the one we started."""
    if not record.is_running():
        raise StackError(f"{record.role} (pid {record.pid}) is not running")
    _signal(record, sig)


def write_records(path: Path, records: Sequence[ProcessRecord]) -> None:
    """Store the records atomically (write then rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps([asdict(r) for r in records], indent=2))
    tmp.replace(path)


def read_records(path: Path) -> list[ProcessRecord]:
    """The records of a state file; an absent or unreadable file means none."""
    try:
        raw = json.loads(path.read_text())
        return [
            ProcessRecord(
                role=str(r["role"]),
                pid=int(r["pid"]),
                start_ticks=int(r["start_ticks"]),
                port=int(r["port"]),
                argv=tuple(str(a) for a in r["argv"]),
                log=str(r["log"]),
            )
            for r in raw
        ]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def tail(path: Path, lines: int = 40) -> str:
    """The last ``lines`` lines of a log file ("" when it does not exist)."""
    try:
        with path.open("rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - 64 * 1024))
            data = fh.read().decode("utf-8", errors="replace")
    except OSError:
        return ""
    return "\n".join(data.splitlines()[-lines:])
