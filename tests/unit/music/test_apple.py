"""The Apple Music client against the Apple Music sandbox."""

from __future__ import annotations

import logging

import pytest

from verifiedfan.errors import ConfigurationError, RateLimitedError, ResponseFormatError, ValidationError
from verifiedfan.http import RetryPolicy
from verifiedfan.music import (
    AppleDeveloperTokenError,
    AppleMusic,
    AppleUserTokenError,
    DeveloperToken,
    verify_fan,
)
from verifiedfan.testing.sandbox import AppleMusicSandbox, generate_developer_key

from .conftest import Sleeps


async def test_get_user_reads_the_storefront(apple: AppleMusic, apple_sandbox: AppleMusicSandbox) -> None:
    token = apple_sandbox.mint_token("fan-top-1")
    user = await apple.get_user(token)
    assert user.platform == "apple_music"
    assert user.country
    assert len(user.country) == 2
    assert user.id == (await apple.get_user(token.access_token)).id  # stable for one token


async def test_library_songs_fetch_every_page(apple: AppleMusic, apple_sandbox: AppleMusicSandbox) -> None:
    songs = await apple.get_library_songs(apple_sandbox.mint_token("heavy-saver"))
    assert len(songs) == 320
    assert len({s.id for s in songs}) == 320
    assert apple_sandbox.stats()["api_requests"] == 4  # pages of 100
    assert all(s.added_at is not None and s.artists[0].name for s in songs)


async def test_library_songs_with_a_limit(apple: AppleMusic, apple_sandbox: AppleMusicSandbox) -> None:
    assert len(await apple.get_library_songs(apple_sandbox.mint_token("heavy-saver"), limit=150)) == 150


async def test_library_artists_carry_catalog_ids(apple: AppleMusic, apple_sandbox: AppleMusicSandbox) -> None:
    artists = await apple.get_library_artists(apple_sandbox.mint_token("fan-top-1"))
    names = [a.name for a in artists]
    assert names == sorted(names)
    target = apple_sandbox.target_artist
    assert any(a.id in target.ids for a in artists)


async def test_heavy_rotation_is_ranked(apple: AppleMusic, apple_sandbox: AppleMusicSandbox) -> None:
    artists = await apple.get_heavy_rotation(apple_sandbox.mint_token("fan-rank-10"), limit=20)
    assert [a.rank for a in artists] == list(range(1, 21))
    assert artists[9].name == apple_sandbox.target_artist.name
    assert apple_sandbox.stats()["api_requests"] == 2  # Apple pages heavy rotation by 10


async def test_recently_played(apple: AppleMusic, apple_sandbox: AppleMusicSandbox) -> None:
    tracks = await apple.get_recently_played(apple_sandbox.mint_token("fan-top-1"), limit=15)
    assert len(tracks) == 15
    assert all(t.isrc for t in tracks)


@pytest.mark.parametrize(
    ("user", "verified"),
    [
        ("fan-top-1", True),
        ("fan-rank-10", True),
        ("fan-rank-11", False),
        ("fan-saved-51", True),
        ("fan-saved-50", False),
    ],
)
async def test_fan_engagement_verifies_as_designed(
    apple: AppleMusic, apple_sandbox: AppleMusicSandbox, user: str, verified: bool
) -> None:
    engagement = await apple.get_fan_engagement(apple_sandbox.mint_token(user))
    assert engagement.platform == "apple_music"
    assert engagement.followed_artists
    assert engagement.recently_played
    assert verify_fan(engagement, artist=apple_sandbox.target_artist).verified is verified


async def test_user_token_problem_is_a_403_error(apple: AppleMusic, apple_sandbox: AppleMusicSandbox) -> None:
    with pytest.raises(
        AppleUserTokenError, match=r"apple_music: the Music-User-Token was rejected \(403\)"
    ) as caught:
        await apple.get_user(apple_sandbox.mint_token("expired-token"))
    assert caught.value.status_code == 403


async def test_revoked_user_token(apple: AppleMusic, apple_sandbox: AppleMusicSandbox) -> None:
    token = apple_sandbox.mint_token("fan-top-1")
    apple_sandbox.revoke(token=token.access_token)
    with pytest.raises(AppleUserTokenError, match=r"apple_music: the Music-User-Token was rejected \(403\)"):
        await apple.get_library_songs(token)


async def test_developer_token_problem_is_a_401_error(apple_sandbox: AppleMusicSandbox) -> None:
    stranger = generate_developer_key()  # not the sandbox's key: the signature does not verify
    async with AppleMusic(
        team_id=stranger.team_id,
        key_id=stranger.key_id,
        private_key=stranger.private_key,
        api_url=apple_sandbox.api_url,
    ) as client:
        with pytest.raises(
            AppleDeveloperTokenError, match=r"apple_music: the developer token was rejected \(401\)"
        ) as caught:
            await client.get_user(apple_sandbox.mint_token("fan-top-1"))
    assert caught.value.status_code == 401
    assert client.developer_token.mint_count == 2  # re-minted once after the first 401


async def test_a_401_re_mints_the_developer_token_and_replays(
    apple: AppleMusic, apple_sandbox: AppleMusicSandbox
) -> None:
    apple_sandbox.inject("401")
    before = apple.developer_token.mint_count
    assert (await apple.get_user(apple_sandbox.mint_token("fan-top-1"))).platform == "apple_music"
    assert apple.developer_token.mint_count == before + 1


def test_developer_token_is_cached_and_renewed_before_expiry() -> None:
    key = generate_developer_key()
    now = [1_000_000.0]
    token = DeveloperToken(
        team_id=key.team_id,
        key_id=key.key_id,
        private_key=key.private_key,
        ttl=3600,
        renew_before=300,
        clock=lambda: now[0],
    )
    first = token.current()
    now[0] += 3000
    assert token.current() == first
    assert token.mint_count == 1
    now[0] += 400  # within renew_before of expiry
    assert token.current() != first
    assert token.mint_count == 2


def test_developer_token_claims() -> None:
    import jwt

    key = generate_developer_key(team_id="TEAM123456", key_id="KEY1234567")
    token = DeveloperToken(team_id=key.team_id, key_id=key.key_id, private_key=key.private_key).current()
    assert jwt.get_unverified_header(token) == {"alg": "ES256", "kid": "KEY1234567", "typ": "JWT"}
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["iss"] == "TEAM123456"
    assert claims["exp"] - claims["iat"] == 12 * 3600


def test_a_bad_private_key_fails_at_construction() -> None:
    with pytest.raises(
        ConfigurationError, match=r"cannot sign the Apple Music developer token: ConfigurationError"
    ):
        AppleMusic(team_id="T", key_id="K", private_key="not a key")


async def test_429_over_the_cap(apple: AppleMusic, apple_sandbox: AppleMusicSandbox, sleeps: Sleeps) -> None:
    apple_sandbox.set_faults(retry_after=600)
    apple_sandbox.inject("429")
    with pytest.raises(
        RateLimitedError, match=r"apple_music: GET http://[^/]+/v1/me/storefront returned 429"
    ):
        await apple.get_user(apple_sandbox.mint_token("fan-top-1"))
    assert sleeps == []


async def test_429_and_5xx_then_success(
    apple: AppleMusic, apple_sandbox: AppleMusicSandbox, sleeps: Sleeps
) -> None:
    apple_sandbox.set_faults(retry_after=2)
    apple_sandbox.inject("429", "500")
    assert await apple.get_recently_played(apple_sandbox.mint_token("fan-top-1"), limit=3)
    assert sleeps[0] == 2.0
    assert len(sleeps) == 2


@pytest.mark.parametrize("outcome", ["malformed", "invalid_json"])
@pytest.mark.parametrize(
    "method", ["get_user", "get_library_songs", "get_library_artists", "get_heavy_rotation"]
)
async def test_malformed_answers(
    apple: AppleMusic, apple_sandbox: AppleMusicSandbox, outcome: str, method: str
) -> None:
    token = apple_sandbox.mint_token("fan-top-1")
    apple_sandbox.inject(outcome)
    with pytest.raises(ResponseFormatError):
        await getattr(apple, method)(token)


async def test_empty_token_is_rejected(apple: AppleMusic) -> None:
    with pytest.raises(ValidationError, match=r"token must be a non-empty string or a UserToken"):
        await apple.get_user("")


async def test_the_user_token_never_reaches_the_logs(
    apple: AppleMusic, apple_sandbox: AppleMusicSandbox, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    token = apple_sandbox.mint_token("fan-top-1")
    apple_sandbox.inject("503")
    await apple.get_fan_engagement(token)
    developer = apple.developer_token.current()
    assert any(getattr(r, "service_name", None) == "apple_music" for r in caplog.records)
    for record in caplog.records:
        text = record.getMessage() + repr(record.__dict__)
        assert token.access_token not in text
        assert developer not in text


async def test_an_injected_http_client_is_used_and_left_open(
    apple_sandbox: AppleMusicSandbox, retry: RetryPolicy
) -> None:
    from verifiedfan.http import HttpClient

    key = apple_sandbox.developer_key
    async with HttpClient(service_name="apple_music", retry=retry) as http:
        client = AppleMusic(
            team_id=key.team_id,
            key_id=key.key_id,
            private_key=key.private_key,
            api_url=apple_sandbox.api_url,
            http=http,
        )
        assert (await client.get_user(apple_sandbox.mint_token("fan-top-1"))).platform == "apple_music"
        await client.aclose()
        assert not http.closed


def test_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    from verifiedfan.music import AppleMusicSettings

    key = generate_developer_key()
    monkeypatch.setenv("VF_APPLE_MUSIC_TEAM_ID", "TEAMFROMENV")
    monkeypatch.setenv("VF_APPLE_MUSIC_KEY_ID", "KEYFROMENV")
    monkeypatch.setenv("VF_APPLE_MUSIC_PRIVATE_KEY", key.private_key)
    settings = AppleMusicSettings()
    client = AppleMusic.from_settings(settings)
    assert "TEAMFROMENV" in repr(client.developer_token)
    assert key.private_key not in repr(settings)
