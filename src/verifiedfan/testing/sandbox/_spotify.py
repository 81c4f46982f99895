"""The Spotify sandbox: the Web API routes the clients use and the accounts token endpoint.

Shapes follow the Spotify Web API reference (paging objects with ``href``/``items``/``limit``/
``next``/``offset``/``previous``/``total``, cursor paging for followed artists and recently played,
``{"error": {"status", "message"}}`` errors). Object JSON is encoded once per catalog entry and pages
are assembled from the cached bytes, so a page costs a join, not an encode.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from verifiedfan.testing.sandbox import _spotify_catalog as catalog_routes
from verifiedfan.testing.sandbox import _spotify_playlists as playlists
from verifiedfan.testing.sandbox._catalog import Catalog, SeedArtist, SeedTrack, SeedUser
from verifiedfan.testing.sandbox._faults import Faults
from verifiedfan.testing.sandbox._http import Request, Response, dumps
from verifiedfan.testing.sandbox._routing import route
from verifiedfan.testing.sandbox._spotify_auth import DEFAULT_CODE_TTL, SpotifyAccountsApp
from verifiedfan.testing.sandbox._spotify_catalog import CatalogIndex

__all__ = ["SpotifyApp"]

_WEB = "https://api.spotify.com/v1"
_TIME_RANGES = frozenset({"short_term", "medium_term", "long_term"})
_CACHE_LIMIT = 20_000
_MARKETS = ("AU", "BR", "CA", "DE", "ES", "FR", "GB", "JP", "MX", "US")
_SCOPE = (
    "user-read-private user-read-email user-library-read user-top-read user-follow-read "
    "user-read-recently-played"
)


class SpotifyApp(SpotifyAccountsApp):
    """The Spotify Web API and accounts service of the sandbox (one server serves both); the
    sign-in (``/authorize`` and the code grant) is :class:`SpotifyAccountsApp`'s."""

    kind = "spotify"
    realm = "spotify"

    def __init__(
        self,
        *,
        seed: int = 7,
        faults: Faults | None = None,
        catalog: Catalog | None = None,
        client_id: str = "sandbox-client-id",
        client_secret: str = "sandbox-client-secret",  # noqa: S107 - a sandbox credential
        code_ttl: float = DEFAULT_CODE_TTL,
        redirect_uris: tuple[str, ...] = (),
    ) -> None:
        super().__init__(
            seed=seed, faults=faults, catalog=catalog, code_ttl=code_ttl, redirect_uris=tuple(redirect_uris)
        )
        self.client_id = client_id
        self.client_secret = client_secret
        self.register_client(client_id, client_secret)
        self._track_json: dict[int, bytes] = {}
        self._track_json_market: dict[int, bytes] = {}
        self._artist_json: dict[int, bytes] = {}
        self._me_json: dict[str, bytes] = {}
        self._index = CatalogIndex(self.catalog)
        self._playlists = playlists.PlaylistBook(self.catalog)

    # -- JSON of catalog objects ------------------------------------------------------------------
    @staticmethod
    def _simple_artist(a: SeedArtist) -> dict[str, Any]:
        return {
            "external_urls": {"spotify": f"https://open.spotify.com/artist/{a.spotify_id}"},
            "href": f"{_WEB}/artists/{a.spotify_id}",
            "id": a.spotify_id,
            "name": a.name,
            "type": "artist",
            "uri": f"spotify:artist:{a.spotify_id}",
        }

    def artist_json(self, index: int) -> bytes:
        cached = self._artist_json.get(index)
        if cached is None:
            a = self.catalog.artists[index]
            full = {
                **self._simple_artist(a),
                "followers": {"href": None, "total": 1000 + 37 * index},
                "genres": list(a.genres),
                "images": [_image("ab6761610000e5eb", a.spotify_id, 640)],
                "popularity": 90 - index % 60,
            }
            cached = self._artist_json[index] = dumps(full)
        return cached

    def simple_artist_of(self, artist_index: int) -> dict[str, Any]:
        return self._simple_artist(self.catalog.artists[artist_index])

    def simple_album(self, track_index: int) -> dict[str, Any]:
        """The SimplifiedAlbumObject of a track's album."""
        t: SeedTrack = self.catalog.tracks[track_index]
        return {
            "album_type": "album",
            "artists": [self.simple_artist_of(t.artist)],
            "available_markets": list(_MARKETS),
            "external_urls": {"spotify": f"https://open.spotify.com/album/{t.spotify_album_id}"},
            "href": f"{_WEB}/albums/{t.spotify_album_id}",
            "id": t.spotify_album_id,
            "images": [_image("ab67616d0000b273", t.spotify_album_id, 640)],
            "name": t.album_name,
            "release_date": t.release_date,
            "release_date_precision": "day",
            "total_tracks": 12,
            "type": "album",
            "uri": f"spotify:album:{t.spotify_album_id}",
        }

    def track_json(self, index: int, *, market: bool = False) -> bytes:
        """A track object; with ``market`` (the request named a market, ``from_token`` or a country)
        Spotify leaves out ``available_markets`` and says ``is_playable`` instead (track relinking).
        Each variant is encoded once, on first use, from the same dict."""
        cache = self._track_json_market if market else self._track_json
        cached = cache.get(index)
        if cached is None:
            track = self._track_object(index)
            if market:
                del track["available_markets"], track["album"]["available_markets"]
                track["is_playable"] = True
            cached = cache[index] = dumps(track)
        return cached

    def _track_object(self, index: int) -> dict[str, Any]:
        t: SeedTrack = self.catalog.tracks[index]
        return {
            "album": self.simple_album(index),
            "artists": [self.simple_artist_of(t.artist)],
            "available_markets": list(_MARKETS),
            "disc_number": 1,
            "duration_ms": t.duration_ms,
            "explicit": False,
            "external_ids": {"isrc": t.isrc},
            "external_urls": {"spotify": f"https://open.spotify.com/track/{t.spotify_id}"},
            "href": f"{_WEB}/tracks/{t.spotify_id}",
            "id": t.spotify_id,
            "is_local": False,
            "name": t.name,
            "popularity": 50 + t.index % 50,
            "track_number": t.index % 12 + 1,
            "type": "track",
            "uri": f"spotify:track:{t.spotify_id}",
        }

    # -- helpers ----------------------------------------------------------------------------------
    def _user(self, request: Request) -> SeedUser | Response:
        grant = self.bearer(request)
        if isinstance(grant, Response):
            return grant
        user = self.catalog.user(grant.subject)
        return user if user is not None else self.challenge("Invalid access token")

    @staticmethod
    def _int(query: dict[str, str], name: str, default: int, low: int, high: int) -> int | None:
        raw = query.get(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            return None
        return value if low <= value <= high else None

    def _page(
        self,
        path: str,
        items: Sequence[bytes],
        total: int,
        limit: int,
        offset: int,
        extra: str = "",
        *,
        joined: bytes | None = None,
    ) -> bytes:
        """A paging object around ``items`` (each an encoded object), or around ``joined``, the
        items already encoded and comma-separated: the page is copied once, by one join."""

        def link(off: int) -> str:
            return f'"{self.base_url}{path}?{extra}offset={off}&limit={limit}"'

        nxt = link(offset + limit) if offset + limit < total else "null"
        prev = link(max(0, offset - limit)) if offset > 0 else "null"
        return b"".join(
            (
                f'{{"href":{link(offset)},"items":['.encode(),
                b",".join(items) if joined is None else joined,
                f'],"limit":{limit},"next":{nxt},"offset":{offset},"previous":{prev},"total":{total}}}'.encode(),
            )
        )

    def _saved_items(self, user: SeedUser, offset: int, limit: int, relinked: bool) -> bytes:
        """The SavedTrackObjects of one page, comma-separated, from cached bytes only (the item
        prefix with ``added_at`` per position, the track per catalog entry): no per-item Python
        beyond two C-level maps."""
        saved = user.saved[offset : offset + limit]
        if not saved:
            return b""
        cache = self._track_json_market if relinked else self._track_json
        found = list(map(cache.get, saved))
        if None in found:  # first time these tracks are asked for: encode and cache them
            tracks = [self.track_json(t, market=relinked) for t in saved]
        else:
            tracks = cast("list[bytes]", found)
        return b"},".join(map(bytes.__add__, _saved_prefixes(offset, offset + len(saved)), tracks)) + b"}"

    # -- routes -----------------------------------------------------------------------------------
    @route("POST", "/api/token", faults=False)
    def token(self, request: Request) -> Response:
        """The accounts service's token endpoint: the authorization code grant (the sign-in), client
        credentials and refresh token grants."""
        if request.form().get("grant_type") == "authorization_code":
            self.counters["token_requests"] += 1
            return self.authorization_code_grant(request, request.form())
        return self.oauth_token(request, scope=_SCOPE)

    # catalog reads (an app or a user token): see _spotify_catalog
    @route("GET", "/v1/artists/{artist_id}")
    def artist(self, request: Request, artist_id: str) -> Response:
        grant = self.bearer(request, allow_app=True)
        return grant if isinstance(grant, Response) else catalog_routes.artist(self, self._index, artist_id)

    @route("GET", "/v1/artists")
    def artists(self, request: Request) -> Response:
        grant = self.bearer(request, allow_app=True)
        return (
            grant if isinstance(grant, Response) else catalog_routes.artists(self, self._index, request.query)
        )

    @route("GET", "/v1/albums/{album_id}")
    def album(self, request: Request, album_id: str) -> Response:
        grant = self.bearer(request, allow_app=True)
        return grant if isinstance(grant, Response) else catalog_routes.album(self, self._index, album_id)

    @route("GET", "/v1/tracks/{track_id}")
    def track(self, request: Request, track_id: str) -> Response:
        grant = self.bearer(request, allow_app=True)
        return grant if isinstance(grant, Response) else catalog_routes.track(self, self._index, track_id)

    @route("GET", "/v1/search")
    def search(self, request: Request) -> Response:
        grant = self.bearer(request, allow_app=True)
        return (
            grant if isinstance(grant, Response) else catalog_routes.search(self, self._index, request.query)
        )

    # playlists: see _spotify_playlists
    @route("GET", "/v1/me/playlists")
    def my_playlists(self, request: Request) -> Response:
        user = self._user(request)
        if isinstance(user, Response):
            return user
        return playlists.my_playlists(self, self._playlists, user, request.query)

    @route("GET", "/v1/playlists/{playlist_id}")
    def playlist(self, request: Request, playlist_id: str) -> Response:
        grant = self.bearer(request, allow_app=True)
        if isinstance(grant, Response):
            return grant
        return playlists.playlist(self, self._playlists, playlist_id, grant.subject)

    @route("GET", "/v1/playlists/{playlist_id}/tracks")
    def playlist_tracks(self, request: Request, playlist_id: str) -> Response:
        grant = self.bearer(request, allow_app=True)
        if isinstance(grant, Response):
            return grant
        return playlists.playlist_tracks(self, self._playlists, playlist_id, grant.subject, request.query)

    @route("GET", "/v1/me")
    def me(self, request: Request) -> Response:
        found = self._user(request)
        return found if isinstance(found, Response) else self._me(found)

    @route("GET", "/v1/me/tracks")
    def saved_tracks(self, request: Request) -> Response:
        user = self._user(request)
        if isinstance(user, Response):
            return user
        q = request.query
        limit, offset = self._int(q, "limit", 20, 1, 50), self._int(q, "offset", 0, 0, 100_000)
        if limit is None or offset is None:
            return self.error(400, "Invalid limit or offset")
        market = q.get("market")
        if market is not None and market != "from_token" and not (len(market) == 2 and market.isupper()):
            return self.error(400, "Invalid market code")
        relinked = market is not None
        items = self._saved_items(user, offset, limit, relinked)
        extra = f"market={market}&" if relinked else ""
        body = self._page("/v1/me/tracks", (), len(user.saved), limit, offset, extra, joined=items)
        return Response(200, body)

    @route("GET", "/v1/me/top/{kind}")
    def top(self, request: Request, kind: str) -> Response:
        user = self._user(request)
        if isinstance(user, Response):
            return user
        if kind not in ("artists", "tracks"):
            return self.error(404, "Service not found")
        q = request.query
        limit, offset = self._int(q, "limit", 20, 1, 50), self._int(q, "offset", 0, 0, 10_000)
        time_range = q.get("time_range", "medium_term")
        if limit is None or offset is None or time_range not in _TIME_RANGES:
            return self.error(400, "Invalid limit, offset or time_range")
        if kind == "artists":
            ranked, encode = user.top_artists, self.artist_json
        else:
            ranked, encode = user.top_tracks, self.track_json
        items = [encode(i) for i in ranked[offset : offset + limit]]
        path = f"/v1/me/top/{kind}"
        return Response(200, self._page(path, items, len(ranked), limit, offset, f"time_range={time_range}&"))

    @route("GET", "/v1/me/following")
    def following(self, request: Request) -> Response:
        user = self._user(request)
        return user if isinstance(user, Response) else self._following(user, request.query)

    @route("GET", "/v1/me/player/recently-played")
    def recently_played(self, request: Request) -> Response:
        user = self._user(request)
        return user if isinstance(user, Response) else self._recent(user, request.query)

    def _me(self, user: SeedUser) -> Response:
        cached = self._me_json.get(user.id)
        if cached is not None:
            return Response(200, cached)
        body = {
            "country": user.country,
            "display_name": user.display_name,
            "email": user.email,
            "explicit_content": {"filter_enabled": False, "filter_locked": False},
            "external_urls": {"spotify": f"https://open.spotify.com/user/{user.id}"},
            "followers": {"href": None, "total": 0},
            "href": f"{_WEB}/users/{user.id}",
            "id": user.id,
            "account_id": user.account_id,
            "images": [{"url": f"https://i.scdn.co/image/{user.id}", "height": 300, "width": 300}],
            "product": user.product,
            "type": "user",
            "uri": f"spotify:user:{user.id}",
        }
        if len(self._me_json) >= _CACHE_LIMIT:  # a crowd of many thousand users: bound the memory
            self._me_json.clear()
        cached = self._me_json[user.id] = dumps(body)
        return Response(200, cached)

    def _following(self, user: SeedUser, q: dict[str, str]) -> Response:
        if q.get("type") != "artist":
            return self.error(400, "Only valid type is 'artist'")
        limit = self._int(q, "limit", 20, 1, 50)
        if limit is None:
            return self.error(400, "Invalid limit")
        ordered = sorted(user.followed, key=lambda i: self.catalog.artists[i].spotify_id)
        after = q.get("after")
        if after:
            ordered = [i for i in ordered if self.catalog.artists[i].spotify_id > after]
        chunk = ordered[:limit]
        last = self.catalog.artists[chunk[-1]].spotify_id if chunk and len(ordered) > limit else None
        base = f"{self.base_url}/v1/me/following?type=artist&limit={limit}"
        nxt = f'"{base}&after={last}"' if last else "null"
        cursor = f'"{last}"' if last else "null"
        body = (
            f'{{"artists":{{"href":"{base}","items":['.encode()
            + b",".join(self.artist_json(i) for i in chunk)
            + f'],"limit":{limit},"next":{nxt},"cursors":{{"after":{cursor}}},'.encode()
            + f'"total":{len(user.followed)}}}}}'.encode()
        )
        return Response(200, body)

    def _context(self, track: int) -> bytes:
        """The album a track was played from (Spotify's ContextObject)."""
        album = self.catalog.tracks[track].spotify_album_id
        return (
            b'{"type":"album","href":"%s/albums/%s","external_urls":{"spotify":"https://open.spotify.com/album/%s"},'
            b'"uri":"spotify:album:%s"}' % (_WEB.encode(), album.encode(), album.encode(), album.encode())
        )

    def _recent(self, user: SeedUser, q: dict[str, str]) -> Response:
        limit = self._int(q, "limit", 20, 1, 50)
        before = self._int(q, "before", 0, 0, 10**15)
        if limit is None or before is None:
            return self.error(400, "Invalid limit or before")
        plays = [(user.played_at(i), t) for i, t in enumerate(user.recent)]
        if before:
            plays = [(p, t) for p, t in plays if _ms(p) < before]
        chunk = plays[:limit]
        items = [
            b'{"track":%s,"played_at":"%s","context":%s}' % (self.track_json(t), p.encode(), self._context(t))
            for p, t in chunk
        ]
        base = f"{self.base_url}/v1/me/player/recently-played?limit={limit}"
        more = len(plays) > limit
        nxt = f'"{base}&before={_ms(chunk[-1][0])}"' if more and chunk else "null"
        cursors = f'{{"after":"{_ms(chunk[0][0])}","before":"{_ms(chunk[-1][0])}"}}' if chunk else "null"
        body = (
            f'{{"href":"{base}","items":['.encode()
            + b",".join(items)
            + f'],"limit":{limit},"next":{nxt},"cursors":{cursors}}}'.encode()
        )
        return Response(200, body)


def _saved_prefix(position: int) -> bytes:
    return b'{"added_at":"%s","track":' % SeedUser.added_at_of(position).encode()


_SAVED_PREFIXES = [_saved_prefix(i) for i in range(1024)]  # made once, read by every sandbox thread


def _saved_prefixes(start: int, stop: int) -> list[bytes]:
    """``{"added_at":"...","track":`` of the saved tracks at positions ``start`` to ``stop``
    (the same for every user)."""
    if stop <= len(_SAVED_PREFIXES):
        return _SAVED_PREFIXES[start:stop]
    return [_saved_prefix(i) for i in range(start, stop)]


def _image(prefix: str, object_id: str, size: int) -> dict[str, Any]:
    return {"url": f"https://i.scdn.co/image/{prefix}{object_id}", "height": size, "width": size}


def _ms(iso: str) -> int:
    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000)
