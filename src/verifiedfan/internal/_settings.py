"""Settings of the internal-service client (``VF_TITAN_*``)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from verifiedfan.http import ApiSettings

__all__ = ["TitanSettings"]


class TitanSettings(ApiSettings):
    """Where the platform's internal services live and who this worker is.

    ``VF_TITAN_SERVICES='{"users": "http://users.internal", "entries": "http://entries.internal"}'``
    (service name to base URL),
    ``VF_TITAN_WORKER_ID``, ``VF_TITAN_PRIVATE_KEY`` (PEM), ``VF_TITAN_KEY_ID``,
    ``VF_TITAN_TOKEN_LIFETIME`` (seconds). A token is minted per target service with ``aud`` set to
    the service's name when ``VF_TITAN_AUDIENCE_IS_SERVICE`` is true (the default).
    """

    model_config = SettingsConfigDict(env_prefix="VF_TITAN_")

    service_name: str = "titan"
    services: dict[str, str] = Field(default_factory=dict)
    worker_id: str = ""
    private_key: SecretStr = SecretStr("")
    key_id: str | None = None
    algorithm: str = "RS256"
    token_lifetime: float = 300.0
    audience_is_service: bool = True
