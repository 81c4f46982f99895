"""The Spotify sandbox: the Web API routes the clients use and the accounts token endpoint.

Shapes follow the Spotify Web API reference (paging objects with ``href``/``items``/``limit``/
``next``/``offset``/``previous``/``total``, cursor paging for followed artists and recently played,
``{"error": {"status", "message"}}`` errors). Object JSON is encoded once per catalog entry and pages
are assembled from the cached bytes, so a page costs a join, not an encode.
"""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

from verifiedfan.testing.sandbox._base import Faults, SandboxApp, dumps, json_response
from verifiedfan.testing.sandbox._catalog import Catalog, SeedArtist, SeedTrack, SeedUser
from verifiedfan.testing.sandbox._http import Request, Response

__all__ = ["SpotifyApp"]

_WEB = "https://api.spotify.com/v1"
_TIME_RANGES = frozenset({"short_term", "medium_term", "long_term"})
_SCOPE = (
    "user-read-private user-read-email user-library-read user-top-read user-follow-read "
    "user-read-recently-played"
)


class SpotifyApp(SandboxApp):
    """The Spotify Web API and accounts service of the sandbox (one server serves both)."""

    kind = "spotify"

    def __init__(
        self,
        *,
        seed: int = 7,
        faults: Faults | None = None,
        catalog: Catalog | None = None,
        client_id: str = "sandbox-client-id",
        client_secret: str = "sandbox-client-secret",  # noqa: S107 - a sandbox credential
    ) -> None:
        super().__init__(seed=seed, faults=faults, catalog=catalog)
        self.client_id = client_id
        self.client_secret = client_secret
        self.base_url = "http://127.0.0.1"
        self._track_json: dict[int, bytes] = {}
        self._artist_json: dict[int, bytes] = {}
        self._app_tokens: set[str] = set()

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
                "images": [],
                "popularity": 90 - index % 60,
            }
            cached = self._artist_json[index] = dumps(full)
        return cached

    def track_json(self, index: int) -> bytes:
        cached = self._track_json.get(index)
        if cached is None:
            t: SeedTrack = self.catalog.tracks[index]
            artist = self._simple_artist(self.catalog.artists[t.artist])
            track = {
                "album": {
                    "album_type": "album",
                    "artists": [artist],
                    "id": t.spotify_album_id,
                    "images": [],
                    "name": t.album_name,
                    "release_date": t.release_date,
                    "release_date_precision": "day",
                    "total_tracks": 12,
                    "type": "album",
                    "uri": f"spotify:album:{t.spotify_album_id}",
                },
                "artists": [artist],
                "disc_number": 1,
                "duration_ms": t.duration_ms,
                "explicit": False,
                "external_ids": {"isrc": t.isrc},
                "href": f"{_WEB}/tracks/{t.spotify_id}",
                "id": t.spotify_id,
                "is_local": False,
                "name": t.name,
                "popularity": 50 + t.index % 50,
                "track_number": t.index % 12 + 1,
                "type": "track",
                "uri": f"spotify:track:{t.spotify_id}",
            }
            cached = self._track_json[index] = dumps(track)
        return cached

    # -- helpers ----------------------------------------------------------------------------------
    def error_body(self, status: int, message: str) -> Response:
        return json_response(status, {"error": {"status": status, "message": message}})

    def is_exempt(self, request: Request) -> bool:
        return request.path == "/api/token"

    def _user(self, request: Request) -> SeedUser | Response:
        auth = request.headers.get("authorization", "")
        if not auth.startswith("Bearer "):
            return self.error_body(401, "No token provided")
        token = auth[7:].strip()
        user_id, reason = self.check_access(token)
        if user_id is None:
            if token in self._app_tokens:
                return self.error_body(401, "Unauthorized: a client credentials token has no user")
            return self.error_body(
                401, "The access token expired" if reason == "expired" else "Invalid access token"
            )
        user = self.catalog.user(user_id)
        return user if user is not None else self.error_body(401, "Invalid access token")

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
        self, path: str, items: list[bytes], total: int, limit: int, offset: int, extra: str = ""
    ) -> bytes:
        def link(off: int) -> str:
            return f'"{self.base_url}{path}?{extra}offset={off}&limit={limit}"'

        nxt = link(offset + limit) if offset + limit < total else "null"
        prev = link(max(0, offset - limit)) if offset > 0 else "null"
        return (
            f'{{"href":{link(offset)},"items":['.encode()
            + b",".join(items)
            + f'],"limit":{limit},"next":{nxt},"offset":{offset},"previous":{prev},"total":{total}}}'.encode()
        )

    # -- routes -----------------------------------------------------------------------------------
    def route(self, request: Request) -> Response:
        path = request.path.rstrip("/") or "/"  # the real API accepts a trailing slash (spotipy sends one)
        if path == "/api/token":
            return self._token(request)
        if request.method != "GET":
            return self.error_body(405, "Method not allowed")
        found = self._user(request)
        if isinstance(found, Response):
            return found
        user, q = found, request.query
        if path == "/v1/me":
            return self._me(user)
        if path == "/v1/me/tracks":
            limit, offset = self._int(q, "limit", 20, 1, 50), self._int(q, "offset", 0, 0, 100_000)
            if limit is None or offset is None:
                return self.error_body(400, "Invalid limit or offset")
            saved = user.saved[offset : offset + limit]
            items = [
                b'{"added_at":"%s","track":%s}' % (user.added_at(offset + i).encode(), self.track_json(t))
                for i, t in enumerate(saved)
            ]
            return Response(200, self._page(path, items, len(user.saved), limit, offset))
        if path in ("/v1/me/top/artists", "/v1/me/top/tracks"):
            limit, offset = self._int(q, "limit", 20, 1, 50), self._int(q, "offset", 0, 0, 10_000)
            time_range = q.get("time_range", "medium_term")
            if limit is None or offset is None or time_range not in _TIME_RANGES:
                return self.error_body(400, "Invalid limit, offset or time_range")
            if path.endswith("artists"):
                ranked, encode = user.top_artists, self.artist_json
            else:
                ranked, encode = user.top_tracks, self.track_json
            items = [encode(i) for i in ranked[offset : offset + limit]]
            return Response(
                200, self._page(path, items, len(ranked), limit, offset, f"time_range={time_range}&")
            )
        if path == "/v1/me/following":
            return self._following(user, q)
        if path == "/v1/me/player/recently-played":
            return self._recent(user, q)
        return self.error_body(404, "Service not found")

    def _me(self, user: SeedUser) -> Response:
        body = {
            "country": user.country,
            "display_name": user.display_name,
            "email": user.email,
            "explicit_content": {"filter_enabled": False, "filter_locked": False},
            "external_urls": {"spotify": f"https://open.spotify.com/user/{user.id}"},
            "followers": {"href": None, "total": 0},
            "href": f"{_WEB}/users/{user.id}",
            "id": user.id,
            "images": [{"url": f"https://i.scdn.co/image/{user.id}", "height": 300, "width": 300}],
            "product": user.product,
            "type": "user",
            "uri": f"spotify:user:{user.id}",
        }
        return json_response(200, body)

    def _following(self, user: SeedUser, q: dict[str, str]) -> Response:
        if q.get("type") != "artist":
            return self.error_body(400, "Only valid type is 'artist'")
        limit = self._int(q, "limit", 20, 1, 50)
        if limit is None:
            return self.error_body(400, "Invalid limit")
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

    def _recent(self, user: SeedUser, q: dict[str, str]) -> Response:
        limit = self._int(q, "limit", 20, 1, 50)
        before = self._int(q, "before", 0, 0, 10**15)
        if limit is None or before is None:
            return self.error_body(400, "Invalid limit or before")
        plays = [(user.played_at(i), t) for i, t in enumerate(user.recent)]
        if before:
            plays = [(p, t) for p, t in plays if _ms(p) < before]
        chunk = plays[:limit]
        items = [
            b'{"track":%s,"played_at":"%s","context":null}' % (self.track_json(t), p.encode())
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

    # -- accounts ---------------------------------------------------------------------------------
    def _token_error(self, status: int, error: str, description: str) -> Response:
        return json_response(status, {"error": error, "error_description": description})

    def _token(self, request: Request) -> Response:
        self.counters["token_requests"] += 1
        if request.method != "POST":
            return self._token_error(405, "invalid_request", "POST only")
        form = dict(parse_qsl(request.body.decode("utf-8", errors="replace")))
        client_id, client_secret = form.get("client_id"), form.get("client_secret")
        auth = request.headers.get("authorization", "")
        if auth.startswith("Basic "):
            try:
                client_id, _, client_secret = base64.b64decode(auth[6:]).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError):
                return self._token_error(400, "invalid_client", "Invalid client")
        if client_id != self.client_id or client_secret != self.client_secret:
            return self._token_error(400, "invalid_client", "Invalid client")
        grant = form.get("grant_type")
        ttl = self.faults.token_ttl
        if grant == "client_credentials":
            self.counters["client_credentials_grants"] += 1
            token, _ = self._new_access("__app__", ttl)
            with self._lock:
                self._access.pop(token, None)
                self._app_tokens.add(token)
            return json_response(200, {"access_token": token, "token_type": "Bearer", "expires_in": int(ttl)})
        if grant == "refresh_token":
            self.counters["refresh_grants"] += 1
            user_id = self._refresh.get(form.get("refresh_token", ""))
            if user_id is None:
                return self._token_error(400, "invalid_grant", "Invalid refresh token")
            token, _ = self._new_access(user_id, ttl)
            body: dict[str, Any] = {
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": int(ttl),
                "scope": _SCOPE,
            }
            if self.faults.rotate_refresh_tokens:
                body["refresh_token"] = self.mint(user_id)["refresh_token"]
            return json_response(200, body)
        return self._token_error(400, "unsupported_grant_type", f"grant_type {grant!r} is not supported")


def _ms(iso: str) -> int:
    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000)
