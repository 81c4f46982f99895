"""Parsers of the accounts APIs' answers: any shape problem is a ResponseFormatError, never a KeyError."""

from __future__ import annotations

from typing import Any

from verifiedfan.errors import ResponseFormatError
from verifiedfan.http import field, optional_field, parse_time
from verifiedfan.normalizers import phone
from verifiedfan.ticketmaster._models import (
    TmAddress,
    TmAttendance,
    TmPurchase,
    TmUser,
    TmUserActivity,
    TmUserProfile,
)
from verifiedfan.ticketmaster._regions import Region

__all__ = ["parse_activity", "parse_profile", "parse_user"]


def _object(body: Any, where: str) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ResponseFormatError(f"{where}: expected a JSON object, got {type(body).__name__}")
    return body


def _list(obj: dict[str, Any], key: str, where: str) -> list[Any]:
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ResponseFormatError(f"{where}: field {key!r} is not a list")
    return value


def _address(value: Any, where: str) -> TmAddress | None:
    if value is None:
        return None
    obj = _object(value, f"{where} address")
    return TmAddress(
        line1=optional_field(obj, "line1", str, where),
        line2=optional_field(obj, "line2", str, where),
        city=optional_field(obj, "city", str, where),
        region=optional_field(obj, "region", str, where),
        postal_code=optional_field(obj, "postalCode", str, where),
        country=optional_field(obj, "country", str, where),
    )


def parse_profile(body: Any, region: Region, where: str) -> TmUserProfile:
    obj = _object(body, where)
    address = _address(obj.get("address"), where)
    raw_phone = optional_field(obj, "phone", str, where)
    country = address.country if address and address.country else None
    return TmUserProfile(
        tmuo=field(obj, "tmuo", str, where),
        region=region,
        email=optional_field(obj, "email", str, where),
        first_name=optional_field(obj, "firstName", str, where),
        last_name=optional_field(obj, "lastName", str, where),
        address=address,
        phone_e164=phone(raw_phone, region=country or "US") if raw_phone else None,
        created_at=parse_time(obj.get("createdAt"), where),
    )


def _amount(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ResponseFormatError(f"{where}: an amount is not a decimal string")
    return str(value)


def parse_activity(body: Any, where: str) -> TmUserActivity:
    obj = _object(body, where)
    attendance = tuple(
        TmAttendance(
            event_id=field(item, "eventId", str, where),
            event_name=optional_field(item, "eventName", str, where),
            date=parse_time(item.get("date"), where),
            venue=optional_field(item, "venue", str, where),
        )
        for item in (_object(i, where) for i in _list(obj, "attendance", where))
    )
    purchases = []
    for raw in _list(obj, "purchases", where):
        item = _object(raw, where)
        total = _object(item["total"], where) if item.get("total") is not None else {}
        purchases.append(
            TmPurchase(
                order_id=field(item, "orderId", str, where),
                event_id=field(item, "eventId", str, where),
                tickets=field(item, "tickets", int, where),
                total=_amount(total.get("amount"), where),
                currency=optional_field(total, "currency", str, where),
                purchased_at=parse_time(item.get("purchasedAt"), where),
            )
        )
    prefs = _object(obj.get("preferences") or {}, where)
    genres = _list(prefs, "genres", where)
    artists = _list(prefs, "artists", where)
    if not all(isinstance(g, str) for g in [*genres, *artists]):
        raise ResponseFormatError(f"{where}: preferences hold a value that is not a string")
    return TmUserActivity(
        tmuo=field(obj, "tmuo", str, where),
        attendance=attendance,
        purchases=tuple(purchases),
        genres=tuple(genres),
        artists=tuple(artists),
        marketing_opt_in=optional_field(prefs, "marketingOptIn", bool, where),
    )


def parse_user(body: Any, where: str) -> TmUser:
    obj = _object(body, where)
    return TmUser(
        tmuo=field(obj, "tmuo", str, where),
        email=field(obj, "email", str, where),
        created_at=parse_time(obj.get("createdAt"), where),
    )
