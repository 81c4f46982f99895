"""Platform-neutral music models: what both the Spotify and the Apple Music clients return.

A service reads a :class:`FanEngagement` the same way whichever platform it came from, so it never
branches on the platform. Every model is a small frozen dataclass.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from verifiedfan.http import UserToken

__all__ = ["Artist", "FanEngagement", "MusicUser", "Platform", "Track", "UserToken"]

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
    artists, heavy rotation), ``None`` otherwise."""

    id: str
    name: str
    platform: Platform
    rank: int | None = None
    genres: tuple[str, ...] = ()


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
