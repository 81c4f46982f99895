"""``vf tm``: user, activity, events and codes against the in-process sandboxes, and the env settings."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from verifiedfan.cli import main
from verifiedfan.cli._tm import app
from verifiedfan.testing.sandbox import TmAccountsApp, TmAccountsSandbox
from verifiedfan.ticketmaster import contains_censored, default_censored_words

runner = CliRunner()


def test_registered_as_a_vf_subcommand() -> None:
    assert main.SUBCOMMANDS["tm"][0] == "verifiedfan.cli._tm"


def test_user_as_json_from_the_sandbox_is_normalized_and_routed() -> None:
    result = runner.invoke(app, ["user", "tmuo_eu_200001", "--sandbox", "--json"])
    assert result.exit_code == 0, result.output
    profile = json.loads(result.stdout)
    assert (profile["region"], profile["first_name"], profile["phone_e164"]) == (
        "eu",
        "François",
        "+33612345678",
    )
    assert profile["address"]["city"] == "Paris"


def test_user_as_a_table() -> None:
    result = runner.invoke(app, ["user", "tmuo_123456", "--sandbox"])
    assert result.exit_code == 0, result.output
    assert "sam.fan@example.com" in result.stdout
    assert "+13232345678" in result.stdout


def test_activity_as_json() -> None:
    result = runner.invoke(app, ["activity", "tmuo_us_100001", "--sandbox", "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert found["genres"] == ["Rock", "Pop"]
    assert {p["total"] for p in found["purchases"]} == {"149.90"}


def test_a_bad_tmuo_is_a_one_line_error_and_status_1() -> None:
    result = runner.invoke(app, ["user", "tmuo_mars_1", "--sandbox"])
    assert result.exit_code == 1
    assert "ValidationError" in result.output
    assert "mars" in result.output


def test_events_by_keyword_as_json() -> None:
    result = runner.invoke(app, ["events", "--keyword", "testers", "--limit", "2", "--sandbox", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 2
    assert all("testers" in row["name"].lower() for row in rows)


def test_codes_are_distinct_of_the_length_and_clean() -> None:
    result = runner.invoke(app, ["codes", "--count", "50", "--length", "10"])
    assert result.exit_code == 0, result.output
    made = result.stdout.split()
    assert len(made) == len(set(made)) == 50
    assert all(len(code) == 10 for code in made)
    words = default_censored_words()
    assert not any(contains_censored(code, words) for code in made)
    as_json = json.loads(runner.invoke(app, ["codes", "--count", "3", "--json"]).stdout)
    assert len(as_json) == 3


def test_a_configured_environment_is_read_from_vf_tm_accounts(monkeypatch: pytest.MonkeyPatch) -> None:
    with TmAccountsSandbox() as sandbox:
        monkeypatch.setenv("VF_TM_ACCOUNTS_INTEGRATOR_ID", "from-env")
        monkeypatch.setenv("VF_TM_ACCOUNTS_REGION_URLS", json.dumps({"prod": sandbox.region_urls}))
        monkeypatch.setenv("VF_TM_ACCOUNTS_AUUM_CLIENT_ID", TmAccountsApp.client_id)
        monkeypatch.setenv("VF_TM_ACCOUNTS_AUUM_CLIENT_SECRET", TmAccountsApp.client_secret)
        monkeypatch.setenv("VF_TM_ACCOUNTS_ACOE_CLIENT_ID", TmAccountsApp.acoe_client_id)
        result = runner.invoke(app, ["user", "tmuo_apac_300001", "--json"])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout)["first_name"] == "Kenji"
        assert sandbox.region_counts() == {"us": 0, "eu": 0, "apac": 2}  # the token, then the profile
        assert sandbox.journal()[0].headers["x-integrator-id"] == "from-env"
        assert TmAccountsApp.client_secret not in result.output


def test_vf_sandbox_tm_starts_every_tm_sandbox_and_prints_how_to_reach_them() -> None:
    from verifiedfan.cli._sandbox import app as sandbox_app

    result = runner.invoke(sandbox_app, ["tm", "--duration", "0", "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    assert sorted(info) == ["accounts", "commerce", "discovery", "sms"]
    assert sorted(info["accounts"]["region_urls"]) == ["apac", "eu", "us"]
    assert info["accounts"]["region_urls"]["eu"].startswith("http://127.0.0.1:")
    assert info["discovery"]["base_url"].endswith("/discovery/v2")
    assert info["sms"]["client_id"] == "vf-sms-client"
