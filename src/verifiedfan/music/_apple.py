"""The Apple Music API client: a user's library, heavy rotation and recently played tracks.

Two tokens: the developer token, an ES256 JWT we sign (minted once, cached, renewed before it
expires, and re-minted once after a 401), and the user's Music-User-Token, passed per call. Apple
answers 401 for a developer-token problem and 403 for a user-token problem; they raise
:class:`AppleDeveloperTokenError` and :class:`AppleUserTokenError`.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from typing import Any

import httpx

from verifiedfan._optional import require
from verifiedfan.errors import ConfigurationError, ForbiddenError, UnauthorizedError
from verifiedfan.http import HttpClient, HttpHook, RetryPolicy, Timeouts
from verifiedfan.music import _parse as parse
from verifiedfan.music._client import MusicClientBase, Page, TokenLike, check_limit, check_token
from verifiedfan.music._errors import AppleDeveloperTokenError, AppleUserTokenError, rebrand
from verifiedfan.music._models import Artist, FanEngagement, MusicUser, Track
from verifiedfan.music._settings import MusicSettings

__all__ = ["AppleMusic", "DeveloperToken"]

# The Music-User-Token of the current call. When the client owns its httpx client, the header is
# added by an httpx request hook, after the HTTP core logged the (redacted) headers, so the user
# token can never reach a log line.
_USER_TOKEN: ContextVar[str | None] = ContextVar("vf_music_user_token", default=None)
_HEADER = "Music-User-Token"


async def _add_user_token(request: httpx.Request) -> None:
    token = _USER_TOKEN.get()
    if token is not None:
        request.headers[_HEADER] = token


class DeveloperToken:
    """The Apple Music developer token: an ES256 JWT (``kid`` header, ``iss`` = team id, ``iat``,
    ``exp``) minted with PyJWT, cached, and renewed ``renew_before`` seconds before it expires.
    It is the ``auth=`` token source of every call, so a 401 makes the HTTP core re-mint it once."""

    def __init__(
        self,
        *,
        team_id: str,
        key_id: str,
        private_key: str,
        ttl: float = 12 * 3600,
        renew_before: float = 300.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not team_id or not key_id or not private_key:
            raise ConfigurationError("AppleMusic needs team_id, key_id and private_key")
        if ttl <= renew_before or ttl > 15_777_000:
            raise ConfigurationError(
                "the developer token ttl must exceed renew_before and be at most 6 months"
            )
        self._jwt = require("jwt", "jwt")
        self._team_id, self._key_id, self._key = team_id, key_id, private_key
        self._ttl, self._renew_before, self._clock = ttl, renew_before, clock
        self._token: str | None = None
        self._expires_at = 0.0
        self.mint_count = 0
        self._mint()  # a bad key fails here, at construction, not at the first call

    def _mint(self) -> str:
        now = int(self._clock())
        claims = {"iss": self._team_id, "iat": now, "exp": now + int(self._ttl)}
        try:
            token: str = self._jwt.encode(claims, self._key, algorithm="ES256", headers={"kid": self._key_id})
        except (ValueError, TypeError, self._jwt.PyJWTError) as exc:
            raise ConfigurationError(
                f"cannot sign the Apple Music developer token: {type(exc).__name__}"
            ) from None
        self._token, self._expires_at = token, now + self._ttl
        self.mint_count += 1
        return token

    def current(self) -> str:
        if self._token is None or self._clock() >= self._expires_at - self._renew_before:
            return self._mint()
        return self._token

    async def get_token(self) -> str:
        return self.current()

    async def invalidate(self, token: str) -> None:
        if token == self._token:
            self._token = None

    def __repr__(self) -> str:
        return f"DeveloperToken(team_id={self._team_id!r}, key_id={self._key_id!r})"


class AppleMusic(MusicClientBase):
    """Async Apple Music client. ``token`` arguments are the user's Music-User-Token (a string or a
    :class:`UserToken`; Apple user tokens cannot be refreshed by a server)."""

    service_name = "apple_music"

    def __init__(
        self,
        *,
        team_id: str,
        key_id: str,
        private_key: str,
        api_url: str = "https://api.music.apple.com",
        http: HttpClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        hooks: Sequence[HttpHook] = (),
        retry: RetryPolicy | None = None,
        timeouts: Timeouts | None = None,
        max_connections: int = 128,
        page_concurrency: int = 8,
        developer_token_ttl: float = 12 * 3600,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not api_url.startswith(("http://", "https://")):
            raise ConfigurationError(f"AppleMusic api_url must be an http(s) URL, got {api_url!r}")
        self.developer_token = DeveloperToken(
            team_id=team_id, key_id=key_id, private_key=private_key, ttl=developer_token_ttl, clock=clock
        )
        self._hooked = http is None
        super().__init__(
            http=http,
            retry=retry,
            timeouts=timeouts,
            max_connections=max_connections,
            page_concurrency=page_concurrency,
            transport=transport,
            hooks=hooks,
            event_hooks={"request": [_add_user_token]},
        )
        self._api = api_url.rstrip("/")

    @classmethod
    def from_settings(cls, settings: MusicSettings, *, http: HttpClient | None = None) -> AppleMusic:
        return cls(
            team_id=settings.apple_team_id,
            key_id=settings.apple_key_id,
            private_key=settings.apple_private_key.get_secret_value(),
            api_url=settings.apple_api_url,
            http=http,
            retry=RetryPolicy(max_retries=settings.max_retries, retry_after_cap=settings.retry_after_cap),
            timeouts=Timeouts(total=settings.total_timeout),
            max_connections=settings.max_connections,
            developer_token_ttl=settings.apple_developer_token_ttl,
        )

    def __repr__(self) -> str:
        return f"AppleMusic(api_url={self._api!r})"

    # -- plumbing ---------------------------------------------------------------------------------
    async def _get(
        self, user_token: str, path: str, params: dict[str, Any] | None = None, route: str | None = None
    ) -> Any:
        url = path if path.startswith(("http://", "https://")) else f"{self._api}{path}"
        headers = None if self._hooked else {_HEADER: user_token}
        reset = _USER_TOKEN.set(user_token) if self._hooked else None
        try:
            return await self._send_json(
                url, params=params, headers=headers, auth=self.developer_token, route=route or path
            )
        except UnauthorizedError as exc:
            raise rebrand(
                exc, AppleDeveloperTokenError, "apple_music: the developer token was rejected (401)"
            ) from exc
        except ForbiddenError as exc:
            raise rebrand(
                exc, AppleUserTokenError, "apple_music: the Music-User-Token was rejected (403)"
            ) from exc
        finally:
            if reset is not None:
                _USER_TOKEN.reset(reset)

    async def _list(
        self,
        user_token: str,
        route: str,
        *,
        limit: int | None,
        page_size: int,
        extra: dict[str, Any] | None = None,
    ) -> tuple[list[Any], int]:
        where = f"apple_music {route}"

        def page_of(body: Any) -> Page:
            items = parse.items_of(body, "data", where)
            meta = body.get("meta")
            total = meta.get("total") if isinstance(meta, dict) else None
            nxt = body.get("next")
            return items, total if isinstance(total, int) else None, nxt if isinstance(nxt, str) else None

        async def fetch(offset: int, size: int) -> Page:
            return page_of(
                await self._get(user_token, route, {**(extra or {}), "offset": offset, "limit": size}, route)
            )

        async def follow(link: str) -> Page:
            return page_of(await self._get(user_token, link, {**(extra or {}), "limit": page_size}, route))

        return await self._offset_pages(fetch, limit=limit, page_size=page_size, follow=follow)

    # -- endpoints --------------------------------------------------------------------------------
    async def get_user(self, token: TokenLike) -> MusicUser:
        """The user, from their storefront. Apple has no user id: ``id`` is an opaque hash of the
        user token, stable for as long as that token is."""
        mut = check_token(token).access_token
        self._log("get_user")
        storefront = parse.apple_storefront(await self._get(mut, "/v1/me/storefront"))
        opaque = hashlib.sha256(mut.encode()).hexdigest()[:24]
        return MusicUser(id=f"apple:{opaque}", platform="apple_music", country=storefront.upper())

    async def _songs(self, mut: str, limit: int | None) -> tuple[tuple[Track, ...], int]:
        items, total = await self._list(mut, "/v1/me/library/songs", limit=limit, page_size=100)
        return tuple(parse.apple_song(i) for i in items), total

    async def get_library_songs(self, token: TokenLike, *, limit: int | None = None) -> tuple[Track, ...]:
        """The songs in the user's library: all of them, or the first ``limit``."""
        check_limit(limit)
        mut = check_token(token).access_token
        self._log("get_library_songs", limit=limit)
        return (await self._songs(mut, limit))[0]

    async def get_library_artists(self, token: TokenLike, *, limit: int | None = None) -> tuple[Artist, ...]:
        """The artists in the user's library (ids are catalog ids when Apple links them)."""
        check_limit(limit)
        mut = check_token(token).access_token
        self._log("get_library_artists", limit=limit)
        items, _ = await self._list(
            mut, "/v1/me/library/artists", limit=limit, page_size=100, extra={"include": "catalog"}
        )
        return tuple(parse.apple_artist(i) for i in items)

    async def get_heavy_rotation(self, token: TokenLike, *, limit: int = 20) -> tuple[Artist, ...]:
        """The artists of the user's heavy rotation (albums and playlists), ranked by first
        appearance: Apple's closest equivalent of Spotify's top artists."""
        check_limit(limit)
        mut = check_token(token).access_token
        self._log("get_heavy_rotation", limit=limit)
        items, _ = await self._list(mut, "/v1/me/history/heavy-rotation", limit=limit, page_size=10)
        return tuple(parse.apple_rotation_artists(items))

    async def get_recently_played(self, token: TokenLike, *, limit: int = 30) -> tuple[Track, ...]:
        """The user's recently played songs, newest first."""
        check_limit(limit)
        mut = check_token(token).access_token
        self._log("get_recently_played", limit=limit)
        items, _ = await self._list(mut, "/v1/me/recent/played/tracks", limit=limit, page_size=30)
        return tuple(parse.apple_song(i) for i in items)

    async def get_fan_engagement(
        self,
        token: TokenLike,
        *,
        saved_tracks_limit: int | None = None,
        top_limit: int = 20,
        top_tracks: bool = False,
        followed_artists: bool = True,
        recently_played: bool = True,
    ) -> FanEngagement:
        """The profile, heavy rotation (as ranked top artists), library songs (as saved tracks),
        library artists (as followed artists) and recently played songs, fetched concurrently.
        Apple Music has no top tracks: ``top_tracks`` is accepted for symmetry and ignored."""
        check_limit(saved_tracks_limit, "saved_tracks_limit")
        mut = check_token(token).access_token
        self._log("get_fan_engagement")

        async def nothing() -> tuple[Any, ...]:
            return ()

        user, top, (songs, total), followed, recent = await asyncio.gather(
            self.get_user(mut),
            self.get_heavy_rotation(mut, limit=top_limit),
            self._songs(mut, saved_tracks_limit),
            self.get_library_artists(mut) if followed_artists else nothing(),
            self.get_recently_played(mut) if recently_played else nothing(),
        )
        return FanEngagement(
            user=user,
            platform="apple_music",
            top_artists=top,
            saved_tracks=songs,
            saved_tracks_total=total,
            followed_artists=followed,
            recently_played=recent,
        )
