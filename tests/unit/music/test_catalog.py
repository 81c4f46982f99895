"""Catalog reads of the Spotify client against the sandbox's seeded catalogue (whose answers are
checked against Spotify's OpenAPI description in tests/unit/sandbox/test_spotify_openapi.py)."""

from __future__ import annotations

import pytest

from verifiedfan.errors import NotFoundError, ValidationError
from verifiedfan.music import Album, Artist, SearchResults, Spotify, SyncSpotify, Track
from verifiedfan.testing.sandbox import TARGET_ARTIST_NAME, SpotifySandbox


def seeded(sandbox: SpotifySandbox) -> object:
    return sandbox.app.catalog  # type: ignore[attr-defined]


async def test_get_artist_with_an_app_token(spotify: Spotify, spotify_sandbox: SpotifySandbox) -> None:
    target = seeded(spotify_sandbox).artists[0]  # type: ignore[attr-defined]
    artist = await spotify.get_artist(target.spotify_id)
    assert isinstance(artist, Artist)
    assert (artist.id, artist.name, artist.platform) == (target.spotify_id, TARGET_ARTIST_NAME, "spotify")
    assert artist.genres == target.genres
    assert artist.popularity is not None
    assert artist.followers is not None
    assert artist.image_urls
    assert spotify_sandbox.stats()["client_credentials_grants"] == 1  # no user needed
    await spotify.get_artist(target.spotify_id)
    assert spotify_sandbox.stats()["client_credentials_grants"] == 1  # the app token is cached


async def test_get_artist_with_a_user_token(spotify: Spotify, spotify_sandbox: SpotifySandbox) -> None:
    target = seeded(spotify_sandbox).artists[3]  # type: ignore[attr-defined]
    artist = await spotify.get_artist(target.spotify_id, token=spotify_sandbox.mint_token("fan-top-1"))
    assert artist.id == target.spotify_id
    assert spotify_sandbox.stats().get("client_credentials_grants", 0) == 0


async def test_get_several_artists_keeps_order_and_unknown_ids(
    spotify: Spotify, spotify_sandbox: SpotifySandbox
) -> None:
    artists = seeded(spotify_sandbox).artists  # type: ignore[attr-defined]
    ids = [artists[5].spotify_id, "0000000000000000000000", artists[2].spotify_id]
    found = await spotify.get_artists(ids)
    assert [a.id if a else None for a in found] == [ids[0], None, ids[2]]
    assert spotify_sandbox.counts()["routes"]["GET /v1/artists"] == 1


async def test_at_most_50_artist_ids_checked_before_any_io(
    spotify: Spotify, spotify_sandbox: SpotifySandbox
) -> None:
    ids = [a.spotify_id for a in seeded(spotify_sandbox).artists[:51]]  # type: ignore[attr-defined]
    assert len(await spotify.get_artists(ids[:50])) == 50
    with pytest.raises(ValidationError, match="between 1 and 50"):
        await spotify.get_artists(ids)
    with pytest.raises(ValidationError, match="22 base62"):
        await spotify.get_artists(["not-an-id"])
    with pytest.raises(ValidationError, match="list of ids"):
        await spotify.get_artists(ids[0])
    assert spotify_sandbox.counts()["routes"]["GET /v1/artists"] == 1


async def test_get_album_with_its_tracks(spotify: Spotify, spotify_sandbox: SpotifySandbox) -> None:
    first = seeded(spotify_sandbox).tracks[36]  # type: ignore[attr-defined]
    album = await spotify.get_album(first.spotify_album_id, market="US")
    assert isinstance(album, Album)
    assert (album.id, album.name, album.release_date) == (
        first.spotify_album_id,
        first.album_name,
        first.release_date,
    )
    assert [a.name for a in album.artists] == [TARGET_ARTIST_NAME]
    assert album.total_tracks == len(album.tracks) == 12
    assert album.tracks[0].id == first.spotify_id
    assert all(t.album == album.name for t in album.tracks)
    assert album.upc
    assert album.label
    assert spotify_sandbox.journal(route="/v1/albums/{album_id}")[0].query == {"market": "US"}


async def test_get_track(spotify: Spotify, spotify_sandbox: SpotifySandbox) -> None:
    seed = seeded(spotify_sandbox).tracks[7]  # type: ignore[attr-defined]
    track = await spotify.get_track(seed.spotify_id)
    assert isinstance(track, Track)
    assert (track.id, track.name, track.isrc, track.duration_ms) == (
        seed.spotify_id,
        seed.name,
        seed.isrc,
        seed.duration_ms,
    )
    assert track.album == seed.album_name


async def test_an_unknown_id_is_not_found(spotify: Spotify) -> None:
    with pytest.raises(
        NotFoundError, match=r"spotify: GET http://[^/]+/v1/tracks/0000000000000000000000 returned 404"
    ):
        await spotify.get_track("0000000000000000000000")
    with pytest.raises(ValidationError, match="22 base62"):
        await spotify.get_album("spotify:album:abc")


async def test_search_one_page_of_each_kind(spotify: Spotify) -> None:
    results = await spotify.search("velvet", types=("artist", "track", "album"), limit=5)
    assert isinstance(results, SearchResults)
    assert results.artists is not None
    assert results.tracks is not None
    assert results.albums is not None
    assert 0 < len(results.artists.items) <= 5
    assert all("velvet" in a.name.lower() for a in results.artists.items)
    assert results.artists.total == 29  # "The Velvet ..." is every tenth artist but the target
    assert results.artists.next_offset == 5
    assert results.albums.items == ()
    assert results.albums.total == 0
    assert results.albums.next_offset is None


async def test_search_pages_to_the_end(spotify: Spotify, spotify_sandbox: SpotifySandbox) -> None:
    first = await spotify.search("velvet", types=("artist",), limit=20)
    assert first.artists is not None
    assert first.artists.next_offset == 20
    second = await spotify.search("velvet", types=("artist",), limit=20, offset=20)
    assert second.artists is not None
    assert second.artists.next_offset is None
    assert len(second.artists.items) == 9
    every = [a async for a in spotify.aiter_search("velvet", "artist")]
    assert len(every) == 29
    assert len({a.id for a in every}) == 29
    assert [a.id for a in every] == [a.id for a in first.artists.items + second.artists.items]


async def test_aiter_search_stops_at_the_limit_and_at_spotifys_window(
    spotify: Spotify, spotify_sandbox: SpotifySandbox
) -> None:
    some = [t async for t in spotify.aiter_search("blue", "track", limit=120)]
    assert len(some) == 120
    spotify_sandbox.reset()
    window = [t async for t in spotify.aiter_search("blue", "track")]
    assert len(window) == 1000  # 3,600 match; Spotify serves the first 1,000
    assert spotify_sandbox.counts()["routes"]["GET /v1/search"] == 20


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"query": " "}, "non-empty query"),
        ({"query": "x", "types": ("playlist",)}, "search types"),
        ({"query": "x", "limit": 51}, "at most 50"),
        ({"query": "x", "limit": 0}, "limit"),
        ({"query": "x", "offset": 990, "limit": 20}, "1000"),
    ],
)
async def test_bad_searches_are_refused_before_any_io(
    spotify: Spotify, spotify_sandbox: SpotifySandbox, kwargs: dict[str, object], match: str
) -> None:
    with pytest.raises(ValidationError, match=match):
        await spotify.search(**kwargs)  # type: ignore[arg-type]
    assert spotify_sandbox.stats().get("api_requests", 0) == 0


def test_the_sync_client_reads_the_catalog(spotify_sandbox: SpotifySandbox) -> None:
    with SyncSpotify(
        client_id=spotify_sandbox.client_id,
        client_secret=spotify_sandbox.client_secret,
        api_url=spotify_sandbox.api_url,
        accounts_url=spotify_sandbox.accounts_url,
    ) as spotify:
        target = seeded(spotify_sandbox).artists[0]  # type: ignore[attr-defined]
        assert spotify.get_artist(target.spotify_id).name == TARGET_ARTIST_NAME
        assert len(list(spotify.iter_search("velvet", "artist"))) == 29
