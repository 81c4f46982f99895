"""The ``client`` of the tests in this folder: the async one (``../_sync`` has the generated twins)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from verifiedfan.http import HttpClient, RetryPolicy
from verifiedfan.testing.faults import FaultServer


@pytest.fixture
async def client(server: FaultServer, policy: RetryPolicy) -> AsyncIterator[HttpClient]:
    async with HttpClient(service_name="upstream", base_url=server.url, retry=policy) as http:
        yield http
