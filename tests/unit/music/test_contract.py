"""The API-client contract (verifiedfan.testing.contract) for Spotify and Apple Music, on their sandboxes."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest

from verifiedfan.http import RetryPolicy, UserToken
from verifiedfan.music import AppleDeveloperTokenError, AppleMusic, AppleUserTokenError, MusicUser, Spotify
from verifiedfan.testing.contract import ApiContract
from verifiedfan.testing.sandbox import AppleMusicSandbox, SpotifySandbox
from verifiedfan.testing.sandbox._catalog import Catalog

PAGED_USER = "heavy-saver"  # 320 saved tracks in the seeded catalog: several pages


async def _no_wait(seconds: float) -> None:
    return None


NO_WAIT = RetryPolicy(max_retries=3, retry_after_cap=30.0, sleep=_no_wait, jitter=lambda: 0.0)


class TestSpotifyContract(ApiContract):
    model = MusicUser

    @pytest.fixture
    def sandbox(self, spotify_sandbox: SpotifySandbox) -> SpotifySandbox:
        return spotify_sandbox

    @pytest.fixture
    async def client(self, sandbox: SpotifySandbox) -> AsyncIterator[Spotify]:
        async with Spotify(
            client_id=sandbox.client_id,
            client_secret=sandbox.client_secret,
            api_url=sandbox.api_url,
            accounts_url=sandbox.accounts_url,
            retry=NO_WAIT,
        ) as client:
            yield client

    def _token(self, sandbox: SpotifySandbox) -> UserToken:
        if not hasattr(self, "token"):
            self.token = sandbox.mint_token("fan-top-1")
        return self.token

    async def call(self, client: Spotify, sandbox: SpotifySandbox) -> Any:
        return await client.get_user(self._token(sandbox))

    async def call_paged(self, client: Spotify, sandbox: SpotifySandbox) -> Sequence[Any]:
        return await client.get_saved_tracks(sandbox.mint_token(PAGED_USER))

    def expected_paged_count(self, sandbox: SpotifySandbox) -> int:
        user = Catalog().user(PAGED_USER)
        assert user is not None
        return len(user.saved)

    def reauth_count(self, client: Spotify, sandbox: SpotifySandbox) -> int:
        return sandbox.stats().get("refresh_grants", 0)

    def secrets(self, client: Spotify, sandbox: SpotifySandbox) -> Sequence[str]:
        token = client.tokens.latest(self._token(sandbox))
        assert token.refresh_token is not None
        return [
            sandbox.client_secret,
            self._token(sandbox).access_token,
            token.access_token,
            token.refresh_token,
        ]


class TestAppleMusicContract(ApiContract):
    model = MusicUser
    unauthorized_error = AppleDeveloperTokenError
    forbidden_error = AppleUserTokenError

    @pytest.fixture
    def sandbox(self, apple_music_sandbox: AppleMusicSandbox) -> AppleMusicSandbox:
        return apple_music_sandbox

    @pytest.fixture
    async def client(self, sandbox: AppleMusicSandbox) -> AsyncIterator[AppleMusic]:
        key = sandbox.developer_key
        async with AppleMusic(
            team_id=key.team_id,
            key_id=key.key_id,
            private_key=key.private_key,
            api_url=sandbox.api_url,
            retry=NO_WAIT,
        ) as client:
            yield client

    def _token(self, sandbox: AppleMusicSandbox) -> UserToken:
        if not hasattr(self, "token"):
            self.token = sandbox.mint_token("fan-top-1")
        return self.token

    async def call(self, client: AppleMusic, sandbox: AppleMusicSandbox) -> Any:
        return await client.get_user(self._token(sandbox))

    async def call_paged(self, client: AppleMusic, sandbox: AppleMusicSandbox) -> Sequence[Any]:
        return await client.get_library_songs(sandbox.mint_token(PAGED_USER))

    def expected_paged_count(self, sandbox: AppleMusicSandbox) -> int:
        user = Catalog().user(PAGED_USER)
        assert user is not None
        return len(user.saved)

    def reauth_count(self, client: AppleMusic, sandbox: AppleMusicSandbox) -> int:
        return client.developer_token.mint_count

    def secrets(self, client: AppleMusic, sandbox: AppleMusicSandbox) -> Sequence[str]:
        return [
            client.developer_token.current(),
            self._token(sandbox).access_token,
            sandbox.developer_key.private_key,
        ]
