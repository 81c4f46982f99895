from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from verifiedfan.http import HttpClient, RetryPolicy, SyncHttpClient
from verifiedfan.testing.faults import FaultServer


class SleepRecorder:
    """An injected sleep: records the delays asked for and returns at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)

    def sync(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer() as srv:
        yield srv


@pytest.fixture
def sleeps() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture
def policy(sleeps: SleepRecorder) -> RetryPolicy:
    """The default policy with jitter fixed at 1.0 (so delays are the backoff ceilings) and no waiting."""
    return RetryPolicy(sleep=sleeps, sync_sleep=sleeps.sync, jitter=lambda: 1.0)


@pytest.fixture
async def client(server: FaultServer, policy: RetryPolicy) -> AsyncIterator[HttpClient]:
    async with HttpClient(service_name="upstream", base_url=server.url, retry=policy) as http:
        yield http


@pytest.fixture
def sync_client(server: FaultServer, policy: RetryPolicy) -> Iterator[SyncHttpClient]:
    with SyncHttpClient(service_name="upstream", base_url=server.url, retry=policy) as http:
        yield http
