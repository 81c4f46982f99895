"""The synchronous twin of :class:`~verifiedfan.music.Spotify`, for services without an event loop.

Same methods, same models, same errors, same token rules (early refresh, one refresh after a 401,
one refresh at a time per refresh token across threads); pages are fetched one after the other.
It shares all non-I/O logic with the async client (``_spotify_core``, ``_parse``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any, Self

from verifiedfan.errors import ClientError, RateLimitedError
from verifiedfan.http import HttpHook, RetryPolicy, SyncHttpClient, Timeouts
from verifiedfan.music import _parse as parse
from verifiedfan.music._client import TokenLike, check_limit, check_token
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
from verifiedfan.music._tokens import SyncUserTokenManager

__all__ = ["SyncSpotify"]

logger = logging.getLogger("verifiedfan.music")


class SyncSpotify:
    """Synchronous Spotify client; see :class:`~verifiedfan.music.Spotify` for the arguments."""

    service_name = "spotify"

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        api_url: str = "https://api.spotify.com",
        accounts_url: str = "https://accounts.spotify.com",
        http: SyncHttpClient | None = None,
        hooks: Sequence[HttpHook] = (),
        retry: RetryPolicy | None = None,
        timeouts: Timeouts | None = None,
        page_size: int = MAX_PAGE,
        refresh_before: float = 60.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._config = SpotifyConfig(
            client_id=client_id,
            client_secret=client_secret,
            api_url=api_url,
            accounts_url=accounts_url,
            page_size=page_size,
        )
        self.client_id = client_id
        self._owns_http = http is None
        self._http = http or SyncHttpClient(
            service_name=self.service_name,
            timeouts=timeouts,
            retry=retry or RetryPolicy(retry_after_cap=30.0),
            hooks=hooks,
        )
        self._clock = clock
        self.tokens = SyncUserTokenManager(
            self._refresh, service_name=self.service_name, refresh_before=refresh_before, clock=clock
        )

    @classmethod
    def from_settings(cls, settings: MusicSettings, *, http: SyncHttpClient | None = None) -> SyncSpotify:
        return cls(
            client_id=settings.spotify_client_id,
            client_secret=settings.spotify_client_secret.get_secret_value(),
            api_url=settings.spotify_api_url,
            accounts_url=settings.spotify_accounts_url,
            http=http,
            retry=RetryPolicy(max_retries=settings.max_retries, retry_after_cap=settings.retry_after_cap),
            timeouts=Timeouts(total=settings.total_timeout),
        )

    def __repr__(self) -> str:
        return f"SyncSpotify(client_id={self.client_id!r}, api_url={self._config.api!r})"

    def close(self) -> None:
        """Close the connection pool this client created (an injected ``http=`` stays open)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- plumbing ---------------------------------------------------------------------------------
    def _refresh(self, refresh_token: str) -> UserToken:
        started = self._clock()
        try:
            body = self._http.post_json(
                f"{self._config.accounts}/api/token", **self._config.token_request(refresh_token)
            )
        except RateLimitedError:
            raise
        except ClientError as exc:
            raise refresh_failed(exc) from exc
        return token_from_answer(body, refresh_token, started)

    def _get(self, token: UserToken, route: str, params: dict[str, Any] | None = None) -> Any:
        url = f"{self._config.api}{route}"
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("spotify: GET %s", route, extra={"service_name": self.service_name})
        if token.refresh_token is None:
            return self._http.get_json(url, params=params, token=token.access_token, route=route)
        return self._http.get_json(url, params=params, auth=self.tokens.source(token), route=route)

    def _offset_list(
        self, token: UserToken, route: str, params: dict[str, Any], limit: int | None
    ) -> tuple[list[Any], int]:
        page_size = self._config.page
        out: list[Any] = []
        while True:
            size = page_size if limit is None else min(page_size, limit - len(out))
            body = self._get(token, route, {**params, "offset": len(out), "limit": size})
            items, page_total, nxt = offset_page(body, route)
            total = page_total or 0
            out.extend(items)
            wanted = total if limit is None else min(total, limit)
            if not items or len(out) >= wanted or nxt is None:
                return out[:wanted], total

    # -- endpoints --------------------------------------------------------------------------------
    def get_user(self, token: TokenLike) -> MusicUser:
        """The user's profile (``GET /v1/me``)."""
        return parse.spotify_user(self._get(check_token(token), "/v1/me"))

    def _saved(self, tok: UserToken, limit: int | None) -> tuple[tuple[Track, ...], int]:
        items, total = self._offset_list(tok, "/v1/me/tracks", {}, limit)
        return saved_tracks(items), total

    def get_saved_tracks(self, token: TokenLike, *, limit: int | None = None) -> tuple[Track, ...]:
        """The user's saved tracks, newest first: all of them, or the first ``limit``."""
        check_limit(limit)
        return self._saved(check_token(token), limit)[0]

    def _top(self, token: TokenLike, kind: str, time_range: str, limit: int) -> list[Any]:
        check_limit(limit)
        check_time_range(time_range)
        return self._offset_list(check_token(token), f"/v1/me/top/{kind}", {"time_range": time_range}, limit)[
            0
        ]

    def get_top_artists(
        self, token: TokenLike, *, time_range: TimeRange = "medium_term", limit: int = 20
    ) -> tuple[Artist, ...]:
        """The user's top artists, ranked (``rank`` 1 first)."""
        items = self._top(token, "artists", time_range, limit)
        return tuple(parse.spotify_artist(a, rank=i) for i, a in enumerate(items, start=1))

    def get_top_tracks(
        self, token: TokenLike, *, time_range: TimeRange = "medium_term", limit: int = 20
    ) -> tuple[Track, ...]:
        """The user's top tracks, ranked."""
        items = self._top(token, "tracks", time_range, limit)
        return tuple(parse.spotify_track(t, rank=i) for i, t in enumerate(items, start=1))

    def get_followed_artists(self, token: TokenLike, *, limit: int | None = None) -> tuple[Artist, ...]:
        """The artists the user follows (cursor paging, followed to the end or ``limit``)."""
        check_limit(limit)
        tok = check_token(token)
        out: list[Artist] = []
        after: str | None = None
        while True:
            body = self._get(tok, FOLLOWING, self._config.followed_params(limit, len(out), after))
            artists, after = followed_page(body)
            out.extend(artists)
            if after is None or (limit is not None and len(out) >= limit):
                return tuple(out if limit is None else out[:limit])

    def get_recently_played(self, token: TokenLike, *, limit: int = 50) -> tuple[Track, ...]:
        """The user's recently played tracks, newest first (Spotify keeps at most 50)."""
        check_limit(limit)
        return recent_tracks(self._get(check_token(token), RECENT, {"limit": min(limit, MAX_PAGE)}))

    def get_fan_engagement(
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
        """The profile, top artists, saved tracks and optionally top tracks, followed artists and
        recent plays, fetched one after the other."""
        check_limit(saved_tracks_limit, "saved_tracks_limit")
        tok = self.tokens.latest(check_token(token))
        if self.tokens.needs_refresh(tok):
            tok = self.tokens.refresh(tok, stale_access=tok.access_token)
        saved, total = self._saved(tok, saved_tracks_limit)
        return FanEngagement(
            user=self.get_user(tok),
            platform="spotify",
            top_artists=self.get_top_artists(tok, time_range=time_range, limit=top_limit),
            top_tracks=self.get_top_tracks(tok, time_range=time_range, limit=top_limit) if top_tracks else (),
            saved_tracks=saved,
            saved_tracks_total=total,
            followed_artists=self.get_followed_artists(tok) if followed_artists else (),
            recently_played=self.get_recently_played(tok) if recently_played else (),
        )
