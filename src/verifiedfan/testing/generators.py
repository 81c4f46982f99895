"""Seeded test data (the ``test-utils`` generators): contacts, ids, tokens and domain objects.

Every value comes from one :class:`DataGenerator`, seeded, so a failing test reproduces with the
same data (``DataGenerator(seed=1234)``); the module-level functions use a shared generator that
:func:`seed` resets. Phones are E.164 numbers that ``phonenumbers`` (extra ``normalizers``) holds
valid for their region; emails use the reserved ``example.com``/``.test`` domains (RFC 2606), so a
test never mails a real address. Domain objects are plain JSON-ready dicts with the fields the
platform's services use; the original package did not document its shapes, so they are kept minimal
and every field can be overridden (``generate_campaign(name="Presale")``).
"""

from __future__ import annotations

import random
import string
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from verifiedfan.errors import ValidationError

if TYPE_CHECKING:
    from verifiedfan.jwt import Signer

__all__ = [
    "DataGenerator",
    "generate_campaign",
    "generate_code",
    "generate_codes",
    "generate_email",
    "generate_entry",
    "generate_event",
    "generate_events",
    "generate_fanlist_campaign",
    "generate_faqs",
    "generate_global_user_id",
    "generate_market",
    "generate_markets",
    "generate_member_id",
    "generate_mongo_object_id",
    "generate_phone",
    "generate_promoter",
    "generate_scoring",
    "generate_token",
    "generate_user",
    "get_invalid_email",
    "get_random_boolean",
    "get_random_execution_time",
    "get_random_float",
    "get_random_int",
    "get_random_purchase_code",
    "make_contact_obj",
    "prefix_str_for_test",
    "seed",
]

_FIRST = ("Ana", "Ben", "Chloé", "Dev", "Eun-ji", "Farah", "Gabriel", "Hiro", "Ines", "Jamal", "Kofi", "Lena")
_LAST = ("Smith", "García", "O'Connor", "Nguyen", "Okafor", "Müller", "Kowalski", "Haddad", "Silva", "Kim")
_ARTISTS = ("The Midnight Owls", "Luna Park", "Echo Valley", "Neon Harbor", "Saint Ember", "Paper Comets")
_CITIES = (("New York", "US"), ("Toronto", "CA"), ("London", "GB"), ("Mexico City", "MX"), ("Chicago", "US"))
_INVALID_EMAILS = (
    "plainaddress",
    "@example.com",
    "fan@",
    "fan@@example.com",
    "fan example@example.com",
    "fan@exa mple.com",
    "fan@example..com",
    ".fan@example.com",
    "fan.@example.com",
    "fan@-example.com",
)
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read by people


class DataGenerator:
    """Seeded generators; the same seed gives the same sequence of values."""

    def __init__(self, seed: int | str | None = None) -> None:
        self.random = random.Random(seed)

    # -- primitives --------------------------------------------------------------------------------

    def random_int(self, minimum: int = 0, maximum: int = 1_000_000) -> int:
        """An integer in ``minimum..maximum`` (both included)."""
        return self.random.randint(minimum, maximum)

    def random_float(self, minimum: float = 0.0, maximum: float = 1.0) -> float:
        """A float in ``minimum..maximum``."""
        return self.random.uniform(minimum, maximum)

    def random_bool(self) -> bool:
        """True or false."""
        return self.random.random() < 0.5

    def text(self, length: int = 8, alphabet: str = string.ascii_lowercase + string.digits) -> str:
        """Random text of ``length`` characters from ``alphabet``."""
        return "".join(self.random.choice(alphabet) for _ in range(length))

    def uuid(self) -> str:
        """A version-4 UUID (from the seeded generator)."""
        return str(uuid.UUID(int=self.random.getrandbits(128), version=4))

    # -- contacts ----------------------------------------------------------------------------------

    def email(self, *, domain: str = "example.com") -> str:
        """A fresh lower-case address at a reserved domain (RFC 2606)."""
        return f"fan.{self.text(10)}@{domain}"

    def invalid_email(self) -> str:
        """An address that ``verifiedfan.normalizers.email`` refuses."""
        return self.random.choice(_INVALID_EMAILS)

    def phone(self, region: str = "US") -> str:
        """An E.164 mobile (or fixed-line) number that ``phonenumbers`` holds valid for ``region``."""
        import phonenumbers

        region = region.upper()
        example = phonenumbers.example_number_for_type(
            region, phonenumbers.PhoneNumberType.MOBILE
        ) or phonenumbers.example_number(region)
        if example is None:
            raise ValidationError(f"phonenumbers has no example number for region {region!r}")
        national = str(example.national_number)
        keep = max(len(national) - 4, 1)
        for _ in range(200):
            candidate = national[:keep] + "".join(
                self.random.choice(string.digits) for _ in range(len(national) - keep)
            )
            number = phonenumbers.PhoneNumber(
                country_code=example.country_code, national_number=int(candidate)
            )
            if phonenumbers.is_valid_number_for_region(number, region):
                return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        return phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.E164)

    def name(self) -> tuple[str, str]:
        """A (first, last) name pair, some with accents and apostrophes."""
        return self.random.choice(_FIRST), self.random.choice(_LAST)

    # -- ids and tokens ----------------------------------------------------------------------------

    def object_id(self) -> str:
        """A Mongo ObjectId as 24 hex digits (a plausible timestamp, then random bytes)."""
        stamp = int(datetime(2024, 1, 1, tzinfo=UTC).timestamp()) + self.random_int(0, 10_000_000)
        return f"{stamp:08x}{self.random.getrandbits(64):016x}"

    def member_id(self) -> str:
        """A numeric Ticketmaster member id (16 digits)."""
        return str(self.random_int(10**15, 10**16 - 1))

    def global_user_id(self) -> str:
        """A global user id (``gu-`` and a UUID)."""
        return f"gu-{self.uuid()}"

    def purchase_code(self, length: int = 10) -> str:
        """A presale code as people type them (no 0/O or 1/I)."""
        return self.text(length, _CODE_ALPHABET)

    def execution_time(self) -> str:
        """An ISO-8601 UTC timestamp within the last 30 days (a job's execution time)."""
        moment = datetime(2026, 1, 1, tzinfo=UTC) - timedelta(seconds=self.random_int(0, 30 * 86400))
        return moment.isoformat().replace("+00:00", "Z")

    def token(
        self, claims: Mapping[str, Any] | None = None, *, signer: Signer, permissions: Any = None
    ) -> str:
        """A JWT from ``signer`` with ``claims`` (a fresh ``userId`` when absent) and ``permissions``."""
        payload = {"userId": self.global_user_id(), **(claims or {})}
        if permissions is not None:
            payload["permissions"] = [str(p) for p in permissions]
        return signer.make_token(payload)

    # -- domain objects ----------------------------------------------------------------------------

    def _iso(self, days_from_now: int) -> str:
        moment = datetime(2026, 6, 1, 17, 0, tzinfo=UTC) + timedelta(days=days_from_now)
        return moment.isoformat().replace("+00:00", "Z")

    def market(self, **overrides: Any) -> dict[str, Any]:
        """A market (a city where the presale runs)."""
        city, country = self.random.choice(_CITIES)
        out = {"id": self.object_id(), "name": city, "city": city, "country": country, "timezone": "UTC"}
        return {**out, **overrides}

    def event(self, **overrides: Any) -> dict[str, Any]:
        """A Discovery-style event (``id``, ``name``, ``date``, ``venue``, ``market_id``)."""
        out = {
            "id": f"vv{self.text(12, string.ascii_uppercase + string.digits)}",
            "name": f"{self.random.choice(_ARTISTS)} Live",
            "date": self._iso(self.random_int(10, 200)),
            "venue": {"name": f"{self.random.choice(_CITIES)[0]} Arena", "id": f"KovZ{self.text(6)}"},
            "market_id": self.object_id(),
        }
        return {**out, **overrides}

    def campaign(self, **overrides: Any) -> dict[str, Any]:
        """A registration campaign for an artist's presale."""
        opens = self.random_int(-10, 10)
        out = {
            "id": self.object_id(),
            "name": f"{self.random.choice(_ARTISTS)} Presale",
            "artist": {"id": f"K8vZ{self.text(8)}", "name": self.random.choice(_ARTISTS)},
            "type": "registration",
            "status": "OPEN",
            "locale": "en_US",
            "open_date": self._iso(opens),
            "close_date": self._iso(opens + 14),
            "market_ids": [self.object_id() for _ in range(self.random_int(1, 3))],
        }
        return {**out, **overrides}

    def fanlist_campaign(self, **overrides: Any) -> dict[str, Any]:
        """A fan-list campaign (uploaded list of fans instead of open registration)."""
        return self.campaign(type="fanlist", **overrides)

    def code(self, **overrides: Any) -> dict[str, Any]:
        """A presale code assigned to a campaign."""
        out = {
            "code": self.purchase_code(),
            "campaign_id": self.object_id(),
            "type": "tm",
            "status": "AVAILABLE",
        }
        return {**out, **overrides}

    def user(self, **overrides: Any) -> dict[str, Any]:
        """A fan's profile."""
        first, last = self.name()
        out = {
            "id": self.global_user_id(),
            "member_id": self.member_id(),
            "first_name": first,
            "last_name": last,
            "email": self.email(),
            "phone": self.phone(),
            "locale": "en_US",
        }
        return {**out, **overrides}

    def entry(self, **overrides: Any) -> dict[str, Any]:
        """A fan's registration entry in a campaign."""
        user = self.user()
        out = {
            "id": self.object_id(),
            "campaign_id": self.object_id(),
            "user_id": user["id"],
            "email": user["email"],
            "phone": user["phone"],
            "market_ids": [self.object_id()],
            "created_at": self.execution_time(),
            "verified": False,
        }
        return {**out, **overrides}

    def scoring(self, **overrides: Any) -> dict[str, Any]:
        """A fan's verification score in a campaign."""
        out = {
            "user_id": self.global_user_id(),
            "campaign_id": self.object_id(),
            "score": round(self.random_float(0, 1), 3),
            "verdict": self.random.choice(["VERIFIED", "REJECTED", "PENDING"]),
        }
        return {**out, **overrides}

    def promoter(self, **overrides: Any) -> dict[str, Any]:
        """A promoter organising events."""
        out = {"id": self.object_id(), "name": f"{self.random.choice(_LAST)} Presents", "privacy_url": None}
        return {**out, **overrides}

    def faqs(self, count: int = 3) -> list[dict[str, str]]:
        """Questions and answers shown on a campaign page."""
        return [
            {"question": f"Question {i + 1}?", "answer": f"Answer {i + 1} {self.text(6)}."}
            for i in range(count)
        ]

    def contact(self, **overrides: Any) -> dict[str, Any]:
        """A contact object (name, email, E.164 phone) as registration forms send it."""
        first, last = self.name()
        out = {"first_name": first, "last_name": last, "email": self.email(), "phone": self.phone()}
        return {**out, **overrides}


_default = DataGenerator()


def seed(value: int | str | None) -> None:
    """Reset the shared generator behind the module-level functions."""
    _default.random.seed(value)


def get_random_int(minimum: int = 0, maximum: int = 1_000_000) -> int:
    """A random integer (shared generator)."""
    return _default.random_int(minimum, maximum)


def get_random_float(minimum: float = 0.0, maximum: float = 1.0) -> float:
    """A random float (shared generator)."""
    return _default.random_float(minimum, maximum)


def get_random_boolean() -> bool:
    """A random boolean (shared generator)."""
    return _default.random_bool()


def generate_email(domain: str = "example.com") -> str:
    """A fresh email address at a reserved domain."""
    return _default.email(domain=domain)


def get_invalid_email() -> str:
    """An invalid email address."""
    return _default.invalid_email()


def generate_phone(region: str = "US") -> str:
    """A valid E.164 phone number of ``region``."""
    return _default.phone(region)


def generate_mongo_object_id() -> str:
    """A Mongo ObjectId as 24 hex digits."""
    return _default.object_id()


def generate_member_id() -> str:
    """A Ticketmaster member id."""
    return _default.member_id()


def generate_global_user_id() -> str:
    """A global user id."""
    return _default.global_user_id()


def get_random_purchase_code(length: int = 10) -> str:
    """A presale code."""
    return _default.purchase_code(length)


def get_random_execution_time() -> str:
    """An ISO-8601 UTC timestamp."""
    return _default.execution_time()


def prefix_str_for_test(text: str) -> str:
    """``text`` prefixed with a random test marker, so rows a test writes are recognisable."""
    return f"test-{_default.text(6)}-{text}"


def generate_token(
    claims: Mapping[str, Any] | None = None, *, signer: Signer, permissions: Any = None
) -> str:
    """A JWT signed by ``signer`` (see :meth:`DataGenerator.token`)."""
    return _default.token(claims, signer=signer, permissions=permissions)


def generate_campaign(**overrides: Any) -> dict[str, Any]:
    """A campaign."""
    return _default.campaign(**overrides)


def generate_fanlist_campaign(**overrides: Any) -> dict[str, Any]:
    """A fan-list campaign."""
    return _default.fanlist_campaign(**overrides)


def generate_code(**overrides: Any) -> dict[str, Any]:
    """A presale code."""
    return _default.code(**overrides)


def generate_codes(count: int, **overrides: Any) -> list[dict[str, Any]]:
    """``count`` presale codes."""
    return [_default.code(**overrides) for _ in range(count)]


def generate_entry(**overrides: Any) -> dict[str, Any]:
    """A registration entry."""
    return _default.entry(**overrides)


def generate_event(**overrides: Any) -> dict[str, Any]:
    """An event."""
    return _default.event(**overrides)


def generate_events(count: int, **overrides: Any) -> list[dict[str, Any]]:
    """``count`` events."""
    return [_default.event(**overrides) for _ in range(count)]


def generate_faqs(count: int = 3) -> list[dict[str, str]]:
    """FAQ entries."""
    return _default.faqs(count)


def generate_market(**overrides: Any) -> dict[str, Any]:
    """A market."""
    return _default.market(**overrides)


def generate_markets(count: int, **overrides: Any) -> list[dict[str, Any]]:
    """``count`` markets."""
    return [_default.market(**overrides) for _ in range(count)]


def generate_scoring(**overrides: Any) -> dict[str, Any]:
    """A verification score."""
    return _default.scoring(**overrides)


def generate_promoter(**overrides: Any) -> dict[str, Any]:
    """A promoter."""
    return _default.promoter(**overrides)


def generate_user(**overrides: Any) -> dict[str, Any]:
    """A fan's profile."""
    return _default.user(**overrides)


def make_contact_obj(**overrides: Any) -> dict[str, Any]:
    """A contact object."""
    return _default.contact(**overrides)
