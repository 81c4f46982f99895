"""SyncSpotify, the synchronous twin, against the Spotify sandbox."""

from __future__ import annotations

import concurrent.futures
from collections.abc import Iterator

import pytest

from verifiedfan.errors import RateLimitedError, ResponseFormatError, ValidationError
from verifiedfan.http import RetryPolicy
from verifiedfan.music import SyncSpotify, TokenRefreshError, verify_fan
from verifiedfan.testing.sandbox import SpotifySandbox


@pytest.fixture
def sync_sleeps() -> list[float]:
    return []


@pytest.fixture
def client(spotify_sandbox: SpotifySandbox, sync_sleeps: list[float]) -> Iterator[SyncSpotify]:
    retry = RetryPolicy(
        max_retries=3, retry_after_cap=30.0, sync_sleep=sync_sleeps.append, jitter=lambda: 0.5
    )
    with SyncSpotify(
        client_id=spotify_sandbox.client_id,
        client_secret=spotify_sandbox.client_secret,
        api_url=spotify_sandbox.api_url,
        accounts_url=spotify_sandbox.accounts_url,
        retry=retry,
    ) as spotify:
        yield spotify


def test_get_user(client: SyncSpotify, spotify_sandbox: SpotifySandbox) -> None:
    assert client.get_user(spotify_sandbox.mint_token("fan-top-1")).id == "fan-top-1"


def test_saved_tracks_every_page(client: SyncSpotify, spotify_sandbox: SpotifySandbox) -> None:
    tracks = client.get_saved_tracks(spotify_sandbox.mint_token("heavy-saver"))
    assert len({t.id for t in tracks}) == 320
    assert spotify_sandbox.stats()["api_requests"] == 7


def test_saved_tracks_limit(client: SyncSpotify, spotify_sandbox: SpotifySandbox) -> None:
    assert len(client.get_saved_tracks(spotify_sandbox.mint_token("heavy-saver"), limit=60)) == 60


def test_top_artists_and_tracks(client: SyncSpotify, spotify_sandbox: SpotifySandbox) -> None:
    token = spotify_sandbox.mint_token("fan-rank-10")
    artists = client.get_top_artists(token, limit=10)
    assert artists[9].name == spotify_sandbox.target_artist.name
    assert [t.rank for t in client.get_top_tracks(token, limit=3)] == [1, 2, 3]
    with pytest.raises(
        ValidationError,
        match=r"time_range must be one of \('short_term', 'medium_term', 'long_term'\), got 'always'",
    ):
        client.get_top_artists(token, time_range="always")  # type: ignore[arg-type]


def test_followed_artists_cursor(spotify_sandbox: SpotifySandbox) -> None:
    with SyncSpotify(
        client_id=spotify_sandbox.client_id,
        client_secret=spotify_sandbox.client_secret,
        api_url=spotify_sandbox.api_url,
        accounts_url=spotify_sandbox.accounts_url,
        page_size=3,
    ) as small:
        assert len(small.get_followed_artists(spotify_sandbox.mint_token("follower"))) == 8
    assert spotify_sandbox.stats()["api_requests"] == 3


def test_recently_played(client: SyncSpotify, spotify_sandbox: SpotifySandbox) -> None:
    assert len(client.get_recently_played(spotify_sandbox.mint_token("fan-top-1"), limit=5)) == 5


@pytest.mark.parametrize(
    ("user", "verified"), [("fan-rank-10", True), ("fan-rank-11", False), ("fan-saved-51", True)]
)
def test_engagement_verifies_as_designed(
    client: SyncSpotify, spotify_sandbox: SpotifySandbox, user: str, verified: bool
) -> None:
    engagement = client.get_fan_engagement(spotify_sandbox.mint_token(user))
    assert verify_fan(engagement, artist=spotify_sandbox.target_artist).verified is verified


def test_expired_token_refreshed_once_across_threads(
    client: SyncSpotify, spotify_sandbox: SpotifySandbox
) -> None:
    token = spotify_sandbox.mint_token("expired-token")
    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        users = list(pool.map(lambda _: client.get_user(token), range(16)))
    assert {u.id for u in users} == {"expired-token"}
    assert spotify_sandbox.stats()["refresh_grants"] == 1


def test_rejected_token_refreshed_and_replayed(client: SyncSpotify, spotify_sandbox: SpotifySandbox) -> None:
    token = spotify_sandbox.mint_token("fan-top-1")
    spotify_sandbox.revoke(token=token.access_token)
    assert client.get_user(token).id == "fan-top-1"
    assert spotify_sandbox.stats()["refresh_grants"] == 1


def test_revoked_refresh_token(client: SyncSpotify, spotify_sandbox: SpotifySandbox) -> None:
    token = spotify_sandbox.mint_token("expired-token")
    spotify_sandbox.revoke(user_id="expired-token")
    with pytest.raises(
        TokenRefreshError,
        match=r"spotify: the refresh token was rejected \(revoked or invalid\); the user must sign in again",
    ):
        client.get_user(token)


def test_429_over_the_cap(
    client: SyncSpotify, spotify_sandbox: SpotifySandbox, sync_sleeps: list[float]
) -> None:
    spotify_sandbox.set_faults(retry_after=999)
    spotify_sandbox.inject("429")
    with pytest.raises(RateLimitedError, match=r"spotify: GET http://[^/]+/v1/me returned 429"):
        client.get_user(spotify_sandbox.mint_token("fan-top-1"))
    assert sync_sleeps == []


def test_429_and_5xx_then_success(
    client: SyncSpotify, spotify_sandbox: SpotifySandbox, sync_sleeps: list[float]
) -> None:
    spotify_sandbox.set_faults(retry_after=4)
    spotify_sandbox.inject("429", "503")
    assert client.get_user(spotify_sandbox.mint_token("fan-top-1")).id == "fan-top-1"
    assert sync_sleeps[0] == 4.0
    assert len(sync_sleeps) == 2


def test_malformed_answer(client: SyncSpotify, spotify_sandbox: SpotifySandbox) -> None:
    token = spotify_sandbox.mint_token("fan-top-1")
    spotify_sandbox.inject("malformed")
    with pytest.raises(
        ResponseFormatError, match=r"spotify /v1/me/tracks: Object missing required field `items`"
    ):
        client.get_saved_tracks(token)
