"""The Spotify sandbox's playlists: every seeded user owns three, made from their listening, in the
shapes of Spotify's OpenAPI description (PlaylistObject, PagingPlaylistTrackObject,
PagingPlaylistObject of SimplifiedPlaylistObjects):

- ``Liked mix`` (public): the first 150 saved tracks, added at the saved tracks' dates;
- ``On repeat`` (public): the recently played tracks;
- ``Top tracks`` (private): the top tracks. A private playlist is served only to its owner's token;
  anyone else gets 404 ``Resource not found``, as Spotify answers.

``GET /v1/me/playlists`` (``limit`` 1-50, default 20), ``GET /v1/playlists/{id}`` (its first 100
tracks) and ``GET /v1/playlists/{id}/tracks`` (``limit`` 1-100, default 100).
"""

from __future__ import annotations

import threading
from typing import Any, Protocol

from verifiedfan.testing.sandbox._catalog import Catalog, SeedUser, _platform_id
from verifiedfan.testing.sandbox._http import Response, dumps

__all__ = ["PlaylistBook", "PlaylistRoutes"]

_WEB = "https://api.spotify.com/v1"
_NAMES = (("Liked mix", True), ("On repeat", True), ("Top tracks", False))
_LIKED = 150


class PlaylistRoutes(Protocol):
    catalog: Catalog
    base_url: str

    def track_json(self, index: int) -> bytes: ...
    def error(
        self, status: int, message: str, *, headers: list[tuple[str, str]] | None = None
    ) -> Response: ...


class PlaylistBook:
    """Playlist id -> (owner, number); filled for the named users at once and for any other user
    when their playlists are listed (crowd users' ids cannot be derived backwards)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._owners: dict[str, tuple[str, int]] = {}
        self._lock = threading.Lock()
        for user_id in catalog.named_users():
            self.ids(user_id)

    def ids(self, user_id: str) -> list[str]:
        ids = [_platform_id(f"playlist:{user_id}", k, self.catalog.seed) for k in range(len(_NAMES))]
        with self._lock:
            for k, pid in enumerate(ids):
                self._owners[pid] = (user_id, k)
        return ids

    def find(self, playlist_id: str) -> tuple[SeedUser, int] | None:
        found = self._owners.get(playlist_id)
        if found is None:
            return None
        user = self.catalog.user(found[0])
        return (user, found[1]) if user is not None else None


def _tracks(user: SeedUser, k: int) -> list[int]:
    return user.saved[:_LIKED] if k == 0 else user.recent if k == 1 else user.top_tracks


def _owner(user: SeedUser, *, display: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "external_urls": {"spotify": f"https://open.spotify.com/user/{user.id}"},
        "href": f"{_WEB}/users/{user.id}",
        "id": user.id,
        "type": "user",
        "uri": f"spotify:user:{user.id}",
    }
    if display:
        out["display_name"] = user.display_name
    return out


def _head(pid: str, user: SeedUser, k: int) -> dict[str, Any]:
    name, public = _NAMES[k]
    return {
        "collaborative": False,
        "description": f"{name} of {user.display_name}",
        "external_urls": {"spotify": f"https://open.spotify.com/playlist/{pid}"},
        "href": f"{_WEB}/playlists/{pid}",
        "id": pid,
        "images": [{"url": f"https://mosaic.scdn.co/640/{pid}", "height": 640, "width": 640}],
        "name": name,
        "owner": _owner(user, display=True),
        "public": public,
        "snapshot_id": f"MSw{pid[:12]}",
        "type": "playlist",
        "uri": f"spotify:playlist:{pid}",
    }


def _items_page(
    app: PlaylistRoutes, pid: str, user: SeedUser, k: int, limit: int, offset: int
) -> dict[str, Any]:
    tracks = _tracks(user, k)
    added_by = _owner(user, display=False)
    chunk = tracks[offset : offset + limit]
    items = [
        {
            "added_at": user.added_at(offset + n),
            "added_by": added_by,
            "is_local": False,
            "track": app.track_json(t),  # bytes: spliced in by _encode
        }
        for n, t in enumerate(chunk)
    ]

    def link(off: int) -> str:
        return f"{app.base_url}/v1/playlists/{pid}/tracks?offset={off}&limit={limit}"

    return {
        "href": link(offset),
        "items": items,
        "limit": limit,
        "next": link(offset + limit) if offset + limit < len(tracks) else None,
        "offset": offset,
        "previous": link(max(0, offset - limit)) if offset > 0 else None,
        "total": len(tracks),
    }


def _encode(data: Any) -> bytes:
    """JSON with the cached track bytes spliced in (no decode and re-encode of each track)."""
    if isinstance(data, bytes):
        return data
    if isinstance(data, dict):
        return b"{" + b",".join(dumps(k) + b":" + _encode(v) for k, v in data.items()) + b"}"
    if isinstance(data, list):
        return b"[" + b",".join(_encode(v) for v in data) + b"]"
    return dumps(data)


def _readable(
    app: PlaylistRoutes, book: PlaylistBook, pid: str, subject: str
) -> tuple[SeedUser, int] | Response:
    found = book.find(pid)
    if found is None or (not _NAMES[found[1]][1] and found[0].id != subject):
        return app.error(404, "Resource not found")
    return found


def playlist(app: PlaylistRoutes, book: PlaylistBook, pid: str, subject: str) -> Response:
    found = _readable(app, book, pid, subject)
    if isinstance(found, Response):
        return found
    user, k = found
    body = {**_head(pid, user, k), "followers": {"href": None, "total": 3 + k}}
    body["tracks"] = _items_page(app, pid, user, k, 100, 0)
    return Response(200, _encode(body))


def _int(query: dict[str, str], name: str, default: int, high: int, low: int = 1) -> int | None:
    try:
        value = int(query.get(name, default))
    except ValueError:
        return None
    return value if low <= value <= high else None


def playlist_tracks(
    app: PlaylistRoutes, book: PlaylistBook, pid: str, subject: str, query: dict[str, str]
) -> Response:
    found = _readable(app, book, pid, subject)
    if isinstance(found, Response):
        return found
    limit, offset = _int(query, "limit", 100, 100), _int(query, "offset", 0, 100_000, 0)
    if limit is None or offset is None:
        return app.error(400, "Invalid limit or offset")
    return Response(200, _encode(_items_page(app, pid, found[0], found[1], limit, offset)))


def my_playlists(app: PlaylistRoutes, book: PlaylistBook, user: SeedUser, query: dict[str, str]) -> Response:
    limit, offset = _int(query, "limit", 20, 50), _int(query, "offset", 0, 100_000, 0)
    if limit is None or offset is None:
        return app.error(400, "Invalid limit or offset")
    ids = book.ids(user.id)
    items = []
    for k, pid in enumerate(ids[offset : offset + limit], start=offset):
        head = _head(pid, user, k)
        head["tracks"] = {"href": f"{_WEB}/playlists/{pid}/tracks", "total": len(_tracks(user, k))}
        items.append(head)

    def link(off: int) -> str:
        return f"{app.base_url}/v1/me/playlists?offset={off}&limit={limit}"

    body = {
        "href": link(offset),
        "items": items,
        "limit": limit,
        "next": link(offset + limit) if offset + limit < len(ids) else None,
        "offset": offset,
        "previous": link(max(0, offset - limit)) if offset > 0 else None,
        "total": len(ids),
    }
    return Response.json(body)
