"""Turning platform JSON into the neutral models (no I/O). Any shape problem raises
:class:`~verifiedfan.errors.ResponseFormatError`, never ``KeyError``/``TypeError``.

The generic checkers (``field``, ``optional_field``, ``items_of``, ``parse_time``) live in
:mod:`verifiedfan.http` and are re-exported here for the parsers below."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from verifiedfan.errors import ResponseFormatError
from verifiedfan.http import field, items_of, optional_field, parse_time
from verifiedfan.music._models import Artist, MusicUser, Track

__all__ = [
    "apple_artist",
    "apple_song",
    "apple_storefront",
    "field",
    "items_of",
    "optional_field",
    "parse_time",
    "spotify_artist",
    "spotify_track",
    "spotify_user",
]


# -- Spotify --------------------------------------------------------------------------------------
def spotify_user(body: Any) -> MusicUser:
    where = "spotify /v1/me"
    images = optional_field(body, "images", list, where) if isinstance(body, dict) else None
    return MusicUser(
        id=field(body, "id", str, where),
        platform="spotify",
        display_name=optional_field(body, "display_name", str, where),
        email=optional_field(body, "email", str, where),
        country=optional_field(body, "country", str, where),
        product=optional_field(body, "product", str, where),
        image_urls=tuple(
            i["url"] for i in images or () if isinstance(i, dict) and isinstance(i.get("url"), str)
        ),
        account_id=optional_field(body, "account_id", str, where),
    )


def spotify_artist(obj: Any, *, rank: int | None = None) -> Artist:
    try:
        artist_id, name = obj["id"], obj["name"]
        genres = obj.get("genres") or ()
    except (KeyError, TypeError, AttributeError) as exc:
        raise ResponseFormatError(f"spotify artist: missing field {exc}") from None
    if type(artist_id) is not str or type(name) is not str or not isinstance(genres, list | tuple):
        raise ResponseFormatError("spotify artist: id, name or genres has the wrong type")
    return Artist(
        id=artist_id,
        name=name,
        platform="spotify",
        rank=rank,
        genres=tuple(g for g in genres if type(g) is str),
    )


_ARTISTS: dict[tuple[Any, Any], Artist] = {}


def _simple_artist(artist_id: Any, name: Any) -> Artist:
    """The artist of a track: the same few artists recur on every page, so they are interned."""
    key = (artist_id, name)
    artist = _ARTISTS.get(key)
    if artist is None:
        if type(artist_id) is not str or type(name) is not str:
            raise ResponseFormatError("spotify artist: id or name is not a string")
        if len(_ARTISTS) >= 20_000:
            _ARTISTS.clear()
        artist = _ARTISTS[key] = Artist(id=artist_id, name=name, platform="spotify")
    return artist


def spotify_track(obj: Any, *, added_at: Any = None, played_at: Any = None, rank: int | None = None) -> Track:
    """A Spotify track object (fast path: direct access, one type check per field used)."""
    try:
        track_id, name, artists = obj["id"], obj["name"], obj["artists"]
        album = obj.get("album")
        ids = obj.get("external_ids")
        duration = obj.get("duration_ms")
        parsed = tuple(_simple_artist(a["id"], a["name"]) for a in artists)
    except (KeyError, TypeError, AttributeError) as exc:
        raise ResponseFormatError(f"spotify track: missing or malformed field {exc}") from None
    if type(track_id) is not str or type(name) is not str or not isinstance(artists, list):
        raise ResponseFormatError("spotify track: id, name or artists has the wrong type")
    album_name = album.get("name") if type(album) is dict else None
    isrc = ids.get("isrc") if type(ids) is dict else None
    return Track(
        id=track_id,
        name=name,
        artists=parsed,
        platform="spotify",
        album=album_name if type(album_name) is str else None,
        isrc=isrc if type(isrc) is str else None,
        duration_ms=duration if type(duration) is int else None,
        added_at=parse_time(added_at, "spotify track"),
        played_at=parse_time(played_at, "spotify track"),
        rank=rank,
    )


# -- Apple Music ----------------------------------------------------------------------------------
def _attributes(obj: Any, where: str) -> dict[str, Any]:
    return field(obj, "attributes", dict, where)


def apple_storefront(body: Any) -> str:
    where = "apple_music /v1/me/storefront"
    data = items_of(body, "data", where)
    if not data:
        raise ResponseFormatError(f"{where}: no storefront in the answer")
    return field(data[0], "id", str, where)


def apple_artist(obj: Any, *, rank: int | None = None) -> Artist:
    """A library artist; its id is the catalog id when ``include=catalog`` returned one."""
    where = "apple_music artist"
    attrs = _attributes(obj, where)
    artist_id = field(obj, "id", str, where)
    relationships = obj.get("relationships")
    if isinstance(relationships, dict):
        catalog = (
            relationships.get("catalog", {}).get("data")
            if isinstance(relationships.get("catalog"), dict)
            else None
        )
        if isinstance(catalog, list) and catalog and isinstance(catalog[0], dict):
            artist_id = str(catalog[0].get("id") or artist_id)
    genres = attrs.get("genreNames")
    return Artist(
        id=artist_id,
        name=field(attrs, "name", str, where),
        platform="apple_music",
        rank=rank,
        genres=tuple(g for g in genres if isinstance(g, str)) if isinstance(genres, list) else (),
    )


_APPLE_ARTISTS: dict[str, Artist] = {}


def _apple_artist_named(name: str) -> Artist:
    artist = _APPLE_ARTISTS.get(name)
    if artist is None:
        if len(_APPLE_ARTISTS) >= 20_000:
            _APPLE_ARTISTS.clear()
        artist = _APPLE_ARTISTS[name] = Artist(id="", name=name, platform="apple_music")
    return artist


def apple_song(obj: Any, *, rank: int | None = None) -> Track:
    """A catalog or library song. Library songs carry ``dateAdded``; the artist has no id (``""``)."""
    try:
        attrs = obj["attributes"]
        song_id, name, artist_name = obj["id"], attrs["name"], attrs["artistName"]
        play = attrs.get("playParams")
        album, isrc, duration = attrs.get("albumName"), attrs.get("isrc"), attrs.get("durationInMillis")
        added = attrs.get("dateAdded")
    except (KeyError, TypeError, AttributeError) as exc:
        raise ResponseFormatError(f"apple_music song: missing or malformed field {exc}") from None
    if type(song_id) is not str or type(name) is not str or type(artist_name) is not str:
        raise ResponseFormatError("apple_music song: id, name or artistName is not a string")
    catalog_id = play.get("catalogId") if type(play) is dict else None
    return Track(
        id=str(catalog_id) if type(catalog_id) in (str, int) else song_id,
        name=name,
        artists=(_apple_artist_named(artist_name),),
        platform="apple_music",
        album=album if type(album) is str else None,
        isrc=isrc if type(isrc) is str else None,
        duration_ms=duration if type(duration) is int else None,
        added_at=parse_time(added, "apple_music song"),
        rank=rank,
    )


def apple_rotation_artists(items: Sequence[Any], *, start_rank: int = 1) -> list[Artist]:
    """The distinct artists of heavy-rotation albums/playlists, ranked in order of appearance."""
    out: list[Artist] = []
    seen: set[str] = set()
    for obj in items:
        attrs = _attributes(obj, "apple_music heavy rotation")
        name = attrs.get("artistName") or attrs.get("curatorName")
        if not isinstance(name, str) or name in seen:
            continue
        seen.add(name)
        out.append(Artist(id="", name=name, platform="apple_music", rank=start_rank + len(out)))
    return out
