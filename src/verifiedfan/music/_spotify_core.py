"""The non-I/O half of the Spotify clients (async and generated sync): checks, constants and the
parsing of the accounts service's and the Web API's answers."""

from __future__ import annotations

from typing import Any, Literal

from verifiedfan.errors import ClientError, ConfigurationError, ResponseFormatError, ValidationError
from verifiedfan.http import UserToken, field, items_of
from verifiedfan.music import _parse as parse
from verifiedfan.music._errors import TokenRefreshError
from verifiedfan.music._models import Track

__all__ = [
    "FOLLOWING",
    "MAX_PAGE",
    "RECENT",
    "TIME_RANGES",
    "TimeRange",
    "check_config",
    "check_time_range",
    "recent_tracks",
    "refresh_failed",
    "saved_tracks",
    "token_from_answer",
]

TimeRange = Literal["short_term", "medium_term", "long_term"]
TIME_RANGES = ("short_term", "medium_term", "long_term")
MAX_PAGE = 50  # Spotify's maximum page size
FOLLOWING = "/v1/me/following"
RECENT = "/v1/me/player/recently-played"


def check_config(
    *, client_id: str, client_secret: str, api_url: str, accounts_url: str, page_size: int
) -> None:
    """Refuse a client that could never work, at construction."""
    if not client_id or not client_secret:
        raise ConfigurationError("Spotify needs a client_id and a client_secret")
    for name, url in (("api_url", api_url), ("accounts_url", accounts_url)):
        if not url.startswith(("http://", "https://")):
            raise ConfigurationError(f"Spotify {name} must be an http(s) URL, got {url!r}")
    if not 1 <= page_size <= MAX_PAGE:
        raise ConfigurationError(f"Spotify page_size must be between 1 and {MAX_PAGE}")


def refresh_failed(exc: ClientError) -> TokenRefreshError:
    return TokenRefreshError(
        "spotify: the refresh token was rejected (revoked or invalid); the user must sign in again",
        status=exc.status_code,
    )


def token_from_answer(body: Any, refresh_token: str, started: float) -> UserToken:
    """The token of an accounts-service answer; keeps the old refresh token unless rotated."""
    access = field(body, "access_token", str, "spotify /api/token")
    expires_in = body.get("expires_in", 3600)
    if not isinstance(expires_in, int | float) or isinstance(expires_in, bool):
        raise ResponseFormatError("spotify /api/token: expires_in is not a number")
    rotated = body.get("refresh_token")
    return UserToken(
        access_token=access,
        refresh_token=rotated if isinstance(rotated, str) and rotated else refresh_token,
        expires_at=started + float(expires_in),
    )


def check_time_range(time_range: str) -> None:
    if time_range not in TIME_RANGES:
        raise ValidationError(f"time_range must be one of {TIME_RANGES}, got {time_range!r}")


def saved_tracks(items: list[Any]) -> tuple[Track, ...]:
    tracks = []
    for item in items:
        track = field(item, "track", dict, "spotify /v1/me/tracks")
        tracks.append(parse.spotify_track(track, added_at=item.get("added_at")))
    return tuple(tracks)


def recent_tracks(body: Any) -> tuple[Track, ...]:
    items = items_of(body, "items", f"spotify {RECENT}")
    return tuple(
        parse.spotify_track(field(i, "track", dict, f"spotify {RECENT}"), played_at=i.get("played_at"))
        for i in items
    )
