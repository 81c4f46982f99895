"""The API-client contract's blocking variant (SyncApiContract) for SyncSpotify and SyncAppleMusic."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from verifiedfan.http import RetryPolicy, UserToken
from verifiedfan.music import (
    AppleDeveloperTokenError,
    AppleUserTokenError,
    MusicUser,
    SyncAppleMusic,
    SyncSpotify,
)
from verifiedfan.testing.contract import SyncApiContract
from verifiedfan.testing.sandbox import AppleMusicSandbox, SpotifySandbox
from verifiedfan.testing.sandbox._catalog import Catalog

PAGED_USER = "heavy-saver"  # 320 saved tracks in the seeded catalog: several pages


def _no_wait(seconds: float) -> None:
    return None


NO_WAIT = RetryPolicy(max_retries=3, retry_after_cap=30.0, sync_sleep=_no_wait, jitter=lambda: 0.0)


def _paged_count() -> int:
    user = Catalog().user(PAGED_USER)
    assert user is not None
    return len(user.saved)


class TestSyncSpotifyContract(SyncApiContract):
    model = MusicUser

    @pytest.fixture
    def sandbox(self, spotify_sandbox: SpotifySandbox) -> SpotifySandbox:
        return spotify_sandbox

    @pytest.fixture
    def client(self, sandbox: SpotifySandbox) -> Iterator[SyncSpotify]:
        with SyncSpotify(
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

    def call(self, client: SyncSpotify, sandbox: SpotifySandbox) -> Any:
        return client.get_user(self._token(sandbox))

    def call_paged(self, client: SyncSpotify, sandbox: SpotifySandbox) -> Sequence[Any]:
        return client.get_saved_tracks(sandbox.mint_token(PAGED_USER))

    def expected_paged_count(self, sandbox: SpotifySandbox) -> int:
        return _paged_count()

    def reauth_count(self, client: SyncSpotify, sandbox: SpotifySandbox) -> int:
        return sandbox.stats().get("refresh_grants", 0)

    def secrets(self, client: SyncSpotify, sandbox: SpotifySandbox) -> Sequence[str]:
        token = client.tokens.latest(self._token(sandbox))
        assert token.refresh_token is not None
        return [
            sandbox.client_secret,
            self._token(sandbox).access_token,
            token.access_token,
            token.refresh_token,
        ]


class TestSyncAppleMusicContract(SyncApiContract):
    model = MusicUser
    unauthorized_error = AppleDeveloperTokenError
    forbidden_error = AppleUserTokenError

    @pytest.fixture
    def sandbox(self, apple_music_sandbox: AppleMusicSandbox) -> AppleMusicSandbox:
        return apple_music_sandbox

    @pytest.fixture
    def client(self, sandbox: AppleMusicSandbox) -> Iterator[SyncAppleMusic]:
        key = sandbox.developer_key
        with SyncAppleMusic(
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

    def call(self, client: SyncAppleMusic, sandbox: AppleMusicSandbox) -> Any:
        return client.get_user(self._token(sandbox))

    def call_paged(self, client: SyncAppleMusic, sandbox: AppleMusicSandbox) -> Sequence[Any]:
        return client.get_library_songs(sandbox.mint_token(PAGED_USER))

    def expected_paged_count(self, sandbox: AppleMusicSandbox) -> int:
        return _paged_count()

    def reauth_count(self, client: SyncAppleMusic, sandbox: AppleMusicSandbox) -> int:
        return client.developer_token.mint_count

    def secrets(self, client: SyncAppleMusic, sandbox: AppleMusicSandbox) -> Sequence[str]:
        return [
            client.developer_token.current(),
            self._token(sandbox).access_token,
            sandbox.developer_key.private_key,
        ]
