"""``VF_SERVICE_*``: what the reference service itself needs. Each client keeps its own settings
class (``VF_MONGO_*``, ``VF_REDIS_*``, ``VF_KAFKA_*``, ``VF_SPOTIFY_*``, ``VF_SFMC_*``)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from verifiedfan.settings import VFSettings

__all__ = ["ServiceSettings"]


class ServiceSettings(VFSettings):
    """The reference service's own settings (env prefix ``VF_SERVICE_``).

    ``jwt_private_key`` signs the fans' session tokens (RS256) and ``link_secret`` the email
    verification links (HS256); when either is missing a random one is made at start-up, so tokens
    and links die with the process (fine for a demo, never for production). ``public_url`` is where
    browsers reach the service: the Spotify redirect URI and the verification links are built on it.
    """

    model_config = SettingsConfigDict(env_prefix="VF_SERVICE_", extra="ignore", frozen=True)

    name: str = "vf-reference-service"
    public_url: str = "http://127.0.0.1:8000"
    jwt_private_key: SecretStr | None = None
    jwt_issuer: str = "vf-reference-service"
    session_ttl: str = "24h"
    link_secret: SecretStr | None = None
    link_ttl: str = "48h"
    db_name: str = "vf_reference"
    redis_namespace: str = "vf-ref:"
    profile_ttl: int = Field(default=3600, gt=0)
    oauth_state_ttl: int = Field(default=600, gt=0)
    fan_verified_topic: str = "fan.verified"
    target_artist_ids: list[str] = Field(default_factory=list)
    target_artist_name: str | None = None
    confirmation_email: str = "registration-confirmation"
    max_body_bytes: int = Field(default=64 * 1024, gt=0)
    otlp_endpoint: str | None = None
    tracing: bool = True
    access_log: bool = True
    log_level: str = "info"
