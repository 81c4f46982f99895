"""verify_fans: many fans, bounded concurrency, per-fan errors."""

from __future__ import annotations

import asyncio

import pytest

from verifiedfan.errors import ValidationError
from verifiedfan.music import FanEngagement, MusicUser, Spotify, UserToken, verify_fans
from verifiedfan.testing.sandbox import SpotifySandbox


async def test_a_crowd_against_the_sandbox(spotify: Spotify, spotify_sandbox: SpotifySandbox) -> None:
    ids = [spotify_sandbox.crowd_user_id(i) for i in range(40)]
    tokens = dict(zip(ids, spotify_sandbox.mint_tokens(ids), strict=True))
    revoked = tokens[ids[0]]
    spotify_sandbox.revoke(user_id=ids[0])
    checks = [
        c async for c in verify_fans(spotify, tokens, artist=spotify_sandbox.target_artist, concurrency=8)
    ]
    assert sorted(c.key for c in checks) == sorted(ids)
    failed = [c for c in checks if c.error is not None]
    assert [c.key for c in failed] == [ids[0]]
    assert revoked.access_token not in repr(failed[0])
    verified = sum(c.verified for c in checks)
    assert 0 < verified < 39  # the crowd mixes fans and non-fans


class _Counting:
    def __init__(self) -> None:
        self.in_flight = 0
        self.peak = 0

    async def get_fan_engagement(
        self,
        token: str | UserToken,
        *,
        top_tracks: bool = True,
        followed_artists: bool = True,
        recently_played: bool = True,
    ) -> FanEngagement:
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        await asyncio.sleep(0)
        self.in_flight -= 1
        return FanEngagement(user=MusicUser(id=str(token), platform="spotify"), platform="spotify")


async def test_concurrency_is_bounded() -> None:
    source = _Counting()
    fans = [(f"k{i}", f"t{i}") for i in range(50)]
    checks = [c async for c in verify_fans(source, fans, artist="someone", concurrency=5)]
    assert len(checks) == 50
    assert source.peak == 5


async def test_bad_concurrency() -> None:
    with pytest.raises(ValidationError, match=r"concurrency must be >= 1"):
        async for _ in verify_fans(_Counting(), [], artist="x", concurrency=0):
            pass
