"""The Apple Music sandbox: the library and history routes of the Apple Music API.

Requests need ``Authorization: Bearer <developer token>`` (an ES256 JWT signed with the sandbox's
developer key, checked with its public key: 401 otherwise) and a ``Music-User-Token`` header (403
when missing, unknown, expired or revoked), as the real API distinguishes them. Responses use the
``{"data": [{"id", "type", "href", "attributes"}], "next", "meta"}`` shape with relative ``next`` paths.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from verifiedfan._optional import require
from verifiedfan.testing.sandbox import _apple_catalog as catalog_routes
from verifiedfan.testing.sandbox._catalog import Catalog, SeedUser
from verifiedfan.testing.sandbox._faults import Faults
from verifiedfan.testing.sandbox._http import Request, Response, dumps
from verifiedfan.testing.sandbox._music import MusicApp
from verifiedfan.testing.sandbox._routing import route
from verifiedfan.testing.sandbox._spotify_catalog import CatalogIndex

__all__ = ["AppleDeveloperKey", "AppleMusicApp"]

_STOREFRONTS = {"US": "United States", "GB": "United Kingdom", "FR": "France", "DE": "Germany"}


@dataclass(frozen=True, slots=True)
class AppleDeveloperKey:
    """A MusicKit signing key: what ``AppleMusic(team_id=, key_id=, private_key=)`` needs."""

    team_id: str
    key_id: str
    private_key: str = field(repr=False)


def generate_developer_key(*, team_id: str = "SANDBOXTM1", key_id: str = "SANDBOXKY1") -> AppleDeveloperKey:
    """A fresh P-256 key pair in PEM, as Apple's .p8 files hold."""
    ec = require("cryptography.hazmat.primitives.asymmetric.ec", "jwt")
    serialization = require("cryptography.hazmat.primitives.serialization", "jwt")
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return AppleDeveloperKey(team_id=team_id, key_id=key_id, private_key=pem)


class AppleMusicApp(MusicApp):
    """The Apple Music API of the sandbox."""

    kind = "apple_music"
    realm = "Apple Music"

    def __init__(
        self,
        *,
        seed: int = 7,
        faults: Faults | None = None,
        catalog: Catalog | None = None,
        developer_key: dict[str, str] | AppleDeveloperKey | None = None,
    ) -> None:
        super().__init__(seed=seed, faults=faults, catalog=catalog)
        if isinstance(developer_key, dict):
            developer_key = AppleDeveloperKey(**developer_key)
        self.developer_key = developer_key or generate_developer_key()
        serialization = require("cryptography.hazmat.primitives.serialization", "jwt")
        private = serialization.load_pem_private_key(self.developer_key.private_key.encode(), password=None)
        self._public_key = private.public_key()
        self._jwt = require("jwt", "jwt")
        self._verified: dict[str, tuple[float, str]] = {}  # token -> (exp, app key)
        self._song_json: dict[int, bytes] = {}
        self._library_song_json: dict[int, bytes] = {}
        self._index = CatalogIndex(self.catalog)

    def info(self) -> dict[str, Any]:
        key = self.developer_key
        return {
            **super().info(),
            "developer_key": {"team_id": key.team_id, "key_id": key.key_id, "private_key": key.private_key},
        }

    def error(self, status: int, message: str, *, headers: list[tuple[str, str]] | None = None) -> Response:
        titles = {
            401: "Unauthenticated",
            403: "Forbidden",
            404: "Resource Not Found",
            429: "Too Many Requests",
        }
        error = {
            "id": f"SANDBOX-{status}",
            "title": titles.get(status, "Error" if status < 500 else "Upstream Service Error"),
            "detail": message,
            "status": str(status),
            "code": f"{status}00",
        }
        return Response.json({"errors": [error]}, status, headers)

    def app_key(self, request: Request) -> str | None:
        """An Apple app is its developer key: ``team id/key id`` of a verified developer token."""
        auth = request.headers.get("authorization", "")
        entry = self._verified.get(auth[7:].strip()) if auth[:7] == "Bearer " else None
        return entry[1] if entry is not None else None

    # -- auth -------------------------------------------------------------------------------------
    def _developer_ok(self, request: Request) -> bool:
        auth = request.headers.get("authorization", "")
        if not auth.startswith("Bearer "):
            return False
        token = auth[7:].strip()
        cached = self._verified.get(token)
        if cached is not None:
            return cached[0] > time.time()
        jwt = self._jwt
        try:
            header = jwt.get_unverified_header(token)
            claims = jwt.decode(
                token,
                self._public_key,
                algorithms=["ES256"],
                issuer=self.developer_key.team_id,
                options={"require": ["exp", "iat", "iss"]},
            )
        except jwt.PyJWTError:
            return False
        if header.get("kid") != self.developer_key.key_id:
            return False
        if len(self._verified) > 10_000:
            self._verified.clear()
        self._verified[token] = (float(claims["exp"]), f"{claims['iss']}/{header.get('kid')}")
        return True

    def _developer(self, request: Request) -> Response | None:
        """The 401 to answer when the developer token is not good (catalog reads need no user)."""
        if self._developer_ok(request):
            return None
        self.counters["developer_token_rejected"] += 1
        return self.challenge("Invalid or expired developer token")

    def _user(self, request: Request) -> SeedUser | Response:
        if not self._developer_ok(request):
            self.counters["developer_token_rejected"] += 1
            return self.challenge("Invalid or expired developer token")
        token = request.headers.get("music-user-token", "")
        grant, reason = self.tokens.check(token) if token else (None, "missing")
        if grant is None:
            self.counters["user_token_rejected"] += 1
            return self.error(403, f"Music user token {reason}")
        user = self.catalog.user(grant.subject)
        return user if user is not None else self.error(403, "Music user token invalid")

    # -- JSON ---------------------------------------------------------------------------------------
    def _library_song(self, index: int, added: str) -> bytes:
        cached = self._library_song_json.get(index)
        if cached is None:
            t = self.catalog.tracks[index]
            artist = self.catalog.artists[t.artist]
            attributes = {
                "albumName": t.album_name,
                "artistName": artist.name,
                "dateAdded": "__ADDED__",
                "durationInMillis": t.duration_ms,
                "genreNames": list(artist.genres),
                "hasLyrics": False,
                "name": t.name,
                "playParams": {
                    "id": t.apple_library_id,
                    "kind": "song",
                    "isLibrary": True,
                    "reporting": True,
                    "catalogId": t.apple_id,
                },
                "trackNumber": t.index % 12 + 1,
            }
            song = {
                "id": t.apple_library_id,
                "type": "library-songs",
                "href": f"/v1/me/library/songs/{t.apple_library_id}",
                "attributes": attributes,
            }
            cached = self._library_song_json[index] = dumps(song)
        return cached.replace(b"__ADDED__", added.encode(), 1)

    def _song(self, index: int) -> bytes:
        cached = self._song_json.get(index)
        if cached is None:
            t = self.catalog.tracks[index]
            artist = self.catalog.artists[t.artist]
            attributes = {
                "albumName": t.album_name,
                "artistName": artist.name,
                "durationInMillis": t.duration_ms,
                "genreNames": list(artist.genres),
                "isrc": t.isrc,
                "name": t.name,
                "playParams": {"id": t.apple_id, "kind": "song"},
                "releaseDate": t.release_date,
                "url": f"https://music.apple.com/us/song/{t.apple_id}",
            }
            song = {
                "id": t.apple_id,
                "type": "songs",
                "href": f"/v1/catalog/us/songs/{t.apple_id}",
                "attributes": attributes,
            }
            cached = self._song_json[index] = dumps(song)
        return cached

    def _album(self, artist_index: int) -> bytes:
        artist = self.catalog.artists[artist_index]
        track = self.catalog.tracks[artist_index * 120]
        album = {
            "id": track.apple_album_id,
            "type": "albums",
            "href": f"/v1/catalog/us/albums/{track.apple_album_id}",
            "attributes": {
                "artistName": artist.name,
                "name": track.album_name,
                "playParams": {"id": track.apple_album_id, "kind": "album"},
                "releaseDate": track.release_date,
                "trackCount": 12,
            },
        }
        return dumps(album)

    def _library_artist(self, artist_index: int, include_catalog: bool) -> bytes:
        artist = self.catalog.artists[artist_index]
        body: dict[str, Any] = {
            "id": artist.apple_library_id,
            "type": "library-artists",
            "href": f"/v1/me/library/artists/{artist.apple_library_id}",
            "attributes": {"name": artist.name},
        }
        if include_catalog:
            body["relationships"] = {
                "catalog": {
                    "data": [
                        {
                            "id": artist.apple_id,
                            "type": "artists",
                            "href": f"/v1/catalog/us/artists/{artist.apple_id}",
                        }
                    ]
                }
            }
        return dumps(body)

    # -- routes -------------------------------------------------------------------------------------
    @staticmethod
    def _paging(q: dict[str, str], default: int, maximum: int) -> tuple[int, int] | None:
        try:
            limit, offset = int(q.get("limit", default)), int(q.get("offset", 0))
        except ValueError:
            return None
        if not 1 <= limit <= maximum or offset < 0:
            return None
        return limit, offset

    @staticmethod
    def _page(path: str, items: list[bytes], total: int, limit: int, offset: int) -> Response:
        nxt = f',"next":"{path}?offset={offset + limit}"' if offset + limit < total else ""
        body = b'{"data":[' + b",".join(items) + f']{nxt},"meta":{{"total":{total}}}}}'.encode()
        return Response(200, body)

    @route("GET", "/v1/me/storefront")
    def storefront(self, request: Request) -> Response:
        user = self._user(request)
        if isinstance(user, Response):
            return user
        sf = user.country.lower()
        attributes = {
            "name": _STOREFRONTS.get(user.country, user.country),
            "defaultLanguageTag": "en-US",
            "supportedLanguageTags": ["en-US"],
            "explicitContentPolicy": "allowed",
        }
        data = {"id": sf, "type": "storefronts", "href": f"/v1/storefronts/{sf}", "attributes": attributes}
        return Response.json({"data": [data]})

    def _paged(self, request: Request, default: int, maximum: int) -> tuple[SeedUser, int, int] | Response:
        user = self._user(request)
        if isinstance(user, Response):
            return user
        paging = self._paging(request.query, default, maximum)
        if paging is None:
            return self.error(400, "Invalid limit or offset")
        return user, paging[0], paging[1]

    @route("GET", "/v1/me/library/songs")
    def library_songs(self, request: Request) -> Response:
        found = self._paged(request, 25, 100)
        if isinstance(found, Response):
            return found
        user, limit, offset = found
        chosen = user.saved[offset : offset + limit]
        items = [self._library_song(t, user.added_at(offset + i)) for i, t in enumerate(chosen)]
        return self._page(request.path, items, len(user.saved), limit, offset)

    @route("GET", "/v1/me/library/artists")
    def library_artists(self, request: Request) -> Response:
        found = self._paged(request, 25, 100)
        if isinstance(found, Response):
            return found
        user, limit, offset = found
        artists = sorted({self.catalog.tracks[t].artist for t in user.saved} | set(user.followed))
        artists.sort(key=lambda a: self.catalog.artists[a].name)
        include = "catalog" in request.query.get("include", "")
        items = [self._library_artist(a, include) for a in artists[offset : offset + limit]]
        return self._page(request.path, items, len(artists), limit, offset)

    @route("GET", "/v1/me/history/heavy-rotation")
    def heavy_rotation(self, request: Request) -> Response:
        found = self._paged(request, 10, 10)
        if isinstance(found, Response):
            return found
        user, limit, offset = found
        items = [self._album(a) for a in user.top_artists[offset : offset + limit]]
        return self._page(request.path, items, len(user.top_artists), limit, offset)

    @route("GET", "/v1/me/recent/played/tracks")
    def recently_played(self, request: Request) -> Response:
        found = self._paged(request, 10, 30)
        if isinstance(found, Response):
            return found
        user, limit, offset = found
        items = [self._song(t) for t in user.recent[offset : offset + limit]]
        return self._page(request.path, items, len(user.recent), limit, offset)

    # -- catalog (a developer token, no user): see _apple_catalog --------------------------------
    @route("GET", "/v1/catalog/{storefront}/artists/{artist_id}")
    def catalog_artist(self, request: Request, storefront: str, artist_id: str) -> Response:
        return self._developer(request) or catalog_routes.artist(self, storefront, artist_id)

    @route("GET", "/v1/catalog/{storefront}/albums/{album_id}")
    def catalog_album(self, request: Request, storefront: str, album_id: str) -> Response:
        return self._developer(request) or catalog_routes.album(self, storefront, album_id)

    @route("GET", "/v1/catalog/{storefront}/songs/{song_id}")
    def catalog_song(self, request: Request, storefront: str, song_id: str) -> Response:
        return self._developer(request) or catalog_routes.song(self, storefront, song_id)

    @route("GET", "/v1/catalog/{storefront}/search")
    def catalog_search(self, request: Request, storefront: str) -> Response:
        return self._developer(request) or catalog_routes.search(self, self._index, storefront, request.query)

    @route("GET", "/v1/catalog/{storefront}/{kind}")
    def catalog_many(self, request: Request, storefront: str, kind: str) -> Response:
        if kind not in ("artists", "albums", "songs"):
            return self.error(404, "The requested resource could not be found")
        return self._developer(request) or catalog_routes.many(self, kind, storefront, request.query)
