"""Settings of the music clients (env prefix ``VF_MUSIC_``)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from verifiedfan.settings import VFSettings

__all__ = ["MusicSettings"]


class MusicSettings(VFSettings):
    """``VF_MUSIC_SPOTIFY_CLIENT_ID``, ``VF_MUSIC_APPLE_PRIVATE_KEY``... Secrets are ``SecretStr``."""

    model_config = SettingsConfigDict(env_prefix="VF_MUSIC_")

    spotify_client_id: str = ""
    spotify_client_secret: SecretStr = SecretStr("")
    spotify_api_url: str = "https://api.spotify.com"
    spotify_accounts_url: str = "https://accounts.spotify.com"
    apple_team_id: str = ""
    apple_key_id: str = ""
    apple_private_key: SecretStr = SecretStr("")
    apple_api_url: str = "https://api.music.apple.com"
    apple_developer_token_ttl: float = Field(default=12 * 3600, gt=60)
    retry_after_cap: float = Field(default=30.0, ge=0)
    max_retries: int = Field(default=3, ge=0)
    max_connections: int = Field(default=128, ge=1)
    total_timeout: float = Field(default=30.0, gt=0)
