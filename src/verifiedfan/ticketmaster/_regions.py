"""TMUO region routing: ``tmuo_<region>_<id>`` names the region whose endpoints serve the user.

A pure function with no I/O, so the routing table can be tested on its own: the region is ``us``,
``eu`` or ``apac`` in any case; a TMUO without a region (``tmuo_123456``) goes to the caller's default
region; anything else is a :class:`~verifiedfan.errors.ValidationError` before any call is made.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from verifiedfan.errors import ValidationError

__all__ = ["Region", "Tmuo", "parse_tmuo", "region_of"]


class Region(StrEnum):
    """A Ticketmaster accounts region."""

    US = "us"
    EU = "eu"
    APAC = "apac"


_TMUO = re.compile(r"tmuo_(?:(?P<region>[a-z]+)_)?(?P<id>[a-z0-9-]+)", re.IGNORECASE | re.ASCII)


@dataclass(frozen=True)
class Tmuo:
    """A parsed TMUO: its region (``None`` when it names none) and the id after it."""

    region: Region | None
    id: str


def parse_tmuo(tmuo: object) -> Tmuo:
    """Parse ``tmuo_<region>_<id>`` or ``tmuo_<id>`` (any case, surrounding spaces ignored)."""
    if not isinstance(tmuo, str):
        raise ValidationError(f"a TMUO is a string like 'tmuo_eu_123', not {type(tmuo).__name__}")
    match = _TMUO.fullmatch(tmuo.strip())
    if match is None:
        raise ValidationError("not a TMUO: expected 'tmuo_<region>_<id>' or 'tmuo_<id>'")
    region = match["region"]
    if region is None:
        return Tmuo(region=None, id=match["id"])
    try:
        return Tmuo(region=Region(region.lower()), id=match["id"])
    except ValueError:
        known = ", ".join(r.value for r in Region)
        raise ValidationError(f"unknown TMUO region {region!r}: expected one of {known}") from None


def region_of(tmuo: object, *, default: Region = Region.US) -> Region:
    """The region whose endpoints serve ``tmuo``: the one it names, else ``default``."""
    return parse_tmuo(tmuo).region or default
