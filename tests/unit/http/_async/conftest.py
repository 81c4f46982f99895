"""The ``client`` of the tests in this folder: the async one (``../_sync`` has the generated twins).

Every test that takes ``client`` runs twice: on httpx's own transport and on
:class:`~verifiedfan.http.AiohttpTransport`, the direct path the music clients take; the retry rules,
timeouts and typed errors must not depend on the transport.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from verifiedfan.http import AiohttpTransport, HttpClient, RetryPolicy
from verifiedfan.testing.faults import FaultServer


@pytest.fixture(params=["httpx", "aiohttp"])
def transport(request: pytest.FixtureRequest) -> httpx.AsyncBaseTransport | None:
    return AiohttpTransport() if request.param == "aiohttp" else None


@pytest.fixture
async def client(
    server: FaultServer, policy: RetryPolicy, transport: httpx.AsyncBaseTransport | None
) -> AsyncIterator[HttpClient]:
    async with HttpClient(
        service_name="upstream", base_url=server.url, retry=policy, transport=transport
    ) as http:
        yield http
