"""``TmAccounts``: AUUM (account management), ACOE (profiles) and ARAI (activity), routed by region.

Every call goes to the base URL of the region the TMUO names (``tmuo_<region>_<id>``; a TMUO without
one goes to ``default_region``; an unknown region is a ValidationError before any I/O), carries the
integrator id, and goes through the HTTP core's retries (429 with ``Retry-After``, 5xx, network
errors) and one re-authentication after a 401. AUUM and ACOE calls use an AUUM client-credentials
token per region (cached, one fetch in flight); ACOE adds its client id header; ARAI uses Basic.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any, ClassVar

from verifiedfan.errors import ConfigurationError, ResponseFormatError, ValidationError, VFError
from verifiedfan.http import BasicAuth, ErrorMap
from verifiedfan.ticketmaster._async.regional import TmRegionalClient, tmuo_path
from verifiedfan.ticketmaster._models import (
    AcoeCredentials,
    AraiCredentials,
    TmAccessToken,
    TmProfileResult,
    TmUser,
    TmUserActivity,
    TmUserNotFoundError,
    TmUserProfile,
)
from verifiedfan.ticketmaster._parse import parse_activity, parse_profile, parse_user
from verifiedfan.ticketmaster._regions import Region
from verifiedfan.ticketmaster._settings import TmAccountsSettings

__all__ = ["TmAccounts"]


class TmAccounts(TmRegionalClient):
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
        acoe: AcoeCredentials | None = None,
        arai: AraiCredentials | None = None,
        acoe_client_id_header: str = "x-client-id",
        **regional: Any,
    ) -> None:
        super().__init__(integrator_id=integrator_id, **regional)
        self._acoe = acoe
        self._arai = BasicAuth(arai.username, arai.password) if arai is not None else None
        self._acoe_header = acoe_client_id_header.lower()

    @classmethod
    def settings_kwargs(cls, settings: Any) -> dict[str, Any]:
        kwargs = super().settings_kwargs(settings)  # checks the settings class
        arai_password = settings.arai_password.get_secret_value()
        kwargs.update(
            acoe_client_id_header=settings.acoe_client_id_header,
            acoe=AcoeCredentials(settings.acoe_client_id) if settings.acoe_client_id else None,
            arai=AraiCredentials(settings.arai_username, arai_password) if arai_password else None,
        )
        return kwargs

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
            url=f"{base}/acoe/v1/users/{tmuo_path(tmuo)}",
            headers={self._acoe_header: self._acoe.client_id},
            auth=self._token(region),
        )
        return parse_profile(body, region, f"{self.service_name} {route}")

    async def get_user_activity(self, tmuo: str) -> TmUserActivity:
        """The ARAI activity of ``tmuo``: attendance, purchases and preferences."""
        _, base = self.route(tmuo)
        if self._arai is None:
            raise ConfigurationError("tm_accounts: ARAI credentials (arai=) are needed for get_user_activity")
        route = "/arai/v1/users/{tmuo}/activity"
        body = await self._call_json(
            "GET", route, url=f"{base}/arai/v1/users/{tmuo_path(tmuo)}/activity", auth=self._arai
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
        where, base = self._base(region)
        route = "/auum/v1/users"
        body = await self._call_json(
            "POST",
            route,
            url=f"{base}{route}",
            json={"email": email, "password": password, "firstName": first_name, "lastName": last_name},
            auth=self._token(where),
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
            url=f"{base}/auum/v1/users/{tmuo_path(tmuo)}/tokens",
            auth=self._token(region),
            retry_non_idempotent=True,  # minting a second token is harmless
        )
        where = f"{self.service_name} {route}"
        if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
            raise ResponseFormatError(f"{where}: the answer has no access_token")
        expires = body.get("expires_in")
        if expires is not None and (isinstance(expires, bool) or not isinstance(expires, int | float)):
            raise ResponseFormatError(f"{where}: expires_in is not a number")
        return TmAccessToken(tmuo=tmuo.strip(), access_token=body["access_token"], expires_in=expires)
