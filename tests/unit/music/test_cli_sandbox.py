"""``vf sandbox``: listing users and bringing the sandboxes up (for zero seconds)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from typer.testing import CliRunner

from verifiedfan.cli import main
from verifiedfan.cli._sandbox import app
from verifiedfan.testing.sandbox import EDGE_CASE_USERS

runner = CliRunner()


def test_registered_as_a_vf_subcommand() -> None:
    assert main.SUBCOMMANDS["sandbox"][0] == "verifiedfan.cli._sandbox"


def test_users_as_json() -> None:
    result = runner.invoke(app, ["users", "--json"])
    assert result.exit_code == 0
    assert [row["user"] for row in json.loads(result.stdout)] == list(EDGE_CASE_USERS)


def test_up_prints_urls_and_working_tokens(tmp_path: Path) -> None:
    key_file = tmp_path / "apple.p8"
    result = runner.invoke(
        app, ["up", "--json", "--duration", "0", "--token", "fan-top-1", "--key-file", str(key_file)]
    )
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    assert info["spotify"]["api_url"].startswith("http://127.0.0.1:")
    assert info["tokens"][0]["user"] == "fan-top-1"
    assert key_file.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    try:  # the servers stopped when the command returned
        httpx.get(info["spotify"]["api_url"] + "/v1/me", timeout=2)
    except httpx.TransportError:
        pass
    else:
        raise AssertionError("the sandbox is still serving")


def test_up_as_a_table() -> None:
    result = runner.invoke(app, ["up", "--duration", "0", "--token", "casual-listener"])
    assert result.exit_code == 0
    assert "casual-listener" in result.stdout


def test_up_refuses_a_bad_knob() -> None:
    result = runner.invoke(app, ["up", "--duration", "0", "--reset-rate", "2"])
    assert result.exit_code != 0
    assert "between 0 and 1" in str(result.exception)
    result = runner.invoke(app, ["up", "--duration", "0", "--rate-limit", "-1"])
    assert "rate_limit must be >= 0" in str(result.exception)
