"""What the Spotify and Apple Music sandbox apps share: the seeded catalog, seeded users' tokens,
and the id formats that tell the platforms apart."""

from __future__ import annotations

from typing import Any

from verifiedfan.testing.sandbox._app import SandboxApp
from verifiedfan.testing.sandbox._catalog import APPLE_CATALOG_ID, SPOTIFY_ID, Catalog
from verifiedfan.testing.sandbox._faults import Faults

__all__ = ["MusicApp", "platform_of_id"]


def platform_of_id(artist_or_track_id: str) -> str | None:
    """``"spotify"`` for a Spotify id (22 base62 characters), ``"apple_music"`` for an Apple Music
    catalog id (a numeric string), ``None`` otherwise: how a test tells whose id an event carries."""
    if SPOTIFY_ID.match(artist_or_track_id):
        return "spotify"
    if APPLE_CATALOG_ID.match(artist_or_track_id):
        return "apple_music"
    return None


class MusicApp(SandboxApp):
    """A music API over the seeded :class:`Catalog`: tokens only for seeded users, the user
    ``expired-token`` gets already expired access tokens."""

    def __init__(
        self, *, seed: int = 7, faults: Faults | None = None, catalog: Catalog | None = None, **kwargs: Any
    ) -> None:
        super().__init__(seed=seed, faults=faults, **kwargs)
        self.catalog = catalog or Catalog(seed=seed)

    def subject_exists(self, subject: str) -> bool:
        return self.catalog.exists(subject)

    def mint(
        self, subject: str, *, expires_in: float | None = None, client_id: str | None = None
    ) -> dict[str, Any]:
        if expires_in is None and subject == "expired-token":
            expires_in = -60.0
        return super().mint(subject, expires_in=expires_in, client_id=client_id)

    def info(self) -> dict[str, Any]:
        target = self.catalog.target
        return {
            **super().info(),
            "target_artist": {
                "name": target.name,
                "spotify_id": target.spotify_id,
                "apple_id": target.apple_id,
            },
            "named_users": list(self.catalog.named_users()),
        }
