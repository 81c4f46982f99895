"""Platform-neutral music models: what both the Spotify and the Apple Music clients return.

A service reads a :class:`FanEngagement` the same way whichever platform it came from, so it never
branches on the platform. Every model is a small frozen dataclass.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Generic, Literal, TypeVar

from verifiedfan.http import UserToken

__all__ = [
    "Album",
    "Artist",
    "FanEngagement",
    "MusicUser",
    "Platform",
    "Playlist",
    "SearchPage",
    "SearchResults",
    "Track",
    "UserToken",
]

Platform = Literal["spotify", "apple_music"]


@dataclass(frozen=True, slots=True)
class MusicUser:
    """A user of a music platform.

    ``id`` is the platform's user id (Spotify) or, for Apple Music which has no user id, an opaque
    id derived from the storefront and the user token. ``country`` is an ISO 3166-1 alpha-2 code.
    """

    id: str
    platform: Platform
    display_name: str | None = None
    email: str | None = None
    country: str | None = None
    product: str | None = None
    image_urls: tuple[str, ...] = ()
    account_id: str | None = None


@dataclass(frozen=True, slots=True)
class Artist:
    """An artist. ``rank`` is the 1-based position when the artist comes from a ranking (top
    artists, heavy rotation), ``None`` otherwise. A catalog read also fills ``popularity`` (Spotify,
    0-100), ``followers`` (Spotify) and ``image_urls`` (widest first) when the platform gives them."""

    id: str
    name: str
    platform: Platform
    rank: int | None = None
    genres: tuple[str, ...] = ()
    popularity: int | None = None
    followers: int | None = None
    image_urls: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Track:
    """A track (a song). ``added_at`` is set for saved/library tracks, ``played_at`` for recently
    played ones, ``rank`` for top tracks."""

    id: str
    name: str
    artists: tuple[Artist, ...]
    platform: Platform
    album: str | None = None
    isrc: str | None = None
    duration_ms: int | None = None
    added_at: datetime | None = None
    played_at: datetime | None = None
    rank: int | None = None


@dataclass(frozen=True, slots=True)
class FanEngagement:
    """Everything the fan verification needs about one user, from one platform.

    ``saved_tracks_total`` is the platform's count of saved tracks, which can exceed
    ``len(saved_tracks)`` when the fetch was limited.
    """

    user: MusicUser
    platform: Platform
    top_artists: tuple[Artist, ...] = ()
    top_tracks: tuple[Track, ...] = ()
    saved_tracks: tuple[Track, ...] = ()
    saved_tracks_total: int = 0
    followed_artists: tuple[Artist, ...] = ()
    recently_played: tuple[Track, ...] = ()


@dataclass(frozen=True, slots=True)
class Album:
    """An album of a catalog. ``release_date`` is as the platform gives it (``"1981"``,
    ``"1981-12"`` or ``"1981-12-15"``); ``tracks`` are the album's tracks when the read included them
    (Spotify's first page of them, Apple's ``tracks`` relationship); ``upc`` is the barcode."""

    id: str
    name: str
    platform: Platform
    artists: tuple[Artist, ...] = ()
    release_date: str | None = None
    total_tracks: int | None = None
    label: str | None = None
    upc: str | None = None
    genres: tuple[str, ...] = ()
    image_urls: tuple[str, ...] = ()
    tracks: tuple[Track, ...] = ()


@dataclass(frozen=True, slots=True)
class Playlist:
    """A playlist. ``tracks`` are those the read included (a playlist read: its first page; a list
    of the user's playlists: none), ``total_tracks`` the platform's count; ``public`` is ``None``
    where the platform does not say."""

    id: str
    name: str
    platform: Platform
    owner_id: str | None = None
    owner_name: str | None = None
    description: str | None = None
    public: bool | None = None
    collaborative: bool = False
    total_tracks: int | None = None
    snapshot_id: str | None = None
    image_urls: tuple[str, ...] = ()
    tracks: tuple[Track, ...] = ()


T = TypeVar("T", Artist, Album, Track)


@dataclass(frozen=True, slots=True)
class SearchPage(Generic[T]):
    """One page of search results of one kind. ``total`` is the platform's count of matches
    (``None`` where it gives none: Apple Music); ``next_offset`` the offset of the next page,
    ``None`` on the last one."""

    items: tuple[T, ...]
    offset: int
    limit: int
    total: int | None = None
    next_offset: int | None = None


@dataclass(frozen=True, slots=True)
class SearchResults:
    """A catalog search: a page per kind asked for (``None`` for a kind not asked)."""

    query: str
    platform: Platform
    artists: SearchPage[Artist] | None = None
    albums: SearchPage[Album] | None = None
    tracks: SearchPage[Track] | None = None
