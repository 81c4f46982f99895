# Generated from src/verifiedfan/music/_apple.py by scripts/unasync.py: do not edit.
# Change the async source, then run `python scripts/unasync.py`.
"""The Apple Music API client: a user's library, heavy rotation and recently played tracks, and the
catalog of a storefront (artists, albums, songs, search).

Two tokens: the developer token, an ES256 JWT we sign (:class:`SyncDeveloperToken`, a
:class:`~verifiedfan.http.SyncSignedJwt`: minted once, cached, renewed before it expires, re-minted once
after a 401), and the user's Music-User-Token, sent per call in a header the HTTP core redacts.
Apple answers 401 for a developer-token problem and 403 for a user-token problem; the error map
turns them into :class:`AppleDeveloperTokenError` and :class:`AppleUserTokenError`.

This module is the async source; ``_apple_sync.py`` (``SyncAppleMusic``) is generated from it by
``scripts/unasync.py``.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import httpx

from verifiedfan.errors import ConfigurationError, ResponseFormatError, VFError
from verifiedfan.http import (
    ApiSettings,
    ErrorMap,
    HttpHook,
    Limits,
    OffsetPager,
    RetryPolicy,
    SyncApiClient,
    SyncHttpClient,
    SyncRequestLimiter,
    SyncSignedJwt,
    Timeouts,
)
from verifiedfan.http._api._concurrency import gather
from verifiedfan.music import _catalog as catalog
from verifiedfan.music import _parse as parse
from verifiedfan.music import _wire as wire
from verifiedfan.music._client import TokenLike, check_limit, check_token
from verifiedfan.music._errors import AppleDeveloperTokenError, AppleUserTokenError
from verifiedfan.music._models import Album, Artist, FanEngagement, MusicUser, SearchResults, Track
from verifiedfan.music._settings import AppleMusicSettings

# isort: split

__all__ = ["SyncAppleMusic", "SyncDeveloperToken"]

_HEADER = "music-user-token"


def _data(page: Any) -> Any:
    return page.data


def _total(page: Any) -> Any:
    return page.meta.total if page.meta is not None else None


def _next(page: Any) -> Any:
    return page.next


class SyncDeveloperToken(SyncSignedJwt):
    """The Apple Music developer token: an ES256 JWT (``kid`` header, ``iss`` = team id, ``iat``,
    ``exp``) signed by :class:`verifiedfan.jwt.Signer` (the ``jwt`` extra), cached, and renewed
    ``renew_before`` seconds before it expires. A bad key fails at construction."""

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
            raise ConfigurationError("SyncAppleMusic needs team_id, key_id and private_key")
        if ttl <= renew_before or ttl > 15_777_000:
            raise ConfigurationError(
                "the developer token ttl must exceed renew_before and be at most 6 months"
            )
        from verifiedfan.jwt import Signer  # the jwt extra, needed only by Apple Music

        try:
            signer = Signer(
                private_key=private_key,
                issuer=team_id,
                algorithm="ES256",
                expires_in=ttl,
                key_id=key_id,
                clock=clock,
            )
        except (VFError, ValueError, TypeError) as exc:  # a malformed key: never show it
            raise ConfigurationError(
                f"cannot sign the Apple Music developer token: {type(exc).__name__}"
            ) from None
        self._team_id, self._key_id = team_id, key_id
        super().__init__(signer, renew_before=renew_before, clock=clock)

    def __repr__(self) -> str:
        return f"SyncDeveloperToken(team_id={self._team_id!r}, key_id={self._key_id!r})"


class SyncAppleMusic(SyncApiClient):
    """Apple Music client. ``token`` arguments are the user's Music-User-Token (a string or a
    :class:`UserToken`; Apple user tokens cannot be refreshed by a server). The other arguments are
    those of :class:`~verifiedfan.music.SyncSpotify`."""

    service_name = "apple_music"
    settings_class = AppleMusicSettings
    default_retry = RetryPolicy(retry_after_cap=30.0)
    error_map = ErrorMap(
        {
            401: (AppleDeveloperTokenError, "the developer token was rejected (401)"),
            403: (AppleUserTokenError, "the Music-User-Token was rejected (403)"),
        }
    )

    def __init__(
        self,
        *,
        team_id: str,
        key_id: str,
        private_key: str,
        api_url: str = "https://api.music.apple.com",
        http: SyncHttpClient | None = None,
        transport: httpx.BaseTransport | None = None,
        hooks: Sequence[HttpHook] = (),
        retry: RetryPolicy | None = None,
        timeouts: Timeouts | None = None,
        max_connections: int = 128,
        page_concurrency: int = 8,
        developer_token_ttl: float = 12 * 3600,
        limiter: SyncRequestLimiter | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not api_url.startswith(("http://", "https://")):
            raise ConfigurationError(f"SyncAppleMusic api_url must be an http(s) URL, got {api_url!r}")
        check_limit(page_concurrency, "page_concurrency")
        self.developer_token = SyncDeveloperToken(
            team_id=team_id, key_id=key_id, private_key=private_key, ttl=developer_token_ttl, clock=clock
        )
        super().__init__(
            base_url=api_url,
            auth=self.developer_token,
            http=http,
            transport=transport,
            hooks=hooks,
            retry=retry,
            timeouts=timeouts,
            limits=Limits(max_connections=max_connections, max_keepalive_connections=max_connections),
            limiter=limiter,
        )
        self._page_concurrency = page_concurrency

    @classmethod
    def settings_kwargs(cls, settings: ApiSettings) -> dict[str, Any]:
        if not isinstance(settings, AppleMusicSettings):
            raise ConfigurationError(
                "SyncAppleMusic.from_settings needs AppleMusicSettings (VF_APPLE_MUSIC_*)"
            )
        return {
            "team_id": settings.team_id,
            "key_id": settings.key_id,
            "private_key": settings.private_key.get_secret_value(),
            "api_url": settings.resolved_base_url(),
            "retry": settings.retry_policy(),
            "timeouts": settings.timeouts(),
            "limiter": cls.limiter_from_settings(settings),
            "max_connections": settings.max_connections,
            "page_concurrency": settings.page_concurrency,
            "developer_token_ttl": settings.developer_token_ttl,
        }

    # -- plumbing ---------------------------------------------------------------------------------
    def _list(
        self,
        user_token: str,
        route: str,
        *,
        limit: int | None,
        page_size: int,
        extra: dict[str, Any] | None = None,
        decode: Callable[[bytes], Any] | None = None,
    ) -> tuple[list[Any], int]:
        if decode is None:
            pager = OffsetPager(
                items="data", total="meta.total", next_link="next", page_size=page_size, limit=limit
            )
        else:  # a typed page (music/_wire.py)
            pager = OffsetPager(items=_data, total=_total, next_link=_next, page_size=page_size, limit=limit)
        items: list[Any] = []
        pages = self._iter_pages(
            route,
            pager,
            concurrency=self._page_concurrency,
            params=extra,
            decode=decode,
            headers={_HEADER: user_token},
        )
        for page in pages:
            items.extend(page)
        return items, pager.total if pager.total is not None else len(items)

    # -- endpoints --------------------------------------------------------------------------------
    def get_user(self, token: TokenLike) -> MusicUser:
        """The user, from their storefront. Apple has no user id: ``id`` is an opaque hash of the
        user token, stable for as long as that token is."""
        mut = check_token(token).access_token
        self._log("get_user")
        body = self._call_decoded(wire.STOREFRONT, "GET", "/v1/me/storefront", headers={_HEADER: mut})
        if not body.data:
            raise ResponseFormatError("apple_music /v1/me/storefront: no storefront in the answer")
        storefront = body.data[0].id
        opaque = hashlib.sha256(mut.encode()).hexdigest()[:24]
        return MusicUser(id=f"apple:{opaque}", platform="apple_music", country=storefront.upper())

    def _songs(self, mut: str, limit: int | None) -> tuple[tuple[Track, ...], int]:
        items, total = self._list(
            mut, "/v1/me/library/songs", limit=limit, page_size=100, decode=wire.SONG_PAGE
        )
        return tuple(wire.apple_song(i) for i in items), total

    def get_library_songs(self, token: TokenLike, *, limit: int | None = None) -> tuple[Track, ...]:
        """The songs in the user's library: all of them, or the first ``limit``."""
        check_limit(limit)
        mut = check_token(token).access_token
        self._log("get_library_songs", limit=limit)
        return (self._songs(mut, limit))[0]

    def get_library_artists(self, token: TokenLike, *, limit: int | None = None) -> tuple[Artist, ...]:
        """The artists in the user's library (ids are catalog ids when Apple links them)."""
        check_limit(limit)
        mut = check_token(token).access_token
        self._log("get_library_artists", limit=limit)
        items, _ = self._list(
            mut,
            "/v1/me/library/artists",
            limit=limit,
            page_size=100,
            extra={"include": "catalog"},
            decode=wire.LIBRARY_ARTIST_PAGE,
        )
        return tuple(wire.apple_artist(i) for i in items)

    def get_heavy_rotation(self, token: TokenLike, *, limit: int = 20) -> tuple[Artist, ...]:
        """The artists of the user's heavy rotation (albums and playlists), ranked by first
        appearance: Apple's closest equivalent of SyncSpotify's top artists."""
        check_limit(limit)
        mut = check_token(token).access_token
        self._log("get_heavy_rotation", limit=limit)
        items, _ = self._list(mut, "/v1/me/history/heavy-rotation", limit=limit, page_size=10)
        return tuple(parse.apple_rotation_artists(items))

    def get_recently_played(self, token: TokenLike, *, limit: int = 30) -> tuple[Track, ...]:
        """The user's recently played songs, newest first."""
        check_limit(limit)
        mut = check_token(token).access_token
        self._log("get_recently_played", limit=limit)
        items, _ = self._list(
            mut, "/v1/me/recent/played/tracks", limit=limit, page_size=30, decode=wire.SONG_PAGE
        )
        return tuple(wire.apple_song(i) for i in items)

    # -- catalog (the developer token alone) ------------------------------------------------------
    def _catalog(self, route: str, storefront: str, **options: Any) -> Any:
        path = {"storefront": catalog.check_storefront(storefront), **options.pop("path", {})}
        return self._call_json("GET", route, path=path, **options)

    def get_artist(self, storefront: str, artist_id: str) -> Artist:
        """A catalog artist of a storefront (``GET /v1/catalog/{storefront}/artists/{id}``); an
        unknown id raises :class:`~verifiedfan.errors.NotFoundError`."""
        catalog.check_apple_id(artist_id, "artist")
        body = self._catalog("/v1/catalog/{storefront}/artists/{id}", storefront, path={"id": artist_id})
        return catalog.apple_catalog_artist(parse.items_of(body, "data", "apple_music artists")[0])

    def get_artists(self, storefront: str, artist_ids: Sequence[str]) -> tuple[Artist | None, ...]:
        """Several catalog artists in one call (``?ids=``, at most 25), in the order asked; ``None``
        for an id Apple does not know (it leaves such ids out of its answer)."""
        ids = catalog.check_ids(artist_ids, catalog.APPLE_MAX_IDS, catalog.check_apple_id, "artist")
        body = self._catalog("/v1/catalog/{storefront}/artists", storefront, params={"ids": ",".join(ids)})
        found = {
            a.id: a for a in map(catalog.apple_catalog_artist, parse.items_of(body, "data", "apple_music"))
        }
        return tuple(found.get(i) for i in ids)

    def get_album(self, storefront: str, album_id: str) -> Album:
        """A catalog album with its artists and tracks (``GET /v1/catalog/{storefront}/albums/{id}``)."""
        catalog.check_apple_id(album_id, "album")
        body = self._catalog("/v1/catalog/{storefront}/albums/{id}", storefront, path={"id": album_id})
        return catalog.apple_album(parse.items_of(body, "data", "apple_music albums")[0])

    def get_song(self, storefront: str, song_id: str) -> Track:
        """A catalog song (``GET /v1/catalog/{storefront}/songs/{id}``): artist, album, ISRC, duration."""
        catalog.check_apple_id(song_id, "song")
        body = self._catalog("/v1/catalog/{storefront}/songs/{id}", storefront, path={"id": song_id})
        return parse.apple_song(parse.items_of(body, "data", "apple_music songs")[0])

    def search(
        self,
        storefront: str,
        term: str,
        *,
        types: Iterable[catalog.SearchType] = ("track",),
        limit: int = 25,
        offset: int = 0,
    ) -> SearchResults:
        """One page of a catalog search (``GET /v1/catalog/{storefront}/search``) per type asked
        (``"artist"``, ``"album"``, ``"track"`` = Apple's songs), ``limit`` 1-25 from ``offset``.
        Apple gives no totals: a page's ``total`` is ``None``, its ``next_offset`` says whether more
        follow."""
        kinds = catalog.check_search(
            term, types, limit, offset, max_limit=catalog.APPLE_MAX_SEARCH_LIMIT, max_total=None
        )
        params = {
            "term": term,
            "types": ",".join(catalog.APPLE_SEARCH_TYPES[k] for k in kinds),
            "limit": limit,
            "offset": offset,
        }
        body = self._catalog("/v1/catalog/{storefront}/search", storefront, params=params)
        return catalog.apple_search(body, term, kinds, offset, limit)

    def iter_search(
        self, storefront: str, term: str, kind: catalog.SearchType = "track", *, limit: int | None = None
    ) -> Iterator[Artist | Album | Track]:
        """Every result of one type of a catalog search, page after page (25 a page), up to ``limit``."""
        check_limit(limit)
        offset, seen = 0, 0
        while limit is None or seen < limit:
            size = catalog.APPLE_MAX_SEARCH_LIMIT if limit is None else min(25, limit - seen)
            page = getattr(
                self.search(storefront, term, types=(kind,), limit=size, offset=offset), f"{kind}s"
            )
            for item in page.items:
                yield item
            seen += len(page.items)
            if page.next_offset is None or not page.items:
                return
            offset = page.next_offset

    def get_fan_engagement(
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
        library artists (as followed artists) and recently played songs (fetched concurrently by the
        async client). Apple Music has no top tracks: ``top_tracks`` is accepted for symmetry and
        ignored."""
        check_limit(saved_tracks_limit, "saved_tracks_limit")
        check_limit(top_limit, "top_limit")
        mut = check_token(token).access_token
        self._log("get_fan_engagement")

        def nothing() -> tuple[Any, ...]:
            return ()

        user, top, (songs, total), followed, recent = gather(
            lambda: self.get_user(mut),
            lambda: self.get_heavy_rotation(mut, limit=top_limit),
            lambda: self._songs(mut, saved_tracks_limit),
            (lambda: self.get_library_artists(mut)) if followed_artists else nothing,
            (lambda: self.get_recently_played(mut)) if recently_played else nothing,
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
