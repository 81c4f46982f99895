"""``vf sandbox partners``: serves the PagerDuty and SFMC sandboxes and prints how to reach them."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from verifiedfan.cli._sandbox import app
from verifiedfan.testing.sandbox import PagerDutyApp, SfmcApp

runner = CliRunner()


def test_partners_prints_every_sandbox_as_json() -> None:
    result = runner.invoke(app, ["partners", "--duration", "0", "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    assert info["pagerduty"]["routing_key"] == PagerDutyApp.routing_key
    sfmc = info["sfmc"]
    assert sfmc["auth_base_url"].startswith("http://127.0.0.1:")
    assert (sfmc["client_id"], sfmc["client_secret"], sfmc["account_id"]) == (
        SfmcApp.client_id,
        SfmcApp.client_secret,
        SfmcApp.account_id,
    )
    assert sfmc["auth_base_url"] != info["pagerduty"]["base_url"]


def test_partners_as_a_table_names_the_settings_variables() -> None:
    result = runner.invoke(app, ["partners", "--duration", "0"])
    assert result.exit_code == 0, result.output
    assert "VF_SFMC_AUTH_BASE_URL" in result.stdout
    assert SfmcApp.account_id in result.stdout
