"""The Spotify sandbox's catalog reads: ``GET /v1/artists/{id}``, ``/v1/artists?ids=``,
``/v1/albums/{id}``, ``/v1/tracks/{id}`` and ``/v1/search``, served from the seeded catalog in the
shapes of Spotify's OpenAPI description (ArtistObject, ManyArtists, AlbumObject, TrackObject,
SearchItems). An app token (client credentials) or a user token is accepted.

Search matches every word of ``q`` (case-insensitive) in the name of an artist, album or track, in
catalog order; pages follow Spotify's rules: ``limit`` 0-50 (default 20), ``offset + limit`` at
most 1,000, ``next`` links carry ``query=`` as Spotify's do (``q=`` and ``query=`` are both read).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any, Protocol
from urllib.parse import quote

from verifiedfan.testing.sandbox._catalog import TRACKS_PER_ALBUM, Catalog, track_name, track_spotify_id
from verifiedfan.testing.sandbox._http import Response

__all__ = ["CatalogIndex", "CatalogRoutes"]

_WEB = "https://api.spotify.com/v1"
_ID = re.compile(r"^[0-9A-Za-z]{22}$")
_SEARCH_WINDOW = 1000
_KINDS = ("artist", "album", "track")


class CatalogRoutes(Protocol):
    """What the catalog reads need of the Spotify sandbox app."""

    catalog: Catalog
    base_url: str

    def artist_json(self, index: int) -> bytes: ...
    def track_json(self, index: int) -> bytes: ...
    def simple_album(self, track_index: int) -> dict[str, Any]: ...
    def simple_artist_of(self, artist_index: int) -> dict[str, Any]: ...
    def error(
        self, status: int, message: str, *, headers: list[tuple[str, str]] | None = None
    ) -> Response: ...


class CatalogIndex:
    """Id -> catalog index maps and lower-cased names, built on first use (36,000 tracks)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._artists: dict[str, int] | None = None
        self._albums: dict[str, int] | None = None
        self._tracks: dict[str, int] | None = None
        self._names: dict[str, list[str]] = {}

    def artist(self, spotify_id: str) -> int | None:
        if self._artists is None:
            self._artists = {a.spotify_id: a.index for a in self.catalog.artists}
        return self._artists.get(spotify_id)

    def album(self, spotify_id: str) -> int | None:
        """The index of the album's first track."""
        if self._albums is None:
            tracks = self.catalog.tracks
            self._albums = {tracks[i].spotify_album_id: i for i in range(0, len(tracks), TRACKS_PER_ALBUM)}
        return self._albums.get(spotify_id)

    def track(self, spotify_id: str) -> int | None:
        if self._tracks is None:
            seed = self.catalog.seed  # ids only: building 36,000 tracks would take seconds
            self._tracks = {track_spotify_id(i, seed): i for i in range(len(self.catalog.tracks))}
        return self._tracks.get(spotify_id)

    def names(self, kind: str) -> list[str]:
        names = self._names.get(kind)
        if names is None:
            tracks = self.catalog.tracks
            if kind == "artist":
                names = [a.name.lower() for a in self.catalog.artists]
            elif kind == "album":
                names = [tracks[i].album_name.lower() for i in range(0, len(tracks), TRACKS_PER_ALBUM)]
            else:
                names = [track_name(i).lower() for i in range(len(tracks))]
            self._names[kind] = names
        return names

    def search(self, kind: str, words: Sequence[str]) -> list[int]:
        """Matching indices (artist, album = its number, track), in catalog order."""
        return [i for i, name in enumerate(self.names(kind)) if all(w in name for w in words)]


def _not_found(app: CatalogRoutes, object_id: str) -> Response:
    if not _ID.match(object_id):
        return app.error(400, "Invalid base62 id")
    return app.error(404, "Resource not found")


def artist(app: CatalogRoutes, index: CatalogIndex, artist_id: str) -> Response:
    found = index.artist(artist_id)
    return _not_found(app, artist_id) if found is None else Response(200, app.artist_json(found))


def artists(app: CatalogRoutes, index: CatalogIndex, query: dict[str, str]) -> Response:
    ids = [i for i in query.get("ids", "").split(",") if i]
    if not ids:
        return app.error(400, "Missing required parameter: ids")
    if len(ids) > 50:
        return app.error(400, "Too many ids requested")
    if any(not _ID.match(i) for i in ids):
        return app.error(400, "Invalid base62 id")
    found = [index.artist(i) for i in ids]
    body = b'{"artists":[' + b",".join(b"null" if f is None else app.artist_json(f) for f in found) + b"]}"
    return Response(200, body)


def track(app: CatalogRoutes, index: CatalogIndex, track_id: str) -> Response:
    found = index.track(track_id)
    return _not_found(app, track_id) if found is None else Response(200, app.track_json(found))


def _simple_track(app: CatalogRoutes, i: int) -> dict[str, Any]:
    t = app.catalog.tracks[i]
    return {
        "artists": [app.simple_artist_of(t.artist)],
        "available_markets": app.simple_album(i)["available_markets"],
        "disc_number": 1,
        "duration_ms": t.duration_ms,
        "explicit": False,
        "external_urls": {"spotify": f"https://open.spotify.com/track/{t.spotify_id}"},
        "href": f"{_WEB}/tracks/{t.spotify_id}",
        "id": t.spotify_id,
        "is_local": False,
        "name": t.name,
        "track_number": i % TRACKS_PER_ALBUM + 1,
        "type": "track",
        "uri": f"spotify:track:{t.spotify_id}",
    }


def album_json(app: CatalogRoutes, first: int) -> dict[str, Any]:
    """The full AlbumObject of the album whose first track is ``first``."""
    t = app.catalog.tracks[first]
    album = dict(app.simple_album(first))
    href = f"{_WEB}/albums/{t.spotify_album_id}/tracks"
    album.update(
        {
            "copyrights": [{"text": f"(C) {t.release_date[:4]} Sandbox Records", "type": "C"}],
            "external_ids": {"upc": f"8{t.album_index:011d}"},
            "genres": [],
            "label": "Sandbox Records",
            "popularity": 40 + t.album_index % 60,
            "tracks": {
                "href": f"{href}?offset=0&limit=50",
                "items": [_simple_track(app, first + n) for n in range(TRACKS_PER_ALBUM)],
                "limit": 50,
                "next": None,
                "offset": 0,
                "previous": None,
                "total": TRACKS_PER_ALBUM,
            },
        }
    )
    return album


def album(app: CatalogRoutes, index: CatalogIndex, album_id: str) -> Response:
    found = index.album(album_id)
    return _not_found(app, album_id) if found is None else Response.json(album_json(app, found))


def _int(query: dict[str, str], name: str, default: int, low: int, high: int) -> int | None:
    raw = query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        return None
    return value if low <= value <= high else None


def search(app: CatalogRoutes, index: CatalogIndex, query: dict[str, str]) -> Response:
    text = query.get("q", query.get("query", "")).strip()
    if not text:
        return app.error(400, "No search query")
    kinds = [k for k in query.get("type", "").split(",") if k]
    if not kinds:
        return app.error(400, "Missing parameter type")
    if any(k not in _KINDS for k in kinds):
        return app.error(400, "Bad search type field")
    limit, offset = _int(query, "limit", 20, 0, 50), _int(query, "offset", 0, 0, _SEARCH_WINDOW)
    if limit is None:
        return app.error(400, "Invalid limit")
    if offset is None or offset + limit > _SEARCH_WINDOW:
        return app.error(400, "Invalid offset")
    words = text.lower().split()
    body: dict[str, Any] = {}
    for kind in dict.fromkeys(kinds):
        matches = index.search(kind, words)
        chunk = matches[offset : offset + limit]
        if kind == "artist":
            items = [_raw(app.artist_json(i)) for i in chunk]
        elif kind == "album":
            items = [app.simple_album(a * TRACKS_PER_ALBUM) for a in chunk]
        else:
            items = [_raw(app.track_json(i)) for i in chunk]
        body[f"{kind}s"] = _paging(app.base_url, text, kind, items, len(matches), limit, offset)
    return Response.json(body)


def _raw(encoded: bytes) -> Any:
    return json.loads(encoded)


def _paging(
    base: str, text: str, kind: str, items: list[Any], total: int, limit: int, offset: int
) -> dict[str, Any]:
    def link(off: int) -> str:
        return f"{base}/v1/search?query={quote(text)}&type={kind}&offset={off}&limit={limit}"

    reachable = min(total, _SEARCH_WINDOW)
    return {
        "href": link(offset),
        "items": items,
        "limit": limit,
        "next": link(offset + limit) if limit and offset + limit < reachable else None,
        "offset": offset,
        "previous": link(max(0, offset - limit)) if offset > 0 else None,
        "total": total,
    }
