"""Fixtures: a Redis or SyncRedis client over in-memory fakes (each test runs for both)."""

from __future__ import annotations

import pytest

from tests.unit.redis._fakes import Harness


@pytest.fixture(params=["async", "sync"])
def flavour(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def h(flavour: str) -> Harness:
    return Harness(flavour)
