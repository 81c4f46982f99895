"""Spotify reads beyond a user's listening: the catalog (artists, albums, tracks, search) and
playlists. A base of :class:`~verifiedfan.music.Spotify`, which supplies the tokens and settings.

This module is the async source; ``_spotify_reads_sync.py`` is generated from it by
``scripts/unasync.py``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from typing import Any

from verifiedfan.http import ApiClient, OAuth2ClientCredentials, OffsetPager, UserToken, UserTokens
from verifiedfan.music import _catalog as catalog
from verifiedfan.music import _parse as parse
from verifiedfan.music._client import TokenLike, check_limit, check_token
from verifiedfan.music._models import Album, Artist, Playlist, SearchResults, Track
from verifiedfan.music._spotify_core import MAX_PAGE

__all__ = ["SpotifyReads"]


def _items(page: Any) -> Any:
    return page.items


def _total(page: Any) -> Any:
    return page.total


class SpotifyReads(ApiClient):
    """Catalog and playlist reads of :class:`~verifiedfan.music.Spotify` (set up by its constructor)."""

    tokens: UserTokens
    _app_auth: OAuth2ClientCredentials
    _page: int
    _page_concurrency: int

    async def _offset_list(
        self,
        tok: UserToken,
        route: str,
        limit: int | None,
        params: dict[str, Any] | None = None,
        decode: Callable[[bytes], Any] | None = None,
    ) -> tuple[list[Any], int]:
        if decode is None:
            pager = OffsetPager(page_size=self._page, limit=limit)
        else:  # a typed page (music/_wire.py)
            pager = OffsetPager(items=_items, total=_total, page_size=self._page, limit=limit)
        items: list[Any] = []
        pages = self._aiter_pages(
            route,
            pager,
            concurrency=self._page_concurrency,
            params=params,
            decode=decode,
            auth=self.tokens.auth(tok),
        )
        async for page in pages:
            items.extend(page)
        return items, pager.total if pager.total is not None else len(items)

    # -- catalog ----------------------------------------------------------------------------------
    def _catalog_auth(self, token: TokenLike | None) -> Any:
        return self._app_auth if token is None else self.tokens.auth(check_token(token))

    async def get_artist(self, artist_id: str, *, token: TokenLike | None = None) -> Artist:
        """A catalog artist (``GET /v1/artists/{id}``) with its genres, popularity, followers and
        images. Catalog reads use the app's client-credentials token unless a user ``token`` is
        given. An unknown id raises :class:`~verifiedfan.errors.NotFoundError`."""
        catalog.check_spotify_id(artist_id, "artist")
        auth = self._catalog_auth(token)
        body = await self._call_json("GET", "/v1/artists/{id}", path={"id": artist_id}, auth=auth)
        return catalog.spotify_catalog_artist(body)

    async def get_artists(
        self, artist_ids: Sequence[str], *, token: TokenLike | None = None
    ) -> tuple[Artist | None, ...]:
        """Several catalog artists in one call (``GET /v1/artists?ids=``, at most 50 ids), in the
        order asked; ``None`` where Spotify knows no such artist (it answers ``null``)."""
        ids = catalog.check_ids(
            artist_ids, catalog.SPOTIFY_MAX_ARTIST_IDS, catalog.check_spotify_id, "artist"
        )
        auth = self._catalog_auth(token)
        body = await self._call_json("GET", "/v1/artists", params={"ids": ",".join(ids)}, auth=auth)
        found = parse.items_of(body, "artists", "spotify /v1/artists")
        return tuple(None if a is None else catalog.spotify_catalog_artist(a) for a in found)

    async def get_album(
        self, album_id: str, *, market: str | None = None, token: TokenLike | None = None
    ) -> Album:
        """A catalog album (``GET /v1/albums/{id}``) with its artists and its first page of tracks."""
        catalog.check_spotify_id(album_id, "album")
        params = {"market": market} if market else None
        auth = self._catalog_auth(token)
        body = await self._call_json(
            "GET", "/v1/albums/{id}", path={"id": album_id}, params=params, auth=auth
        )
        return catalog.spotify_album(body)

    async def get_track(
        self, track_id: str, *, market: str | None = None, token: TokenLike | None = None
    ) -> Track:
        """A catalog track (``GET /v1/tracks/{id}``): artists, album, ISRC, duration."""
        catalog.check_spotify_id(track_id, "track")
        params = {"market": market} if market else None
        auth = self._catalog_auth(token)
        body = await self._call_json(
            "GET", "/v1/tracks/{id}", path={"id": track_id}, params=params, auth=auth
        )
        return parse.spotify_track(body)

    async def search(
        self,
        query: str,
        *,
        types: Iterable[catalog.SearchType] = ("track",),
        limit: int = 20,
        offset: int = 0,
        market: str | None = None,
        token: TokenLike | None = None,
    ) -> SearchResults:
        """One page of a catalog search (``GET /v1/search``) per type asked (``"artist"``,
        ``"album"``, ``"track"``): ``limit`` 1-50 from ``offset``; Spotify serves the first 1,000
        results of a search (``offset + limit`` at most 1,000). Each page says its ``total`` and
        ``next_offset``; :meth:`aiter_search` walks the pages."""
        kinds = catalog.check_search(
            query, types, limit, offset, max_limit=MAX_PAGE, max_total=catalog.SPOTIFY_MAX_SEARCH
        )
        params: dict[str, Any] = {"q": query, "type": ",".join(kinds), "limit": limit, "offset": offset}
        if market:
            params["market"] = market
        auth = self._catalog_auth(token)
        body = await self._call_json("GET", "/v1/search", params=params, auth=auth)
        return catalog.spotify_search(body, query, kinds)

    async def aiter_search(
        self,
        query: str,
        kind: catalog.SearchType = "track",
        *,
        limit: int | None = None,
        market: str | None = None,
        token: TokenLike | None = None,
    ) -> AsyncIterator[Artist | Album | Track]:
        """Every result of one type of a search, page after page (``page_size`` per page), up to
        ``limit`` or Spotify's 1,000-result window."""
        check_limit(limit)
        cap = min(limit or catalog.SPOTIFY_MAX_SEARCH, catalog.SPOTIFY_MAX_SEARCH)
        offset = 0
        while offset < cap:
            size = min(self._page, cap - offset)
            results = await self.search(
                query, types=(kind,), limit=size, offset=offset, market=market, token=token
            )
            page = getattr(results, f"{kind}s")
            for item in page.items:
                yield item
            if page.next_offset is None or not page.items:
                return
            offset = page.next_offset

    # -- playlists --------------------------------------------------------------------------------
    async def get_playlist(
        self, playlist_id: str, *, market: str | None = None, token: TokenLike | None = None
    ) -> Playlist:
        """A playlist (``GET /v1/playlists/{id}``) with its first page of tracks (up to 100) and its
        ``total_tracks``; :meth:`aiter_playlist_tracks` reads them all. A private playlist needs its
        owner's ``token`` (otherwise :class:`~verifiedfan.errors.NotFoundError`, as Spotify answers)."""
        catalog.check_spotify_id(playlist_id, "playlist")
        params = {"market": market} if market else None
        auth = self._catalog_auth(token)
        body = await self._call_json(
            "GET", "/v1/playlists/{id}", path={"id": playlist_id}, params=params, auth=auth
        )
        return catalog.spotify_playlist(body)

    async def aiter_playlist_tracks(
        self,
        playlist_id: str,
        *,
        limit: int | None = None,
        market: str | None = None,
        token: TokenLike | None = None,
    ) -> AsyncIterator[Track]:
        """Every track of a playlist, in playlist order, with ``added_at`` (``GET
        /v1/playlists/{id}/tracks``, 100 a page); tracks no longer available are skipped."""
        catalog.check_spotify_id(playlist_id, "playlist")
        check_limit(limit)
        pager = OffsetPager(
            page_size=catalog.PLAYLIST_PAGE, limit=limit, params={"market": market} if market else None
        )
        pages = self._aiter_pages(
            "/v1/playlists/{id}/tracks", pager, path={"id": playlist_id}, auth=self._catalog_auth(token)
        )
        async for page in pages:
            for track in catalog.spotify_playlist_tracks(page):
                yield track

    async def get_user_playlists(self, token: TokenLike, *, limit: int | None = None) -> tuple[Playlist, ...]:
        """The playlists the user owns or follows (``GET /v1/me/playlists``), without their tracks."""
        check_limit(limit)
        tok = check_token(token)
        self._log("get_user_playlists", limit=limit)
        items, _ = await self._offset_list(tok, "/v1/me/playlists", limit)
        return tuple(catalog.spotify_playlist(p) for p in items)
