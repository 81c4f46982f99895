"""The Spotify Web API client: a user's profile, library, top items, follows and history.

This module is the async source; ``_spotify_sync.py`` (``SyncSpotify``) is generated from it by
``scripts/unasync.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import httpx

from verifiedfan.errors import ClientError, ConfigurationError, RateLimitedError
from verifiedfan.http import (
    ApiSettings,
    CursorPager,
    HttpClient,
    HttpHook,
    Limits,
    OAuth2ClientCredentials,
    RequestLimiter,
    RetryPolicy,
    Timeouts,
    UserToken,
    UserTokens,
    basic_authorization,
)
from verifiedfan.http._api._concurrency import async_gather
from verifiedfan.music import _parse as parse
from verifiedfan.music import _wire as wire
from verifiedfan.music._client import TokenLike, check_limit, check_token
from verifiedfan.music._login import (
    LISTENING_SCOPES,
    AuthorizationRequest,
    authorization_code_failed,
    build_authorization_url,
    check_code_arguments,
    refresh_token_of,
)
from verifiedfan.music._models import Artist, FanEngagement, MusicUser, Track
from verifiedfan.music._settings import SpotifySettings
from verifiedfan.music._spotify_core import (
    FOLLOWING,
    MAX_PAGE,
    RECENT,
    TimeRange,
    check_config,
    check_time_range,
    recent_tracks,
    refresh_failed,
    token_from_answer,
)
from verifiedfan.music._spotify_reads import SpotifyReads

# isort: split
# unasync: async-only
from verifiedfan.http import AiohttpTransport

# unasync: end

__all__ = ["Spotify", "TimeRange"]


class Spotify(SpotifyReads):
    """Spotify client. ``token`` arguments are an access-token string or a :class:`UserToken`;
    with a refresh token, an expiring or rejected (401) access token is refreshed once (one refresh
    per refresh token however many calls wait) and the call replayed; without one, a 401 raises
    :class:`~verifiedfan.errors.UserTokenExpiredError`.

    ``http=`` injects a configured :class:`~verifiedfan.http.HttpClient` (its retry policy applies);
    otherwise one is created with ``retry`` (default: 3 retries, ``Retry-After`` honoured up to 30 s,
    past that :class:`~verifiedfan.errors.RateLimitedError`), ``max_connections``, ``hooks`` (tracing,
    metrics: every call carries a ``route`` label such as ``/v1/me/tracks``) and ``transport``
    (async default: :class:`~verifiedfan.http.AiohttpTransport`; ``httpx.AsyncHTTPTransport()`` for
    proxies or HTTP/2). ``page_size`` (1-50) is the page size of every paged read;
    ``page_concurrency`` pages of one list are fetched at once. ``limiter=`` (opt-in, e.g. an
    :class:`~verifiedfan.http.AdaptiveLimiter` shared by every client of the app, or
    ``VF_SPOTIFY_RATE_LIMIT_ADAPTIVE=true``) paces every request to the app's rate limit, learnt
    from Spotify's 429 ``Retry-After`` over its rolling 30-second window. One client per event loop.
    """

    service_name = "spotify"
    settings_class = SpotifySettings
    default_retry = RetryPolicy(retry_after_cap=30.0)

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
        limiter: RequestLimiter | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        check_config(
            client_id=client_id,
            client_secret=client_secret,
            api_url=api_url,
            accounts_url=accounts_url,
            page_size=page_size,
        )
        check_limit(page_concurrency, "page_concurrency")
        super().__init__(
            base_url=api_url,
            http=http,
            transport=transport,
            hooks=hooks,
            retry=retry,
            timeouts=timeouts,
            limits=Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
            limiter=limiter,
        )
        self.client_id = client_id
        self.accounts_url = accounts_url.rstrip("/")
        self._basic = basic_authorization(client_id, client_secret, oauth_client=True)
        self._token_url = f"{accounts_url.rstrip('/')}/api/token"
        self._page = page_size
        self._page_concurrency = page_concurrency
        self._clock = clock
        self.tokens = UserTokens(
            self._refresh, service_name=self.service_name, refresh_before=refresh_before, clock=clock
        )
        # catalog reads without a user: the app's own client-credentials token
        self._app_auth = OAuth2ClientCredentials(
            token_url=self._token_url, client_id=client_id, client_secret=client_secret, http=self.http
        )

    @classmethod
    def settings_kwargs(cls, settings: ApiSettings) -> dict[str, Any]:
        if not isinstance(settings, SpotifySettings):
            raise ConfigurationError("Spotify.from_settings needs SpotifySettings (VF_SPOTIFY_*)")
        return {
            "client_id": settings.client_id,
            "client_secret": settings.client_secret.get_secret_value(),
            "api_url": settings.resolved_base_url(),
            "accounts_url": settings.accounts_url,
            "retry": settings.retry_policy(),
            "timeouts": settings.timeouts(),
            "limiter": cls.limiter_from_settings(settings),
            "max_connections": settings.max_connections,
            "page_concurrency": settings.page_concurrency,
        }

    # unasync: async-only
    def _default_transport(self, limits: Limits) -> httpx.AsyncBaseTransport | None:
        return AiohttpTransport(limits=limits)

    # unasync: end

    def __repr__(self) -> str:
        return f"{type(self).__name__}(client_id={self.client_id!r}, api_url={self.base_url!r})"

    # -- plumbing ---------------------------------------------------------------------------------
    async def _refresh(self, refresh_token: str) -> UserToken:
        started = self._clock()
        try:
            body = await self._call_json(
                "POST",
                "/api/token",
                url=self._token_url,
                data={"grant_type": "refresh_token", "refresh_token": refresh_token},
                headers={"authorization": self._basic},
                auth=None,
                retry_non_idempotent=True,
            )
        except RateLimitedError:
            raise
        except ClientError as exc:
            raise refresh_failed(exc) from exc
        return token_from_answer(body, refresh_token, started)

    # -- sign-in (authorization code with PKCE) ----------------------------------------------------
    def authorization_url(
        self,
        redirect_uri: str,
        *,
        scopes: Iterable[str] = LISTENING_SCOPES,
        state: str | None = None,
        code_verifier: str | None = None,
        show_dialog: bool = False,
    ) -> AuthorizationRequest:
        """Where to send the user to sign in (``GET /authorize`` with ``response_type=code`` and a
        PKCE S256 challenge). A fresh unguessable ``state`` and ``code_verifier`` are made unless
        given; keep both server side until the callback (:func:`~verifiedfan.music.read_callback`
        checks the state, :meth:`exchange_code` sends the verifier). No I/O."""
        return build_authorization_url(
            self.accounts_url,
            self.client_id,
            redirect_uri,
            scopes=scopes,
            state=state,
            code_verifier=code_verifier,
            show_dialog=show_dialog,
        )

    async def exchange_code(
        self, code: str, redirect_uri: str, code_verifier: str | None = None
    ) -> UserToken:
        """The user's tokens for the code of the OAuth callback (``POST /api/token``,
        ``grant_type=authorization_code``, this client authenticated by its secret, plus the PKCE
        ``code_verifier`` when the authorization URL carried a challenge). ``redirect_uri`` must be
        the one of the authorization URL. A used, expired or foreign code, or a wrong verifier,
        raises :class:`~verifiedfan.music.AuthorizationCodeError`. Never retried once sent: a code
        is single use, so a replay could only fail."""
        check_code_arguments(code, redirect_uri, code_verifier)
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        if code_verifier is not None:
            form["code_verifier"] = code_verifier
        self._log("exchange_code")
        started = self._clock()
        try:
            body = await self._call_json(
                "POST",
                "/api/token",
                url=self._token_url,
                data=form,
                headers={"authorization": self._basic},
                auth=None,
            )
        except ClientError as exc:
            refused = authorization_code_failed(exc)
            if refused is None:
                raise
            raise refused from exc
        return token_from_answer(body, refresh_token_of(body), started)

    # -- endpoints --------------------------------------------------------------------------------
    async def get_user(self, token: TokenLike) -> MusicUser:
        """The user's profile (``GET /v1/me``)."""
        tok = check_token(token)
        self._log("get_user")
        return wire.spotify_user(
            await self._call_decoded(wire.USER, "GET", "/v1/me", auth=self.tokens.auth(tok))
        )

    async def _saved(self, tok: UserToken, limit: int | None) -> tuple[tuple[Track, ...], int]:
        # market=from_token: Spotify leaves out available_markets, about half of each page
        params = {"market": "from_token"}
        items, total = await self._offset_list(tok, "/v1/me/tracks", limit, params, wire.SAVED_PAGE)
        return wire.spotify_saved(items), total

    async def get_saved_tracks(self, token: TokenLike, *, limit: int | None = None) -> tuple[Track, ...]:
        """The user's saved tracks, newest first: all of them, or the first ``limit``."""
        check_limit(limit)
        tok = check_token(token)
        self._log("get_saved_tracks", limit=limit)
        return (await self._saved(tok, limit))[0]

    async def _top(self, tok: UserToken, kind: str, time_range: str, limit: int) -> list[Any]:
        check_limit(limit)
        check_time_range(time_range)
        return (await self._offset_list(tok, f"/v1/me/top/{kind}", limit, {"time_range": time_range}))[0]

    async def get_top_artists(
        self, token: TokenLike, *, time_range: TimeRange = "medium_term", limit: int = 20
    ) -> tuple[Artist, ...]:
        """The user's top artists, ranked (``rank`` 1 first)."""
        tok = check_token(token)
        self._log("get_top_artists", limit=limit, time_range=time_range)
        check_limit(limit)
        check_time_range(time_range)
        params = {"time_range": time_range}
        items, _ = await self._offset_list(tok, "/v1/me/top/artists", limit, params, wire.ARTIST_PAGE)
        return tuple(wire.spotify_artist(a, rank=i) for i, a in enumerate(items, start=1))

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
        pager = CursorPager(
            items="artists.items",
            cursor="artists.cursors.after",
            cursor_param="after",
            has_more="artists.next",
            page_size=self._page,
            params={"type": "artist"},
            limit=limit,
        )
        return tuple(
            [parse.spotify_artist(a) async for a in self._aiter(FOLLOWING, pager, auth=self.tokens.auth(tok))]
        )

    async def get_recently_played(self, token: TokenLike, *, limit: int = 50) -> tuple[Track, ...]:
        """The user's recently played tracks, newest first (Spotify keeps at most 50)."""
        check_limit(limit)
        tok = check_token(token)
        self._log("get_recently_played", limit=limit)
        body = await self._call_json(
            "GET", RECENT, params={"limit": min(limit, MAX_PAGE)}, auth=self.tokens.auth(tok)
        )
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
        """Everything :func:`~verifiedfan.music.verify_fan` reads: the profile, top artists, all saved
        tracks (or ``saved_tracks_limit``), and optionally top tracks, followed artists and recently
        played tracks (fetched concurrently by the async client, in turn by the sync one)."""
        check_limit(saved_tracks_limit, "saved_tracks_limit")
        check_limit(top_limit, "top_limit")
        check_time_range(time_range)
        tok = await self.tokens.fresh(check_token(token))  # refresh once up front, not in every request
        self._log("get_fan_engagement")

        optional: tuple[tuple[bool, Callable[[], Any]], ...] = (
            (top_tracks, lambda: self.get_top_tracks(tok, time_range=time_range, limit=top_limit)),
            (followed_artists, lambda: self.get_followed_artists(tok)),
            (recently_played, lambda: self.get_recently_played(tok)),
        )
        # the reads not asked for are not scheduled at all (a task each, on every fan's path)
        results = iter(
            await async_gather(
                lambda: self.get_user(tok),
                lambda: self.get_top_artists(tok, time_range=time_range, limit=top_limit),
                lambda: self._saved(tok, saved_tracks_limit),
                *(call for wanted, call in optional if wanted),
            )
        )
        user, top, (saved, total) = next(results), next(results), next(results)
        tops, followed, recent = (next(results) if wanted else () for wanted, _ in optional)
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
