"""TmOrders, TmUsers and TmWallet on their sandbox: routing, paging, PATCH, typed errors (issue 12)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import pytest

from verifiedfan.errors import ResponseFormatError, ValidationError
from verifiedfan.http import RetryPolicy
from verifiedfan.testing.sandbox import SEED_ORDER_COUNT, TmCommerceApp, TmCommerceSandbox
from verifiedfan.ticketmaster import (
    AuumCredentials,
    SyncTmOrders,
    TmAccountsSettings,
    TmAccountUpdate,
    TmOrderNotFoundError,
    TmOrders,
    TmUserNotFoundError,
    TmUsers,
    TmWallet,
    TmWalletNotFoundError,
)

FAST = RetryPolicy(max_retries=3, backoff_initial=0.01, backoff_max=0.05, retry_after_cap=2.0)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[TmCommerceSandbox]:
    with TmCommerceSandbox() as running:
        yield running


def _kwargs(sandbox: TmCommerceSandbox) -> dict[str, object]:
    return {
        "integrator_id": "verifiedfan",
        "auum": AuumCredentials(TmCommerceApp.client_id, TmCommerceApp.client_secret),
        "region_urls": sandbox.region_urls,
        "retry": FAST,
    }


@pytest.fixture
async def orders(sandbox: TmCommerceSandbox) -> AsyncIterator[TmOrders]:
    sandbox.reset()
    async with TmOrders(**_kwargs(sandbox)) as client:  # type: ignore[arg-type]
        yield client


@pytest.fixture
async def users(sandbox: TmCommerceSandbox) -> AsyncIterator[TmUsers]:
    sandbox.reset()
    async with TmUsers(**_kwargs(sandbox)) as client:  # type: ignore[arg-type]
        yield client


@pytest.fixture
async def wallet(sandbox: TmCommerceSandbox) -> AsyncIterator[TmWallet]:
    sandbox.reset()
    async with TmWallet(**_kwargs(sandbox)) as client:  # type: ignore[arg-type]
        yield client


# -- Orders ----------------------------------------------------------------------------------------


async def test_orders_are_paged_to_the_end_and_filtered_by_since(
    sandbox: TmCommerceSandbox, orders: TmOrders
) -> None:
    every = [o async for o in orders.aiter_orders("tmuo_us_100001", page_size=3)]
    assert len(every) == SEED_ORDER_COUNT
    assert len({o.order_id for o in every}) == SEED_ORDER_COUNT
    assert sandbox.counts()["routes"]["GET /{region}/orders/v1/users/{tmuo}/orders"] == 3  # 3 + 3 + 1
    assert every[0].total == "49.50"
    assert every[0].created_at == datetime(2025, 1, 1, 12, tzinfo=UTC)
    recent = await orders.get_orders("tmuo_us_100001", since=datetime(2025, 1, 4, tzinfo=UTC))
    assert [o.created_at.day for o in recent if o.created_at] == [4, 5, 6, 7]


async def test_one_order_and_a_missing_one(sandbox: TmCommerceSandbox, orders: TmOrders) -> None:
    order = await orders.get_order("ord-eu_200001-1", region="eu")
    assert (order.tmuo, order.event_id, order.tickets, order.status) == (
        "tmuo_eu_200001",
        "ev1",
        2,
        "completed",
    )
    with pytest.raises(TmOrderNotFoundError, match=r"no such Ticketmaster order"):
        await orders.get_order("ord-eu_200001-1")  # the default region, US, does not hold it
    with pytest.raises(ValidationError, match="order_id"):
        await orders.get_order(" ")
    with pytest.raises(ValidationError, match="timezone"):
        await orders.get_orders("tmuo_us_100001", since=datetime(2025, 1, 1))


async def test_calls_are_routed_by_the_tmuo_region(sandbox: TmCommerceSandbox, wallet: TmWallet) -> None:
    balance = await wallet.get_wallet("TMUO_APAC_300001")
    assert (balance.tmuo, balance.currency) == ("tmuo_apac_300001", "JPY")
    assert sandbox.region_counts() == {"us": 0, "eu": 0, "apac": 1}
    with pytest.raises(ValidationError, match="region"):
        await wallet.get_wallet("tmuo_mars_1")
    assert sandbox.region_counts() == {"us": 0, "eu": 0, "apac": 1}


# -- Users -----------------------------------------------------------------------------------------


async def test_get_update_and_find_a_user(sandbox: TmCommerceSandbox, users: TmUsers) -> None:
    user = await users.get_user("tmuo_eu_200001")
    assert (user.first_name, user.phone_e164, user.country) == ("François", "+33612345678", "FR")
    updated = await users.update_user(
        "tmuo_eu_200001", TmAccountUpdate(phone="07 98 76 54 32", country="FR", marketing_opt_in=False)
    )
    assert updated.phone_e164 == "+33798765432"
    assert updated.marketing_opt_in is False
    patch = sandbox.journal(method="PATCH")[0]
    assert patch.body is not None
    assert b'"phone":"+33798765432"' in patch.body.replace(b" ", b"")
    found = await users.find_user(email="  Francois.Dupont@Example.FR ", region="eu")
    assert found is not None
    assert found.tmuo == "tmuo_eu_200001"
    assert await users.find_user(email="nobody@example.com") is None
    with pytest.raises(TmUserNotFoundError, match=r"no Ticketmaster user with that TMUO"):
        await users.get_user("tmuo_us_999")


async def test_bad_updates_are_refused_before_any_io(sandbox: TmCommerceSandbox, users: TmUsers) -> None:
    with pytest.raises(ValidationError, match="at least one field"):
        await users.update_user("tmuo_us_100001", TmAccountUpdate())
    with pytest.raises(ValidationError, match="phone"):
        await users.update_user("tmuo_us_100001", TmAccountUpdate(phone="not a phone"))
    with pytest.raises(ValidationError, match="e-mail"):
        await users.find_user(email="not-an-email")
    assert sandbox.stats().get("api_requests", 0) == 0


# -- Wallet ----------------------------------------------------------------------------------------


async def test_wallet_payment_methods_and_passes(sandbox: TmCommerceSandbox, wallet: TmWallet) -> None:
    balance = await wallet.get_wallet("tmuo_us_100001")
    assert (balance.balance, balance.currency) == ("25.00", "USD")
    methods = await wallet.get_payment_methods("tmuo_us_100001")
    assert [(m.type, m.last4, m.is_default) for m in methods] == [
        ("card", "4242", True),
        ("paypal", None, False),
    ]
    passes = await wallet.get_passes("tmuo_eu_200001")
    assert [p.pass_id for p in passes] == ["pass-2-0", "pass-2-1", "pass-2-2"]
    with pytest.raises(TmWalletNotFoundError, match=r"no Ticketmaster wallet for that TMUO"):
        await wallet.get_wallet("tmuo_123456")


async def test_malformed_answers_are_typed_and_a_503_is_retried(
    sandbox: TmCommerceSandbox, wallet: TmWallet
) -> None:
    sandbox.inject("malformed")
    with pytest.raises(ResponseFormatError, match=r"the answer has no 'passes' list"):
        await wallet.get_passes("tmuo_us_100001")
    sandbox.inject("malformed")
    with pytest.raises(ResponseFormatError, match=r"the wallet has no balance"):
        await wallet.get_wallet("tmuo_us_100001")
    sandbox.inject("503")
    assert (await wallet.get_wallet("tmuo_us_100001")).balance == "25.00"


def test_the_sync_twin_reads_the_accounts_settings(sandbox: TmCommerceSandbox) -> None:
    sandbox.reset()
    settings = TmAccountsSettings(
        integrator_id="verifiedfan",
        auum_client_id=TmCommerceApp.client_id,
        auum_client_secret=TmCommerceApp.client_secret,
        region_urls={"prod": sandbox.region_urls},
    )
    with SyncTmOrders.from_settings(settings) as client:
        assert len(client.get_orders("tmuo_us_100001")) == SEED_ORDER_COUNT
        assert client.get_order("ord-us_100001-0").status == "refunded"
    assert all(e.headers.get("x-integrator-id") == "verifiedfan" for e in sandbox.journal())


async def test_an_expired_token_is_fetched_again_once_and_a_429_honoured(
    sandbox: TmCommerceSandbox, users: TmUsers
) -> None:
    first = await users.get_user("tmuo_us_100001")
    sandbox.expire_tokens()
    sandbox.inject("429")
    again = await users.get_user("tmuo_us_100001")
    assert again == first
    stats = sandbox.stats()
    assert stats["client_credentials_grants"] == 2
    assert stats["rate_limited"] == 1
    assert stats["api_requests"] == 4  # first call; the 429, the 401 (expired), then the answer
