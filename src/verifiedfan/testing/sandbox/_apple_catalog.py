"""The Apple Music sandbox's catalog reads, per storefront: ``GET /v1/catalog/{storefront}/artists/{id}``,
``artists?ids=``, ``albums/{id}`` (with its ``artists`` and ``tracks`` relationships), ``songs/{id}``,
``songs?ids=`` and ``search``, served from the seeded catalog in the shapes of Apple's reference
(resources ``{id, type, href, attributes, relationships}`` in ``{"data": [...]}``; search
``{"results": {"songs": {"href", "next", "data"}, ...}, "meta": {"results": {"order", "rawOrder"}}}``,
a type with no match left out). A developer token is enough: no Music-User-Token.

Search matches every word of ``term`` (``+`` or spaces between words) in the names, in catalog
order; ``limit`` 1-25 (default 5), ``offset`` from 0.
"""

from __future__ import annotations

from typing import Any, Protocol
from urllib.parse import quote

from verifiedfan.testing.sandbox._catalog import N_ARTISTS, TRACKS_PER_ALBUM, TRACKS_PER_ARTIST, Catalog
from verifiedfan.testing.sandbox._http import Response
from verifiedfan.testing.sandbox._spotify_catalog import CatalogIndex

__all__ = ["STOREFRONTS", "AppleCatalogApp", "album", "artist", "many", "search", "song"]

# Storefronts the sandbox knows (lower-case ISO 3166-1 alpha-2, as Apple names them).
STOREFRONTS = frozenset({"us", "gb", "ca", "mx", "fr", "de", "es", "it", "nl", "se", "br", "jp", "au", "ie"})
_BASES = {"artists": 100_000_000, "songs": 1_400_000_000, "albums": 1_500_000_000}
_SIZES = {"artists": N_ARTISTS, "songs": N_ARTISTS * TRACKS_PER_ARTIST, "albums": N_ARTISTS * 10}
_MAX_IDS = {"artists": 25, "albums": 100, "songs": 300}
_KINDS = {"artists": "artist", "albums": "album", "songs": "track"}


class AppleCatalogApp(Protocol):
    """What the catalog reads need of the Apple Music sandbox app."""

    catalog: Catalog

    def error(
        self, status: int, message: str, *, headers: list[tuple[str, str]] | None = None
    ) -> Response: ...


def index_of(kind: str, apple_id: str) -> int | None:
    """The catalog index behind an Apple catalog id (``base + 7 * index + 3``), ``None`` if none."""
    if not apple_id.isdigit():
        return None
    n = int(apple_id) - _BASES[kind] - 3
    if n < 0 or n % 7:
        return None
    n //= 7
    return n if n < _SIZES[kind] else None


def _artwork(object_id: str) -> dict[str, Any]:
    return {
        "url": f"https://is1-ssl.mzstatic.com/image/thumb/Music/{object_id}/{{w}}x{{h}}bb.jpg",
        "width": 3000,
        "height": 3000,
    }


def artist_resource(catalog: Catalog, sf: str, i: int) -> dict[str, Any]:
    a = catalog.artists[i]
    first_album = catalog.tracks[i * TRACKS_PER_ARTIST].apple_album_id
    return {
        "id": a.apple_id,
        "type": "artists",
        "href": f"/v1/catalog/{sf}/artists/{a.apple_id}",
        "attributes": {
            "name": a.name,
            "genreNames": list(a.genres),
            "url": f"https://music.apple.com/{sf}/artist/{a.apple_id}",
            "artwork": _artwork(a.apple_id),
        },
        "relationships": {
            "albums": {
                "href": f"/v1/catalog/{sf}/artists/{a.apple_id}/albums",
                "data": [
                    {"id": first_album, "type": "albums", "href": f"/v1/catalog/{sf}/albums/{first_album}"}
                ],
            }
        },
    }


def song_resource(catalog: Catalog, sf: str, i: int) -> dict[str, Any]:
    t = catalog.tracks[i]
    a = catalog.artists[t.artist]
    return {
        "id": t.apple_id,
        "type": "songs",
        "href": f"/v1/catalog/{sf}/songs/{t.apple_id}",
        "attributes": {
            "albumName": t.album_name,
            "artistName": a.name,
            "artwork": _artwork(t.apple_album_id),
            "discNumber": 1,
            "durationInMillis": t.duration_ms,
            "genreNames": list(a.genres),
            "hasLyrics": False,
            "isrc": t.isrc,
            "name": t.name,
            "playParams": {"id": t.apple_id, "kind": "song"},
            "previews": [],
            "releaseDate": t.release_date,
            "trackNumber": i % TRACKS_PER_ALBUM + 1,
            "url": f"https://music.apple.com/{sf}/song/{t.apple_id}",
        },
    }


def album_resource(catalog: Catalog, sf: str, album_no: int, *, tracks: bool) -> dict[str, Any]:
    first = album_no * TRACKS_PER_ALBUM
    t = catalog.tracks[first]
    a = catalog.artists[t.artist]
    body: dict[str, Any] = {
        "id": t.apple_album_id,
        "type": "albums",
        "href": f"/v1/catalog/{sf}/albums/{t.apple_album_id}",
        "attributes": {
            "artistName": a.name,
            "artwork": _artwork(t.apple_album_id),
            "copyright": f"℗ {t.release_date[:4]} Sandbox Records",
            "genreNames": list(a.genres),
            "isComplete": True,
            "isSingle": False,
            "name": t.album_name,
            "playParams": {"id": t.apple_album_id, "kind": "album"},
            "recordLabel": "Sandbox Records",
            "releaseDate": t.release_date,
            "trackCount": TRACKS_PER_ALBUM,
            "upc": f"8{album_no:011d}",
            "url": f"https://music.apple.com/{sf}/album/{t.apple_album_id}",
        },
    }
    if tracks:
        body["relationships"] = {
            "artists": {
                "href": f"/v1/catalog/{sf}/albums/{t.apple_album_id}/artists",
                "data": [
                    {"id": a.apple_id, "type": "artists", "href": f"/v1/catalog/{sf}/artists/{a.apple_id}"}
                ],
            },
            "tracks": {
                "href": f"/v1/catalog/{sf}/albums/{t.apple_album_id}/tracks",
                "data": [song_resource(catalog, sf, first + n) for n in range(TRACKS_PER_ALBUM)],
            },
        }
    return body


def _resource(catalog: Catalog, kind: str, sf: str, i: int, *, full: bool = True) -> dict[str, Any]:
    if kind == "artists":
        return artist_resource(catalog, sf, i)
    if kind == "albums":
        return album_resource(catalog, sf, i, tracks=full)
    return song_resource(catalog, sf, i)


def _storefront(app: AppleCatalogApp, sf: str) -> Response | None:
    return None if sf in STOREFRONTS else app.error(400, f"No storefront with the id '{sf}'")


def one(app: AppleCatalogApp, kind: str, sf: str, object_id: str) -> Response:
    refused = _storefront(app, sf)
    if refused is not None:
        return refused
    i = index_of(kind, object_id)
    if i is None:
        return app.error(404, "The requested resource could not be found")
    return Response.json({"data": [_resource(app.catalog, kind, sf, i)]})


def artist(app: AppleCatalogApp, sf: str, object_id: str) -> Response:
    return one(app, "artists", sf, object_id)


def album(app: AppleCatalogApp, sf: str, object_id: str) -> Response:
    return one(app, "albums", sf, object_id)


def song(app: AppleCatalogApp, sf: str, object_id: str) -> Response:
    return one(app, "songs", sf, object_id)


def many(app: AppleCatalogApp, kind: str, sf: str, query: dict[str, str]) -> Response:
    """``?ids=`` : the resources found, in the order asked; unknown ids are left out."""
    refused = _storefront(app, sf)
    if refused is not None:
        return refused
    ids = [i for i in query.get("ids", "").split(",") if i]
    if not ids:
        return app.error(400, "Missing required parameter 'ids'")
    if len(ids) > _MAX_IDS[kind]:
        return app.error(400, f"Too many ids: at most {_MAX_IDS[kind]}")
    found = [index_of(kind, i) for i in ids]
    return Response.json({"data": [_resource(app.catalog, kind, sf, i) for i in found if i is not None]})


def search(app: AppleCatalogApp, index: CatalogIndex, sf: str, query: dict[str, str]) -> Response:
    refused = _storefront(app, sf)
    if refused is not None:
        return refused
    term = query.get("term", "").replace("+", " ").strip()
    types = [t for t in query.get("types", "").split(",") if t]
    if not term or not types:
        return app.error(400, "Missing required parameters 'term' and 'types'")
    if any(t not in _KINDS for t in types):
        return app.error(400, "Invalid parameter 'types'")
    try:
        limit, offset = int(query.get("limit", "5")), int(query.get("offset", "0"))
    except ValueError:
        return app.error(400, "Invalid limit or offset")
    if not 1 <= limit <= 25 or offset < 0:
        return app.error(400, "Invalid limit or offset")
    words = term.lower().split()
    results: dict[str, Any] = {}
    for kind in dict.fromkeys(types):
        matches = index.search(_KINDS[kind], words)
        if not matches:
            continue
        chunk = matches[offset : offset + limit]
        href = f"/v1/catalog/{sf}/search?limit={limit}&offset={offset}&term={quote(term)}&types={kind}"
        group: dict[str, Any] = {
            "href": href,
            "data": [_resource(app.catalog, kind, sf, i, full=False) for i in chunk],
        }
        if offset + limit < len(matches):
            group["next"] = href.replace(f"offset={offset}", f"offset={offset + limit}")
        results[kind] = group
    order = list(results)
    return Response.json({"results": results, "meta": {"results": {"order": order, "rawOrder": order}}})
