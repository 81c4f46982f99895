"""Catalog reads, the non-I/O half: argument checks and the parsing of Spotify's and Apple Music's
catalog answers into the neutral models (:class:`Artist`, :class:`Album`, :class:`Track`,
:class:`SearchResults`). A shape problem raises :class:`~verifiedfan.errors.ResponseFormatError`."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from verifiedfan.errors import ResponseFormatError, ValidationError
from verifiedfan.http import field, items_of
from verifiedfan.music import _parse as parse
from verifiedfan.music._models import Album, Artist, Platform, Playlist, SearchPage, SearchResults, Track

__all__ = [
    "APPLE_MAX_IDS",
    "APPLE_SEARCH_TYPES",
    "PLAYLIST_PAGE",
    "SPOTIFY_MAX_ARTIST_IDS",
    "SPOTIFY_SEARCH_TYPES",
    "SearchType",
    "apple_album",
    "apple_catalog_artist",
    "apple_search",
    "check_apple_id",
    "check_ids",
    "check_search",
    "check_spotify_id",
    "check_storefront",
    "spotify_album",
    "spotify_catalog_artist",
    "spotify_playlist",
    "spotify_playlist_tracks",
    "spotify_search",
]

SearchType = Literal["artist", "album", "track"]
SPOTIFY_SEARCH_TYPES: tuple[SearchType, ...] = ("artist", "album", "track")
SPOTIFY_MAX_ARTIST_IDS = 50  # GET /v1/artists?ids=: "Maximum: 50 IDs"
PLAYLIST_PAGE = 100  # GET /v1/playlists/{id}/tracks: limit 1-100
SPOTIFY_MAX_SEARCH = 1000  # offset + limit of a search (Spotify's documented maximum offset)
APPLE_MAX_IDS = 25  # GET /v1/catalog/{storefront}/artists|albums?ids=
APPLE_SEARCH_TYPES = {"artist": "artists", "album": "albums", "track": "songs"}
APPLE_MAX_SEARCH_LIMIT = 25

_SPOTIFY_ID = re.compile(r"^[0-9A-Za-z]{22}$")
_APPLE_ID = re.compile(r"^[0-9]{1,15}$")
_STOREFRONT = re.compile(r"^[a-z]{2}$")


# -- checks (before any I/O) ----------------------------------------------------------------------
def check_spotify_id(value: Any, what: str) -> str:
    if not isinstance(value, str) or not _SPOTIFY_ID.match(value):
        raise ValidationError(f"a Spotify {what} id is 22 base62 characters, got {value!r}")
    return value


def check_apple_id(value: Any, what: str) -> str:
    if not isinstance(value, str) or not _APPLE_ID.match(value):
        raise ValidationError(f"an Apple Music catalog {what} id is a string of digits, got {value!r}")
    return value


def check_storefront(storefront: Any) -> str:
    if not isinstance(storefront, str) or not _STOREFRONT.match(storefront):
        raise ValidationError(
            f"a storefront is a lower-case ISO 3166-1 alpha-2 code ('us', 'gb'), got {storefront!r}"
        )
    return storefront


def check_ids(ids: Sequence[str], maximum: int, check: Any, what: str) -> list[str]:
    if isinstance(ids, str) or not isinstance(ids, Sequence):
        raise ValidationError(f"{what} ids must be a list of ids, not a single string")
    if not 1 <= len(ids) <= maximum:
        raise ValidationError(f"between 1 and {maximum} {what} ids per request, got {len(ids)}")
    return [check(i, what) for i in ids]


def check_search(
    query: Any, types: Iterable[str], limit: int, offset: int, *, max_limit: int, max_total: int | None
) -> tuple[SearchType, ...]:
    if not isinstance(query, str) or not query.strip():
        raise ValidationError("a search needs a non-empty query")
    kinds = tuple(types) if not isinstance(types, str) else (types,)
    bad = [t for t in kinds if t not in SPOTIFY_SEARCH_TYPES]
    if not kinds or bad:
        raise ValidationError(f"search types are some of {SPOTIFY_SEARCH_TYPES}, got {kinds!r}")
    for name, value, low in (("limit", limit, 1), ("offset", offset, 0)):
        if not isinstance(value, int) or isinstance(value, bool) or value < low:
            raise ValidationError(f"{name} must be an integer >= {low}, got {value!r}")
    if limit > max_limit:
        raise ValidationError(f"limit is at most {max_limit}, got {limit}")
    if max_total is not None and offset + limit > max_total:
        raise ValidationError(f"offset + limit is at most {max_total} (the platform's search window)")
    return tuple(dict.fromkeys(kinds))  # type: ignore[arg-type]


# -- Spotify --------------------------------------------------------------------------------------
def _image_urls(images: Any) -> tuple[str, ...]:
    if not isinstance(images, list):
        return ()
    return tuple(i["url"] for i in images if isinstance(i, dict) and isinstance(i.get("url"), str))


def _int(value: Any) -> int | None:
    return value if type(value) is int else None


def spotify_catalog_artist(obj: Any) -> Artist:
    """A full Spotify artist object (``GET /v1/artists/{id}``, search)."""
    artist = parse.spotify_artist(obj)
    followers = obj.get("followers")
    return dataclasses.replace(
        artist,
        popularity=_int(obj.get("popularity")),
        followers=_int(followers.get("total")) if isinstance(followers, dict) else None,
        image_urls=_image_urls(obj.get("images")),
    )


def spotify_album(obj: Any) -> Album:
    """A Spotify album object (full, with its first page of tracks, or simplified from a search)."""
    where = "spotify album"
    name = field(obj, "name", str, where)
    artists = tuple(parse.spotify_artist(a) for a in items_of(obj, "artists", where))
    tracks: tuple[Track, ...] = ()
    paging = obj.get("tracks")
    if isinstance(paging, dict):
        tracks = tuple(
            dataclasses.replace(parse.spotify_track(t), album=name) for t in items_of(paging, "items", where)
        )
    ids = obj.get("external_ids")
    upc = ids.get("upc") if isinstance(ids, dict) else None
    genres = obj.get("genres")
    return Album(
        id=field(obj, "id", str, where),
        name=name,
        platform="spotify",
        artists=artists,
        release_date=obj.get("release_date") if isinstance(obj.get("release_date"), str) else None,
        total_tracks=_int(obj.get("total_tracks")),
        label=obj.get("label") if isinstance(obj.get("label"), str) else None,
        upc=upc if isinstance(upc, str) else None,
        genres=tuple(g for g in genres if isinstance(g, str)) if isinstance(genres, list) else (),
        image_urls=_image_urls(obj.get("images")),
        tracks=tracks,
    )


def spotify_playlist_tracks(items: Sequence[Any]) -> tuple[Track, ...]:
    """PlaylistTrackObjects: their tracks with ``added_at`` (a ``null`` track, no longer
    available, and podcast episodes are left out)."""
    out = []
    for item in items:
        track = item.get("track") if isinstance(item, dict) else None
        if isinstance(track, dict) and track.get("type", "track") == "track":
            out.append(parse.spotify_track(track, added_at=item.get("added_at")))
    return tuple(out)


def spotify_playlist(obj: Any) -> Playlist:
    """A PlaylistObject (with its first page of tracks) or a SimplifiedPlaylistObject."""
    where = "spotify playlist"
    owner = obj.get("owner") if isinstance(obj, dict) else None
    owner = owner if isinstance(owner, dict) else {}
    tracks_field = obj.get("tracks")
    tracks: tuple[Track, ...] = ()
    total = None
    if isinstance(tracks_field, dict):
        total = _int(tracks_field.get("total"))
        if isinstance(tracks_field.get("items"), list):
            tracks = spotify_playlist_tracks(tracks_field["items"])
    description, public = obj.get("description"), obj.get("public")
    return Playlist(
        id=field(obj, "id", str, where),
        name=field(obj, "name", str, where),
        platform="spotify",
        owner_id=owner.get("id") if isinstance(owner.get("id"), str) else None,
        owner_name=owner.get("display_name") if isinstance(owner.get("display_name"), str) else None,
        description=description if isinstance(description, str) and description else None,
        public=public if isinstance(public, bool) else None,
        collaborative=obj.get("collaborative") is True,
        total_tracks=total,
        snapshot_id=obj.get("snapshot_id") if isinstance(obj.get("snapshot_id"), str) else None,
        image_urls=_image_urls(obj.get("images")),
        tracks=tracks,
    )


_SPOTIFY_PARSERS: dict[str, Any] = {
    "artist": spotify_catalog_artist,
    "album": spotify_album,
    "track": parse.spotify_track,
}


def spotify_search(body: Any, query: str, types: Sequence[SearchType]) -> SearchResults:
    """``GET /v1/search``: a paging object per type (``artists``, ``albums``, ``tracks``)."""
    pages: dict[str, SearchPage[Any]] = {}
    for kind in types:
        where = f"spotify /v1/search {kind}s"
        paging = field(body, f"{kind}s", dict, where)
        items = tuple(_SPOTIFY_PARSERS[kind](i) for i in items_of(paging, "items", where) if i is not None)
        offset, limit = field(paging, "offset", int, where), field(paging, "limit", int, where)
        total = field(paging, "total", int, where)
        pages[kind] = SearchPage(
            items=items,
            offset=offset,
            limit=limit,
            total=total,
            next_offset=offset + limit if paging.get("next") else None,
        )
    return _results(query, "spotify", pages)


def _results(query: str, platform: Platform, pages: dict[str, SearchPage[Any]]) -> SearchResults:
    return SearchResults(
        query=query,
        platform=platform,
        artists=pages.get("artist"),
        albums=pages.get("album"),
        tracks=pages.get("track"),
    )


# -- Apple Music ----------------------------------------------------------------------------------
def _artwork(attrs: dict[str, Any]) -> tuple[str, ...]:
    art = attrs.get("artwork")
    if not isinstance(art, dict) or not isinstance(art.get("url"), str):
        return ()
    width, height = art.get("width"), art.get("height")
    url: str = art["url"]
    if type(width) is int and type(height) is int:
        url = url.replace("{w}", str(width)).replace("{h}", str(height))
    return (url,)


def apple_catalog_artist(obj: Any) -> Artist:
    """A catalog artist resource (``/v1/catalog/{storefront}/artists``)."""
    artist = parse.apple_artist(obj)
    return dataclasses.replace(
        artist, image_urls=_artwork(field(obj, "attributes", dict, "apple_music artist"))
    )


def apple_album(obj: Any) -> Album:
    """A catalog album resource; its ``tracks`` and ``artists`` relationships when included."""
    where = "apple_music album"
    attrs = field(obj, "attributes", dict, where)
    relationships = obj.get("relationships") if isinstance(obj.get("relationships"), dict) else {}
    artists: tuple[Artist, ...] = ()
    related = relationships.get("artists")
    if isinstance(related, dict) and isinstance(related.get("data"), list):
        artists = tuple(
            Artist(id=field(a, "id", str, where), name=attrs.get("artistName", ""), platform="apple_music")
            for a in related["data"]
        )
    elif isinstance(attrs.get("artistName"), str):
        artists = (Artist(id="", name=attrs["artistName"], platform="apple_music"),)
    tracks: tuple[Track, ...] = ()
    songs = relationships.get("tracks")
    if isinstance(songs, dict) and isinstance(songs.get("data"), list):
        tracks = tuple(parse.apple_song(s) for s in songs["data"] if s.get("type") == "songs")
    genres = attrs.get("genreNames")
    return Album(
        id=field(obj, "id", str, where),
        name=field(attrs, "name", str, where),
        platform="apple_music",
        artists=artists,
        release_date=attrs.get("releaseDate") if isinstance(attrs.get("releaseDate"), str) else None,
        total_tracks=_int(attrs.get("trackCount")),
        label=attrs.get("recordLabel") if isinstance(attrs.get("recordLabel"), str) else None,
        upc=attrs.get("upc") if isinstance(attrs.get("upc"), str) else None,
        genres=tuple(g for g in genres if isinstance(g, str)) if isinstance(genres, list) else (),
        image_urls=_artwork(attrs),
        tracks=tracks,
    )


_APPLE_PARSERS: dict[str, Any] = {
    "artist": apple_catalog_artist,
    "album": apple_album,
    "track": parse.apple_song,
}


def apple_search(
    body: Any, query: str, types: Sequence[SearchType], offset: int, limit: int
) -> SearchResults:
    """``GET /v1/catalog/{storefront}/search``: ``results.songs|artists|albums`` each ``{data, next}``;
    a kind with no match is absent from ``results``. Apple gives no total."""
    results = field(body, "results", dict, "apple_music search")
    pages: dict[str, SearchPage[Any]] = {}
    for kind in types:
        key = APPLE_SEARCH_TYPES[kind]
        group = results.get(key)
        if group is None:
            pages[kind] = SearchPage(items=(), offset=offset, limit=limit)
            continue
        if not isinstance(group, dict):
            raise ResponseFormatError(f"apple_music search: results.{key} is not an object")
        data = items_of(group, "data", f"apple_music search {key}")
        pages[kind] = SearchPage(
            items=tuple(_APPLE_PARSERS[kind](d) for d in data),
            offset=offset,
            limit=limit,
            next_offset=offset + limit if group.get("next") else None,
        )
    return _results(query, "apple_music", pages)
