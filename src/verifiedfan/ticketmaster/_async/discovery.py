"""``TmDiscovery``: the public Ticketmaster Discovery API v2 (events, attractions, venues, ...).

The key travels in the ``apikey`` query parameter and is redacted from logs, spans and errors. The
documented limits are kept on this side, before the server refuses: a sliding-window limiter shared
by every task of a client (5 requests in any second by default), a daily quota counted per client
(:class:`DiscoveryQuotaError` once used up), and no paging past the 1,000th item of a search
(:class:`DeepPagingLimitError`, or a quiet stop with ``truncate=True``).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any, ClassVar

from verifiedfan._primitives import async_sleep
from verifiedfan.errors import ConfigurationError, ResponseFormatError, ValidationError, VFTimeoutError
from verifiedfan.http import ApiClient, ApiKey, ErrorMap, ErrorRule, body_field
from verifiedfan.ticketmaster._discovery_models import (
    DISCOVERY_MAX_DEPTH,
    DISCOVERY_PER_DAY,
    DISCOVERY_PER_SECOND,
    Attraction,
    DeepPagingLimitError,
    DiscoveryQuotaError,
    Event,
    InvalidApiKeyError,
    Venue,
    parse_attraction,
    parse_event,
    parse_page,
    parse_venue,
)

__all__ = ["DiscoveryLimiter", "TmDiscovery"]

DEFAULT_BASE_URL = "https://app.ticketmaster.com/discovery/v2"


class DiscoveryLimiter:
    """At most ``limit`` requests in any ``window`` seconds, and at most ``per_day`` in a UTC day.

    A sliding log of the last ``limit`` requests: a request counts from when it is sent until its
    answer has arrived (the server received it somewhere in between), so the next slot opens
    ``window`` (plus ``margin``) after the answer to the request ``limit`` places back. That holds
    whatever the event loop's delays between deciding to send and sending. Calls wait their turn in
    order; one limiter serves every task of a client. It is the client's
    :class:`~verifiedfan.http.RequestLimiter`: the HTTP core takes a slot for every attempt (retries
    included) and gives it back with :meth:`feedback` once the answer is in; a call whose slot would
    come after its deadline fails at once with :class:`~verifiedfan.errors.VFTimeoutError`. The
    documented limit is fixed, so it is not learnt (the adaptive one is
    :class:`~verifiedfan.http.AdaptiveLimiter`).
    """

    def __init__(
        self,
        *,
        limit: int = DISCOVERY_PER_SECOND,
        window: float = 1.0,
        per_day: int | None = DISCOVERY_PER_DAY,
        margin: float = 0.005,
        poll: float = 0.002,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if limit < 1 or window <= 0 or (per_day is not None and per_day < 1) or margin < 0 or poll <= 0:
            raise ConfigurationError("limit >= 1, window > 0, per_day >= 1 (or None), margin >= 0, poll > 0")
        self.limit, self.window, self.per_day, self.margin, self.poll = limit, window, per_day, margin, poll
        self._clock = clock
        self._slots: deque[list[float | None]] = deque(maxlen=limit)  # [answered at], None in flight
        self._day = datetime.now(UTC).date()
        self.used_today = 0
        # unasync: async-only
        self._lock = asyncio.Lock()
        # unasync: end
        # unasync: sync-only
        # import threading
        #
        # self._lock = threading.Lock()
        # unasync: end

    async def acquire(self, left: float | None = None) -> list[float | None]:
        """Wait for a free slot and take it (DiscoveryQuotaError when the day's quota is used up;
        VFTimeoutError at once when the slot would come ``left`` seconds from now or later); give
        it back with :meth:`release` once the answer is in."""
        start = self._clock()
        async with self._lock:
            today = datetime.now(UTC).date()
            if today != self._day:
                self._day, self.used_today = today, 0
            if self.per_day is not None and self.used_today >= self.per_day:
                raise DiscoveryQuotaError(
                    f"tm_discovery: the daily quota of {self.per_day} requests is used up "
                    "(it resets at 00:00 UTC)"
                )
            while len(self._slots) == self.limit:
                answered = self._slots[0][0]
                wait = self.poll if answered is None else answered + self.window + self.margin - self._clock()
                if wait <= 0:
                    break
                if left is not None and answered is not None and self._clock() + wait - start >= left:
                    raise VFTimeoutError(
                        f"tm_discovery: the next slot is {wait:.3f}s away, past the call's deadline"
                    )
                await async_sleep(wait)
            slot: list[float | None] = [None]
            self._slots.append(slot)
            self.used_today += 1
            return slot

    def release(self, slot: list[float | None]) -> None:
        """The answer to the request of ``slot`` has arrived (or the call failed)."""
        slot[0] = self._clock()

    def feedback(self, ticket: list[float | None], status: int, retry_after: float | None = None) -> None:
        """:meth:`release`, as the HTTP core reports an answer (whatever its status)."""
        self.release(ticket)


class TmDiscovery(ApiClient):
    """The Discovery API v2::

    async with TmDiscovery(api_key=key) as discovery:
        async for event in discovery.aiter_events(keyword="Taylor Swift", country_code="US"):
            ...
        event = await discovery.get_event("vvG1zZ9...")
    """

    service_name: ClassVar[str] = "tm_discovery"
    error_map = ErrorMap(
        {
            401: ErrorRule(
                InvalidApiKeyError,
                "the Discovery API refused the API key",
                when=lambda e: body_field(e, "fault", "detail", "errorcode") == "oauth.v2.InvalidApiKey",
            )
        }
    )

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str = DEFAULT_BASE_URL,
        limiter: DiscoveryLimiter | None = None,
        **client: Any,
    ) -> None:
        if not api_key:
            raise ConfigurationError("tm_discovery: api_key is required")
        self.discovery_limiter = limiter or DiscoveryLimiter()
        super().__init__(
            base_url=base_url, auth=ApiKey(api_key, query="apikey"), limiter=self.discovery_limiter, **client
        )

    async def _get(self, route: str, **options: Any) -> Any:
        return await self._call_json("GET", route, **options)

    # -- single items -----------------------------------------------------------------------------

    async def get_event(self, event_id: str) -> Event:
        """One event (``/events/{id}.json``); NotFoundError when unknown."""
        route = "/events/{id}.json"
        body = await self._get(route, path={"id": _checked_id(event_id)})
        return parse_event(body, f"{self.service_name} {route}")

    async def get_attraction(self, attraction_id: str) -> Attraction:
        route = "/attractions/{id}.json"
        body = await self._get(route, path={"id": _checked_id(attraction_id)})
        return parse_attraction(body, f"{self.service_name} {route}")

    async def get_venue(self, venue_id: str) -> Venue:
        route = "/venues/{id}.json"
        body = await self._get(route, path={"id": _checked_id(venue_id)})
        return parse_venue(body, f"{self.service_name} {route}")

    async def get_classifications(self) -> list[dict[str, Any]]:
        """The classification tree (segments, genres, sub-genres) as the API gives it."""
        route = "/classifications.json"
        body = await self._get(route)
        embedded = (body or {}).get("_embedded") or {} if isinstance(body, dict) else {}
        items = embedded.get("classifications", []) if isinstance(embedded, dict) else []
        return [c for c in items if isinstance(c, dict)]

    async def get_event_cached(self, event_id: str, cache: Any, *, ttl: int = 86_400) -> Event:
        """:meth:`get_event` through a :class:`verifiedfan.redis.Redis` cache (``get_or_set``, single
        flight): the event's JSON is kept for ``ttl`` seconds under ``tm:event:<id>``."""
        route = "/events/{id}.json"
        checked = _checked_id(event_id)

        async def load() -> Any:
            return await self._get(route, path={"id": checked})

        body = await cache.get_or_set(f"tm:event:{checked}", load, ttl=ttl)
        return parse_event(body, f"{self.service_name} {route}")

    # -- searches ---------------------------------------------------------------------------------

    async def aiter_events(
        self, *, size: int = 20, truncate: bool = False, **filters: Any
    ) -> AsyncIterator[Event]:
        """Every event of a search (``keyword=``, ``attraction_id=``, ``venue_id=``, ``country_code=``,
        ``classification_name=``, ``start_date_time=``...: snake case, sent in the API's camel case)."""
        async for item in self._search("/events.json", "events", size, truncate, filters):
            yield parse_event(item, f"{self.service_name} /events.json")

    async def aiter_attractions(
        self, *, size: int = 20, truncate: bool = False, **filters: Any
    ) -> AsyncIterator[Attraction]:
        async for item in self._search("/attractions.json", "attractions", size, truncate, filters):
            yield parse_attraction(item, f"{self.service_name} /attractions.json")

    async def aiter_venues(
        self, *, size: int = 20, truncate: bool = False, **filters: Any
    ) -> AsyncIterator[Venue]:
        async for item in self._search("/venues.json", "venues", size, truncate, filters):
            yield parse_venue(item, f"{self.service_name} /venues.json")

    async def _search(
        self, route: str, key: str, size: int, truncate: bool, filters: dict[str, Any]
    ) -> AsyncIterator[Any]:
        if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= 200:
            raise ValidationError("size must be an integer from 1 to 200")
        params = {_camel(k): _param(v) for k, v in filters.items() if v is not None}
        where = f"{self.service_name} {route}"
        number, read = 0, 0
        while True:
            body = await self._get(route, params={**params, "size": size, "page": number})
            page = parse_page(body, where)
            embedded = body.get("_embedded") or {}
            items = embedded.get(key) or [] if isinstance(embedded, dict) else []
            if not isinstance(items, list):
                raise ResponseFormatError(f"{where}: _embedded.{key} is not a list")
            for item in items:
                read += 1
                yield item
            number += 1
            if number >= page.total_pages or not items:
                return
            if (number + 1) * size > DISCOVERY_MAX_DEPTH:
                if truncate:
                    return
                raise DeepPagingLimitError(
                    f"{where}: the API serves only the first {DISCOVERY_MAX_DEPTH} items of a search "
                    f"(page * size < {DISCOVERY_MAX_DEPTH}); {read} of {page.total_elements} were read: "
                    "narrow the search (dates, classification, place) or pass truncate=True",
                    read=read,
                    total=page.total_elements,
                )


def _checked_id(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("an id is a non-empty string")
    return value.strip()


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _param(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return value
