# Generated from src/verifiedfan/ticketmaster/_async/commerce.py by scripts/unasync.py: do not edit.
# Change the async source, then run `python scripts/unasync.py`.
"""``SyncTmOrders``, ``SyncTmUsers``, ``SyncTmWallet``: account-side APIs with the accounts' auth and routing.

Like :class:`~verifiedfan.ticketmaster.SyncTmAccounts`, each call goes to the base URL of the region the
TMUO names (ValidationError before any I/O for an unknown region), carries the integrator id, and is
authorised with an AUUM client-credentials token of that region (``/auum/v1/oauth/token``, cached,
re-fetched once after a 401). Calls not keyed by a TMUO (an order id, an e-mail) take ``region=``
(default: ``default_region``). All three read :class:`TmAccountsSettings` (``VF_TM_ACCOUNTS_*``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import quote

from verifiedfan.errors import ResponseFormatError, ValidationError
from verifiedfan.http import (
    ErrorMap,
    PageNumberPager,
    PageRequest,
    iter_pages,
)
from verifiedfan.normalizers import email as normalize_email
from verifiedfan.ticketmaster._commerce_models import (
    TmAccount,
    TmAccountUpdate,
    TmOrder,
    TmOrderNotFoundError,
    TmPass,
    TmPaymentMethod,
    TmWalletBalance,
    TmWalletNotFoundError,
    parse_account,
    parse_order,
    parse_pass,
    parse_payment_method,
    parse_wallet,
)
from verifiedfan.ticketmaster._models import TmUserNotFoundError
from verifiedfan.ticketmaster._regions import Region
from verifiedfan.ticketmaster._sync.regional import SyncTmRegionalClient, tmuo_path

__all__ = ["SyncTmOrders", "SyncTmUsers", "SyncTmWallet"]


class SyncTmOrders(SyncTmRegionalClient):
    """Orders: one order, and a user's purchase history (paged)."""

    service_name: ClassVar[str] = "tm_orders"
    error_map = ErrorMap({404: (TmOrderNotFoundError, "no such Ticketmaster order")})

    def get_order(self, order_id: str, *, region: Region | str | None = None) -> TmOrder:
        """One order (TmOrderNotFoundError on 404)."""
        if not isinstance(order_id, str) or not order_id.strip():
            raise ValidationError("order_id must be a non-empty string")
        where, base = self._base(region)
        route = "/orders/v1/orders/{order_id}"
        body = self._get(where, base, route, f"/orders/v1/orders/{quote(order_id.strip(), safe='')}")
        return parse_order(body, f"{self.service_name} {route}")

    def iter_orders(
        self, tmuo: str, *, since: datetime | None = None, page_size: int = 50
    ) -> Iterator[TmOrder]:
        """The orders of ``tmuo`` (created at or after ``since`` when given), page by page."""
        if since is not None and (not isinstance(since, datetime) or since.tzinfo is None):
            raise ValidationError("since must be a timezone-aware datetime")
        where, base = self.route(tmuo)
        route = "/orders/v1/users/{tmuo}/orders"
        params = {"since": since.astimezone(UTC).isoformat()} if since is not None else {}
        pager = PageNumberPager(items="orders", page_size=page_size, start=0, total_pages="page.totalPages")
        label = f"{self.service_name} {route}"
        url = f"{base}/orders/v1/users/{tmuo_path(tmuo)}/orders"

        def fetch(page: PageRequest) -> Any:
            return self._get(where, base, route, url[len(base) :], params={**params, **page.params})

        for items in iter_pages(fetch, pager):
            for item in items:
                yield parse_order(item, label)

    def get_orders(self, tmuo: str, *, since: datetime | None = None) -> list[TmOrder]:
        """Every order of ``tmuo`` (see :meth:`iter_orders`)."""
        orders: list[TmOrder] = []
        for order in self.iter_orders(tmuo, since=since):
            orders.append(order)
        return orders


class SyncTmUsers(SyncTmRegionalClient):
    """Users: read, update and find user records."""

    service_name: ClassVar[str] = "tm_users"
    error_map = ErrorMap({404: (TmUserNotFoundError, "no Ticketmaster user with that TMUO")})

    def get_user(self, tmuo: str) -> TmAccount:
        """The user record of ``tmuo`` (TmUserNotFoundError on 404)."""
        where, base = self.route(tmuo)
        route = "/users/v1/users/{tmuo}"
        body = self._get(where, base, route, f"/users/v1/users/{tmuo_path(tmuo)}")
        return parse_account(body, f"{self.service_name} {route}")

    def update_user(self, tmuo: str, fields: TmAccountUpdate) -> TmAccount:
        """Change some fields of ``tmuo`` (PATCH; idempotent, so retried) and return the record."""
        where, base = self.route(tmuo)
        if not isinstance(fields, TmAccountUpdate):
            raise ValidationError("update_user takes a TmAccountUpdate")
        payload = fields.to_json()
        route = "/users/v1/users/{tmuo}"
        body = self._call_json(
            "PATCH",
            route,
            url=f"{base}/users/v1/users/{tmuo_path(tmuo)}",
            json=payload,
            auth=self._token(where),
            retry_non_idempotent=True,  # setting the same fields twice changes nothing
        )
        return parse_account(body, f"{self.service_name} {route}")

    def find_user(self, *, email: str, region: Region | str | None = None) -> TmAccount | None:
        """The user with that e-mail address in ``region``, or ``None``."""
        clean = normalize_email(email)
        if clean is None:
            raise ValidationError(f"not an e-mail address: {email!r}")
        where, base = self._base(region)
        route = "/users/v1/users"
        body = self._get(where, base, route, route, params={"email": clean})
        label = f"{self.service_name} {route}"
        users = body.get("users") if isinstance(body, dict) else None
        if not isinstance(users, list):
            raise ResponseFormatError(f"{label}: the answer has no users list")
        return parse_account(users[0], label) if users else None


class SyncTmWallet(SyncTmRegionalClient):
    """Wallet: balance, payment methods and passes of a user."""

    service_name: ClassVar[str] = "tm_wallet"
    error_map = ErrorMap({404: (TmWalletNotFoundError, "no Ticketmaster wallet for that TMUO")})

    def get_wallet(self, tmuo: str) -> TmWalletBalance:
        where, base = self.route(tmuo)
        route = "/wallet/v1/users/{tmuo}"
        body = self._get(where, base, route, f"/wallet/v1/users/{tmuo_path(tmuo)}")
        return parse_wallet(body, f"{self.service_name} {route}")

    def get_payment_methods(self, tmuo: str) -> list[TmPaymentMethod]:
        route = "/wallet/v1/users/{tmuo}/payment-methods"
        items = self._list(tmuo, route, "paymentMethods")
        return [parse_payment_method(item, f"{self.service_name} {route}") for item in items]

    def get_passes(self, tmuo: str) -> list[TmPass]:
        route = "/wallet/v1/users/{tmuo}/passes"
        items = self._list(tmuo, route, "passes")
        return [parse_pass(item, f"{self.service_name} {route}") for item in items]

    def _list(self, tmuo: str, route: str, key: str) -> list[Any]:
        where, base = self.route(tmuo)
        body = self._get(where, base, route, route.replace("{tmuo}", tmuo_path(tmuo)))
        items = body.get(key) if isinstance(body, dict) else None
        if not isinstance(items, list):
            raise ResponseFormatError(f"{self.service_name} {route}: the answer has no {key!r} list")
        return items
