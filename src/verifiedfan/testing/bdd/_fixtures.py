"""The pytest fixtures of the step library. PYTEST_DONT_REWRITE

``vf_bdd_loop`` (session): the one event loop every step runs its coroutines on.
``vf_bdd_options`` (session): :class:`BddOptions`; override it in a conftest to change defaults.
``vf_bdd`` (per scenario): the :class:`BddScenario`; its teardown removes everything the scenario
created (topics, subjects, Redis keys, the Mongo database), also when a step failed.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from verifiedfan.testing.bdd._loop import BddLoop
from verifiedfan.testing.bdd._names import ScenarioNames, new_run_id
from verifiedfan.testing.bdd._scenario import BddOptions, BddScenario

__all__ = ["scenario_title", "vf_bdd", "vf_bdd_loop", "vf_bdd_options"]


def scenario_title(request: pytest.FixtureRequest) -> str:
    """The scenario's title (pytest-bdd sets the test's docstring to ``"<feature>: <scenario>"``)."""
    function = getattr(request.node, "function", None)
    doc = getattr(function, "__doc__", None) or ""
    if ": " in doc:
        return doc.rsplit(": ", 1)[1]
    return str(getattr(request.node, "originalname", request.node.name)).removeprefix("test_")


@pytest.fixture(scope="session")
def vf_bdd_loop() -> Iterator[BddLoop]:
    """The event loop of the whole session, on a background thread."""
    with BddLoop() as loop:
        yield loop


@pytest.fixture(scope="session")
def vf_bdd_options() -> BddOptions:
    """Defaults of the steps (timeouts, TTLs, shared topics); override to change them."""
    return BddOptions()


@pytest.fixture
def vf_bdd(
    request: pytest.FixtureRequest, vf_bdd_loop: BddLoop, vf_bdd_options: BddOptions
) -> Iterator[BddScenario]:
    """This scenario's context: isolated names with a run id, clients, and the cleanup."""
    names = ScenarioNames(
        run_id=new_run_id(scenario_title(request)), shared_topics=vf_bdd_options.shared_topics
    )

    def resolve(server: str) -> object:
        return request.getfixturevalue(f"vf_{server}")

    scenario = BddScenario(
        names=names, loop=vf_bdd_loop, resolve=resolve, options=vf_bdd_options, asset_dir=request.path.parent
    )
    try:
        yield scenario
    finally:
        scenario.close()
