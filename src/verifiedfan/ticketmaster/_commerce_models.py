"""Typed answers of the Orders, Users and Wallet APIs, and their parsers (a bad shape is a
ResponseFormatError, never a KeyError). Amounts stay decimal strings as the API writes them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from verifiedfan.errors import NotFoundError, ResponseFormatError, ValidationError
from verifiedfan.http import field, optional_field, parse_time
from verifiedfan.normalizers import phone

__all__ = [
    "TmAccount",
    "TmAccountUpdate",
    "TmOrder",
    "TmOrderNotFoundError",
    "TmPass",
    "TmPaymentMethod",
    "TmWalletBalance",
    "TmWalletNotFoundError",
    "parse_account",
    "parse_order",
    "parse_pass",
    "parse_payment_method",
    "parse_wallet",
]


class TmOrderNotFoundError(NotFoundError):
    """The Orders API has no such order (HTTP 404)."""


class TmWalletNotFoundError(NotFoundError):
    """The Wallet API has no wallet for that TMUO (HTTP 404)."""


@dataclass(frozen=True, slots=True)
class TmOrder:
    order_id: str
    tmuo: str
    event_id: str
    status: str
    tickets: int
    total: str | None
    currency: str | None
    created_at: datetime | None


@dataclass(frozen=True, slots=True)
class TmAccount:
    """A user record of the Users API (``phone_e164`` went through the normalizers)."""

    tmuo: str
    email: str
    first_name: str | None
    last_name: str | None
    phone_e164: str | None
    country: str | None
    locale: str | None
    marketing_opt_in: bool | None
    updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class TmAccountUpdate:
    """The fields ``update_user`` may change; ``None`` leaves a field as it is. The phone is sent
    in E.164 (ValidationError before any I/O when it does not normalize)."""

    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    country: str | None = None
    locale: str | None = None
    marketing_opt_in: bool | None = None

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {}
        for attr, key in (
            ("email", "email"),
            ("first_name", "firstName"),
            ("last_name", "lastName"),
            ("country", "country"),
            ("locale", "locale"),
        ):
            value = getattr(self, attr)
            if value is not None:
                if not isinstance(value, str) or not value.strip():
                    raise ValidationError(f"{attr} must be a non-empty string")
                body[key] = value.strip()
        if self.phone is not None:
            e164 = phone(self.phone, region=self.country or "US")
            if e164 is None:
                raise ValidationError(f"not a phone number: {self.phone!r}")
            body["phone"] = e164
        if self.marketing_opt_in is not None:
            if not isinstance(self.marketing_opt_in, bool):
                raise ValidationError("marketing_opt_in must be a bool")
            body["marketingOptIn"] = self.marketing_opt_in
        if not body:
            raise ValidationError("update_user needs at least one field to change")
        return body


@dataclass(frozen=True, slots=True)
class TmWalletBalance:
    tmuo: str
    balance: str
    currency: str
    updated_at: datetime | None


@dataclass(frozen=True, slots=True)
class TmPaymentMethod:
    id: str
    type: str
    brand: str | None
    last4: str | None
    expires: str | None  # "MM/YY" as the API writes it
    is_default: bool


@dataclass(frozen=True, slots=True)
class TmPass:
    pass_id: str
    event_id: str
    type: str
    status: str
    valid_until: datetime | None


def _object(body: Any, where: str) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ResponseFormatError(f"{where}: expected a JSON object, got {type(body).__name__}")
    return body


def _amount(obj: dict[str, Any], key: str, where: str) -> str | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ResponseFormatError(f"{where}: {key!r} is not a decimal string")
    return str(value)


def parse_order(body: Any, where: str) -> TmOrder:
    obj = _object(body, where)
    total = _object(obj.get("total") or {}, where)
    return TmOrder(
        order_id=field(obj, "orderId", str, where),
        tmuo=field(obj, "tmuo", str, where),
        event_id=field(obj, "eventId", str, where),
        status=field(obj, "status", str, where),
        tickets=field(obj, "tickets", int, where),
        total=_amount(total, "amount", where),
        currency=optional_field(total, "currency", str, where),
        created_at=parse_time(obj.get("createdAt"), where),
    )


def parse_account(body: Any, where: str) -> TmAccount:
    obj = _object(body, where)
    raw_phone = optional_field(obj, "phone", str, where)
    country = optional_field(obj, "country", str, where)
    return TmAccount(
        tmuo=field(obj, "tmuo", str, where),
        email=field(obj, "email", str, where),
        first_name=optional_field(obj, "firstName", str, where),
        last_name=optional_field(obj, "lastName", str, where),
        phone_e164=phone(raw_phone, region=country or "US") if raw_phone else None,
        country=country,
        locale=optional_field(obj, "locale", str, where),
        marketing_opt_in=optional_field(obj, "marketingOptIn", bool, where),
        updated_at=parse_time(obj.get("updatedAt"), where),
    )


def parse_wallet(body: Any, where: str) -> TmWalletBalance:
    obj = _object(body, where)
    balance = _amount(obj, "balance", where)
    if balance is None:
        raise ResponseFormatError(f"{where}: the wallet has no balance")
    return TmWalletBalance(
        tmuo=field(obj, "tmuo", str, where),
        balance=balance,
        currency=field(obj, "currency", str, where),
        updated_at=parse_time(obj.get("updatedAt"), where),
    )


def parse_payment_method(body: Any, where: str) -> TmPaymentMethod:
    obj = _object(body, where)
    return TmPaymentMethod(
        id=field(obj, "id", str, where),
        type=field(obj, "type", str, where),
        brand=optional_field(obj, "brand", str, where),
        last4=optional_field(obj, "last4", str, where),
        expires=optional_field(obj, "expires", str, where),
        is_default=optional_field(obj, "default", bool, where) or False,
    )


def parse_pass(body: Any, where: str) -> TmPass:
    obj = _object(body, where)
    return TmPass(
        pass_id=field(obj, "passId", str, where),
        event_id=field(obj, "eventId", str, where),
        type=field(obj, "type", str, where),
        status=field(obj, "status", str, where),
        valid_until=parse_time(obj.get("validUntil"), where),
    )
