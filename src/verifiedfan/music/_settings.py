"""Settings of the music clients: one :class:`~verifiedfan.http.ApiSettings` subclass per API.

``VF_SPOTIFY_CLIENT_ID``, ``VF_SPOTIFY_CLIENT_SECRET``, ``VF_SPOTIFY_BASE_URL``... and
``VF_APPLE_MUSIC_TEAM_ID``, ``VF_APPLE_MUSIC_KEY_ID``, ``VF_APPLE_MUSIC_PRIVATE_KEY``... plus every
HTTP setting of :class:`~verifiedfan.http.HttpSettings` under the same prefix (timeouts,
``MAX_RETRIES``, ``RETRY_AFTER_CAP``, ``MAX_CONNECTIONS``). Secrets are ``SecretStr``.
"""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from verifiedfan.http import ApiSettings

__all__ = ["AppleMusicSettings", "SpotifySettings"]


class SpotifySettings(ApiSettings):
    """Settings of :class:`~verifiedfan.music.Spotify` (env prefix ``VF_SPOTIFY_``)."""

    model_config = SettingsConfigDict(env_prefix="VF_SPOTIFY_")

    service_name: str = "spotify"
    base_url: str = "https://api.spotify.com"
    accounts_url: str = "https://accounts.spotify.com"
    retry_after_cap: float = Field(default=30.0, ge=0)
    max_connections: int = Field(default=128, ge=1)
    page_concurrency: int = Field(default=8, ge=1)
    # Spotify documents a rolling 30-second window (not its limit): what the adaptive limiter
    # (VF_SPOTIFY_RATE_LIMIT_ADAPTIVE=true) measures the accepted rate over.
    rate_limit_window: float | None = Field(default=30.0, gt=0)


class AppleMusicSettings(ApiSettings):
    """Settings of :class:`~verifiedfan.music.AppleMusic` (env prefix ``VF_APPLE_MUSIC_``)."""

    model_config = SettingsConfigDict(env_prefix="VF_APPLE_MUSIC_")

    service_name: str = "apple_music"
    base_url: str = "https://api.music.apple.com"
    team_id: str = ""
    key_id: str = ""
    private_key: SecretStr = SecretStr("")
    developer_token_ttl: float = Field(default=12 * 3600, gt=60)
    retry_after_cap: float = Field(default=30.0, ge=0)
    max_connections: int = Field(default=128, ge=1)
    page_concurrency: int = Field(default=8, ge=1)
