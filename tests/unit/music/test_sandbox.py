"""The sandboxes themselves: documented shapes, paging links, token endpoint, knobs, both run modes."""

from __future__ import annotations

import json
import random
import time

import httpx
import jwt
import pytest

from verifiedfan.errors import NotConnectedError, ValidationError
from verifiedfan.testing.sandbox import EDGE_CASE_USERS, AppleMusicSandbox, Faults, Sandbox, SpotifySandbox
from verifiedfan.testing.sandbox._catalog import TRACKS_PER_ARTIST, Catalog
from verifiedfan.testing.sandbox._http import Request
from verifiedfan.testing.sandbox._spotify import SpotifyApp


def _bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def test_spotify_paging_object_and_next_links(spotify_sandbox: SpotifySandbox) -> None:
    token = spotify_sandbox.mint_token("heavy-saver").access_token
    with httpx.Client(base_url=spotify_sandbox.url) as client:
        page = client.get("/v1/me/tracks", params={"limit": 50}, headers=_bearer(token)).json()
        assert {"href", "items", "limit", "next", "offset", "previous", "total"} <= page.keys()
        seen = len(page["items"])
        while page["next"]:
            page = client.get(page["next"], headers=_bearer(token)).json()
            seen += len(page["items"])
    assert seen == page["total"] == 320
    assert page["previous"] is not None


def test_spotify_following_uses_cursor_paging(spotify_sandbox: SpotifySandbox) -> None:
    token = spotify_sandbox.mint_token("follower").access_token
    with httpx.Client(base_url=spotify_sandbox.url) as client:
        body = client.get(
            "/v1/me/following", params={"type": "artist", "limit": 5}, headers=_bearer(token)
        ).json()
        artists = body["artists"]
        assert artists["cursors"]["after"]
        assert artists["next"].endswith(artists["cursors"]["after"])
        rest = client.get(artists["next"], headers=_bearer(token)).json()["artists"]
    assert rest["next"] is None
    assert len(artists["items"]) + len(rest["items"]) == artists["total"] == 8


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/v1/me/tracks", {"limit": 51}),
        ("/v1/me/top/artists", {"time_range": "decade"}),
        ("/v1/me/following", {"type": "user"}),
        ("/v1/me/player/recently-played", {"limit": 0}),
    ],
)
def test_spotify_rejects_bad_parameters(
    spotify_sandbox: SpotifySandbox, path: str, params: dict[str, object]
) -> None:
    token = spotify_sandbox.mint_token("fan-top-1").access_token
    response = httpx.get(spotify_sandbox.url + path, params=params, headers=_bearer(token))  # type: ignore[arg-type]
    assert response.status_code == 400
    assert response.json()["error"]["status"] == 400


def test_spotify_auth_errors(spotify_sandbox: SpotifySandbox) -> None:
    expired = spotify_sandbox.mint_token("expired-token").access_token
    assert httpx.get(spotify_sandbox.url + "/v1/me").status_code == 401
    response = httpx.get(spotify_sandbox.url + "/v1/me", headers=_bearer(expired))
    assert response.status_code == 401
    assert "expired" in response.json()["error"]["message"]


def test_token_endpoint_grants(spotify_sandbox: SpotifySandbox) -> None:
    token = spotify_sandbox.mint_token("fan-top-1")
    auth = (spotify_sandbox.client_id, spotify_sandbox.client_secret)
    url = spotify_sandbox.accounts_url + "/api/token"
    refreshed = httpx.post(
        url, data={"grant_type": "refresh_token", "refresh_token": token.refresh_token}, auth=auth
    )
    assert refreshed.status_code == 200
    assert refreshed.json()["token_type"] == "Bearer"
    assert (
        httpx.get(
            spotify_sandbox.url + "/v1/me", headers=_bearer(refreshed.json()["access_token"])
        ).status_code
        == 200
    )
    app = httpx.post(url, data={"grant_type": "client_credentials"}, auth=auth)
    assert app.status_code == 200
    assert app.json()["expires_in"] == 3600
    assert (
        httpx.get(spotify_sandbox.url + "/v1/me", headers=_bearer(app.json()["access_token"])).status_code
        == 401
    )


@pytest.mark.parametrize(
    ("data", "auth", "error"),
    [
        ({"grant_type": "refresh_token", "refresh_token": "nope"}, True, "invalid_grant"),
        ({"grant_type": "client_credentials"}, False, "invalid_client"),
        ({"grant_type": "password"}, True, "unsupported_grant_type"),
    ],
)
def test_token_endpoint_errors(
    spotify_sandbox: SpotifySandbox, data: dict[str, str], auth: bool, error: str
) -> None:
    creds = (spotify_sandbox.client_id, spotify_sandbox.client_secret if auth else "wrong")
    response = httpx.post(spotify_sandbox.accounts_url + "/api/token", data=data, auth=creds)
    assert response.status_code == 400
    assert response.json()["error"] == error


def _developer_token(sandbox: AppleMusicSandbox, **claims: object) -> str:
    key = sandbox.developer_key
    now = int(time.time())
    body = {"iss": key.team_id, "iat": now, "exp": now + 600, **claims}
    return jwt.encode(body, key.private_key, algorithm="ES256", headers={"kid": key.key_id})


@pytest.mark.parametrize(
    ("claims", "status"),
    [({}, 200), ({"iss": "OTHER-TEAM"}, 401), ({"exp": 1}, 401)],
)
def test_apple_checks_the_developer_token(
    apple_sandbox: AppleMusicSandbox, claims: dict[str, object], status: int
) -> None:
    headers = {
        **_bearer(_developer_token(apple_sandbox, **claims)),
        "Music-User-Token": apple_sandbox.mint_token("fan-top-1").access_token,
    }
    response = httpx.get(apple_sandbox.url + "/v1/me/storefront", headers=headers)
    assert response.status_code == status
    if status != 200:
        assert response.json()["errors"][0]["status"] == "401"


def test_apple_needs_a_music_user_token(apple_sandbox: AppleMusicSandbox) -> None:
    response = httpx.get(
        apple_sandbox.url + "/v1/me/storefront", headers=_bearer(_developer_token(apple_sandbox))
    )
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "40300"


def test_apple_data_shape_and_relative_next(apple_sandbox: AppleMusicSandbox) -> None:
    headers = {
        **_bearer(_developer_token(apple_sandbox)),
        "Music-User-Token": apple_sandbox.mint_token("heavy-saver").access_token,
    }
    body = httpx.get(
        apple_sandbox.url + "/v1/me/library/songs", params={"limit": 100}, headers=headers
    ).json()
    assert body["next"] == "/v1/me/library/songs?offset=100"
    assert body["meta"]["total"] == 320
    song = body["data"][0]
    assert song["type"] == "library-songs"
    assert {"name", "artistName", "playParams"} <= song["attributes"].keys()


def test_seeded_data_is_deterministic() -> None:
    with SpotifySandbox(seed=3) as one, SpotifySandbox(seed=3) as two:
        tokens = [s.mint_token("user-000042").access_token for s in (one, two)]
        bodies = [
            httpx.get(s.url + "/v1/me/tracks", headers=_bearer(t)).json()
            for s, t in zip((one, two), tokens, strict=True)
        ]
    assert bodies[0]["items"] == bodies[1]["items"]
    assert bodies[0]["total"] == bodies[1]["total"]


def test_named_users_are_listed(spotify_sandbox: SpotifySandbox) -> None:
    assert spotify_sandbox.named_users == EDGE_CASE_USERS
    assert Sandbox.crowd_user_id(7) == "user-000007"


def test_unknown_users_cannot_get_tokens(spotify_sandbox: SpotifySandbox) -> None:
    with pytest.raises(ValidationError, match=r"sandbox tokens failed: unknown sandbox user 'nobody'"):
        spotify_sandbox.mint_token("nobody")


def test_inject_rejects_unknown_outcomes(spotify_sandbox: SpotifySandbox) -> None:
    with pytest.raises(
        ValidationError,
        match=r"sandbox inject failed: unknown outcomes \['418'\]; known: \['400', '401', '403', '404',",
    ):
        spotify_sandbox.inject("418")


def test_faults_are_validated() -> None:
    with pytest.raises(ValidationError, match=r"error_rate must be between 0 and 1"):
        Faults(error_rate=1.5)


def test_rate_knobs_apply_to_api_routes_only(spotify_sandbox: SpotifySandbox) -> None:
    spotify_sandbox.reset()
    spotify_sandbox.set_faults(rate_limit_rate=1.0, retry_after=9)
    try:
        token = spotify_sandbox.mint_token("fan-top-1")
        response = httpx.get(spotify_sandbox.url + "/v1/me", headers=_bearer(token.access_token))
        assert response.status_code == 429
        assert response.headers["retry-after"] == "9"
        auth = (spotify_sandbox.client_id, spotify_sandbox.client_secret)
        grant = {"grant_type": "refresh_token", "refresh_token": token.refresh_token or ""}
        assert (
            httpx.post(spotify_sandbox.accounts_url + "/api/token", data=grant, auth=auth).status_code == 200
        )
    finally:
        spotify_sandbox.set_faults(Faults())
    assert spotify_sandbox.stats()["rate_limited"] == 1


def test_latency_knob_delays_api_answers() -> None:
    app = SpotifyApp(faults=Faults(latency=0.2))
    token = app.mint("fan-top-1")["access_token"]
    response = app(Request("GET", "/v1/me", {}, {"authorization": f"Bearer {token}"}))
    assert response.status == 200
    assert response.delay == 0.2


def test_delayed_answers_are_delivered_in_order(spotify_sandbox: SpotifySandbox) -> None:
    spotify_sandbox.set_faults(latency=0.02)
    token = spotify_sandbox.mint_token("fan-top-1").access_token
    with httpx.Client(base_url=spotify_sandbox.url, headers=_bearer(token)) as client:
        bodies = [client.get(path).json() for path in ("/v1/me", "/v1/me/tracks", "/v1/me")]
    assert bodies[0]["id"] == bodies[2]["id"] == "fan-top-1"
    assert bodies[1]["total"] == 80


def test_url_before_start_is_an_error() -> None:
    with pytest.raises(NotConnectedError, match=r"the spotify sandbox is not started"):
        _ = SpotifySandbox().url


async def test_async_context_manager() -> None:
    async with SpotifySandbox() as sandbox:
        async with httpx.AsyncClient() as client:
            token = sandbox.mint_token("fan-top-1").access_token
            assert (await client.get(sandbox.url + "/v1/me", headers=_bearer(token))).status_code == 200
    assert sandbox._url is None


def test_process_mode_serves_the_same_api() -> None:
    with AppleMusicSandbox(process=True) as sandbox:
        token = sandbox.mint_token("fan-top-1").access_token
        headers = {**_bearer(_developer_token(sandbox)), "Music-User-Token": token}
        assert httpx.get(sandbox.url + "/v1/me/storefront", headers=headers).status_code == 200
        sandbox.inject("503")
        assert httpx.get(sandbox.url + "/v1/me/storefront", headers=headers).status_code == 503
        assert sandbox.stats()["injected_errors"] == 1
    assert sandbox._proc is None


def _mix_by_the_book(rng: random.Random, artists: list[int], count: int) -> list[int]:
    chosen: set[int] = set()
    while len(chosen) < count:
        chosen.add(rng.choice(artists) * TRACKS_PER_ARTIST + rng.randrange(TRACKS_PER_ARTIST))
    out = sorted(chosen)
    rng.shuffle(out)
    return out


def test_crowd_tracks_are_the_draws_of_choice_and_randrange() -> None:
    # Catalog._mix takes the random bits itself (a third of a crowd user's cost); the seeded world
    # must stay the one rng.choice + rng.randrange give, and leave the generator in the same state
    catalog = Catalog(seed=7)
    for seed in range(300):
        shape = random.Random(seed)
        artists = shape.sample(range(1, 300), shape.randint(1, 20))
        count = shape.randint(0, min(150, 100 * len(artists)))
        ours, book = random.Random(seed), random.Random(seed)
        assert catalog._mix(ours, artists, count) == _mix_by_the_book(book, artists, count)
        assert ours.random() == book.random()
    with pytest.raises(IndexError, match="no artists"):
        catalog._mix(random.Random(1), [], 3)


def test_a_page_of_saved_tracks_is_the_documented_paging_object() -> None:
    app = SpotifyApp(seed=7)
    user = app.catalog.user("heavy-saver")
    assert user is not None
    token = app.mint("heavy-saver")["access_token"]
    query = {"limit": "50", "offset": "50", "market": "from_token"}
    answer = app(Request("GET", "/v1/me/tracks", query, {"authorization": f"Bearer {token}"}))
    body = json.loads(answer.body)
    assert (body["offset"], body["limit"], body["total"]) == (50, 50, len(user.saved))
    assert [i["track"]["id"] for i in body["items"]] == [
        app.catalog.tracks[t].spotify_id for t in user.saved[50:100]
    ]
    assert [i["added_at"] for i in body["items"]] == [user.added_at(p) for p in range(50, 100)]
    assert all(i["track"]["is_playable"] and "available_markets" not in i["track"] for i in body["items"])
