"""Catalog reads of the Apple Music client, per storefront, against the sandbox's seeded catalogue
(the shapes of Apple's reference: resources in ``{"data": [...]}``, search ``results`` by type)."""

from __future__ import annotations

import httpx
import pytest

from verifiedfan.errors import ClientError, NotFoundError, ValidationError
from verifiedfan.music import Album, AppleMusic, Artist, SyncAppleMusic, Track
from verifiedfan.testing.sandbox import TARGET_ARTIST_NAME, AppleMusicSandbox


def seeded(sandbox: AppleMusicSandbox) -> object:
    return sandbox.app.catalog  # type: ignore[attr-defined]


async def test_get_artist(apple: AppleMusic, apple_sandbox: AppleMusicSandbox) -> None:
    target = seeded(apple_sandbox).artists[0]  # type: ignore[attr-defined]
    artist = await apple.get_artist("us", target.apple_id)
    assert isinstance(artist, Artist)
    assert (artist.id, artist.name, artist.platform) == (target.apple_id, TARGET_ARTIST_NAME, "apple_music")
    assert artist.genres == target.genres
    assert artist.image_urls
    assert "{w}" not in artist.image_urls[0]
    assert "3000x3000" in artist.image_urls[0]
    [entry] = apple_sandbox.journal(route="/v1/catalog/{storefront}/artists/{artist_id}")
    assert "music-user-token" not in entry.headers  # the developer token alone


async def test_get_several_artists(apple: AppleMusic, apple_sandbox: AppleMusicSandbox) -> None:
    artists = seeded(apple_sandbox).artists  # type: ignore[attr-defined]
    ids = [artists[9].apple_id, "100000001", artists[4].apple_id]
    found = await apple.get_artists("gb", ids)
    assert [a.id if a else None for a in found] == [ids[0], None, ids[2]]
    with pytest.raises(ValidationError, match="between 1 and 25"):
        await apple.get_artists("us", [a.apple_id for a in artists[:26]])
    with pytest.raises(ValidationError, match="digits"):
        await apple.get_artists("us", ["abc"])
    assert apple_sandbox.counts()["routes"]["GET /v1/catalog/{storefront}/{kind}"] == 1


async def test_get_album_with_its_tracks(apple: AppleMusic, apple_sandbox: AppleMusicSandbox) -> None:
    cat = seeded(apple_sandbox)
    first = cat.tracks[24]  # type: ignore[attr-defined]
    album = await apple.get_album("us", first.apple_album_id)
    assert isinstance(album, Album)
    assert (album.id, album.name, album.platform) == (first.apple_album_id, first.album_name, "apple_music")
    assert album.release_date == first.release_date
    assert [a.id for a in album.artists] == [cat.artists[0].apple_id]  # type: ignore[attr-defined]
    assert album.total_tracks == len(album.tracks) == 12
    assert [t.id for t in album.tracks][:2] == [first.apple_id, cat.tracks[25].apple_id]  # type: ignore[attr-defined]
    assert album.upc
    assert album.label == "Sandbox Records"


async def test_get_song(apple: AppleMusic, apple_sandbox: AppleMusicSandbox) -> None:
    seed = seeded(apple_sandbox).tracks[130]  # type: ignore[attr-defined]
    song = await apple.get_song("fr", seed.apple_id)
    assert isinstance(song, Track)
    assert (song.id, song.name, song.isrc, song.duration_ms, song.album) == (
        seed.apple_id,
        seed.name,
        seed.isrc,
        seed.duration_ms,
        seed.album_name,
    )
    assert [a.name for a in song.artists] == [seeded(apple_sandbox).artists[1].name]  # type: ignore[attr-defined]


async def test_unknown_ids_and_storefronts(apple: AppleMusic, apple_sandbox: AppleMusicSandbox) -> None:
    with pytest.raises(
        NotFoundError, match=r"apple_music: GET http://[^/]+/v1/catalog/us/songs/1400000001 returned 404"
    ):
        await apple.get_song("us", "1400000001")
    with pytest.raises(ClientError, match="400"):
        await apple.get_song("zz", seeded(apple_sandbox).tracks[0].apple_id)  # type: ignore[attr-defined]
    api_requests = apple_sandbox.stats()["api_requests"]
    with pytest.raises(ValidationError, match="storefront"):
        await apple.get_song("US", "1400000003")
    with pytest.raises(ValidationError, match="digits"):
        await apple.get_album("us", "pl.123")
    assert apple_sandbox.stats()["api_requests"] == api_requests  # refused before any I/O


async def test_search_pages(apple: AppleMusic) -> None:
    results = await apple.search("us", "velvet", types=("artist", "track"), limit=10)
    assert results.artists is not None
    assert results.tracks is not None
    assert len(results.artists.items) == 10
    assert all("velvet" in a.name.lower() for a in results.artists.items)
    assert results.artists.total is None  # Apple gives no total
    assert results.artists.next_offset == 10
    assert results.tracks.items == ()  # no song is named "velvet": Apple leaves the type out
    assert results.tracks.next_offset is None
    every = [a async for a in apple.aiter_search("us", "velvet", "artist")]
    assert len(every) == 29
    assert len({a.id for a in every}) == 29
    assert [a.id for a in every][:10] == [a.id for a in results.artists.items]
    assert len([s async for s in apple.aiter_search("us", "blue comets", "track", limit=30)]) == 30


async def test_bad_searches_are_refused_before_any_io(
    apple: AppleMusic, apple_sandbox: AppleMusicSandbox
) -> None:
    with pytest.raises(ValidationError, match="at most 25"):
        await apple.search("us", "x", limit=26)
    with pytest.raises(ValidationError, match="non-empty"):
        await apple.search("us", "")
    assert apple_sandbox.stats().get("api_requests", 0) == 0


def test_catalog_needs_the_developer_token(apple_sandbox: AppleMusicSandbox) -> None:
    song = seeded(apple_sandbox).tracks[0].apple_id  # type: ignore[attr-defined]
    answer = httpx.get(f"{apple_sandbox.url}/v1/catalog/us/songs/{song}")
    assert answer.status_code == 401
    assert answer.json()["errors"][0]["status"] == "401"


def test_the_sync_client_reads_the_catalog(apple_sandbox: AppleMusicSandbox) -> None:
    key = apple_sandbox.developer_key
    with SyncAppleMusic(
        team_id=key.team_id, key_id=key.key_id, private_key=key.private_key, api_url=apple_sandbox.api_url
    ) as apple:
        target = seeded(apple_sandbox).artists[0]  # type: ignore[attr-defined]
        assert apple.get_artist("us", target.apple_id).name == TARGET_ARTIST_NAME
        assert len(list(apple.iter_search("us", "velvet", "artist"))) == 29
