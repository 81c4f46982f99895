"""Bitly API v4: settings, the Bitlink model, the typed error and the checks made before any I/O.

Wire shapes (dev.bitly.com "Getting started" and API reference):

* ``POST https://api-ssl.bitly.com/v4/shorten`` (``Authorization: Bearer``) with ``{long_url,
  domain, group_guid}``: 201 for a new link, 200 when the long URL already had one (both success),
  ``{"link": "https://bit.ly/3bBkm0k", "id": "bit.ly/3bBkm0k", "long_url": ..., "created_at": ...,
  "archived": false, "references": {"group": ...}, ...}``. Bitly's tips: always pass ``group_guid``
  and ``domain``, or links land in the token owner's default group.
* ``GET /v4/bitlinks/{bitlink}/clicks/summary?unit=day&units=-1`` -> ``{"total_clicks", "unit",
  "units", "unit_reference"}``.
* Errors: ``{"message": "INVALID_ARG_LONG_URL", "resource": "bitlinks", "description": ...,
  "errors": [{"field", "error_code"}]}``; throttling is 429 ``RATE_LIMIT_EXCEEDED`` without
  ``Retry-After``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from verifiedfan.errors import (
    ClientError,
    HTTPStatusError,
    NotFoundError,
    ResponseFormatError,
    ValidationError,
)
from verifiedfan.http import ApiSettings

__all__ = ["MAX_LONG_URL", "UNITS", "Bitlink", "BitlyError", "BitlyNotFoundError", "BitlySettings"]

MAX_LONG_URL = 2048
UNITS = ("minute", "hour", "day", "week", "month")
_BITLINK = re.compile(r"^(?:https?://)?(?P<domain>[A-Za-z0-9.-]+\.[A-Za-z]{2,})/(?P<hash>[A-Za-z0-9_-]+)$")


@dataclass(frozen=True, slots=True)
class Bitlink:
    """A short link: ``link`` (``https://bit.ly/3bBkm0k``), ``id`` (``bit.ly/3bBkm0k``, what the
    other endpoints take) and the ``long_url`` Bitly stored (it may normalise it)."""

    link: str
    id: str
    long_url: str

    def to_dict(self) -> dict[str, str]:
        return {"link": self.link, "id": self.id, "long_url": self.long_url}


class BitlyError(ClientError):
    """Bitly refused the call (400, 403...). ``code`` is Bitly's ``message`` (``INVALID_ARG_LONG_URL``,
    ``FORBIDDEN``, ``MONTHLY_ENCODE_LIMIT_EXCEEDED``...), ``description`` its explanation."""

    @property
    def code(self) -> str:
        body = self.body
        found = body.get("message") if isinstance(body, dict) else None
        return found if isinstance(found, str) else ""

    @property
    def description(self) -> str:
        body = self.body
        found = body.get("description") if isinstance(body, dict) else None
        return found if isinstance(found, str) else ""


class BitlyNotFoundError(BitlyError, NotFoundError):
    """404: no such Bitlink (``NOT_FOUND``)."""


def bitly_error(error: HTTPStatusError, message: str) -> BitlyError:
    cls = BitlyNotFoundError if error.status_code == 404 else BitlyError
    built = cls(
        message,
        status=error.status_code,
        body=error.body,
        method=error.method,
        url=error.url,
        service_name=error.service_name,
        headers=error.headers,
    )
    if built.code:
        built.message = f"{message}: {built.code}" + (f" ({built.description})" if built.description else "")
        built.args = (built.message,)
    return built


class BitlySettings(ApiSettings):
    """``VF_BITLY_*``: ``api_key`` (the access token, a secret), ``group_guid``, ``domain``
    (``bit.ly``) and ``cache_ttl`` (seconds a long->short pair stays in the Redis cache)."""

    model_config = SettingsConfigDict(env_prefix="VF_BITLY_")

    service_name: str = "bitly"
    base_urls: dict[str, str] = Field(default_factory=lambda: {"prod": "https://api-ssl.bitly.com"})
    group_guid: str | None = None
    domain: str = "bit.ly"
    cache_ttl: float = Field(default=30 * 24 * 3600.0, gt=0)


def check_long_url(value: object) -> str:
    """An absolute ``http``/``https`` URL with a host, no whitespace, at most :data:`MAX_LONG_URL`
    characters (ValidationError otherwise, before any I/O)."""
    if not isinstance(value, str) or not value:
        raise ValidationError("bitly: long_url must be a non-empty string")
    if len(value) > MAX_LONG_URL:
        raise ValidationError(f"bitly: long_url is {len(value)} characters long (at most {MAX_LONG_URL})")
    if any(c.isspace() for c in value):
        raise ValidationError("bitly: long_url contains whitespace")
    try:
        parts = urlsplit(value)
        port = parts.port  # raises ValueError on a bad port
    except ValueError:
        raise ValidationError(f"bitly: long_url is not a valid URL: {value[:80]!r}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or port == 0:
        raise ValidationError(f"bitly: long_url must be an absolute http(s) URL, got {value[:80]!r}")
    return value


def parse_bitlink_id(value: object) -> tuple[str, str]:
    """``(domain, hash)`` of ``bit.ly/3bBkm0k`` or ``https://bit.ly/3bBkm0k``."""
    match = _BITLINK.match(value) if isinstance(value, str) else None
    if match is None:
        raise ValidationError(f"bitly: {value!r} is not a Bitlink such as 'bit.ly/3bBkm0k'")
    return match["domain"].lower(), match["hash"]


def check_unit(unit: object, units: object) -> tuple[str, int]:
    if unit not in UNITS:
        raise ValidationError(f"bitly: unit must be one of {', '.join(UNITS)}, got {unit!r}")
    if not isinstance(units, int) or isinstance(units, bool) or (units < 1 and units != -1):
        raise ValidationError(f"bitly: units must be a positive count or -1 (all), got {units!r}")
    return str(unit), units


def cache_key(long_url: str, domain: str, group_guid: str | None) -> str:
    """The Redis key of a long URL's Bitlink: stable, short, and naming no URL."""
    digest = hashlib.sha256(f"{domain}\x1f{group_guid or ''}\x1f{long_url}".encode()).hexdigest()
    return f"bitly:link:{digest[:40]}"


def cache_ttl(seconds: float) -> timedelta:
    return timedelta(seconds=seconds)


def parse_bitlink(body: object, where: str) -> Bitlink:
    if not isinstance(body, dict):
        raise ResponseFormatError(f"{where}: the answer is not a JSON object")
    link, bid, long_url = body.get("link"), body.get("id"), body.get("long_url")
    if not all(isinstance(v, str) and v for v in (link, bid, long_url)):
        raise ResponseFormatError(f"{where}: the answer lacks 'link', 'id' or 'long_url'")
    return Bitlink(link=str(link), id=str(bid), long_url=str(long_url))


def parse_clicks(body: object, where: str) -> int:
    total: Any = body.get("total_clicks") if isinstance(body, dict) else None
    if not isinstance(total, int) or isinstance(total, bool) or total < 0:
        raise ResponseFormatError(f"{where}: the answer has no 'total_clicks' count")
    return total
