"""Settings of an API client: :class:`HttpSettings` plus environments and the usual credentials.

Each API subclasses :class:`ApiSettings` with its own env prefix and defaults::

    class DiscoverySettings(ApiSettings):
        model_config = SettingsConfigDict(env_prefix="VF_TM_DISCOVERY_")

        service_name: str = "tm_discovery"
        base_urls: dict[str, str] = {"prod": "https://app.ticketmaster.com", "qa": "https://qa..."}

``VF_TM_DISCOVERY_ENVIRONMENT=qa`` then selects the QA URL; ``VF_TM_DISCOVERY_BASE_URL`` (when set)
wins over the table.
"""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from verifiedfan.errors import ConfigurationError
from verifiedfan.http._config import HttpSettings

__all__ = ["ApiSettings"]


class ApiSettings(HttpSettings):
    """Settings of one API client (env prefix ``VF_API_``; every API sets its own).

    From :class:`HttpSettings`: ``service_name``, ``base_url``, ``default_headers``, timeouts,
    connection limits and the retry policy. Added here:

    * ``environment`` and ``base_urls``: the base URL per environment (``prod``, ``qa``...), used
      when ``base_url`` is empty;
    * ``max_in_flight``: requests in flight at once (default: ``max_connections``);
    * ``rate_limit_adaptive`` (off by default): pace the client with an adaptive limiter that
      learns the API's limit from its 429s; ``rate_limit_start``/``rate_limit_max`` (requests per
      second) start and cap it, ``rate_limit_window`` is the API's documented rolling window;
    * optional credentials read by :meth:`ApiClient.auth_from_settings
      <verifiedfan.http.ApiClient.auth_from_settings>`: ``client_id``/``client_secret``/``token_url``
      (OAuth2 client credentials), ``api_key``. Secrets are ``SecretStr``: never printed.
    """

    model_config = SettingsConfigDict(env_prefix="VF_API_")

    service_name: str = "api"
    environment: str = "prod"
    base_urls: dict[str, str] = Field(default_factory=dict)
    max_in_flight: int | None = Field(default=None, ge=1)
    rate_limit_adaptive: bool = False
    rate_limit_start: float | None = Field(default=None, gt=0)
    rate_limit_max: float | None = Field(default=None, gt=0)
    rate_limit_window: float | None = Field(default=None, gt=0)
    client_id: str = ""
    client_secret: SecretStr = SecretStr("")
    token_url: str = ""
    scope: str | None = None
    api_key: SecretStr = SecretStr("")

    def resolved_base_url(self) -> str:
        """``base_url`` when set, else the URL of ``environment`` in ``base_urls``."""
        if self.base_url:
            return self.base_url
        if not self.base_urls:
            return ""
        try:
            return self.base_urls[self.environment]
        except KeyError:
            raise ConfigurationError(
                f"{self.service_name}: no base URL for environment {self.environment!r} "
                f"(known: {sorted(self.base_urls)})"
            ) from None
