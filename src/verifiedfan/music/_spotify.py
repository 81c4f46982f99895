"""The Spotify Web API client: a user's profile, library, top items, follows and history."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from typing import Any

import httpx

from verifiedfan.errors import ClientError, RateLimitedError
from verifiedfan.http import HttpClient, HttpHook, RetryPolicy, Timeouts
from verifiedfan.music import _parse as parse
from verifiedfan.music._client import MusicClientBase, Page, TokenLike, check_limit, check_token
from verifiedfan.music._models import Artist, FanEngagement, MusicUser, Track, UserToken
from verifiedfan.music._settings import MusicSettings
from verifiedfan.music._spotify_core import (
    FOLLOWING,
    MAX_PAGE,
    RECENT,
    SpotifyConfig,
    TimeRange,
    check_time_range,
    followed_page,
    offset_page,
    recent_tracks,
    refresh_failed,
    saved_tracks,
    token_from_answer,
)
from verifiedfan.music._tokens import UserTokenManager

__all__ = ["Spotify", "TimeRange"]


class Spotify(MusicClientBase):
    """Async Spotify client. ``token`` arguments are an access-token string or a :class:`UserToken`;
    with a refresh token, an expiring or rejected (401) access token is refreshed once (one refresh
    per refresh token however many calls wait) and the call replayed.

    ``http=`` injects a configured :class:`~verifiedfan.http.HttpClient` (its retry policy applies);
    otherwise one is created with ``retry`` (default: 3 retries, ``Retry-After`` honoured up to 30 s,
    past that :class:`~verifiedfan.errors.RateLimitedError`), ``max_connections``, ``hooks`` (tracing,
    metrics: every call carries a ``route`` label such as ``/v1/me/tracks``) and ``transport``
    (default: the lean HTTP/1.1 keep-alive transport; ``httpx.AsyncHTTPTransport()`` for proxies or
    HTTP/2). ``page_size`` (1-50) is the page size of every paged read. One client per event loop.
    """

    service_name = "spotify"

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        api_url: str = "https://api.spotify.com",
        accounts_url: str = "https://accounts.spotify.com",
        http: HttpClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        hooks: Sequence[HttpHook] = (),
        retry: RetryPolicy | None = None,
        timeouts: Timeouts | None = None,
        max_connections: int = 128,
        page_concurrency: int = 8,
        page_size: int = MAX_PAGE,
        refresh_before: float = 60.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        config = SpotifyConfig(
            client_id=client_id,
            client_secret=client_secret,
            api_url=api_url,
            accounts_url=accounts_url,
            page_size=page_size,
        )
        super().__init__(
            http=http,
            retry=retry,
            timeouts=timeouts,
            max_connections=max_connections,
            page_concurrency=page_concurrency,
            transport=transport,
            hooks=hooks,
        )
        self._config = config
        self.client_id = client_id
        self._api = config.api
        self._page = config.page
        self._clock = clock
        self.tokens = UserTokenManager(
            self._refresh, service_name=self.service_name, refresh_before=refresh_before, clock=clock
        )

    @classmethod
    def from_settings(cls, settings: MusicSettings, *, http: HttpClient | None = None) -> Spotify:
        return cls(
            client_id=settings.spotify_client_id,
            client_secret=settings.spotify_client_secret.get_secret_value(),
            api_url=settings.spotify_api_url,
            accounts_url=settings.spotify_accounts_url,
            http=http,
            retry=RetryPolicy(max_retries=settings.max_retries, retry_after_cap=settings.retry_after_cap),
            timeouts=Timeouts(total=settings.total_timeout),
            max_connections=settings.max_connections,
        )

    def __repr__(self) -> str:
        return f"Spotify(client_id={self.client_id!r}, api_url={self._api!r})"

    # -- plumbing ---------------------------------------------------------------------------------
    async def _refresh(self, refresh_token: str) -> UserToken:
        started = self._clock()
        try:
            body = await self._http.post_json(
                f"{self._config.accounts}/api/token", **self._config.token_request(refresh_token)
            )
        except RateLimitedError:
            raise
        except ClientError as exc:
            raise refresh_failed(exc) from exc
        return token_from_answer(body, refresh_token, started)

    async def _get(self, token: UserToken, url: str, route: str, params: dict[str, Any] | None = None) -> Any:
        if token.refresh_token is None:
            return await self._send_json(url, params=params, token=token.access_token, route=route)
        return await self._send_json(url, params=params, auth=self.tokens.source(token), route=route)

    async def _paged(
        self, token: UserToken, route: str, params: dict[str, Any], offset: int, limit: int
    ) -> Page:
        body = await self._get(
            token, f"{self._api}{route}", route, {**params, "offset": offset, "limit": limit}
        )
        return offset_page(body, route)

    # -- endpoints --------------------------------------------------------------------------------
    async def get_user(self, token: TokenLike) -> MusicUser:
        """The user's profile (``GET /v1/me``)."""
        tok = check_token(token)
        self._log("get_user")
        return parse.spotify_user(await self._get(tok, f"{self._api}/v1/me", "/v1/me"))

    async def _saved(self, tok: UserToken, limit: int | None) -> tuple[tuple[Track, ...], int]:
        async def fetch(offset: int, size: int) -> Page:
            return await self._paged(tok, "/v1/me/tracks", {}, offset, size)

        items, total = await self._offset_pages(fetch, limit=limit, page_size=self._page)
        return saved_tracks(items), total

    async def get_saved_tracks(self, token: TokenLike, *, limit: int | None = None) -> tuple[Track, ...]:
        """The user's saved tracks, newest first: all of them, or the first ``limit``."""
        check_limit(limit)
        tok = check_token(token)
        self._log("get_saved_tracks", limit=limit)
        return (await self._saved(tok, limit))[0]

    async def _top(self, tok: UserToken, kind: str, time_range: str, limit: int) -> list[Any]:
        check_limit(limit)
        check_time_range(time_range)
        route = f"/v1/me/top/{kind}"

        async def fetch(offset: int, size: int) -> Page:
            return await self._paged(tok, route, {"time_range": time_range}, offset, size)

        return (await self._offset_pages(fetch, limit=limit, page_size=self._page))[0]

    async def get_top_artists(
        self, token: TokenLike, *, time_range: TimeRange = "medium_term", limit: int = 20
    ) -> tuple[Artist, ...]:
        """The user's top artists, ranked (``rank`` 1 first)."""
        tok = check_token(token)
        self._log("get_top_artists", limit=limit, time_range=time_range)
        items = await self._top(tok, "artists", time_range, limit)
        return tuple(parse.spotify_artist(a, rank=i) for i, a in enumerate(items, start=1))

    async def get_top_tracks(
        self, token: TokenLike, *, time_range: TimeRange = "medium_term", limit: int = 20
    ) -> tuple[Track, ...]:
        """The user's top tracks, ranked."""
        tok = check_token(token)
        self._log("get_top_tracks", limit=limit, time_range=time_range)
        items = await self._top(tok, "tracks", time_range, limit)
        return tuple(parse.spotify_track(t, rank=i) for i, t in enumerate(items, start=1))

    async def get_followed_artists(self, token: TokenLike, *, limit: int | None = None) -> tuple[Artist, ...]:
        """The artists the user follows (cursor paging, followed to the end or ``limit``)."""
        check_limit(limit)
        tok = check_token(token)
        self._log("get_followed_artists", limit=limit)
        out: list[Artist] = []
        after: str | None = None
        while True:
            params = self._config.followed_params(limit, len(out), after)
            body = await self._get(tok, f"{self._api}{FOLLOWING}", FOLLOWING, params)
            artists, after = followed_page(body)
            out.extend(artists)
            if after is None or (limit is not None and len(out) >= limit):
                return tuple(out if limit is None else out[:limit])

    async def get_recently_played(self, token: TokenLike, *, limit: int = 50) -> tuple[Track, ...]:
        """The user's recently played tracks, newest first (Spotify keeps at most 50)."""
        check_limit(limit)
        tok = check_token(token)
        self._log("get_recently_played", limit=limit)
        body = await self._get(tok, f"{self._api}{RECENT}", RECENT, {"limit": min(limit, MAX_PAGE)})
        return recent_tracks(body)

    async def get_fan_engagement(
        self,
        token: TokenLike,
        *,
        time_range: TimeRange = "medium_term",
        top_limit: int = 50,
        saved_tracks_limit: int | None = None,
        top_tracks: bool = True,
        followed_artists: bool = True,
        recently_played: bool = True,
    ) -> FanEngagement:
        """Everything :func:`~verifiedfan.music.verify_fan` reads, fetched concurrently: the profile,
        top artists, all saved tracks (or ``saved_tracks_limit``), and optionally top tracks, followed
        artists and recently played tracks."""
        tok = self.tokens.latest(check_token(token))
        if self.tokens.needs_refresh(tok):  # refresh once up front rather than in every request
            tok = await self.tokens.refresh(tok, stale_access=tok.access_token)
        self._log("get_fan_engagement")

        async def nothing() -> tuple[Any, ...]:
            return ()

        user, top, (saved, total), tops, followed, recent = await asyncio.gather(
            self.get_user(tok),
            self.get_top_artists(tok, time_range=time_range, limit=top_limit),
            self._saved(tok, saved_tracks_limit),
            self.get_top_tracks(tok, time_range=time_range, limit=top_limit) if top_tracks else nothing(),
            self.get_followed_artists(tok) if followed_artists else nothing(),
            self.get_recently_played(tok) if recently_played else nothing(),
        )
        return FanEngagement(
            user=user,
            platform="spotify",
            top_artists=top,
            top_tracks=tops,
            saved_tracks=saved,
            saved_tracks_total=total,
            followed_artists=followed,
            recently_played=recent,
        )
