"""The non-I/O half of the Spotify clients (async and sync): configuration checks, request
parameters, answer parsing and error translation."""

from __future__ import annotations

import base64
from typing import Any, Literal

from verifiedfan.errors import ClientError, ConfigurationError, ResponseFormatError, ValidationError
from verifiedfan.music import _parse as parse
from verifiedfan.music._client import Page
from verifiedfan.music._errors import TokenRefreshError
from verifiedfan.music._models import Artist, Track, UserToken

__all__ = [
    "FOLLOWING",
    "MAX_PAGE",
    "RECENT",
    "TIME_RANGES",
    "SpotifyConfig",
    "TimeRange",
    "check_time_range",
    "followed_page",
    "offset_page",
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


class SpotifyConfig:
    """Validated client settings shared by both clients."""

    def __init__(
        self, *, client_id: str, client_secret: str, api_url: str, accounts_url: str, page_size: int
    ) -> None:
        if not client_id or not client_secret:
            raise ConfigurationError("Spotify needs a client_id and a client_secret")
        for name, url in (("api_url", api_url), ("accounts_url", accounts_url)):
            if not url.startswith(("http://", "https://")):
                raise ConfigurationError(f"Spotify {name} must be an http(s) URL, got {url!r}")
        if not 1 <= page_size <= MAX_PAGE:
            raise ConfigurationError(f"Spotify page_size must be between 1 and {MAX_PAGE}")
        self.client_id = client_id
        self.basic = "Basic " + base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
        self.api = api_url.rstrip("/")
        self.accounts = accounts_url.rstrip("/")
        self.page = page_size

    def token_request(self, refresh_token: str) -> dict[str, Any]:
        """Keyword arguments of the refresh-token POST for the HTTP core."""
        return {
            "data": {"grant_type": "refresh_token", "refresh_token": refresh_token},
            "headers": {"authorization": self.basic},
            "retry_non_idempotent": True,
            "route": "/api/token",
        }

    def followed_params(self, limit: int | None, have: int, after: str | None) -> dict[str, Any]:
        params: dict[str, Any] = {
            "type": "artist",
            "limit": self.page if limit is None else min(self.page, limit - have),
        }
        if after:
            params["after"] = after
        return params


def refresh_failed(exc: ClientError) -> TokenRefreshError:
    return TokenRefreshError(
        "spotify: the refresh token was rejected (revoked or invalid); the user must sign in again",
        status=exc.status_code,
    )


def token_from_answer(body: Any, refresh_token: str, started: float) -> UserToken:
    """The token of an accounts-service answer; keeps the old refresh token unless rotated."""
    access = parse.field(body, "access_token", str, "spotify /api/token")
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


def offset_page(body: Any, route: str) -> Page:
    where = f"spotify {route}"
    total = parse.field(body, "total", int, where)
    nxt = body.get("next")
    return parse.items_of(body, "items", where), total, nxt if isinstance(nxt, str) else None


def saved_tracks(items: list[Any]) -> tuple[Track, ...]:
    tracks = []
    for item in items:
        track = parse.field(item, "track", dict, "spotify /v1/me/tracks")
        tracks.append(parse.spotify_track(track, added_at=item.get("added_at")))
    return tuple(tracks)


def followed_page(body: Any) -> tuple[list[Artist], str | None]:
    """The artists of one cursor page and the cursor of the next page (``None`` at the end)."""
    page = parse.field(body, "artists", dict, f"spotify {FOLLOWING}")
    items = parse.items_of(page, "items", f"spotify {FOLLOWING}")
    cursors = page.get("cursors")
    after = cursors.get("after") if isinstance(cursors, dict) else None
    more = bool(items) and bool(page.get("next")) and isinstance(after, str)
    return [parse.spotify_artist(a) for a in items], after if more else None


def recent_tracks(body: Any) -> tuple[Track, ...]:
    items = parse.items_of(body, "items", f"spotify {RECENT}")
    return tuple(
        parse.spotify_track(parse.field(i, "track", dict, f"spotify {RECENT}"), played_at=i.get("played_at"))
        for i in items
    )
