"""Issue 19: a sandbox id says which platform it belongs to. Spotify ids are 22 base62 characters
(Spotify's "Spotify URIs and IDs": base-62 identifier); Apple Music catalog ids are numeric strings,
library ids ``i.``/``r.`` + letters. Every id each sandbox sends is checked, on a crowd of users."""

from __future__ import annotations

import time
from typing import Any

import httpx
import jwt
import pytest

from verifiedfan.testing.sandbox import AppleMusicSandbox, SpotifySandbox, platform_of_id


def _ids(node: Any, keys: tuple[str, ...]) -> list[str]:
    if isinstance(node, dict):
        own = [v for k, v in node.items() if k in keys and isinstance(v, str)]
        return own + [i for v in node.values() for i in _ids(v, keys)]
    if isinstance(node, list):
        return [i for v in node for i in _ids(v, keys)]
    return []


@pytest.mark.parametrize(
    ("value", "platform"),
    [
        ("4iV5W9uYEdYUVa79Axb7Rh", "spotify"),  # Spotify's documentation example
        ("0TnOYISbd1XYRBk9myaseg", "spotify"),
        ("1440935467", "apple_music"),
        ("178834", "apple_music"),
        ("i.PkdZbQXsZY6Eoy", None),
        ("4iV5W9uYEdYUVa79Axb7R", None),  # 21 characters
        ("1234567890123456789012", None),  # 22 digits: no letter, not a Spotify id
        ("", None),
    ],
)
def test_platform_of_id(value: str, platform: str | None) -> None:
    assert platform_of_id(value) == platform


def test_every_spotify_id_is_a_spotify_id(spotify_sandbox: SpotifySandbox) -> None:
    users = ["fan-top-1", "follower", *(spotify_sandbox.crowd_user_id(i) for i in range(25))]
    seen: set[str] = set()
    for user in users:
        headers = {"authorization": f"Bearer {spotify_sandbox.mint_token(user).access_token}"}
        for path, params in (
            ("/v1/me/tracks", {"limit": 50}),
            ("/v1/me/top/artists", {"limit": 50}),
            ("/v1/me/following", {"type": "artist", "limit": 50}),
            ("/v1/me/player/recently-played", {"limit": 50}),
        ):
            body = httpx.get(spotify_sandbox.url + path, params=params, headers=headers).json()
            seen.update(_ids(body, ("id",)))
    assert len(seen) > 500
    wrong = sorted(i for i in seen if platform_of_id(i) != "spotify")
    assert not wrong, wrong[:5]
    target = spotify_sandbox.info()["target_artist"]
    assert platform_of_id(target["spotify_id"]) == "spotify"
    assert platform_of_id(target["apple_id"]) == "apple_music"


def _apple_headers(sandbox: AppleMusicSandbox, user: str) -> dict[str, str]:
    key = sandbox.developer_key
    now = int(time.time())
    token = jwt.encode(
        {"iss": key.team_id, "iat": now, "exp": now + 600},
        key.private_key,
        algorithm="ES256",
        headers={"kid": key.key_id},
    )
    return {"authorization": f"Bearer {token}", "music-user-token": sandbox.mint_token(user).access_token}


def test_every_apple_catalog_id_is_numeric(apple_sandbox: AppleMusicSandbox) -> None:
    catalog: set[str] = set()
    library: set[str] = set()
    for user in ["fan-top-1", "follower", *(apple_sandbox.crowd_user_id(i) for i in range(15))]:
        headers = _apple_headers(apple_sandbox, user)
        songs = httpx.get(
            apple_sandbox.url + "/v1/me/library/songs", params={"limit": 100}, headers=headers
        ).json()
        library.update(s["id"] for s in songs["data"])
        catalog.update(s["attributes"]["playParams"]["catalogId"] for s in songs["data"])
        artists = httpx.get(
            apple_sandbox.url + "/v1/me/library/artists",
            params={"limit": 100, "include": "catalog"},
            headers=headers,
        ).json()
        library.update(a["id"] for a in artists["data"])
        catalog.update(c["id"] for a in artists["data"] for c in a["relationships"]["catalog"]["data"])
        for path in ("/v1/me/recent/played/tracks", "/v1/me/history/heavy-rotation"):
            body = httpx.get(apple_sandbox.url + path, params={"limit": 10}, headers=headers).json()
            catalog.update(item["id"] for item in body["data"])
    assert len(catalog) > 300
    assert not sorted(i for i in catalog if platform_of_id(i) != "apple_music")[:5]
    assert all(i[:2] in ("i.", "r.") and platform_of_id(i) is None for i in library)
