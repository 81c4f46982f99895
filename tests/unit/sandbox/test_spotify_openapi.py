"""Every answer of the Spotify sandbox checked against Spotify's published OpenAPI description.

The schemas are a copy of the description's ``components.schemas`` (tests/data/spotify, with its
source and the two local changes noted in ``_source``). Objects may carry only the properties the
description declares (``unevaluatedProperties: false``), so an invented field fails as surely as a
missing required one.
"""

from __future__ import annotations

import copy
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator, ValidationError

from verifiedfan.testing.sandbox import EDGE_CASE_USERS, SpotifySandbox

_DOC = json.loads((Path(__file__).parents[2] / "data" / "spotify" / "web-api-schemas.json").read_text())
# Used inside allOf (a strict base would refuse the properties the other branch adds). PlaylistUserObject
# is also used alone (a playlist item's added_by), where it is then checked without the strictness.
_BASES = {"PagingObject", "CursorPagingObject", "AlbumBase", "PlaylistUserObject"}


def _json_schema(node: Any) -> Any:
    """OpenAPI 3.0 -> JSON Schema 2020-12: ``nullable`` becomes a type union."""
    if isinstance(node, dict):
        out = {k: _json_schema(v) for k, v in node.items() if k != "nullable"}
        if node.get("nullable") and "type" in node:
            out["type"] = [node["type"], "null"]
        return out
    if isinstance(node, list):
        return [_json_schema(v) for v in node]
    return node


def _strict(doc: dict[str, Any]) -> dict[str, Any]:
    doc = _json_schema(copy.deepcopy(doc))
    for name, schema in doc["components"]["schemas"].items():
        if name not in _BASES:
            schema["unevaluatedProperties"] = False
    return doc


_STRICT = _strict(_DOC)


def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator({**_STRICT, "$ref": f"#/components/schemas/{name}"})


def wrapper(key: str, name: str) -> Draft202012Validator:
    schema = {
        **_STRICT,
        "type": "object",
        "required": [key],
        "properties": {key: {"$ref": f"#/components/schemas/{name}"}},
        "additionalProperties": False,
    }
    return Draft202012Validator(schema)


def _timestamps(node: Any, keys: tuple[str, ...] = ("added_at", "played_at")) -> list[str]:
    if isinstance(node, dict):
        found = [v for k, v in node.items() if k in keys and isinstance(v, str)]
        return found + [t for v in node.values() for t in _timestamps(v, keys)]
    if isinstance(node, list):
        return [t for v in node for t in _timestamps(v, keys)]
    return []


ROUTES = [
    ("/v1/me", {}, validator("PrivateUserObject")),
    ("/v1/me/tracks", {"limit": 50}, validator("PagingSavedTrackObject")),
    ("/v1/me/tracks", {"limit": 50, "offset": 50}, validator("PagingSavedTrackObject")),
    ("/v1/me/top/artists", {"limit": 50, "time_range": "long_term"}, validator("PagingArtistObject")),
    ("/v1/me/top/tracks", {"limit": 10}, validator("PagingTrackObject")),
    (
        "/v1/me/following",
        {"type": "artist", "limit": 5},
        wrapper("artists", "CursorPagingSimplifiedArtistObject"),
    ),
    (
        "/v1/me/following",
        {"type": "artist", "limit": 50},
        wrapper("artists", "CursorPagingSimplifiedArtistObject"),
    ),
    ("/v1/me/player/recently-played", {"limit": 50}, validator("CursorPagingPlayHistoryObject")),
    ("/v1/me/player/recently-played", {"limit": 5}, validator("CursorPagingPlayHistoryObject")),
]


@pytest.mark.parametrize("user", EDGE_CASE_USERS[:9])
@pytest.mark.parametrize(("path", "params", "schema"), ROUTES, ids=[f"{r[0]}?{r[1]}" for r in ROUTES])
def test_answers_match_the_openapi_description(
    spotify_sandbox: SpotifySandbox,
    user: str,
    path: str,
    params: dict[str, Any],
    schema: Draft202012Validator,
) -> None:
    token = spotify_sandbox.mint_token(user).access_token
    response = httpx.get(
        spotify_sandbox.url + path, params=params, headers={"authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    body = response.json()
    errors = sorted(schema.iter_errors(body), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
    for stamp in _timestamps(body):
        assert datetime.fromisoformat(stamp).tzinfo is not None  # RFC 3339 date-time, UTC


def test_me_carries_the_account_id(spotify_sandbox: SpotifySandbox) -> None:
    token = spotify_sandbox.mint_token("fan-top-1").access_token
    me = httpx.get(spotify_sandbox.url + "/v1/me", headers={"authorization": f"Bearer {token}"}).json()
    assert me["account_id"]
    assert me["account_id"] != me["id"]
    again = httpx.get(spotify_sandbox.url + "/v1/me", headers={"authorization": f"Bearer {token}"}).json()
    assert again["account_id"] == me["account_id"]


def test_album_objects_carry_what_spotify_marks_required(spotify_sandbox: SpotifySandbox) -> None:
    token = spotify_sandbox.mint_token("fan-top-1").access_token
    page = httpx.get(
        spotify_sandbox.url + "/v1/me/tracks",
        params={"limit": 1},
        headers={"authorization": f"Bearer {token}"},
    ).json()
    album = page["items"][0]["track"]["album"]
    required = set(_DOC["components"]["schemas"]["AlbumBase"]["required"])
    assert {"available_markets", "external_urls", "href"} <= required <= album.keys()


def test_the_check_fails_on_the_old_album_shape(spotify_sandbox: SpotifySandbox) -> None:
    """The schema check can fail: the album object the sandbox sent before (no available_markets,
    external_urls, href) and an invented field are both refused."""
    token = spotify_sandbox.mint_token("fan-top-1").access_token
    page = httpx.get(
        spotify_sandbox.url + "/v1/me/tracks",
        params={"limit": 1},
        headers={"authorization": f"Bearer {token}"},
    ).json()
    old = copy.deepcopy(page)
    for key in ("available_markets", "external_urls", "href"):
        del old["items"][0]["track"]["album"][key]
    with pytest.raises(ValidationError, match="is a required property"):
        validator("PagingSavedTrackObject").validate(old)
    invented = copy.deepcopy(page)
    invented["items"][0]["track"]["mood"] = "happy"
    with pytest.raises(ValidationError, match="Unevaluated properties"):
        validator("PagingSavedTrackObject").validate(invented)


def _error_schema() -> Draft202012Validator:
    return wrapper("error", "ErrorObject")


@pytest.mark.parametrize(
    ("headers", "description"),
    [
        ({}, None),
        ({"authorization": "Bearer not-a-token"}, "Invalid access token"),
    ],
)
def test_401_answers_carry_a_bearer_challenge(
    spotify_sandbox: SpotifySandbox, headers: dict[str, str], description: str | None
) -> None:
    """RFC 9110 15.5.2: a 401 carries WWW-Authenticate; RFC 6750 3: the Bearer scheme's syntax."""
    response = httpx.get(spotify_sandbox.url + "/v1/me", headers=headers)
    assert response.status_code == 401
    _error_schema().validate(response.json())
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith('Bearer realm="spotify"')
    if description:
        assert f'error="invalid_token", error_description="{description}"' in challenge


def test_expired_token_challenge_says_so(spotify_sandbox: SpotifySandbox) -> None:
    token = spotify_sandbox.mint_token("expired-token").access_token
    response = httpx.get(spotify_sandbox.url + "/v1/me", headers={"authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert 'error_description="The access token expired"' in response.headers["www-authenticate"]


@pytest.mark.parametrize("outcome", ["429", "403", "500", "502", "503", "404"])
def test_error_answers_match_the_error_object(spotify_sandbox: SpotifySandbox, outcome: str) -> None:
    token = spotify_sandbox.mint_token("fan-top-1").access_token
    spotify_sandbox.inject(outcome)
    response = httpx.get(spotify_sandbox.url + "/v1/me", headers={"authorization": f"Bearer {token}"})
    assert response.status_code == int(outcome)
    _error_schema().validate(response.json())
    assert response.json()["error"]["status"] == int(outcome)
    if outcome == "429":
        assert int(response.headers["retry-after"]) >= 1


def test_bad_parameters_answer_an_error_object(spotify_sandbox: SpotifySandbox) -> None:
    token = spotify_sandbox.mint_token("fan-top-1").access_token
    response = httpx.get(
        spotify_sandbox.url + "/v1/me/tracks",
        params={"limit": 51},
        headers={"authorization": f"Bearer {token}"},
    )
    assert response.status_code == 400
    _error_schema().validate(response.json())


# -- catalog reads (issue 21): artists, albums, tracks, search ------------------------------------
def many(key: str, name: str) -> Draft202012Validator:
    """Spotify's ManyArtists / ManyTracks responses: ``{key: [Object]}``, ``key`` required."""
    schema = {
        **_STRICT,
        "type": "object",
        "required": [key],
        "properties": {key: {"type": "array", "items": {"$ref": f"#/components/schemas/{name}"}}},
        "additionalProperties": False,
    }
    return Draft202012Validator(schema)


SEARCH_ITEMS = Draft202012Validator(
    {
        **_STRICT,
        "type": "object",
        "properties": {
            "tracks": {"$ref": "#/components/schemas/PagingTrackObject"},
            "artists": {"$ref": "#/components/schemas/PagingArtistObject"},
            "albums": {"$ref": "#/components/schemas/PagingSimplifiedAlbumObject"},
        },
        "additionalProperties": False,
    }
)


def _catalog_ids(sandbox: SpotifySandbox) -> dict[str, str]:
    catalog = sandbox.app.catalog  # type: ignore[attr-defined]
    return {
        "artist": catalog.artists[0].spotify_id,
        "artist2": catalog.artists[17].spotify_id,
        "album": catalog.tracks[24].spotify_album_id,
        "track": catalog.tracks[5].spotify_id,
    }


CATALOG_ROUTES = [
    ("/v1/artists/{artist}", {}, validator("ArtistObject")),
    ("/v1/artists", {"ids": "{artist},{artist2}"}, many("artists", "ArtistObject")),
    ("/v1/albums/{album}", {}, validator("AlbumObject")),
    ("/v1/tracks/{track}", {}, validator("TrackObject")),
    ("/v1/search", {"q": "velvet", "type": "artist"}, SEARCH_ITEMS),
    ("/v1/search", {"q": "album 3", "type": "album", "limit": 50, "offset": 50}, SEARCH_ITEMS),
    ("/v1/search", {"q": "blue", "type": "track,artist,album", "limit": 5}, SEARCH_ITEMS),
    ("/v1/search", {"q": "no such thing", "type": "track"}, SEARCH_ITEMS),
]


@pytest.mark.parametrize(
    ("path", "params", "schema"), CATALOG_ROUTES, ids=[f"{r[0]}?{r[1]}" for r in CATALOG_ROUTES]
)
def test_catalog_answers_match_the_openapi_description(
    spotify_sandbox: SpotifySandbox, path: str, params: dict[str, Any], schema: Draft202012Validator
) -> None:
    ids = _catalog_ids(spotify_sandbox)
    token = spotify_sandbox.mint_token("fan-top-1").access_token
    response = httpx.get(
        spotify_sandbox.url + path.format(**ids),
        params={k: str(v).format(**ids) for k, v in params.items()},
        headers={"authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    errors = sorted(schema.iter_errors(body), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def test_an_album_object_carries_its_tracks_and_required_fields(spotify_sandbox: SpotifySandbox) -> None:
    ids = _catalog_ids(spotify_sandbox)
    token = spotify_sandbox.mint_token("fan-top-1").access_token
    album = httpx.get(
        f"{spotify_sandbox.url}/v1/albums/{ids['album']}", headers={"authorization": f"Bearer {token}"}
    ).json()
    assert set(_DOC["components"]["schemas"]["AlbumBase"]["required"]) <= album.keys()
    assert album["tracks"]["total"] == len(album["tracks"]["items"]) == album["total_tracks"]
    broken = copy.deepcopy(album)
    broken["tracks"]["items"][0]["duration_ms"] = "3:20"
    with pytest.raises(ValidationError, match="is not of type 'integer'"):
        validator("AlbumObject").validate(broken)


def _playlist_ids(sandbox: SpotifySandbox, user: str) -> list[str]:
    return sandbox.app._playlists.ids(user)  # type: ignore[attr-defined]


@pytest.mark.parametrize("user", ["heavy-saver", "no-saved-tracks", "follower"])
def test_playlist_answers_match_the_openapi_description(spotify_sandbox: SpotifySandbox, user: str) -> None:
    token = spotify_sandbox.mint_token(user).access_token
    headers = {"authorization": f"Bearer {token}"}
    mine = httpx.get(spotify_sandbox.url + "/v1/me/playlists", headers=headers).json()
    checks = [(mine, validator("PagingPlaylistObject"))]
    for pid in _playlist_ids(spotify_sandbox, user):
        checks.append(
            (
                httpx.get(f"{spotify_sandbox.url}/v1/playlists/{pid}", headers=headers).json(),
                validator("PlaylistObject"),
            )
        )
        page = httpx.get(
            f"{spotify_sandbox.url}/v1/playlists/{pid}/tracks",
            params={"limit": 7, "offset": 3},
            headers=headers,
        ).json()
        checks.append((page, validator("PagingPlaylistTrackObject")))
    for body, schema in checks:
        errors = sorted(schema.iter_errors(body), key=lambda e: list(e.path))
        assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
        for stamp in _timestamps(body):
            assert datetime.fromisoformat(stamp).tzinfo is not None


def test_the_playlist_check_can_fail(spotify_sandbox: SpotifySandbox) -> None:
    """An invented owner field, a missing paging field or an episode where a track is expected fail."""
    token = spotify_sandbox.mint_token("follower").access_token
    pid = _playlist_ids(spotify_sandbox, "follower")[0]
    body = httpx.get(
        f"{spotify_sandbox.url}/v1/playlists/{pid}", headers={"authorization": f"Bearer {token}"}
    ).json()
    validator("PlaylistObject").validate(body)
    invented = copy.deepcopy(body)
    invented["owner"]["country"] = "US"
    assert list(validator("PlaylistObject").iter_errors(invented))
    unpaged = copy.deepcopy(body)
    del unpaged["tracks"]["total"]
    assert list(validator("PlaylistObject").iter_errors(unpaged))
    episode = copy.deepcopy(body)
    episode["tracks"]["items"][0]["track"] = {"type": "episode", "id": "x", "name": "e", "show": {}}
    assert list(validator("PlaylistObject").iter_errors(episode))
