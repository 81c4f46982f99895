"""Typed answers of the public Discovery API v2, and its errors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from verifiedfan.errors import ResponseFormatError, UnauthorizedError, VFError
from verifiedfan.http import optional_field, parse_time

__all__ = [
    "DISCOVERY_MAX_DEPTH",
    "DISCOVERY_PER_DAY",
    "DISCOVERY_PER_SECOND",
    "Attraction",
    "DeepPagingLimitError",
    "DiscoveryQuotaError",
    "Event",
    "InvalidApiKeyError",
    "PageInfo",
    "Venue",
    "parse_attraction",
    "parse_event",
    "parse_page",
    "parse_venue",
]

#: The documented limits of a default key: 5 requests a second, 5,000 a day, and no paging past
#: the 1,000th item of a search (``size * page < 1000``).
DISCOVERY_PER_SECOND = 5
DISCOVERY_PER_DAY = 5000
DISCOVERY_MAX_DEPTH = 1000


class InvalidApiKeyError(UnauthorizedError):
    """The Discovery API refused the key (``oauth.v2.InvalidApiKey``)."""


class DiscoveryQuotaError(VFError):
    """The key's daily quota is used up: refused here, before the server would answer 429."""


class DeepPagingLimitError(VFError):
    """A search has more items than the API serves (only the first 1,000): narrow it down.

    ``read`` items were yielded before the limit; ``total`` is what the search matches."""

    def __init__(self, message: str, *, read: int, total: int) -> None:
        super().__init__(message)
        self.read = read
        self.total = total


@dataclass(frozen=True, slots=True)
class PageInfo:
    size: int
    total_elements: int
    total_pages: int
    number: int


@dataclass(frozen=True, slots=True)
class Venue:
    id: str
    name: str | None
    city: str | None
    country_code: str | None
    postal_code: str | None


@dataclass(frozen=True, slots=True)
class Attraction:
    id: str
    name: str | None
    url: str | None
    segment: str | None
    genre: str | None


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    name: str | None
    url: str | None
    start: datetime | None
    local_date: str | None
    status: str | None
    segment: str | None
    genre: str | None
    venues: tuple[Venue, ...]
    attractions: tuple[Attraction, ...]


def _obj(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ResponseFormatError(f"{where}: expected a JSON object, got {type(value).__name__}")
    return value


def _id(obj: dict[str, Any], where: str) -> str:
    value = obj.get("id")
    if not isinstance(value, str) or not value:
        raise ResponseFormatError(f"{where}: an item has no id")
    return value


def _classification(obj: dict[str, Any], where: str) -> tuple[str | None, str | None]:
    items = obj.get("classifications") or []
    if not isinstance(items, list):
        raise ResponseFormatError(f"{where}: classifications is not a list")
    if not items:
        return None, None
    first = _obj(items[0], where)
    segment = _obj(first.get("segment") or {}, where)
    genre = _obj(first.get("genre") or {}, where)
    return optional_field(segment, "name", str, where), optional_field(genre, "name", str, where)


def parse_venue(value: Any, where: str) -> Venue:
    obj = _obj(value, where)
    city = _obj(obj.get("city") or {}, where)
    country = _obj(obj.get("country") or {}, where)
    return Venue(
        id=_id(obj, where),
        name=optional_field(obj, "name", str, where),
        city=optional_field(city, "name", str, where),
        country_code=optional_field(country, "countryCode", str, where),
        postal_code=optional_field(obj, "postalCode", str, where),
    )


def parse_attraction(value: Any, where: str) -> Attraction:
    obj = _obj(value, where)
    segment, genre = _classification(obj, where)
    return Attraction(
        id=_id(obj, where),
        name=optional_field(obj, "name", str, where),
        url=optional_field(obj, "url", str, where),
        segment=segment,
        genre=genre,
    )


def parse_event(value: Any, where: str) -> Event:
    obj = _obj(value, where)
    dates = _obj(obj.get("dates") or {}, where)
    start = _obj(dates.get("start") or {}, where)
    status = _obj(dates.get("status") or {}, where)
    embedded = _obj(obj.get("_embedded") or {}, where)
    venues = embedded.get("venues") or []
    attractions = embedded.get("attractions") or []
    if not isinstance(venues, list) or not isinstance(attractions, list):
        raise ResponseFormatError(f"{where}: _embedded venues/attractions are not lists")
    segment, genre = _classification(obj, where)
    return Event(
        id=_id(obj, where),
        name=optional_field(obj, "name", str, where),
        url=optional_field(obj, "url", str, where),
        start=parse_time(start.get("dateTime"), where),
        local_date=optional_field(start, "localDate", str, where),
        status=optional_field(status, "code", str, where),
        segment=segment,
        genre=genre,
        venues=tuple(parse_venue(v, where) for v in venues),
        attractions=tuple(parse_attraction(a, where) for a in attractions),
    )


def parse_page(body: Any, where: str) -> PageInfo:
    page = _obj(_obj(body, where).get("page"), f"{where} page")
    numbers = {k: page.get(k) for k in ("size", "totalElements", "totalPages", "number")}
    if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in numbers.values()):
        raise ResponseFormatError(f"{where}: page has a missing or bad size/totalElements/totalPages/number")
    return PageInfo(
        size=numbers["size"],  # type: ignore[arg-type]
        total_elements=numbers["totalElements"],  # type: ignore[arg-type]
        total_pages=numbers["totalPages"],  # type: ignore[arg-type]
        number=numbers["number"],  # type: ignore[arg-type]
    )
