"""Fixtures: the sandboxes of ``verifiedfan.testing.sandbox.fixtures`` (local servers this suite starts on
127.0.0.1 once, reset before each test), and clients whose retry policy records its sleeps instead of
sleeping."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from verifiedfan.http import RetryPolicy
from verifiedfan.music import AppleMusic, Spotify
from verifiedfan.testing.sandbox import AppleMusicSandbox, SpotifySandbox
from verifiedfan.testing.sandbox.fixtures import (
    apple_music_sandbox,
    apple_music_sandbox_server,
    spotify_sandbox,
    spotify_sandbox_server,
)

__all__ = ["apple_music_sandbox", "apple_music_sandbox_server", "spotify_sandbox", "spotify_sandbox_server"]


class Sleeps(list[float]):
    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def apple_sandbox(apple_music_sandbox: AppleMusicSandbox) -> AppleMusicSandbox:
    return apple_music_sandbox


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def retry(sleeps: Sleeps) -> RetryPolicy:
    return RetryPolicy(max_retries=3, retry_after_cap=30.0, sleep=sleeps, jitter=lambda: 0.5)


@pytest.fixture
async def spotify(spotify_sandbox: SpotifySandbox, retry: RetryPolicy) -> AsyncIterator[Spotify]:
    async with Spotify(
        client_id=spotify_sandbox.client_id,
        client_secret=spotify_sandbox.client_secret,
        api_url=spotify_sandbox.api_url,
        accounts_url=spotify_sandbox.accounts_url,
        retry=retry,
    ) as client:
        yield client


@pytest.fixture
async def apple(apple_sandbox: AppleMusicSandbox, retry: RetryPolicy) -> AsyncIterator[AppleMusic]:
    key = apple_sandbox.developer_key
    async with AppleMusic(
        team_id=key.team_id,
        key_id=key.key_id,
        private_key=key.private_key,
        api_url=apple_sandbox.api_url,
        retry=retry,
    ) as client:
        yield client
