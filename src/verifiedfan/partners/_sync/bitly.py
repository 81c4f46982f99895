# Generated from src/verifiedfan/partners/_async/bitly.py by scripts/unasync.py: do not edit.
# Change the async source, then run `python scripts/unasync.py`.
"""The Bitly v4 client: ``shorten`` (with an optional cache from long to short link) and
``clicks_summary``.

URLs and Bitlinks are checked before any I/O (ValidationError). ``shorten`` sends ``domain`` and
``group_guid`` as Bitly advises; 200 (an existing link) and 201 (a new one) are both success.
Shortening is idempotent on Bitly's side (the same long URL gives the same Bitlink), so it is
retried on 429, 5xx and network errors like a GET. 400 and 403 are :class:`BitlyError` with
Bitly's code. With ``cache=`` (a :mod:`verifiedfan.redis` client), a long URL already shortened
costs one cache GET and no quota; concurrent misses for one URL make one API call (the cache's
single flight); a cache failure is logged and the API answers instead.
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar

from verifiedfan.errors import ConfigurationError
from verifiedfan.http import ApiSettings, ErrorMap, ErrorRule, SyncApiClient, SyncStaticBearer
from verifiedfan.partners._bitly_models import (
    Bitlink,
    BitlySettings,
    bitly_error,
    cache_key,
    cache_ttl,
    check_long_url,
    check_unit,
    parse_bitlink,
    parse_bitlink_id,
    parse_clicks,
)
from verifiedfan.redis import CacheError, SyncRedis

__all__ = ["SyncBitly"]

logger = logging.getLogger(__name__)

SHORTEN = "/v4/shorten"
CLICKS_SUMMARY = "/v4/bitlinks/{domain}/{hash}/clicks/summary"


class SyncBitly(SyncApiClient):
    """Bitly API v4::

        with SyncBitly(access_token=token, group_guid="Ba1bc23dE4F", cache=redis) as bitly:
            link = bitly.shorten("https://www.ticketmaster.com/event/123")
            total = bitly.clicks_summary(link.id)

    ``domain`` defaults to ``bit.ly``; ``cache`` (optional) keeps long->short pairs for
    ``cache_ttl`` seconds (30 days). Other keyword arguments are those of
    :class:`~verifiedfan.http.SyncApiClient`.
    """

    service_name: ClassVar[str] = "bitly"
    settings_class = BitlySettings
    error_map = ErrorMap(
        {
            400: ErrorRule(bitly_error, "Bitly refused the request"),
            403: ErrorRule(bitly_error, "Bitly refused the request"),
            404: ErrorRule(bitly_error, "Bitly found no such Bitlink"),
        }
    )

    def __init__(
        self,
        *,
        access_token: str,
        group_guid: str | None = None,
        domain: str = "bit.ly",
        cache: SyncRedis | None = None,
        cache_ttl: float = 30 * 24 * 3600.0,
        base_url: str = "https://api-ssl.bitly.com",
        **options: Any,
    ) -> None:
        if not isinstance(access_token, str) or not access_token:
            raise ConfigurationError("bitly: access_token is required")
        if not isinstance(domain, str) or not domain or "/" in domain:
            raise ConfigurationError(f"bitly: domain must be a host name such as 'bit.ly', got {domain!r}")
        if cache_ttl <= 0:
            raise ConfigurationError("bitly: cache_ttl must be positive")
        super().__init__(base_url=base_url, auth=SyncStaticBearer(access_token), **options)
        self.group_guid = group_guid
        self.domain = domain
        self.cache = cache
        self.cache_ttl = cache_ttl

    @classmethod
    def settings_kwargs(cls, settings: ApiSettings) -> dict[str, Any]:
        if not isinstance(settings, BitlySettings):
            raise ConfigurationError(f"{cls.__name__}.from_settings takes a BitlySettings")
        return {
            "access_token": settings.api_key.get_secret_value(),
            "group_guid": settings.group_guid,
            "domain": settings.domain,
            "cache_ttl": settings.cache_ttl,
            "base_url": settings.resolved_base_url(),
            "timeouts": settings.timeouts(),
            "limits": settings.limits(),
            "retry": settings.retry_policy(),
            "headers": settings.default_headers or None,
            "max_in_flight": settings.max_in_flight,
        }

    def __repr__(self) -> str:  # never the token
        return f"{type(self).__name__}(base_url={self.base_url!r}, domain={self.domain!r})"

    def _shorten(self, long_url: str) -> Bitlink:
        body: dict[str, Any] = {"long_url": long_url, "domain": self.domain}
        if self.group_guid:
            body["group_guid"] = self.group_guid
        self._log("shorten", domain=self.domain)
        answer = self._call_json("POST", SHORTEN, json=body, retry_non_idempotent=True)
        return parse_bitlink(answer, f"bitly {SHORTEN}")

    def _shorten_dict(self, long_url: str) -> dict[str, str]:
        return (self._shorten(long_url)).to_dict()

    def shorten(self, long_url: str) -> Bitlink:
        """The Bitlink of ``long_url`` (from the cache when it has it)."""
        checked = check_long_url(long_url)
        cache = self.cache
        if cache is None:
            return self._shorten(checked)
        key = cache_key(checked, self.domain, self.group_guid)
        try:
            found = cache.get_or_set(key, lambda: self._shorten_dict(checked), ttl=cache_ttl(self.cache_ttl))
        except CacheError as exc:  # the cache is an optimisation: fall back to the API
            logger.warning("bitly: the link cache failed (%s); asking SyncBitly", type(exc).__name__)
            return self._shorten(checked)
        return parse_bitlink(found, "bitly cache")

    def clicks_summary(self, bitlink: str, *, unit: str = "day", units: int = -1) -> int:
        """Total clicks of ``bitlink`` (``bit.ly/3bBkm0k`` or its full link) over the last
        ``units`` ``unit``\\ s (``-1``: all time)."""
        domain, hash_ = parse_bitlink_id(bitlink)
        unit, units = check_unit(unit, units)
        self._log("clicks_summary", bitlink=f"{domain}/{hash_}", unit=unit)
        answer = self._call_json(
            "GET",
            CLICKS_SUMMARY,
            path={"domain": domain, "hash": hash_},
            params={"unit": unit, "units": units},
        )
        return parse_clicks(answer, f"bitly {CLICKS_SUMMARY}")
