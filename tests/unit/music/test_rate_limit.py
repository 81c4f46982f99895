"""The adaptive limiter against the Spotify sandbox's per-app rolling-window limit (real 429s with
``Retry-After``, counted by the sandbox)."""

from __future__ import annotations

import asyncio

import pytest

from verifiedfan.http import AdaptiveLimiter, RetryPolicy
from verifiedfan.music import Spotify, SpotifySettings
from verifiedfan.testing.sandbox import SpotifySandbox

LIMIT, WINDOW = 100, 1.0  # the sandbox's limit: 100 requests in any second, rolling
CALLS = 250


def _spotify(sandbox: SpotifySandbox, **options: object) -> Spotify:
    return Spotify(
        client_id=sandbox.client_id,
        client_secret=sandbox.client_secret,
        api_url=sandbox.api_url,
        accounts_url=sandbox.accounts_url,
        **options,  # type: ignore[arg-type]
    )


async def test_many_concurrent_calls_share_the_limit_with_few_429s(spotify_sandbox: SpotifySandbox) -> None:
    users = [spotify_sandbox.crowd_user_id(i) for i in range(CALLS)]
    tokens = spotify_sandbox.mint_tokens(users)
    spotify_sandbox.set_faults(rate_limit=LIMIT, rate_limit_window=WINDOW)
    limiter = AdaptiveLimiter(rate=50.0, window=WINDOW)  # starts under the limit, learns it
    async with _spotify(spotify_sandbox, limiter=limiter, retry=RetryPolicy(max_retries=3)) as spotify:
        profiles = await asyncio.gather(*(spotify.get_user(token) for token in tokens))
    assert sorted(p.id for p in profiles) == sorted(users)  # every call succeeded
    stats = spotify_sandbox.stats()
    requests, refused = stats["api_requests"], stats.get("rate_limited", 0)
    assert requests == CALLS + refused  # each refused request was sent again, once
    learnt = limiter.stats()
    # few 429s: a client without the limiter gets one per excess call
    assert refused <= 0.1 * requests, (stats, learnt)
    assert learnt.decreases >= 1  # the first 429 taught it the limit...
    assert learnt.ceiling is not None
    assert 0.7 * LIMIT / WINDOW <= learnt.ceiling <= 1.3 * LIMIT / WINDOW  # ...which is about 100/s
    assert learnt.throttled == refused


async def test_without_the_limiter_the_same_crowd_is_refused_often(spotify_sandbox: SpotifySandbox) -> None:
    users = [spotify_sandbox.crowd_user_id(i) for i in range(CALLS)]
    tokens = spotify_sandbox.mint_tokens(users)
    spotify_sandbox.set_faults(rate_limit=LIMIT, rate_limit_window=3600.0)  # no place frees during the test
    async with _spotify(spotify_sandbox, retry=RetryPolicy.never()) as spotify:
        answers = await asyncio.gather(*(spotify.get_user(t) for t in tokens), return_exceptions=True)
    refused = [a for a in answers if isinstance(a, Exception)]
    assert len(refused) == CALLS - LIMIT
    assert spotify_sandbox.stats()["rate_limited"] == CALLS - LIMIT


def test_settings_build_the_limiter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VF_SPOTIFY_RATE_LIMIT_ADAPTIVE", "true")
    monkeypatch.setenv("VF_SPOTIFY_RATE_LIMIT_START", "5")
    monkeypatch.setenv("VF_SPOTIFY_RATE_LIMIT_MAX", "50")
    settings = SpotifySettings(client_id="id", client_secret="secret")  # type: ignore[arg-type]
    kwargs = Spotify.settings_kwargs(settings)
    limiter = kwargs["limiter"]
    assert isinstance(limiter, AdaptiveLimiter)
    window = 30.0  # Spotify's documented rolling window, the settings' default
    assert (limiter.rate, limiter.max_rate, limiter.window) == (5.0, 50.0, window)
    monkeypatch.delenv("VF_SPOTIFY_RATE_LIMIT_ADAPTIVE")
    plain = SpotifySettings(client_id="id", client_secret="secret")  # type: ignore[arg-type]
    assert Spotify.settings_kwargs(plain)["limiter"] is None
