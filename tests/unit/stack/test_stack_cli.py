"""``vf stack``: env rendering, status of a stopped stack, logs and down without running servers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from verifiedfan.cli import main
from verifiedfan.cli._stack import app
from verifiedfan.stack import Stack, StackError, StackSettings

runner = CliRunner()


@pytest.fixture(autouse=True)
def _private_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VF_STACK_HOME", str(tmp_path))
    for name in ("VF_STACK_KAFKA_BOOTSTRAP", "VF_STACK_REDIS_URL", "VF_STACK_RUN_DIR"):
        monkeypatch.delenv(name, raising=False)


def test_registered_as_a_vf_subcommand() -> None:
    assert main.SUBCOMMANDS["stack"][0] == "verifiedfan.cli._stack"


def test_env_prints_one_assignment_per_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VF_STACK_KAFKA_PORT", "29092")
    result = runner.invoke(app, ["env"])
    assert result.exit_code == 0
    assert "VF_STACK_KAFKA_BOOTSTRAP=127.0.0.1:29092\n" in result.stdout


def test_env_export_prefixes_each_line() -> None:
    lines = runner.invoke(app, ["env", "--export"]).stdout.splitlines()
    assert lines
    assert all(line.startswith("export ") for line in lines)


def test_status_json_of_a_stopped_stack() -> None:
    result = runner.invoke(app, ["status", "--json"])
    rows = json.loads(result.stdout)
    assert [(r["name"], r["state"], r["healthy"]) for r in rows] == [
        (n, "stopped", False) for n in ("kafka", "schema-registry", "redis", "mongo", "aws", "lambda", "otlp")
    ]


def test_status_of_an_unknown_server_exits_1() -> None:
    result = runner.invoke(app, ["status", "postgres"])
    assert result.exit_code == 1


def test_logs_of_a_server_never_started() -> None:
    result = runner.invoke(app, ["logs", "redis"])
    assert "no logs for redis" in result.stdout


def test_down_with_an_empty_started_file_stops_nothing(tmp_path: Path) -> None:
    started = tmp_path / "started.txt"
    started.write_text("")
    result = runner.invoke(app, ["down", "--started-file", str(started)])
    assert result.stdout == "stopped: nothing\n"


def test_restart_of_a_server_not_running_is_a_stack_error(tmp_path: Path) -> None:
    with pytest.raises(StackError, match="not running"):
        Stack(settings=StackSettings(home=tmp_path)).restart("otlp")


def test_pause_of_a_server_not_running_is_a_stack_error(tmp_path: Path) -> None:
    with (
        pytest.raises(StackError, match="not running"),
        Stack(settings=StackSettings(home=tmp_path)).paused("otlp"),
    ):
        pass
