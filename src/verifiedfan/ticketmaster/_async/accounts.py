"""``TmAccounts``: AUUM (account management), ACOE (profiles) and ARAI (activity), routed by region.

Every call goes to the base URL of the region the TMUO names (``tmuo_<region>_<id>``; a TMUO without
one goes to ``default_region``; an unknown region is a ValidationError before any I/O), carries the
integrator id, and goes through the HTTP core's retries (429 with ``Retry-After``, 5xx, network
errors) and one re-authentication after a 401. AUUM and ACOE calls use an AUUM client-credentials
token per region (cached, one fetch in flight); ACOE adds its client id header; ARAI uses Basic.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar
from urllib.parse import quote

from verifiedfan.errors import ConfigurationError, ResponseFormatError, ValidationError, VFError
from verifiedfan.http import ApiClient, BasicAuth, ErrorMap, OAuth2ClientCredentials
from verifiedfan.ticketmaster._models import (
    AcoeCredentials,
    AraiCredentials,
    AuumCredentials,
    TmAccessToken,
    TmProfileResult,
    TmUser,
    TmUserActivity,
    TmUserNotFoundError,
    TmUserProfile,
)
from verifiedfan.ticketmaster._parse import parse_activity, parse_profile, parse_user
from verifiedfan.ticketmaster._regions import Region, parse_tmuo
from verifiedfan.ticketmaster._settings import DEFAULT_REGION_URLS, TmAccountsSettings

__all__ = ["TmAccounts"]

INTEGRATOR_HEADER = "x-integrator-id"


class TmAccounts(ApiClient):
    """The Ticketmaster accounts APIs (use case 5)::

        async with TmAccounts(env="prod", integrator_id="verifiedfan",
                              auum=AuumCredentials(client_id, client_secret),
                              acoe=AcoeCredentials(acoe_client_id),
                              arai=AraiCredentials(username, password)) as accounts:
            profile = await accounts.get_user_info("tmuo_eu_123456")
            activity = await accounts.get_user_activity("tmuo_eu_123456")

    ``region_urls`` (region -> base URL) replaces the environment's row of the URL table; the other
    keyword arguments are those of :class:`~verifiedfan.http.ApiClient` (``http=``, ``transport=``,
    ``retry=``, ``timeouts=``, ``hooks=``...).
    """

    service_name: ClassVar[str] = "tm_accounts"
    settings_class = TmAccountsSettings
    error_map = ErrorMap({404: (TmUserNotFoundError, "no Ticketmaster user with that TMUO")})

    def __init__(
        self,
        *,
        integrator_id: str,
        env: str = "prod",
        auum: AuumCredentials | None = None,
        acoe: AcoeCredentials | None = None,
        arai: AraiCredentials | None = None,
        region_urls: Mapping[str, str] | None = None,
        default_region: Region | str = Region.US,
        acoe_client_id_header: str = "x-client-id",
        **client: Any,
    ) -> None:
        if not isinstance(integrator_id, str) or not integrator_id.strip():
            raise ConfigurationError("tm_accounts: integrator_id is required (it travels on every call)")
        urls = dict(region_urls) if region_urls is not None else DEFAULT_REGION_URLS.get(env)
        if urls is None:
            raise ConfigurationError(
                f"tm_accounts: no region URLs for environment {env!r} (known: {sorted(DEFAULT_REGION_URLS)})"
            )
        try:
            self.region_urls = {Region(str(k).lower()): v.rstrip("/") for k, v in urls.items()}
            self.default_region = Region(str(default_region).lower())
        except ValueError as exc:
            raise ConfigurationError(f"tm_accounts: {exc}") from None
        if self.default_region not in self.region_urls:
            raise ConfigurationError(f"tm_accounts: no URL for the default region {self.default_region}")
        headers = {**dict(client.pop("headers", None) or {}), INTEGRATOR_HEADER: integrator_id}
        super().__init__(headers=headers, **client)
        self.integrator_id = integrator_id
        self._auum = auum
        self._acoe = acoe
        self._arai = BasicAuth(arai.username, arai.password) if arai is not None else None
        self._acoe_header = acoe_client_id_header.lower()
        self._tokens: dict[Region, OAuth2ClientCredentials] = {}

    @classmethod
    def settings_kwargs(cls, settings: Any) -> dict[str, Any]:
        if not isinstance(settings, TmAccountsSettings):
            raise ConfigurationError("TmAccounts.from_settings takes a TmAccountsSettings")
        auum_secret = settings.auum_client_secret.get_secret_value()
        arai_password = settings.arai_password.get_secret_value()
        return {
            "integrator_id": settings.integrator_id,
            "env": settings.environment,
            "region_urls": settings.region_urls.get(settings.environment),
            "default_region": settings.default_region,
            "acoe_client_id_header": settings.acoe_client_id_header,
            "auum": AuumCredentials(settings.auum_client_id, auum_secret) if auum_secret else None,
            "acoe": AcoeCredentials(settings.acoe_client_id) if settings.acoe_client_id else None,
            "arai": AraiCredentials(settings.arai_username, arai_password) if arai_password else None,
            "timeouts": settings.timeouts(),
            "limits": settings.limits(),
            "retry": settings.retry_policy(),
            "max_in_flight": settings.max_in_flight,
        }

    # -- routing and auth -------------------------------------------------------------------------

    def route(self, tmuo: object) -> tuple[Region, str]:
        """The region serving ``tmuo`` and its base URL (ValidationError before any I/O)."""
        region = parse_tmuo(tmuo).region or self.default_region
        url = self.region_urls.get(region)
        if url is None:
            raise ValidationError(f"tm_accounts: no URL configured for region {region}")
        return region, url

    def _auum_token(self, region: Region) -> OAuth2ClientCredentials:
        if self._auum is None:
            raise ConfigurationError("tm_accounts: AUUM credentials (auum=) are needed for this call")
        auth = self._tokens.get(region)
        if auth is None:
            auth = OAuth2ClientCredentials(
                token_url=f"{self.region_urls[region]}/auum/v1/oauth/token",
                client_id=self._auum.client_id,
                client_secret=self._auum.client_secret,
                http=self.http,
            )
            self._tokens[region] = auth
        return auth

    # -- ACOE and ARAI ----------------------------------------------------------------------------

    async def get_user_info(self, tmuo: str) -> TmUserProfile:
        """The ACOE profile of ``tmuo`` (TmUserNotFoundError on 404)."""
        region, base = self.route(tmuo)
        if self._acoe is None:
            raise ConfigurationError("tm_accounts: ACOE credentials (acoe=) are needed for get_user_info")
        route = "/acoe/v1/users/{tmuo}"
        body = await self._call_json(
            "GET",
            route,
            url=f"{base}/acoe/v1/users/{quote(tmuo.strip(), safe='')}",
            headers={self._acoe_header: self._acoe.client_id},
            auth=self._auum_token(region),
        )
        return parse_profile(body, region, f"{self.service_name} {route}")

    async def get_user_activity(self, tmuo: str) -> TmUserActivity:
        """The ARAI activity of ``tmuo``: attendance, purchases and preferences."""
        _, base = self.route(tmuo)
        if self._arai is None:
            raise ConfigurationError("tm_accounts: ARAI credentials (arai=) are needed for get_user_activity")
        route = "/arai/v1/users/{tmuo}/activity"
        body = await self._call_json(
            "GET", route, url=f"{base}/arai/v1/users/{quote(tmuo.strip(), safe='')}/activity", auth=self._arai
        )
        return parse_activity(body, f"{self.service_name} {route}")

    async def get_user_infos(self, tmuos: Iterable[str], *, concurrency: int = 8) -> list[TmProfileResult]:
        """Many profiles, ``concurrency`` at a time, in the order given: each item holds its profile or
        the typed error it met (a bad TMUO or a 404 fails that item only)."""
        if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
            raise ValidationError("concurrency must be an integer >= 1")
        items = list(tmuos)
        # unasync: async-only
        gate = asyncio.Semaphore(concurrency)

        async def one(tmuo: str) -> TmProfileResult:
            async with gate:
                return await self._profile_result(tmuo)

        return list(await asyncio.gather(*(one(t) for t in items)))
        # unasync: end
        # unasync: sync-only
        # from concurrent.futures import ThreadPoolExecutor
        #
        # with ThreadPoolExecutor(max_workers=concurrency) as pool:
        #     return list(pool.map(self._profile_result, items))
        # unasync: end

    async def _profile_result(self, tmuo: str) -> TmProfileResult:
        try:
            return TmProfileResult(tmuo=tmuo, profile=await self.get_user_info(tmuo))
        except VFError as exc:  # a bad TMUO, a 404, a malformed answer: this item only
            return TmProfileResult(tmuo=tmuo, error=exc)

    # -- AUUM -------------------------------------------------------------------------------------

    async def create_single_user(
        self,
        *,
        email: str,
        password: str,
        first_name: str,
        last_name: str,
        region: Region | str | None = None,
    ) -> TmUser:
        """Create a user through AUUM (feature tests create real test users with it). The call is
        keyed by the e-mail address, so a retry never creates a second user."""
        if not all(isinstance(v, str) and v.strip() for v in (email, password, first_name, last_name)):
            raise ValidationError("create_single_user needs email, password, first_name and last_name")
        try:
            where = Region(str(region).lower()) if region is not None else self.default_region
        except ValueError:
            raise ValidationError(f"unknown region {region!r}") from None
        base = self.region_urls.get(where)
        if base is None:
            raise ValidationError(f"tm_accounts: no URL configured for region {where}")
        route = "/auum/v1/users"
        body = await self._call_json(
            "POST",
            route,
            url=f"{base}{route}",
            json={"email": email, "password": password, "firstName": first_name, "lastName": last_name},
            auth=self._auum_token(where),
            idempotency_key=f"auum-create:{email.strip().lower()}",
        )
        return parse_user(body, f"{self.service_name} {route}")

    async def generate_access_token(self, tmuo: str) -> TmAccessToken:
        """A user access token for ``tmuo`` through AUUM."""
        region, base = self.route(tmuo)
        route = "/auum/v1/users/{tmuo}/tokens"
        body = await self._call_json(
            "POST",
            route,
            url=f"{base}/auum/v1/users/{quote(tmuo.strip(), safe='')}/tokens",
            auth=self._auum_token(region),
            retry_non_idempotent=True,  # minting a second token is harmless
        )
        where = f"{self.service_name} {route}"
        if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
            raise ResponseFormatError(f"{where}: the answer has no access_token")
        expires = body.get("expires_in")
        if expires is not None and (isinstance(expires, bool) or not isinstance(expires, int | float)):
            raise ResponseFormatError(f"{where}: expires_in is not a number")
        return TmAccessToken(tmuo=tmuo.strip(), access_token=body["access_token"], expires_in=expires)

    async def aclose(self) -> None:
        for auth in self._tokens.values():
            await auth.aclose()
        await super().aclose()
