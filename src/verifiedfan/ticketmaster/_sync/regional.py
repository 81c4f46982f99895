# Generated from src/verifiedfan/ticketmaster/_async/regional.py by scripts/unasync.py: do not edit.
# Change the async source, then run `python scripts/unasync.py`.
"""``SyncTmRegionalClient``: the shared half of the Ticketmaster account-side clients.

Region URLs per environment (a TMUO's region picks one; ``default_region`` serves a TMUO without
one and calls keyed by something else; an unknown region is a ValidationError before any I/O), the
integrator id on every call, and one AUUM client-credentials token source per region
(``/auum/v1/oauth/token``, cached, one fetch in flight, re-fetched once after a 401).
The accounts, orders, users and wallet clients are built on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar
from urllib.parse import quote

from verifiedfan.errors import ConfigurationError, ValidationError
from verifiedfan.http import SyncApiClient, SyncOAuth2ClientCredentials
from verifiedfan.ticketmaster._models import AuumCredentials
from verifiedfan.ticketmaster._regions import Region, parse_tmuo
from verifiedfan.ticketmaster._settings import DEFAULT_REGION_URLS, TmAccountsSettings

__all__ = ["INTEGRATOR_HEADER", "SyncTmRegionalClient", "tmuo_path"]


def tmuo_path(tmuo: str) -> str:
    """A TMUO as one URL path segment."""
    return quote(tmuo.strip(), safe="")


INTEGRATOR_HEADER = "x-integrator-id"


class SyncTmRegionalClient(SyncApiClient):
    """The shared half: region URLs, integrator id, one AUUM token source per region.

    ``auum`` may be left out by a client whose calls need no AUUM token (ARAI alone); a call that
    needs one then raises ConfigurationError before any I/O."""

    service_name: ClassVar[str] = "tm_regional"
    settings_class = TmAccountsSettings

    def __init__(
        self,
        *,
        integrator_id: str,
        auum: AuumCredentials | None = None,
        env: str = "prod",
        region_urls: Mapping[str, str] | None = None,
        default_region: Region | str = Region.US,
        **client: Any,
    ) -> None:
        if not isinstance(integrator_id, str) or not integrator_id.strip():
            raise ConfigurationError(f"{self.service_name}: integrator_id is required (sent on every call)")
        if auum is not None and not isinstance(auum, AuumCredentials):
            raise ConfigurationError(f"{self.service_name}: auum= takes AuumCredentials")
        urls = dict(region_urls) if region_urls is not None else DEFAULT_REGION_URLS.get(env)
        if urls is None:
            raise ConfigurationError(f"{self.service_name}: no region URLs for environment {env!r}")
        try:
            self.region_urls = {Region(str(k).lower()): v.rstrip("/") for k, v in urls.items()}
            self.default_region = Region(str(default_region).lower())
        except ValueError as exc:
            raise ConfigurationError(f"{self.service_name}: {exc}") from None
        if self.default_region not in self.region_urls:
            raise ConfigurationError(
                f"{self.service_name}: no URL for the default region {self.default_region}"
            )
        headers = {**dict(client.pop("headers", None) or {}), INTEGRATOR_HEADER: integrator_id}
        super().__init__(headers=headers, **client)
        self.integrator_id = integrator_id
        self._auum = auum
        self._tokens: dict[Region, SyncOAuth2ClientCredentials] = {}

    @classmethod
    def settings_kwargs(cls, settings: Any) -> dict[str, Any]:
        if not isinstance(settings, TmAccountsSettings):
            raise ConfigurationError(f"{cls.__name__}.from_settings takes a TmAccountsSettings")
        secret = settings.auum_client_secret.get_secret_value()
        return {
            "integrator_id": settings.integrator_id,
            "auum": AuumCredentials(settings.auum_client_id, secret) if secret else None,
            "env": settings.environment,
            "region_urls": settings.region_urls.get(settings.environment),
            "default_region": settings.default_region,
            "timeouts": settings.timeouts(),
            "limits": settings.limits(),
            "retry": settings.retry_policy(),
            "max_in_flight": settings.max_in_flight,
        }

    def route(self, tmuo: object) -> tuple[Region, str]:
        """The region serving ``tmuo`` and its base URL (ValidationError before any I/O)."""
        return self._base(parse_tmuo(tmuo).region or self.default_region)

    def _base(self, region: Region | str | None) -> tuple[Region, str]:
        try:
            where = Region(str(region).lower()) if region is not None else self.default_region
        except ValueError:
            raise ValidationError(f"unknown region {region!r}") from None
        url = self.region_urls.get(where)
        if url is None:
            raise ValidationError(f"{self.service_name}: no URL configured for region {where}")
        return where, url

    def _token(self, region: Region) -> SyncOAuth2ClientCredentials:
        """The AUUM client-credentials token source of ``region`` (one per region, made on first use)."""
        if self._auum is None:
            raise ConfigurationError(
                f"{self.service_name}: AUUM credentials (auum=) are needed for this call"
            )
        auth = self._tokens.get(region)
        if auth is None:
            auth = SyncOAuth2ClientCredentials(
                token_url=f"{self.region_urls[region]}/auum/v1/oauth/token",
                client_id=self._auum.client_id,
                client_secret=self._auum.client_secret,
                http=self.http,
            )
            self._tokens[region] = auth
        return auth

    def _get(self, region: Region, base: str, route: str, path: str, **options: Any) -> Any:
        return self._call_json("GET", route, url=f"{base}{path}", auth=self._token(region), **options)

    def close(self) -> None:
        for auth in self._tokens.values():
            auth.close()
        super().close()
