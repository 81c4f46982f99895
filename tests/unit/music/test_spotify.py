"""The Spotify client against the Spotify sandbox (a local server started by the fixtures)."""

from __future__ import annotations

import asyncio
import logging

import pytest

from verifiedfan.errors import (
    ConfigurationError,
    RateLimitedError,
    ResponseFormatError,
    ServerError,
    UnauthorizedError,
    ValidationError,
)
from verifiedfan.music import Spotify, SpotifySettings, TokenRefreshError, UserToken, verify_fan
from verifiedfan.testing.sandbox import SpotifySandbox

from .conftest import Sleeps


async def test_get_user(spotify: Spotify, spotify_sandbox: SpotifySandbox) -> None:
    user = await spotify.get_user(spotify_sandbox.mint_token("fan-top-1"))
    assert (user.id, user.platform, user.email) == ("fan-top-1", "spotify", "fan-top-1@sandbox.example")
    assert user.country
    assert user.image_urls


async def test_a_plain_access_token_string_works(spotify: Spotify, spotify_sandbox: SpotifySandbox) -> None:
    token = spotify_sandbox.mint_token("casual-listener").access_token
    assert (await spotify.get_user(token)).id == "casual-listener"


async def test_saved_tracks_fetches_every_page(spotify: Spotify, spotify_sandbox: SpotifySandbox) -> None:
    tracks = await spotify.get_saved_tracks(spotify_sandbox.mint_token("heavy-saver"))
    assert len(tracks) == 320
    assert len({t.id for t in tracks}) == 320
    assert spotify_sandbox.stats()["api_requests"] == 7  # pages of 50
    added = [t.added_at for t in tracks]
    assert added == sorted(added, reverse=True)  # newest first, pages kept in order


async def test_saved_tracks_with_a_limit(spotify: Spotify, spotify_sandbox: SpotifySandbox) -> None:
    tracks = await spotify.get_saved_tracks(spotify_sandbox.mint_token("heavy-saver"), limit=70)
    assert len(tracks) == 70
    assert spotify_sandbox.stats()["api_requests"] == 2


async def test_saved_tracks_of_a_user_with_none(spotify: Spotify, spotify_sandbox: SpotifySandbox) -> None:
    assert await spotify.get_saved_tracks(spotify_sandbox.mint_token("no-saved-tracks")) == ()


async def test_saved_track_shape(spotify: Spotify, spotify_sandbox: SpotifySandbox) -> None:
    track = (await spotify.get_saved_tracks(spotify_sandbox.mint_token("fan-top-1"), limit=1))[0]
    assert track.platform == "spotify"
    assert track.isrc
    assert track.album
    assert track.duration_ms
    assert track.artists[0].id
    assert track.added_at is not None


async def test_top_artists_are_ranked(spotify: Spotify, spotify_sandbox: SpotifySandbox) -> None:
    artists = await spotify.get_top_artists(spotify_sandbox.mint_token("fan-rank-10"), limit=12)
    assert [a.rank for a in artists] == list(range(1, 13))
    assert artists[9].name == spotify_sandbox.target_artist.name


async def test_top_artists_page_past_fifty(spotify_sandbox: SpotifySandbox) -> None:
    async with Spotify(
        client_id=spotify_sandbox.client_id,
        client_secret=spotify_sandbox.client_secret,
        api_url=spotify_sandbox.api_url,
        accounts_url=spotify_sandbox.accounts_url,
        page_size=7,
    ) as small_pages:
        spotify_sandbox.reset()
        artists = await small_pages.get_top_artists(spotify_sandbox.mint_token("fan-top-1"), limit=30)
    assert [a.rank for a in artists] == list(range(1, 31))
    assert spotify_sandbox.stats()["api_requests"] == 5


@pytest.mark.parametrize("time_range", ["short_term", "medium_term", "long_term"])
async def test_top_tracks_for_each_time_range(
    spotify: Spotify, spotify_sandbox: SpotifySandbox, time_range: str
) -> None:
    tracks = await spotify.get_top_tracks(
        spotify_sandbox.mint_token("fan-top-1"), time_range=time_range, limit=5
    )  # type: ignore[arg-type]
    assert [t.rank for t in tracks] == [1, 2, 3, 4, 5]


async def test_bad_time_range_is_rejected_before_any_request(
    spotify: Spotify, spotify_sandbox: SpotifySandbox
) -> None:
    with pytest.raises(
        ValidationError,
        match=r"time_range must be one of \('short_term', 'medium_term', 'long_term'\), got 'forever'",
    ):
        await spotify.get_top_artists("token", time_range="forever")  # type: ignore[arg-type]
    assert spotify_sandbox.stats().get("api_requests", 0) == 0


@pytest.mark.parametrize("option", ["saved_tracks_limit", "top_limit"])
async def test_fan_engagement_checks_its_limits_before_any_request(
    spotify: Spotify, spotify_sandbox: SpotifySandbox, option: str
) -> None:
    # The async client used to send requests before noticing a bad saved_tracks_limit (issue 11).
    with pytest.raises(ValidationError, match=option):
        await spotify.get_fan_engagement(spotify_sandbox.mint_token("fan-top-1"), **{option: 0})
    assert spotify_sandbox.stats().get("api_requests", 0) == 0
    assert spotify_sandbox.stats().get("token_requests", 0) == 0


@pytest.mark.parametrize("limit", [0, -1])
async def test_bad_limit_is_rejected(spotify: Spotify, limit: int) -> None:
    with pytest.raises(ValidationError, match=f"^limit must be a positive integer or None, got {limit}$"):
        await spotify.get_saved_tracks("token", limit=limit)


async def test_followed_artists_follow_the_cursor(spotify_sandbox: SpotifySandbox) -> None:
    async with Spotify(
        client_id=spotify_sandbox.client_id,
        client_secret=spotify_sandbox.client_secret,
        api_url=spotify_sandbox.api_url,
        accounts_url=spotify_sandbox.accounts_url,
        page_size=3,
    ) as small_pages:
        spotify_sandbox.reset()
        artists = await small_pages.get_followed_artists(spotify_sandbox.mint_token("follower"))
    assert len(artists) == 8
    assert len({a.id for a in artists}) == 8
    assert spotify_sandbox.target_artist.name in {a.name for a in artists}
    assert spotify_sandbox.stats()["api_requests"] == 3


async def test_recently_played(spotify: Spotify, spotify_sandbox: SpotifySandbox) -> None:
    tracks = await spotify.get_recently_played(spotify_sandbox.mint_token("fan-top-1"), limit=10)
    assert len(tracks) == 10
    assert all(t.played_at is not None for t in tracks)


async def test_fan_engagement_gathers_everything(spotify: Spotify, spotify_sandbox: SpotifySandbox) -> None:
    engagement = await spotify.get_fan_engagement(spotify_sandbox.mint_token("fan-top-1"))
    assert engagement.user.id == "fan-top-1"
    assert engagement.saved_tracks_total == len(engagement.saved_tracks) == 80
    assert engagement.top_artists
    assert engagement.top_tracks
    assert engagement.followed_artists
    assert engagement.recently_played
    result = verify_fan(engagement, artist=spotify_sandbox.target_artist)
    assert result.verified
    assert result.artist_rank == 1
    assert result.saved_tracks_of_artist == 60


@pytest.mark.parametrize(
    ("user", "verified"),
    [
        ("fan-top-1", True),
        ("fan-rank-10", True),
        ("fan-rank-11", False),
        ("fan-saved-51", True),
        ("fan-saved-50", False),
        ("no-saved-tracks", False),
        ("casual-listener", False),
        ("heavy-saver", False),
    ],
)
async def test_seeded_users_verify_as_designed(
    spotify: Spotify, spotify_sandbox: SpotifySandbox, user: str, verified: bool
) -> None:
    engagement = await spotify.get_fan_engagement(spotify_sandbox.mint_token(user))
    assert verify_fan(engagement, artist=spotify_sandbox.target_artist).verified is verified


# -- tokens -------------------------------------------------------------------------------------


async def test_an_expired_token_is_refreshed_before_the_call(
    spotify: Spotify, spotify_sandbox: SpotifySandbox
) -> None:
    token = spotify_sandbox.mint_token("expired-token")
    assert token.expires_within(0)
    assert (await spotify.get_user(token)).id == "expired-token"
    stats = spotify_sandbox.stats()
    assert stats["refresh_grants"] == 1
    assert stats["api_requests"] == 1


async def test_a_rejected_token_is_refreshed_once_and_the_call_replayed(
    spotify: Spotify, spotify_sandbox: SpotifySandbox
) -> None:
    token = spotify_sandbox.mint_token("fan-top-1")
    spotify_sandbox.revoke(token=token.access_token)  # the server now answers 401 to it
    assert (await spotify.get_user(token)).id == "fan-top-1"
    stats = spotify_sandbox.stats()
    assert stats["refresh_grants"] == 1
    assert stats["api_requests"] == 2


async def test_the_refreshed_token_is_reused(spotify: Spotify, spotify_sandbox: SpotifySandbox) -> None:
    token = spotify_sandbox.mint_token("expired-token")
    await spotify.get_user(token)
    await spotify.get_user(token)  # the caller still holds the expired one
    assert spotify_sandbox.stats()["refresh_grants"] == 1
    assert spotify.tokens.latest(token).access_token != token.access_token


async def test_concurrent_calls_share_one_refresh(spotify: Spotify, spotify_sandbox: SpotifySandbox) -> None:
    token = spotify_sandbox.mint_token("expired-token")
    users = await asyncio.gather(*(spotify.get_user(token) for _ in range(25)))
    assert {u.id for u in users} == {"expired-token"}
    assert spotify_sandbox.stats()["refresh_grants"] == 1


async def test_concurrent_401s_share_one_refresh(spotify: Spotify, spotify_sandbox: SpotifySandbox) -> None:
    token = spotify_sandbox.mint_token("fan-top-1")
    spotify_sandbox.revoke(token=token.access_token)
    await asyncio.gather(*(spotify.get_user(token) for _ in range(20)))
    assert spotify_sandbox.stats()["refresh_grants"] == 1


async def test_engagement_refreshes_once(spotify: Spotify, spotify_sandbox: SpotifySandbox) -> None:
    await spotify.get_fan_engagement(spotify_sandbox.mint_token("expired-token"))
    assert spotify_sandbox.stats()["refresh_grants"] == 1


async def test_a_revoked_refresh_token_raises_token_refresh_error(
    spotify: Spotify, spotify_sandbox: SpotifySandbox
) -> None:
    token = spotify_sandbox.mint_token("expired-token")
    spotify_sandbox.revoke(user_id="expired-token")
    with pytest.raises(
        TokenRefreshError,
        match=r"spotify: the refresh token was rejected \(revoked or invalid\); the user must sign in",
    ) as caught:
        await spotify.get_user(token)
    assert caught.value.__cause__ is not None


async def test_an_expired_string_token_is_unauthorized(
    spotify: Spotify, spotify_sandbox: SpotifySandbox
) -> None:
    token = spotify_sandbox.mint_token("expired-token")
    with pytest.raises(
        UnauthorizedError,
        match=r"spotify: the user's access token expired or was revoked \(401\) and no refresh token was",
    ):
        await spotify.get_user(token.access_token)
    assert spotify_sandbox.stats().get("refresh_grants", 0) == 0


async def test_a_token_without_refresh_token_is_not_refreshed(
    spotify: Spotify, spotify_sandbox: SpotifySandbox
) -> None:
    token = spotify_sandbox.mint_token("expired-token")
    with pytest.raises(
        UnauthorizedError,
        match=r"spotify: the user's access token expired or was revoked \(401\) and no refresh token was",
    ):
        await spotify.get_user(UserToken(access_token=token.access_token, expires_at=token.expires_at))


async def test_rotated_refresh_tokens_are_kept(spotify: Spotify, spotify_sandbox: SpotifySandbox) -> None:
    spotify_sandbox.set_faults(rotate_refresh_tokens=True)
    token = spotify_sandbox.mint_token("expired-token")
    await spotify.get_user(token)
    latest = spotify.tokens.latest(token)
    assert latest.refresh_token not in (None, token.refresh_token)


async def test_wrong_client_credentials_fail_the_refresh(spotify_sandbox: SpotifySandbox) -> None:
    async with Spotify(
        client_id="wrong",
        client_secret="wrong",
        api_url=spotify_sandbox.api_url,
        accounts_url=spotify_sandbox.accounts_url,
    ) as wrong:
        with pytest.raises(
            TokenRefreshError,
            match=r"spotify: the refresh token was rejected \(revoked or invalid\); the user must sign in",
        ):
            await wrong.get_user(spotify_sandbox.mint_token("expired-token"))


# -- rate limits, server errors, malformed answers -------------------------------------------------


async def test_429_within_the_cap_waits_and_succeeds(
    spotify: Spotify, spotify_sandbox: SpotifySandbox, sleeps: Sleeps
) -> None:
    spotify_sandbox.set_faults(retry_after=7)
    spotify_sandbox.inject("429")
    assert (await spotify.get_user(spotify_sandbox.mint_token("fan-top-1"))).id == "fan-top-1"
    assert sleeps == [7.0]


async def test_429_over_the_cap_raises_at_once(
    spotify: Spotify, spotify_sandbox: SpotifySandbox, sleeps: Sleeps
) -> None:
    spotify_sandbox.set_faults(retry_after=3600)
    spotify_sandbox.inject("429")
    with pytest.raises(RateLimitedError, match=r"spotify: GET http://[^/]+/v1/me returned 429") as caught:
        await spotify.get_user(spotify_sandbox.mint_token("fan-top-1"))
    assert caught.value.retry_after == 3600
    assert sleeps == []
    assert spotify_sandbox.stats()["api_requests"] == 1


async def test_5xx_then_success(spotify: Spotify, spotify_sandbox: SpotifySandbox, sleeps: Sleeps) -> None:
    spotify_sandbox.inject("503", "500", "502")
    tracks = await spotify.get_saved_tracks(spotify_sandbox.mint_token("fan-top-1"), limit=10)
    assert len(tracks) == 10
    assert len(sleeps) == 3
    assert spotify_sandbox.stats()["api_requests"] == 4


async def test_5xx_past_the_retries_raises_server_error(
    spotify: Spotify, spotify_sandbox: SpotifySandbox
) -> None:
    spotify_sandbox.inject("503", "503", "503", "503")
    with pytest.raises(ServerError, match=r"spotify: GET http://[^/]+/v1/me returned 503") as caught:
        await spotify.get_user(spotify_sandbox.mint_token("fan-top-1"))
    assert caught.value.status_code == 503


@pytest.mark.parametrize("outcome", ["malformed", "invalid_json"])
@pytest.mark.parametrize("method", ["get_user", "get_saved_tracks", "get_top_artists", "get_recently_played"])
async def test_malformed_answers_raise_response_format_error(
    spotify: Spotify, spotify_sandbox: SpotifySandbox, outcome: str, method: str
) -> None:
    token = spotify_sandbox.mint_token("fan-top-1")
    spotify_sandbox.inject(outcome)
    with pytest.raises(ResponseFormatError):
        await getattr(spotify, method)(token)


async def test_followed_artists_malformed(spotify: Spotify, spotify_sandbox: SpotifySandbox) -> None:
    token = spotify_sandbox.mint_token("follower")
    spotify_sandbox.inject("malformed")
    with pytest.raises(ResponseFormatError, match=r"the page has no 'artists\.items'"):
        await spotify.get_followed_artists(token)


# -- logging, configuration ------------------------------------------------------------------------


async def test_no_token_reaches_the_logs(
    spotify: Spotify, spotify_sandbox: SpotifySandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    token = spotify_sandbox.mint_token("expired-token")
    spotify_sandbox.inject("503", "429")
    await spotify.get_fan_engagement(token)
    latest = spotify.tokens.latest(token)
    secrets = {token.access_token, token.refresh_token, latest.access_token, spotify_sandbox.client_secret}
    assert any(getattr(r, "service_name", None) == "spotify" for r in caplog.records)
    for record in caplog.records:
        text = record.getMessage() + repr(record.__dict__)
        assert not [s for s in secrets if s and s in text]


def test_configuration_errors() -> None:
    with pytest.raises(ConfigurationError, match=r"Spotify needs a client_id and a client_secret"):
        Spotify(client_id="", client_secret="x")
    with pytest.raises(
        ConfigurationError, match=r"Spotify api_url must be an http\(s\) URL, got 'ftp://nope'"
    ):
        Spotify(client_id="a", client_secret="b", api_url="ftp://nope")


def test_repr_has_no_secret() -> None:
    assert "s3cret" not in repr(Spotify(client_id="a", client_secret="s3cret"))


def test_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VF_SPOTIFY_CLIENT_ID", "env-id")
    monkeypatch.setenv("VF_SPOTIFY_CLIENT_SECRET", "env-secret")
    monkeypatch.setenv("VF_SPOTIFY_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("VF_SPOTIFY_MAX_RETRIES", "5")
    settings = SpotifySettings()
    client = Spotify.from_settings(settings, page_concurrency=2)
    assert client.client_id == "env-id"
    assert client.base_url == "http://127.0.0.1:9"
    assert client.http.retry_policy.max_retries == 5
    assert client.http.retry_policy.retry_after_cap == 30.0
    assert "env-secret" not in repr(settings)


async def test_a_token_about_to_expire_is_refreshed_early(
    spotify: Spotify, spotify_sandbox: SpotifySandbox
) -> None:
    spotify_sandbox.set_faults(token_ttl=5)  # expires within the client's 60 s refresh margin
    token = spotify_sandbox.mint_token("fan-top-1")
    spotify_sandbox.set_faults(token_ttl=3600)
    await spotify.get_user(token)
    assert spotify_sandbox.stats()["refresh_grants"] == 1


async def test_hooks_see_every_call_with_its_route(spotify_sandbox: SpotifySandbox) -> None:
    from verifiedfan.http import CallInfo, CallObserver, HttpHook

    seen: list[str] = []

    class Recorder(HttpHook):
        def start_call(self, call: CallInfo) -> CallObserver | None:
            seen.append(call.span_name)
            return None

    async with Spotify(
        client_id=spotify_sandbox.client_id,
        client_secret=spotify_sandbox.client_secret,
        api_url=spotify_sandbox.api_url,
        accounts_url=spotify_sandbox.accounts_url,
        hooks=[Recorder()],
    ) as traced:
        await traced.get_fan_engagement(spotify_sandbox.mint_token("expired-token"), top_tracks=False)
    assert "spotify[POST]: /api/token" in seen
    assert {"spotify[GET]: /v1/me", "spotify[GET]: /v1/me/tracks", "spotify[GET]: /v1/me/top/artists"} <= set(
        seen
    )
    assert not [s for s in seen if "sbx-" in s]
