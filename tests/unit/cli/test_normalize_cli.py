"""``vf normalize``: arguments, stdin streaming, JSON lines, the none marker and the summary."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from verifiedfan.cli import main
from verifiedfan.cli._normalize import app

runner = CliRunner()


def test_registered_as_a_vf_subcommand() -> None:
    assert main.SUBCOMMANDS["normalize"][0] == "verifiedfan.cli._normalize"


def test_values_as_arguments_one_per_line_in_order() -> None:
    result = runner.invoke(app, ["phone", "5551234567", "+33 6 12 34 56 78"])
    assert result.exit_code == 0
    assert result.stdout == "+15551234567\n+33612345678\n"


def test_invalid_values_print_the_none_marker() -> None:
    result = runner.invoke(app, ["email", "bad", " User@Example.COM "])
    assert result.stdout == "<none>\nuser@example.com\n"


def test_custom_none_marker() -> None:
    result = runner.invoke(app, ["zip", "nope", "--none-marker", ""])
    assert result.stdout == "\n"


def test_values_from_stdin_when_none_are_given() -> None:
    result = runner.invoke(app, ["name"], input=" JOHN \r\no'connor\n123\n")
    assert result.exit_code == 0
    assert result.stdout == "John\nO'Connor\n<none>\n"


def test_json_lines() -> None:
    result = runner.invoke(app, ["boolean", "--json", "yes", "maybe"])
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines == [{"input": "yes", "output": True}, {"input": "maybe", "output": None}]


def test_phone_region_and_strict_options() -> None:
    result = runner.invoke(app, ["phone", "--region", "FR", "--strict", "06 12 34 56 78", "5551234567"])
    assert result.stdout == "+33612345678\n<none>\n"


def test_name_particles_option() -> None:
    result = runner.invoke(app, ["name", "--particles", "VINCENT VAN GOGH"])
    assert result.stdout == "Vincent van Gogh\n"


def test_user_agent_json_has_the_device_class_and_flags() -> None:
    ua = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
    result = runner.invoke(app, ["user-agent", "--json", ua])
    output = json.loads(result.stdout)["output"]
    assert (output["browser"], output["device_class"], output["is_bot"]) == ("Googlebot", "bot", True)


def test_user_agent_text_is_tab_separated() -> None:
    result = runner.invoke(app, ["user-agent", "curl/8.4.0"])
    assert result.stdout.rstrip("\n").split("\t") == ["curl", "8.4.0", "", "", "", "bot"]


def test_summary_goes_to_stderr_not_stdout() -> None:
    result = runner.invoke(app, ["url-safe", "--summary", "a-b", "!!"])
    assert result.stdout == "ab\n<none>\n"
    assert "2 values" in result.stderr
    assert "1 invalid" in result.stderr


def test_summary_after_a_big_stdin_input() -> None:
    result = runner.invoke(app, ["zip"], input="02134\n" * 1000)
    assert "1,000 values" in result.stderr


def test_no_summary_for_a_few_arguments() -> None:
    result = runner.invoke(app, ["zip", "02134"])
    assert result.stderr == ""


def test_fail_on_invalid_sets_the_exit_status() -> None:
    result = runner.invoke(app, ["email", "--fail-on-invalid", "ok@example.com", "bad"])
    assert result.exit_code == 1
    assert result.stdout == "ok@example.com\n<none>\n"


def test_exit_status_is_zero_with_invalid_values_by_default() -> None:
    assert runner.invoke(app, ["email", "bad"]).exit_code == 0
