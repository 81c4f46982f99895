"""Typed answers of the Ticketmaster account APIs (ACOE profiles, ARAI activity, AUUM users and tokens)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from verifiedfan.errors import NotFoundError, VFError
from verifiedfan.ticketmaster._regions import Region

__all__ = [
    "AcoeCredentials",
    "AraiCredentials",
    "AuumCredentials",
    "TmAccessToken",
    "TmAddress",
    "TmAttendance",
    "TmProfileResult",
    "TmPurchase",
    "TmUser",
    "TmUserActivity",
    "TmUserNotFoundError",
    "TmUserProfile",
]


class TmUserNotFoundError(NotFoundError):
    """The accounts API has no user with that TMUO (HTTP 404)."""


@dataclass(frozen=True, slots=True)
class AuumCredentials:
    """OAuth2 client credentials of AUUM (account management); the secret never shows in ``repr``."""

    client_id: str
    client_secret: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class AcoeCredentials:
    """The client id ACOE (account profile) expects in its client-id header."""

    client_id: str


@dataclass(frozen=True, slots=True)
class AraiCredentials:
    """HTTP Basic credentials of ARAI (account activity); the password never shows in ``repr``."""

    username: str
    password: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class TmAddress:
    line1: str | None
    line2: str | None
    city: str | None
    region: str | None
    postal_code: str | None
    country: str | None


@dataclass(frozen=True, slots=True)
class TmUserProfile:
    """An ACOE profile. ``phone_e164`` went through :func:`verifiedfan.normalizers.phone` (``None``
    when the API's number does not normalize); ``region`` is the region that answered."""

    tmuo: str
    region: Region
    email: str | None
    first_name: str | None
    last_name: str | None
    address: TmAddress | None
    phone_e164: str | None
    created_at: datetime | None


@dataclass(frozen=True, slots=True)
class TmAttendance:
    event_id: str
    event_name: str | None
    date: datetime | None
    venue: str | None


@dataclass(frozen=True, slots=True)
class TmPurchase:
    order_id: str
    event_id: str
    tickets: int
    total: str | None  # a decimal amount as the API writes it, never a float
    currency: str | None
    purchased_at: datetime | None


@dataclass(frozen=True, slots=True)
class TmUserActivity:
    """ARAI activity: attendance, purchases and preferences, for fan scoring."""

    tmuo: str
    attendance: tuple[TmAttendance, ...]
    purchases: tuple[TmPurchase, ...]
    genres: tuple[str, ...]
    artists: tuple[str, ...]
    marketing_opt_in: bool | None


@dataclass(frozen=True, slots=True)
class TmUser:
    """A user created through AUUM."""

    tmuo: str
    email: str
    created_at: datetime | None


@dataclass(frozen=True, slots=True)
class TmAccessToken:
    """A user access token generated through AUUM; the token never shows in ``repr``."""

    tmuo: str
    access_token: str = field(repr=False)
    expires_in: float | None = None


@dataclass(frozen=True, slots=True)
class TmProfileResult:
    """One item of a batch: the profile, or the typed error that item met (never both)."""

    tmuo: str
    profile: TmUserProfile | None = None
    error: VFError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None
