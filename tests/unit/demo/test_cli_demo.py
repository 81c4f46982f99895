"""``vf demo`` refuses bad options before it starts anything (the run itself is an integration test)."""

from __future__ import annotations

from typer.testing import CliRunner

from verifiedfan.cli import main
from verifiedfan.cli._demo import app


def test_registered_as_a_vf_subcommand() -> None:
    assert main.SUBCOMMANDS["demo"][0] == "verifiedfan.cli._demo"


def test_a_bad_option_is_a_clear_error_and_exit_code_1() -> None:
    result = CliRunner().invoke(app, ["--fans", "0"])
    assert result.exit_code == 1
    assert "ValidationError: fans must be >= 1" in result.output


def test_too_many_repeats_are_refused() -> None:
    result = CliRunner().invoke(app, ["--repeat-ratio", "0.9", "--json"])
    assert result.exit_code == 1
    assert "repeat_ratio" in result.output
