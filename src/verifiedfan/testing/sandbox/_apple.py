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
from verifiedfan.testing.sandbox._base import Faults, SandboxApp, dumps, json_response
from verifiedfan.testing.sandbox._catalog import Catalog, SeedUser
from verifiedfan.testing.sandbox._http import Request, Response

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


class AppleMusicApp(SandboxApp):
    """The Apple Music API of the sandbox."""

    kind = "apple_music"

    def __init__(
        self,
        *,
        seed: int = 7,
        faults: Faults | None = None,
        catalog: Catalog | None = None,
        developer_key: AppleDeveloperKey | None = None,
    ) -> None:
        super().__init__(seed=seed, faults=faults, catalog=catalog)
        self.developer_key = developer_key or generate_developer_key()
        serialization = require("cryptography.hazmat.primitives.serialization", "jwt")
        private = serialization.load_pem_private_key(self.developer_key.private_key.encode(), password=None)
        self._public_key = private.public_key()
        self._jwt = require("jwt", "jwt")
        self._verified: dict[str, float] = {}
        self._song_json: dict[int, bytes] = {}
        self._library_song_json: dict[int, bytes] = {}

    def info(self) -> dict[str, Any]:
        key = self.developer_key
        return {
            **super().info(),
            "developer_key": {"team_id": key.team_id, "key_id": key.key_id, "private_key": key.private_key},
        }

    def error_body(self, status: int, message: str) -> Response:
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
        return json_response(status, {"errors": [error]})

    # -- auth -------------------------------------------------------------------------------------
    def _developer_ok(self, request: Request) -> bool:
        auth = request.headers.get("authorization", "")
        if not auth.startswith("Bearer "):
            return False
        token = auth[7:].strip()
        exp = self._verified.get(token)
        if exp is not None:
            return exp > time.time()
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
        self._verified[token] = float(claims["exp"])
        return True

    def _user(self, request: Request) -> SeedUser | Response:
        if not self._developer_ok(request):
            self.counters["developer_token_rejected"] += 1
            return self.error_body(401, "Invalid or expired developer token")
        token = request.headers.get("music-user-token", "")
        user_id, reason = self.check_access(token) if token else (None, "missing")
        if user_id is None:
            self.counters["user_token_rejected"] += 1
            return self.error_body(403, f"Music user token {reason}")
        user = self.catalog.user(user_id)
        return user if user is not None else self.error_body(403, "Music user token invalid")

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
            "id": f"r.{artist.spotify_id[:10]}",
            "type": "library-artists",
            "href": f"/v1/me/library/artists/r.{artist.spotify_id[:10]}",
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

    def route(self, request: Request) -> Response:
        if request.method != "GET":
            return self.error_body(405, "Method not allowed")
        found = self._user(request)
        if isinstance(found, Response):
            return found
        user, q, path = found, request.query, request.path
        limits = {
            "/v1/me/library/songs": (25, 100),
            "/v1/me/library/artists": (25, 100),
            "/v1/me/history/heavy-rotation": (10, 10),
            "/v1/me/recent/played/tracks": (10, 30),
        }
        if path == "/v1/me/storefront":
            sf = user.country.lower()
            attributes = {
                "name": _STOREFRONTS.get(user.country, user.country),
                "defaultLanguageTag": "en-US",
                "supportedLanguageTags": ["en-US"],
                "explicitContentPolicy": "allowed",
            }
            data = {
                "id": sf,
                "type": "storefronts",
                "href": f"/v1/storefronts/{sf}",
                "attributes": attributes,
            }
            return json_response(200, {"data": [data]})
        if path not in limits:
            return self.error_body(404, "Resource not found")
        paging = self._paging(q, *limits[path])
        if paging is None:
            return self.error_body(400, "Invalid limit or offset")
        limit, offset = paging
        if path == "/v1/me/library/songs":
            chosen = user.saved[offset : offset + limit]
            items = [self._library_song(t, user.added_at(offset + i)) for i, t in enumerate(chosen)]
            return self._page(path, items, len(user.saved), limit, offset)
        if path == "/v1/me/library/artists":
            artists = sorted({self.catalog.tracks[t].artist for t in user.saved} | set(user.followed))
            artists.sort(key=lambda a: self.catalog.artists[a].name)
            include = "catalog" in q.get("include", "")
            items = [self._library_artist(a, include) for a in artists[offset : offset + limit]]
            return self._page(path, items, len(artists), limit, offset)
        if path == "/v1/me/history/heavy-rotation":
            items = [self._album(a) for a in user.top_artists[offset : offset + limit]]
            return self._page(path, items, len(user.top_artists), limit, offset)
        items = [self._song(t) for t in user.recent[offset : offset + limit]]
        return self._page(path, items, len(user.recent), limit, offset)
