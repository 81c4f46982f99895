"""``TmAccountsSettings``: the ``VF_TM_ACCOUNTS_*`` environment variables."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from verifiedfan.http import ApiSettings
from verifiedfan.ticketmaster._regions import Region

__all__ = ["DEFAULT_REGION_URLS", "TmAccountsSettings"]

#: Base URL of the accounts APIs per environment and region. No public document gives them: these are
#: placeholders in the platform's naming, to be replaced through ``region_urls`` (or
#: ``VF_TM_ACCOUNTS_REGION_URLS`` as JSON) by a service that has the real ones.
DEFAULT_REGION_URLS: dict[str, dict[str, str]] = {
    env: {region.value: f"https://accounts-{region.value}{suffix}.ticketmaster.com" for region in Region}
    for env, suffix in (("prod", ""), ("preprod", "-preprod"), ("qa", "-qa"))
}


class TmAccountsSettings(ApiSettings):
    """Settings of :class:`~verifiedfan.ticketmaster.TmAccounts` (``VF_TM_ACCOUNTS_*``).

    ``environment`` picks the row of ``region_urls``; ``default_region`` serves a TMUO that names
    none. Credentials: ``auum_client_id``/``auum_client_secret`` (OAuth2 client credentials),
    ``acoe_client_id`` (sent in ``acoe_client_id_header``), ``arai_username``/``arai_password``
    (Basic). The integrator id travels on every call in ``x-integrator-id``.
    """

    model_config = SettingsConfigDict(env_prefix="VF_TM_ACCOUNTS_")

    service_name: str = "tm_accounts"
    integrator_id: str = ""
    default_region: Region = Region.US
    region_urls: dict[str, dict[str, str]] = Field(default_factory=lambda: DEFAULT_REGION_URLS)
    auum_client_id: str = ""
    auum_client_secret: SecretStr = SecretStr("")
    acoe_client_id: str = ""
    acoe_client_id_header: str = "x-client-id"
    arai_username: str = ""
    arai_password: SecretStr = SecretStr("")
