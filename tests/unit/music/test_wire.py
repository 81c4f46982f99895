"""Typed decoding of the hot responses (music/_wire.py): documented shapes decode to the fields we
read, anything else is a ResponseFormatError, and Spotify is asked for market=from_token."""

from __future__ import annotations

import contextlib
import json
from dataclasses import FrozenInstanceError
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verifiedfan.errors import ResponseFormatError
from verifiedfan.music import Spotify
from verifiedfan.music import _wire as wire
from verifiedfan.music._models import Artist, Track
from verifiedfan.testing.sandbox import SpotifySandbox

# Spotify's documented SavedTrackObject (developer.spotify.com, "Get User's Saved Tracks"), trimmed to
# the fields the example shows for one item; unknown fields must be skipped, not rejected.
SAVED_PAGE: dict[str, Any] = {
    "href": "https://api.spotify.com/v1/me/shows?offset=0&limit=20",
    "limit": 20,
    "next": "https://api.spotify.com/v1/me/shows?offset=1&limit=1",
    "offset": 0,
    "previous": None,
    "total": 4,
    "items": [
        {
            "added_at": "2016-10-24T15:03:07Z",
            "track": {
                "album": {
                    "album_type": "compilation",
                    "total_tracks": 9,
                    "available_markets": ["CA"],
                    "id": "2up3OPMp9Tb4dAKM2erWXQ",
                    "name": "Album",
                    "release_date": "1981-12",
                },
                "artists": [
                    {
                        "external_urls": {"spotify": "x"},
                        "id": "0TnOYISbd1XYRBk9myaseg",
                        "name": "Pitbull",
                        "type": "artist",
                        "uri": "spotify:artist:0TnOYISbd1XYRBk9myaseg",
                    }
                ],
                "available_markets": ["CA", "US"],
                "disc_number": 1,
                "duration_ms": 207959,
                "explicit": False,
                "external_ids": {"isrc": "USUM71703861", "ean": None, "upc": None},
                "id": "11dFghVXANMlKmJXsNCbNl",
                "is_playable": True,
                "name": "Cut To The Feeling",
                "popularity": 63,
                "type": "track",
            },
        }
    ],
}


def test_a_documented_saved_tracks_page_decodes_to_the_fields_we_read() -> None:
    page = wire.SAVED_PAGE(json.dumps(SAVED_PAGE).encode())
    (track,) = wire.spotify_saved(page.items)
    assert (page.total, page.next) == (4, SAVED_PAGE["next"])
    assert (track.id, track.name, track.album, track.isrc, track.duration_ms) == (
        "11dFghVXANMlKmJXsNCbNl",
        "Cut To The Feeling",
        "Album",
        "USUM71703861",
        207959,
    )
    assert [a.name for a in track.artists] == ["Pitbull"]
    assert track.added_at == datetime(2016, 10, 24, 15, 3, 7, tzinfo=UTC)


def test_the_slot_built_models_equal_the_dataclass_built_ones() -> None:
    # spotify_saved/spotify_artist build Track and Artist slot by slot (music/_wire.py): the result
    # must be the object the dataclass constructor makes (equal, same hash, same repr)
    body = {
        "items": [
            {
                "added_at": "2024-05-01T10:00:00Z",
                "track": {
                    "id": "t1",
                    "name": "Two artists",
                    "artists": [{"id": "a1", "name": "A"}, {"id": "a2", "name": "B"}],
                    "album": {"name": "Al"},
                    "external_ids": {"isrc": "X1"},
                    "duration_ms": 1000,
                },
            },
            {"track": {"id": "t2", "name": "Bare", "artists": [{"id": "a1", "name": "A"}]}},
        ]
    }
    built = wire.spotify_saved(wire.SAVED_PAGE(json.dumps(body).encode()).items)
    a1, a2 = Artist("a1", "A", "spotify"), Artist("a2", "B", "spotify")
    expected = (
        Track(
            "t1", "Two artists", (a1, a2), "spotify", "Al", "X1", 1000, datetime(2024, 5, 1, 10, tzinfo=UTC)
        ),
        Track("t2", "Bare", (a1,), "spotify"),
    )
    assert built == expected
    assert [hash(t) for t in built] == [hash(t) for t in expected]
    assert [repr(t) for t in built] == [repr(t) for t in expected]
    artist = wire.spotify_artist(wire.SpotifyArtist(id="a3", name="C", genres=["pop"]), rank=2)
    assert artist == Artist("a3", "C", "spotify", rank=2, genres=("pop",))
    with pytest.raises(FrozenInstanceError):
        built[0].name = "changed"  # type: ignore[misc]


def test_a_model_field_the_builders_do_not_set_fails_at_import() -> None:
    with pytest.raises(RuntimeError, match=r"builds Track with \('id',\), the model has"):
        wire._slot_setters(Track, ("id",))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html>not json</html>", r"^spotify /v1/me/tracks: "),
        (b'{"items": [{"track": {"name": "x", "artists": []}}]}', r"missing required field `id`"),
        (b'{"items": [{"track": {"id": 7, "name": "x", "artists": []}}]}', r"Expected `str`, got `int`"),
        (b'{"items": "nope"}', r"Expected `array`"),
        (b'{"total": 3}', r"missing required field `items`"),
        (
            b'{"items": [{"added_at": "yesterday", "track": {"id": "a", "name": "b", "artists": []}}]}',
            r"Invalid RFC3339",
        ),
    ],
)
def test_malformed_pages_are_response_format_errors(body: bytes, message: str) -> None:
    with pytest.raises(ResponseFormatError, match=message):
        wire.SAVED_PAGE(body)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(["id", "name", "items", "track", "artists", "total", "data"]), children
        )
    ),
    max_leaves=15,
)


@settings(max_examples=200, deadline=None)
@given(value=json_values)
def test_only_response_format_errors_escape(value: Any) -> None:
    for decode in (wire.USER, wire.SAVED_PAGE, wire.ARTIST_PAGE):
        with contextlib.suppress(ResponseFormatError):
            decode(json.dumps(value).encode())


async def test_saved_tracks_are_asked_with_market_from_token(
    spotify: Spotify, spotify_sandbox: SpotifySandbox
) -> None:
    token = spotify_sandbox.mint_token(spotify_sandbox.crowd_user_id(3))
    tracks = await spotify.get_saved_tracks(token)
    entries = spotify_sandbox.journal(route="/v1/me/tracks")
    assert entries
    assert all(e.query.get("market") == "from_token" for e in entries)
    assert len(tracks) == len({t.id for t in tracks}) > 0


def test_the_sandbox_answers_market_from_token_as_spotify_does(spotify_sandbox: SpotifySandbox) -> None:
    token = spotify_sandbox.mint_token(spotify_sandbox.crowd_user_id(3)).access_token
    url = f"{spotify_sandbox.api_url}/v1/me/tracks"
    with httpx.Client(headers={"authorization": f"Bearer {token}"}) as http:
        full = http.get(url, params={"limit": 50})
        relinked = http.get(url, params={"limit": 50, "market": "from_token"})
        bad = http.get(url, params={"limit": 50, "market": "narnia"})
    track = relinked.json()["items"][0]["track"]
    assert "available_markets" in full.json()["items"][0]["track"]
    assert "available_markets" not in track
    assert "available_markets" not in track["album"]
    assert track["is_playable"] is True
    assert len(relinked.content) < len(full.content)
    assert bad.status_code == 400


# Apple's documented library-song resource (developer.apple.com, "LibrarySongs"), one page.
APPLE_SONGS: dict[str, Any] = {
    "next": "/v1/me/library/songs?offset=100",
    "meta": {"total": 2},
    "data": [
        {
            "id": "i.ZYZG0cMMK1zd",
            "type": "library-songs",
            "href": "/v1/me/library/songs/i.ZYZG0cMMK1zd",
            "attributes": {
                "albumName": "Mercury - Act 1",
                "artistName": "Imagine Dragons",
                "artwork": {"width": 1200, "height": 1200, "url": "https://x/{w}x{h}bb.jpg"},
                "dateAdded": "2021-11-15T18:28:15Z",
                "durationInMillis": 164000,
                "genreNames": ["Alternative"],
                "hasLyrics": True,
                "name": "Enemy",
                "playParams": {
                    "id": "i.ZYZG0cMMK1zd",
                    "kind": "song",
                    "isLibrary": True,
                    "catalogId": "1585880003",
                },
                "releaseDate": "2021-10-28",
                "trackNumber": 1,
            },
        },
        {"id": "i.local", "type": "library-songs", "attributes": {"name": "Demo", "artistName": "Me"}},
    ],
}


def test_a_documented_apple_library_songs_page_decodes_to_the_fields_we_read() -> None:
    page = wire.SONG_PAGE(json.dumps(APPLE_SONGS).encode())
    first, local = (wire.apple_song(s) for s in page.data)
    assert (page.meta.total if page.meta else None, page.next) == (2, "/v1/me/library/songs?offset=100")
    assert (first.id, first.name, first.album, first.duration_ms) == (
        "1585880003",
        "Enemy",
        "Mercury - Act 1",
        164000,
    )
    assert first.artists[0].name == "Imagine Dragons"
    assert first.added_at == datetime(2021, 11, 15, 18, 28, 15, tzinfo=UTC)
    assert (local.id, local.album, local.added_at) == ("i.local", None, None)


@pytest.mark.parametrize(
    ("decode", "body", "message"),
    [
        (
            wire.SONG_PAGE,
            b'{"data": [{"id": "x", "attributes": {"name": "n"}}]}',
            r"missing required field `artistName`",
        ),
        (
            wire.SONG_PAGE,
            b'{"data": [{"id": "x", "attributes": {"name": "n", "artistName": 3}}]}',
            r"Expected `str`",
        ),
        (wire.STOREFRONT, b'{"errors": []}', r"missing required field `data`"),
        (wire.LIBRARY_ARTIST_PAGE, b"[]", r"Expected `object`, got `array`"),
    ],
)
def test_malformed_apple_pages_are_response_format_errors(decode: Any, body: bytes, message: str) -> None:
    with pytest.raises(ResponseFormatError, match=message):
        decode(body)
