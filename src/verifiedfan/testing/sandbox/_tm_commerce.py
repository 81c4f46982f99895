"""The Ticketmaster Orders, Users and Wallet sandbox, one server standing in for every region.

No public document describes these APIs: the routes and shapes are those of :class:`~verifiedfan.
ticketmaster.TmOrders`, :class:`~verifiedfan.ticketmaster.TmUsers` and :class:`~verifiedfan.
ticketmaster.TmWallet`, with the accounts sandbox's conventions: each region under ``/{region}``
(``sandbox.region_urls``), ``stats()["region_<r>"]`` per region, the ``x-integrator-id`` header
required (400), an AUUM bearer token from ``/{region}/auum/v1/oauth/token`` (401 otherwise).

Seeded from :data:`TM_SEED_USERS`: ``tmuo_us_100001`` has :data:`SEED_ORDER_COUNT` orders (one a
day from 2025-01-01, for paging and ``since``); the others two each; ``tmuo_123456`` has no wallet.
"""

from __future__ import annotations

from typing import Any, ClassVar

from verifiedfan.testing.sandbox._http import Request, Response
from verifiedfan.testing.sandbox._routing import route
from verifiedfan.testing.sandbox._tm_accounts import REGIONS, TM_SEED_USERS, RegionalSandbox, TmRegionalApp

__all__ = ["SEED_ORDER_COUNT", "TmCommerceApp", "TmCommerceSandbox"]

SEED_ORDER_COUNT = 7
_PATCHABLE = ("email", "firstName", "lastName", "phone", "country", "locale", "marketingOptIn")


def _orders(tmuo: str, count: int) -> list[dict[str, Any]]:
    return [
        {
            "orderId": f"ord-{tmuo[5:]}-{i}",
            "tmuo": tmuo,
            "eventId": f"ev{i}",
            "status": "completed" if i % 3 else "refunded",
            "tickets": 1 + i % 4,
            "total": {"amount": f"{49.5 * (1 + i % 4):.2f}", "currency": "USD"},
            "createdAt": f"2025-01-{i + 1:02d}T12:00:00Z",
        }
        for i in range(count)
    ]


class TmCommerceApp(TmRegionalApp):
    """Orders, Users and Wallet under ``/{region}``; ``client_id``/``client_secret`` are the AUUM
    credentials its token endpoints accept (the same as the accounts sandbox)."""

    kind: ClassVar[str] = "tm_commerce"
    realm: ClassVar[str] = "tm-commerce"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.users: dict[str, dict[str, dict[str, Any]]] = {r: {} for r in REGIONS}
        self.orders: dict[str, dict[str, Any]] = {}
        self.wallets: dict[str, dict[str, Any]] = {}
        for n, (region, profile) in enumerate(TM_SEED_USERS):
            tmuo = profile["tmuo"]
            self.users[region][tmuo.lower()] = {
                "tmuo": tmuo,
                "email": profile["email"],
                "firstName": profile["firstName"],
                "lastName": profile["lastName"],
                "phone": profile["phone"],
                "country": profile["address"]["country"],
                "locale": {"us": "en-us", "eu": "fr-fr", "apac": "ja-jp"}[region],
                "marketingOptIn": n % 2 == 0,
                "updatedAt": profile["createdAt"],
            }
            count = SEED_ORDER_COUNT if tmuo == "tmuo_us_100001" else 2
            for order in _orders(tmuo, count):
                self.orders[order["orderId"]] = {**order, "region": region}
            if tmuo != "tmuo_123456":
                self.wallets[tmuo.lower()] = {
                    "tmuo": tmuo,
                    "balance": f"{25 * (n + 1)}.00",
                    "currency": "USD" if region == "us" else ("EUR" if region == "eu" else "JPY"),
                    "updatedAt": "2025-06-01T00:00:00Z",
                    "paymentMethods": [
                        {"id": f"pm-{n}-1", "type": "card", "brand": "visa", "last4": "4242",
                         "expires": "12/28", "default": True},
                        {"id": f"pm-{n}-2", "type": "paypal", "default": False},
                    ],
                    "passes": [
                        {"passId": f"pass-{n}-{i}", "eventId": f"ev{i}", "type": "mobile",
                         "status": "active", "validUntil": "2026-12-31T23:59:59Z"}
                        for i in range(n + 1)
                    ],
                }  # fmt: skip

    def _check(self, request: Request, region: str) -> Response | None:
        return self._region(request, region) or self._auum_bearer(request)

    @route("POST", "/{region}/auum/v1/oauth/token", faults=False)
    def token(self, request: Request, region: str) -> Response:
        if region not in REGIONS:
            return self.error(404, f"no region {region!r}")
        return self.oauth_token(request)

    # -- Orders -------------------------------------------------------------------------------------
    @route("GET", "/{region}/orders/v1/orders/{order_id}")
    def order(self, request: Request, region: str, order_id: str) -> Response:
        refused = self._check(request, region)
        if refused:
            return refused
        found = self.orders.get(order_id)
        if found is None or found["region"] != region:
            return self.error(404, "order not found in this region")
        return Response.json({k: v for k, v in found.items() if k != "region"})

    @route("GET", "/{region}/orders/v1/users/{tmuo}/orders")
    def user_orders(self, request: Request, region: str, tmuo: str) -> Response:
        refused = self._check(request, region)
        if refused:
            return refused
        if tmuo.lower() not in self.users[region]:
            return self.error(404, "user not found in this region")
        try:
            page, size = int(request.query.get("page", "0")), int(request.query.get("size", "20"))
        except ValueError:
            return self.error(400, "page and size must be integers")
        if page < 0 or not 1 <= size <= 200:
            return self.error(400, "page must be >= 0 and size in 1..200")
        since = request.query.get("since")
        mine = [
            {k: v for k, v in o.items() if k != "region"}
            for o in self.orders.values()
            if o["tmuo"].lower() == tmuo.lower() and (since is None or o["createdAt"] >= since[:19])
        ]
        mine.sort(key=lambda o: o["createdAt"])
        pages = -(-len(mine) // size)
        body = {
            "orders": mine[page * size : (page + 1) * size],
            "page": {"number": page, "size": size, "totalElements": len(mine), "totalPages": pages},
        }
        return Response.json(body)

    # -- Users --------------------------------------------------------------------------------------
    @route("GET", "/{region}/users/v1/users/{tmuo}")
    def user(self, request: Request, region: str, tmuo: str) -> Response:
        refused = self._check(request, region)
        if refused:
            return refused
        found = self.users[region].get(tmuo.lower())
        return Response.json(found) if found else self.error(404, "user not found in this region")

    @route("PATCH", "/{region}/users/v1/users/{tmuo}")
    def patch_user(self, request: Request, region: str, tmuo: str) -> Response:
        refused = self._check(request, region)
        if refused:
            return refused
        found = self.users[region].get(tmuo.lower())
        if found is None:
            return self.error(404, "user not found in this region")
        try:
            body = request.json()
        except ValueError:
            return self.error(400, "the body is not JSON")
        if not isinstance(body, dict) or not body or any(k not in _PATCHABLE for k in body):
            return self.error(400, f"a PATCH body is an object of fields among {list(_PATCHABLE)}")
        found.update(body)
        found["updatedAt"] = "2026-11-25T00:00:00Z"
        self.counters["users_updated"] += 1
        return Response.json(found)

    @route("GET", "/{region}/users/v1/users")
    def find_users(self, request: Request, region: str) -> Response:
        refused = self._check(request, region)
        if refused:
            return refused
        email = request.query.get("email", "").lower()
        return Response.json(
            {"users": [u for u in self.users[region].values() if u["email"].lower() == email]}
        )

    # -- Wallet -------------------------------------------------------------------------------------
    def _wallet(self, request: Request, region: str, tmuo: str) -> dict[str, Any] | Response:
        refused = self._check(request, region)
        if refused:
            return refused
        if tmuo.lower() not in self.users[region] or tmuo.lower() not in self.wallets:
            return self.error(404, "no wallet for this user in this region")
        return self.wallets[tmuo.lower()]

    @route("GET", "/{region}/wallet/v1/users/{tmuo}")
    def wallet(self, request: Request, region: str, tmuo: str) -> Response:
        found = self._wallet(request, region, tmuo)
        if isinstance(found, Response):
            return found
        return Response.json({k: found[k] for k in ("tmuo", "balance", "currency", "updatedAt")})

    @route("GET", "/{region}/wallet/v1/users/{tmuo}/payment-methods")
    def payment_methods(self, request: Request, region: str, tmuo: str) -> Response:
        found = self._wallet(request, region, tmuo)
        return (
            found
            if isinstance(found, Response)
            else Response.json({"paymentMethods": found["paymentMethods"]})
        )

    @route("GET", "/{region}/wallet/v1/users/{tmuo}/passes")
    def passes(self, request: Request, region: str, tmuo: str) -> Response:
        found = self._wallet(request, region, tmuo)
        return found if isinstance(found, Response) else Response.json({"passes": found["passes"]})


class TmCommerceSandbox(RegionalSandbox):
    """A running :class:`TmCommerceApp` (a thread, or a child process with ``process=True``)."""

    app_class = TmCommerceApp
