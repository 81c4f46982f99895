"""The Ticketmaster accounts sandbox (AUUM, ACOE, ARAI), one server standing in for every region.

No public document describes these APIs: the routes and shapes are those :class:`~verifiedfan.
ticketmaster.TmAccounts` speaks, built from the original package's field lists. Each region lives
under its own path prefix (``/us``, ``/eu``, ``/apac``): pass ``sandbox.region_urls`` to the client,
and ``stats()["region_<r>"]`` counts the API requests each region received, so a test proves the
routing. A TMUO asked of the wrong region is a 404, as a real regional system would answer.

Checks made on every API request: the ``x-integrator-id`` header (400 without it), an AUUM bearer
token (401 with ``WWW-Authenticate`` when missing, unknown or expired) for AUUM and ACOE, the ACOE
client id header (403 when wrong), ARAI's Basic credentials (401 with ``WWW-Authenticate: Basic``).
"""

from __future__ import annotations

import itertools
from typing import Any, ClassVar

from verifiedfan.testing.sandbox._app import SandboxApp
from verifiedfan.testing.sandbox._http import Request, Response
from verifiedfan.testing.sandbox._routing import route
from verifiedfan.testing.sandbox._runner import ApiSandbox

__all__ = ["TM_SEED_USERS", "RegionalSandbox", "TmAccountsApp", "TmAccountsSandbox", "TmRegionalApp"]

REGIONS = ("us", "eu", "apac")

#: Seeded users: (region that stores them, profile). ``tmuo_123456`` names no region: the default, US.
TM_SEED_USERS: list[tuple[str, dict[str, Any]]] = [
    (
        "us",
        {
            "tmuo": "tmuo_us_100001",
            "email": "jane.doe@example.com",
            "firstName": "Jane",
            "lastName": "Doe",
            "address": {
                "line1": "1 Main St",
                "city": "Newark",
                "region": "NJ",
                "postalCode": "07102",
                "country": "US",
            },
            "phone": "(201) 555-0123",
            "createdAt": "2019-04-02T10:00:00Z",
        },
    ),
    (
        "us",
        {
            "tmuo": "tmuo_123456",
            "email": "sam.fan@example.com",
            "firstName": "Sam",
            "lastName": "Fan",
            "address": {
                "line1": "9 Sunset Blvd",
                "city": "Los Angeles",
                "region": "CA",
                "postalCode": "90028",
                "country": "US",
            },
            "phone": "323-234-5678",
            "createdAt": "2021-06-15T08:30:00Z",
        },
    ),
    (
        "eu",
        {
            "tmuo": "tmuo_eu_200001",
            "email": "francois.dupont@example.fr",
            "firstName": "François",
            "lastName": "Dupont",
            "address": {
                "line1": "12 rue de Rivoli",
                "city": "Paris",
                "region": "IDF",
                "postalCode": "75004",
                "country": "FR",
            },
            "phone": "06 12 34 56 78",
            "createdAt": "2020-01-20T12:00:00Z",
        },
    ),
    (
        "apac",
        {
            "tmuo": "tmuo_apac_300001",
            "email": "kenji.sato@example.jp",
            "firstName": "Kenji",
            "lastName": "Sato",
            "address": {
                "line1": "1-1 Chiyoda",
                "city": "Tokyo",
                "region": "13",
                "postalCode": "100-0001",
                "country": "JP",
            },
            "phone": "03-1234-5678",
            "createdAt": "2018-11-11T01:02:03Z",
        },
    ),
]


def _activity(tmuo: str, n: int) -> dict[str, Any]:
    return {
        "tmuo": tmuo,
        "attendance": [
            {
                "eventId": f"ev{n}{i}",
                "eventName": f"Concert {i}",
                "date": f"2025-0{i + 1}-10T20:00:00Z",
                "venue": "Arena",
            }
            for i in range(n % 3 + 1)
        ],
        "purchases": [
            {
                "orderId": f"ord{n}{i}",
                "eventId": f"ev{n}{i}",
                "tickets": 2,
                "total": {"amount": "149.90", "currency": "USD"},
                "purchasedAt": "2025-01-02T10:00:00Z",
            }
            for i in range(n % 2 + 1)
        ],
        "preferences": {"genres": ["Rock", "Pop"], "artists": ["The Testers"], "marketingOptIn": n % 2 == 0},
    }


class TmRegionalApp(SandboxApp):
    """The shared half of the Ticketmaster account-side sandboxes: every region under its own path
    prefix (``/us``, ``/eu``, ``/apac``), the ``x-integrator-id`` check and a per-region counter
    (``region_<r>`` in ``stats()``), the AUUM client and its bearer check, and the error shape."""

    client_id = "vf-auum-client"
    client_secret = "vf-auum-secret"  # noqa: S105 - a sandbox credential

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.register_client(self.client_id, self.client_secret)

    def error(self, status: int, message: str, *, headers: list[tuple[str, str]] | None = None) -> Response:
        return Response.json({"errors": [{"status": str(status), "detail": message}]}, status, headers)

    def _region(self, request: Request, region: str) -> Response | None:
        """The refusal for an unknown region or a missing integrator id, else None (and counted)."""
        if region not in REGIONS:
            return self.error(404, f"no region {region!r}")
        if not request.headers.get("x-integrator-id"):
            return self.error(400, "the x-integrator-id header is required")
        self.counters[f"region_{region}"] += 1
        return None

    def _auum_bearer(self, request: Request) -> Response | None:
        grant = self.bearer(request, allow_app=True)
        return grant if isinstance(grant, Response) else None


class RegionalSandbox(ApiSandbox):
    """A handle on a :class:`TmRegionalApp`, with its per-region URLs and counters."""

    @property
    def region_urls(self) -> dict[str, str]:
        """Base URL per region, for the clients' ``region_urls=``."""
        return {region: f"{self.url}/{region}" for region in REGIONS}

    def region_counts(self) -> dict[str, int]:
        """API requests received per region."""
        stats = self.stats()
        return {region: stats.get(f"region_{region}", 0) for region in REGIONS}


class TmAccountsApp(TmRegionalApp):
    """AUUM, ACOE and ARAI under ``/{region}``; ``client_id``/``client_secret`` (AUUM),
    ``acoe_client_id``, ``arai_username``/``arai_password`` are the credentials it accepts."""

    kind: ClassVar[str] = "tm_accounts"
    realm: ClassVar[str] = "tm-accounts"
    acoe_client_id = "vf-acoe-client"
    arai_username = "vf-arai"
    arai_password = "vf-arai-password"  # noqa: S105 - a sandbox credential

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.users: dict[str, dict[str, dict[str, Any]]] = {r: {} for r in REGIONS}
        self.activity: dict[str, dict[str, Any]] = {}
        for n, (region, profile) in enumerate(TM_SEED_USERS):
            self.users[region][profile["tmuo"].lower()] = dict(profile)
            self.activity[profile["tmuo"].lower()] = _activity(profile["tmuo"], n)
        self._ids = itertools.count(900001)
        self.created_by_key: dict[str, str] = {}

    def info(self) -> dict[str, Any]:
        return {
            **super().info(),
            "client_id": self.client_id,
            "acoe_client_id": self.acoe_client_id,
            "arai_username": self.arai_username,
            "users": {r: sorted(u["tmuo"] for u in users.values()) for r, users in self.users.items()},
        }

    def _user(self, region: str, tmuo: str) -> dict[str, Any] | None:
        return self.users[region].get(tmuo.lower())

    # -- AUUM ---------------------------------------------------------------------------------------
    @route("POST", "/{region}/auum/v1/oauth/token", faults=False)
    def token(self, request: Request, region: str) -> Response:
        return self._region(request, region) or self.oauth_token(request)

    @route("POST", "/{region}/auum/v1/users")
    def create_user(self, request: Request, region: str) -> Response:
        refused = self._region(request, region) or self._auum_bearer(request)
        if refused:
            return refused
        try:
            body = request.json()
        except ValueError:
            return self.error(400, "the body is not JSON")
        if not isinstance(body, dict) or not all(
            isinstance(body.get(k), str) and body[k] for k in ("email", "password", "firstName", "lastName")
        ):
            return self.error(400, "email, password, firstName and lastName are required")
        key = request.headers.get("idempotency-key")
        if key and key in self.created_by_key:
            tmuo = self.created_by_key[key]
            return Response.json(self._created(self.users[region][tmuo.lower()]), 201)
        email = body["email"].strip().lower()
        if any(u["email"] == email for users in self.users.values() for u in users.values()):
            return self.error(409, "a user with that email exists")
        tmuo = f"tmuo_{region}_{next(self._ids)}"
        self.users[region][tmuo] = {
            "tmuo": tmuo,
            "email": email,
            "firstName": body["firstName"],
            "lastName": body["lastName"],
            "createdAt": "2026-11-25T00:00:00Z",
        }
        self.activity[tmuo] = {"tmuo": tmuo, "attendance": [], "purchases": [], "preferences": {}}
        if key:
            self.created_by_key[key] = tmuo
        self.counters["users_created"] += 1
        return Response.json(self._created(self.users[region][tmuo]), 201)

    @staticmethod
    def _created(user: dict[str, Any]) -> dict[str, Any]:
        return {"tmuo": user["tmuo"], "email": user["email"], "createdAt": user["createdAt"]}

    @route("POST", "/{region}/auum/v1/users/{tmuo}/tokens")
    def user_token(self, request: Request, region: str, tmuo: str) -> Response:
        refused = self._region(request, region) or self._auum_bearer(request)
        if refused:
            return refused
        if self._user(region, tmuo) is None:
            return self.error(404, "user not found in this region")
        issued = self.tokens.issue(tmuo, client_id=self.client_id, ttl=self.faults.token_ttl, refresh=False)
        return Response.json(
            {"access_token": issued["access_token"], "expires_in": int(self.faults.token_ttl)}
        )

    # -- ACOE ---------------------------------------------------------------------------------------
    @route("GET", "/{region}/acoe/v1/users/{tmuo}")
    def profile(self, request: Request, region: str, tmuo: str) -> Response:
        refused = self._region(request, region) or self._auum_bearer(request)
        if refused:
            return refused
        if request.headers.get("x-client-id") != self.acoe_client_id:
            return self.error(403, "unknown ACOE client id")
        user = self._user(region, tmuo)
        return Response.json(user) if user else self.error(404, "user not found in this region")

    # -- ARAI ---------------------------------------------------------------------------------------
    @route("GET", "/{region}/arai/v1/users/{tmuo}/activity")
    def user_activity(self, request: Request, region: str, tmuo: str) -> Response:
        refused = self._region(request, region)
        if refused:
            return refused
        username, password = self.basic_credentials(request)
        if (username, password) != (self.arai_username, self.arai_password):
            challenge = [("WWW-Authenticate", f'Basic realm="{self.realm}"')]
            return self.error(401, "bad ARAI credentials", headers=challenge)
        if self._user(region, tmuo) is None:
            return self.error(404, "user not found in this region")
        return Response.json(self.activity[tmuo.lower()])


class TmAccountsSandbox(RegionalSandbox):
    """A running :class:`TmAccountsApp` (a thread, or a child process with ``process=True``)."""

    app_class = TmAccountsApp
