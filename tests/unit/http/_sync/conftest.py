"""The ``client`` of the generated tests in this folder: the blocking twin."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from verifiedfan.http import RetryPolicy, SyncHttpClient
from verifiedfan.testing.faults import FaultServer


@pytest.fixture
def client(server: FaultServer, policy: RetryPolicy) -> Iterator[SyncHttpClient]:
    with SyncHttpClient(service_name="upstream", base_url=server.url, retry=policy) as http:
        yield http
