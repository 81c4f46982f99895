"""TmAccounts on its sandbox: use case 5, scenario 2, region routing, retries, bad answers (issue 12)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import pytest

from verifiedfan import log
from verifiedfan.errors import ConfigurationError, ResponseFormatError, ValidationError
from verifiedfan.http import RetryPolicy
from verifiedfan.normalizers import name_obj, phone
from verifiedfan.testing.sandbox import TmAccountsApp, TmAccountsSandbox
from verifiedfan.ticketmaster import (
    AcoeCredentials,
    AraiCredentials,
    AuumCredentials,
    Region,
    SyncTmAccounts,
    TmAccounts,
    TmAccountsSettings,
    TmUserNotFoundError,
)

FAST = RetryPolicy(max_retries=3, backoff_initial=0.01, backoff_max=0.05, retry_after_cap=2.0)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[TmAccountsSandbox]:
    with TmAccountsSandbox() as running:
        yield running


@pytest.fixture
async def accounts(sandbox: TmAccountsSandbox) -> AsyncIterator[TmAccounts]:
    sandbox.reset()
    client = TmAccounts(
        env="prod",
        integrator_id="verifiedfan",
        auum=AuumCredentials(TmAccountsApp.client_id, TmAccountsApp.client_secret),
        acoe=AcoeCredentials(TmAccountsApp.acoe_client_id),
        arai=AraiCredentials(TmAccountsApp.arai_username, TmAccountsApp.arai_password),
        region_urls=sandbox.region_urls,
        retry=FAST,
    )
    async with client:
        yield client


async def test_use_case_5_user_info_and_activity_with_an_expired_token_a_503_and_a_429(
    sandbox: TmAccountsSandbox, accounts: TmAccounts
) -> None:
    profile = await accounts.get_user_info("tmuo_123456")  # no region: the default, US
    assert (profile.tmuo, profile.region, profile.email) == ("tmuo_123456", Region.US, "sam.fan@example.com")
    assert (profile.first_name, profile.last_name, profile.phone_e164) == ("Sam", "Fan", "+13232345678")
    assert profile.address is not None
    assert profile.address.city == "Los Angeles"
    assert profile.created_at == datetime(2021, 6, 15, 8, 30, tzinfo=UTC)

    sandbox.expire_tokens()  # the AUUM token expires: one refresh, then the call succeeds
    sandbox.inject("503", "429")  # then a 503 retried, then a 429 honoured
    again = await accounts.get_user_info("tmuo_123456")
    assert again == profile
    stats = sandbox.stats()
    assert stats["client_credentials_grants"] == 2
    assert (stats["injected_errors"], stats["rate_limited"]) == (1, 1)  # the 503 and the 429
    assert stats["api_requests"] == 5  # first call; 503, 429, 401 (expired), then the answer

    activity = await accounts.get_user_activity("tmuo_123456")
    assert activity.tmuo == "tmuo_123456"
    assert [p.total for p in activity.purchases] == ["149.90"] * len(activity.purchases)
    assert activity.attendance
    assert activity.genres == ("Rock", "Pop")
    journal = sandbox.journal()
    assert all(entry.headers.get("x-integrator-id") == "verifiedfan" for entry in journal)


async def test_scenario_2_a_french_user_is_normalized_and_routed_to_the_eu(
    sandbox: TmAccountsSandbox, accounts: TmAccounts
) -> None:
    form = {"first": " FRANÇOIS ", "last": "dupont", "phone": "+33 6 12 34 56 78"}
    name = name_obj(form["first"], form["last"])
    assert name is not None
    assert name.full == "François Dupont"
    assert phone(form["phone"]) == "+33612345678"

    before = sandbox.region_counts()
    profile = await accounts.get_user_info("TMUO_EU_200001")
    after = sandbox.region_counts()
    assert after["eu"] > before["eu"]
    assert (after["us"], after["apac"]) == (before["us"], before["apac"])
    assert (profile.region, profile.first_name, profile.phone_e164) == (Region.EU, "François", "+33612345678")
    assert profile.address is not None
    assert profile.address.country == "FR"


async def test_each_region_is_served_by_its_own_url(sandbox: TmAccountsSandbox, accounts: TmAccounts) -> None:
    for tmuo, region in [("tmuo_us_100001", "us"), ("tmuo_apac_300001", "apac"), ("tmuo_eu_200001", "eu")]:
        before = sandbox.region_counts()
        await accounts.get_user_info(tmuo)
        after = sandbox.region_counts()
        moved = {r for r in after if after[r] != before[r]}
        assert moved == {region}
    jp = await accounts.get_user_info("tmuo_apac_300001")
    assert jp.phone_e164 == "+81312345678"  # a Japanese national number read with the address's country


async def test_an_unknown_region_fails_before_any_request(
    sandbox: TmAccountsSandbox, accounts: TmAccounts
) -> None:
    before = sandbox.stats().get("api_requests", 0)
    with pytest.raises(ValidationError, match="unknown TMUO region 'mars'"):
        await accounts.get_user_info("tmuo_mars_1")
    assert sandbox.stats().get("api_requests", 0) == before


async def test_a_missing_user_is_a_typed_not_found(accounts: TmAccounts) -> None:
    with pytest.raises(TmUserNotFoundError, match="no Ticketmaster user with that TMUO"):
        await accounts.get_user_info("tmuo_eu_100001")  # a US user asked of the EU


async def test_a_malformed_answer_is_a_response_format_error(
    sandbox: TmAccountsSandbox, accounts: TmAccounts
) -> None:
    sandbox.inject("malformed")
    with pytest.raises(ResponseFormatError, match=r"tm_accounts /acoe/v1/users/\{tmuo\}"):
        await accounts.get_user_info("tmuo_us_100001")
    sandbox.inject("malformed")
    with pytest.raises(ResponseFormatError, match=r"tm_accounts /arai/v1/users/\{tmuo\}/activity"):
        await accounts.get_user_activity("tmuo_us_100001")


async def test_the_batch_helper_returns_typed_failures_per_item(accounts: TmAccounts) -> None:
    results = await accounts.get_user_infos(
        ["tmuo_us_100001", "tmuo_mars_1", "tmuo_eu_999", "tmuo_apac_300001"], concurrency=2
    )
    assert [r.tmuo for r in results] == ["tmuo_us_100001", "tmuo_mars_1", "tmuo_eu_999", "tmuo_apac_300001"]
    assert [r.ok for r in results] == [True, False, False, True]
    assert isinstance(results[1].error, ValidationError)
    assert isinstance(results[2].error, TmUserNotFoundError)
    assert results[3].profile is not None
    assert results[3].profile.region is Region.APAC


async def test_create_single_user_is_keyed_so_a_retry_creates_one_user(
    sandbox: TmAccountsSandbox, accounts: TmAccounts
) -> None:
    sandbox.inject("reset")  # the first attempt is cut: the keyed retry must not create a second user
    user = await accounts.create_single_user(
        email="New.Fan@example.com", password="s3cret!", first_name="New", last_name="Fan", region="eu"
    )
    assert user.tmuo.startswith("tmuo_eu_")
    assert sandbox.stats().get("users_created") == 1
    token = await accounts.generate_access_token(user.tmuo)
    assert token.access_token
    assert "access_token" not in repr(token)


async def test_no_credential_reaches_the_logs(sandbox: TmAccountsSandbox, accounts: TmAccounts) -> None:
    with log.capture_logs() as captured:
        await accounts.get_user_info("tmuo_us_100001")
        await accounts.get_user_activity("tmuo_us_100001")
    text = repr(captured)
    for secret in (TmAccountsApp.client_secret, TmAccountsApp.arai_password):
        assert secret not in text


def test_the_sync_twin_routes_and_decodes_the_same(sandbox: TmAccountsSandbox) -> None:
    with SyncTmAccounts(
        integrator_id="verifiedfan",
        auum=AuumCredentials(TmAccountsApp.client_id, TmAccountsApp.client_secret),
        acoe=AcoeCredentials(TmAccountsApp.acoe_client_id),
        arai=AraiCredentials(TmAccountsApp.arai_username, TmAccountsApp.arai_password),
        region_urls=sandbox.region_urls,
    ) as client:
        profile = client.get_user_info("tmuo_eu_200001")
        assert (profile.region, profile.first_name) == (Region.EU, "François")
        results = client.get_user_infos(["tmuo_us_100001", "tmuo_xx_1"], concurrency=2)
        assert [r.ok for r in results] == [True, False]


def test_settings_build_the_client(sandbox: TmAccountsSandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VF_TM_ACCOUNTS_INTEGRATOR_ID", "vf-int")
    monkeypatch.setenv("VF_TM_ACCOUNTS_ENVIRONMENT", "qa")
    monkeypatch.setenv("VF_TM_ACCOUNTS_DEFAULT_REGION", "eu")
    settings = TmAccountsSettings(auum_client_id="id", auum_client_secret="s3cr3t-value")
    client = TmAccounts.from_settings(settings)
    assert client.integrator_id == "vf-int"
    assert client.default_region is Region.EU
    assert client.route("tmuo_1") == (Region.EU, "https://accounts-eu-qa.ticketmaster.com")
    assert "s3cr3t-value" not in repr(settings)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"integrator_id": ""}, "integrator_id is required"),
        ({"integrator_id": "x", "env": "staging"}, "no region URLs for environment 'staging'"),
        ({"integrator_id": "x", "region_urls": {"mars": "http://x"}}, "'mars' is not a valid Region"),
        ({"integrator_id": "x", "region_urls": {"eu": "http://x"}}, "no URL for the default region us"),
    ],
)
def test_bad_configuration_is_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        TmAccounts(**kwargs)  # type: ignore[arg-type]
