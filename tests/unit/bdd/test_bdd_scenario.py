from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from verifiedfan.testing.bdd import BddError, BddLoop, BddOptions, BddScenario, BddUsageError, ScenarioNames


@pytest.fixture(scope="module")
def loop() -> Iterator[BddLoop]:
    with BddLoop(name="scenario-test-loop") as running:
        yield running


def no_server(name: str) -> object:
    raise AssertionError(f"no server in unit tests (asked for {name})")


def make(loop: BddLoop, tmp_path: Path) -> BddScenario:
    return BddScenario(
        names=ScenarioNames(run_id="unit-0001"), loop=loop, resolve=no_server, asset_dir=tmp_path
    )


def test_run_id_is_a_variable(loop: BddLoop, tmp_path: Path) -> None:
    assert make(loop, tmp_path).vars == {"run_id": "unit-0001"}


def test_assets_are_found_next_to_the_test(loop: BddLoop, tmp_path: Path) -> None:
    (tmp_path / "s.json").write_text('{"type": "object"}')
    assert make(loop, tmp_path).load_json("s.json") == {"type": "object"}


def test_missing_assets_say_where_they_were_looked_for(loop: BddLoop, tmp_path: Path) -> None:
    with pytest.raises(BddUsageError, match=r"no such file: nope\.json"):
        make(loop, tmp_path).load_json("nope.json")


def test_invalid_json_assets_are_usage_errors(loop: BddLoop, tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(BddUsageError, match="not valid JSON"):
        make(loop, tmp_path).load_json("bad.json")


def test_unknown_servers_are_refused(loop: BddLoop, tmp_path: Path) -> None:
    with pytest.raises(BddUsageError, match="unknown server 'postgres'"):
        make(loop, tmp_path).require("postgres")


def test_options_must_be_positive() -> None:
    with pytest.raises(BddUsageError, match=r"timeout, interval and redis_ttl must be positive"):
        BddOptions(timeout=0)


def test_a_crashed_service_is_reported_at_once(loop: BddLoop, tmp_path: Path) -> None:
    scenario = make(loop, tmp_path)

    async def service(_: BddScenario) -> None:
        raise RuntimeError("consumer died")

    scenario.start_service(service, name="svc")
    loop.run(asyncio.sleep(0.01))
    with pytest.raises(BddError, match="service svc:unit-0001 crashed: RuntimeError"):
        scenario.check_services()
    assert loop.run(scenario.aclose()) == ["service svc:unit-0001 failed: RuntimeError('consumer died')"]


def test_teardown_cancels_running_services(loop: BddLoop, tmp_path: Path) -> None:
    scenario = make(loop, tmp_path)
    stopped = asyncio.Event()

    async def service(_: BddScenario) -> None:
        try:
            await asyncio.Event().wait()
        finally:
            stopped.set()

    scenario.start_service(service)
    scenario.close()
    assert stopped.is_set()
    assert loop.run(scenario.aclose()) == []  # idempotent


def test_scenario_title_comes_from_pytest_bdd_docstring() -> None:
    from types import SimpleNamespace

    from verifiedfan.testing.bdd._fixtures import scenario_title

    def wrapper() -> None:
        """Fan verification: A verified fan is recorded"""

    request: Any = SimpleNamespace(
        node=SimpleNamespace(function=wrapper, name="test_x", originalname="test_x")
    )
    assert scenario_title(request) == "A verified fan is recorded"
    request.node.function = None
    assert scenario_title(request) == "x"
