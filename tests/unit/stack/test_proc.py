"""Process records: /proc parsing, the PID-reuse guard, stopping by PID, state files, log tails."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from verifiedfan.stack import ProcessRecord
from verifiedfan.stack._proc import (
    _parse_stat,
    proc_start_ticks,
    read_records,
    rss_bytes,
    spawn,
    tail,
    terminate,
    write_records,
)

_STAT = "1234 (we ird) name) S 1 1234 1234 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 98765 1000 50\n"


def _record(pid: int, ticks: int) -> ProcessRecord:
    return ProcessRecord(role="server", pid=pid, start_ticks=ticks, port=1, argv=("x",), log="/dev/null")


def _fake_proc(tmp_path: Path, text: str = _STAT) -> Path:
    (tmp_path / "1234").mkdir()
    (tmp_path / "1234" / "stat").write_text(text)
    return tmp_path


def test_stat_parsing_handles_spaces_and_parentheses_in_the_name() -> None:
    assert _parse_stat(_STAT) == ("S", 98765)


def test_record_is_running_when_start_time_matches(tmp_path: Path) -> None:
    assert _record(1234, 98765).is_running(proc=_fake_proc(tmp_path))


def test_a_reused_pid_is_not_our_process(tmp_path: Path) -> None:
    assert not _record(1234, 11111).is_running(proc=_fake_proc(tmp_path))


def test_a_zombie_is_not_running(tmp_path: Path) -> None:
    assert not _record(1234, 98765).is_running(proc=_fake_proc(tmp_path, _STAT.replace(") S ", ") Z ")))


def test_a_missing_pid_is_not_running(tmp_path: Path) -> None:
    assert not _record(1234, 98765).is_running(proc=tmp_path)


@pytest.fixture
def sleeper() -> Iterator[subprocess.Popen[bytes]]:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        yield child
    finally:
        child.kill()
        child.wait()


def test_terminate_refuses_a_pid_whose_start_time_differs(sleeper: subprocess.Popen[bytes]) -> None:
    ticks = proc_start_ticks(sleeper.pid)
    assert ticks is not None
    assert terminate(_record(sleeper.pid, ticks + 1), timeout=1) is False
    assert sleeper.poll() is None


def test_terminate_stops_our_process(sleeper: subprocess.Popen[bytes]) -> None:
    ticks = proc_start_ticks(sleeper.pid)
    assert ticks is not None
    assert terminate(_record(sleeper.pid, ticks), timeout=5, sleep=lambda _: None) is True
    sleeper.wait(5)  # TimeoutExpired if it were still running
    assert proc_start_ticks(sleeper.pid) is None


def test_spawn_records_pid_start_time_and_output(tmp_path: Path) -> None:
    record = spawn(role="echo", argv=[sys.executable, "-c", "print('hi')"], port=0, log=tmp_path / "echo.log")
    assert record.start_ticks > 0
    for _ in range(1000):
        if not record.is_running():  # also reaps the exited child
            break
        threading.Event().wait(0.01)
    assert not record.is_running()
    assert proc_start_ticks(record.pid) is None  # reaped: no zombie left
    assert tail(tmp_path / "echo.log") == "hi"


def test_records_round_trip_through_the_state_file(tmp_path: Path) -> None:
    records = [_record(1, 2), _record(3, 4)]
    write_records(tmp_path / "state.json", records)
    assert read_records(tmp_path / "state.json") == records


def test_a_corrupt_state_file_means_no_records(tmp_path: Path) -> None:
    (tmp_path / "state.json").write_text("{not json")
    assert read_records(tmp_path / "state.json") == []


def test_tail_keeps_the_last_lines(tmp_path: Path) -> None:
    (tmp_path / "a.log").write_text("".join(f"line {i}\n" for i in range(100)))
    assert tail(tmp_path / "a.log", 2) == "line 98\nline 99"


def test_rss_of_this_process_is_known() -> None:
    rss = rss_bytes(os.getpid())
    assert rss is not None
    assert rss > 1_000_000
