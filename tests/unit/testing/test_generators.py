from __future__ import annotations

import httpx
import phonenumbers
import pytest

from verifiedfan.jwt import Signer, Verifier
from verifiedfan.normalizers import email as normalize_email
from verifiedfan.normalizers import phone as normalize_phone
from verifiedfan.testing import generators
from verifiedfan.testing.generators import DataGenerator
from verifiedfan.testing.http import HttpTarget, request_with_jwt, sync_request_with_jwt

SECRET = "s" * 32


def test_the_same_seed_gives_the_same_data() -> None:
    first, second = DataGenerator(seed=7), DataGenerator(seed=7)
    assert [first.email(), first.phone(), first.user(), first.campaign()] == [
        second.email(),
        second.phone(),
        second.user(),
        second.campaign(),
    ]
    assert DataGenerator(seed=8).email() != DataGenerator(seed=7).email()


def test_module_functions_follow_seed() -> None:
    generators.seed(3)
    a = [generators.generate_email(), generators.generate_mongo_object_id()]
    generators.seed(3)
    assert [generators.generate_email(), generators.generate_mongo_object_id()] == a


@pytest.mark.parametrize("region", ["US", "CA", "GB", "FR", "MX", "DE", "BR", "AU", "JP", "IN"])
def test_phones_are_valid_e164_numbers_of_their_region(region: str) -> None:
    data = DataGenerator(seed=region)
    for _ in range(20):
        number = data.phone(region)
        parsed = phonenumbers.parse(number, None)
        assert phonenumbers.is_valid_number(parsed), number
        assert phonenumbers.region_code_for_number(parsed) == region
        assert number == phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        assert normalize_phone(number) == number


def test_emails_are_accepted_and_invalid_ones_refused_by_the_normalizer() -> None:
    data = DataGenerator(seed=1)
    for _ in range(20):
        address = data.email()
        assert normalize_email(address) == address
        assert address.endswith("@example.com")
        assert normalize_email(data.invalid_email()) is None


def test_ids() -> None:
    from bson import ObjectId

    data = DataGenerator(seed=2)
    assert ObjectId.is_valid(data.object_id())
    assert len(data.member_id()) == 16
    assert data.global_user_id().startswith("gu-")
    code = data.purchase_code()
    assert len(code) == 10
    assert not set(code) & set("01IO")
    assert generators.prefix_str_for_test("fan").endswith("-fan")


def test_domain_objects_take_overrides() -> None:
    data = DataGenerator(seed=4)
    campaign = data.campaign(name="Presale")
    assert campaign["name"] == "Presale"
    assert data.fanlist_campaign()["type"] == "fanlist"
    entry = data.entry()
    assert normalize_email(entry["email"]) == entry["email"]
    assert len(generators.generate_codes(3)) == 3
    assert len(generators.generate_events(2)) == 2
    assert len(generators.generate_markets(2)) == 2
    assert len(generators.generate_faqs(4)) == 4
    assert set(generators.make_contact_obj()) == {"first_name", "last_name", "email", "phone"}
    assert 0 <= generators.generate_scoring()["score"] <= 1
    assert generators.generate_promoter()["name"].endswith("Presents")
    assert generators.generate_user(locale="fr_CA")["locale"] == "fr_CA"
    assert generators.generate_event()["id"].startswith("vv")
    assert generators.get_random_execution_time().endswith("Z")


def test_tokens_verify_with_their_permissions() -> None:
    signer = Signer(private_key=SECRET, algorithm="HS256")
    token = generators.generate_token({"userId": "u-1"}, signer=signer, permissions=["EDIT"])
    claims = Verifier(public_keys=SECRET, algorithms=["HS256"]).read_token(token)
    assert claims["userId"] == "u-1"
    assert claims["permissions"] == ["EDIT"]


async def test_request_with_jwt_sends_a_verifiable_bearer_token() -> None:
    signer = Signer(private_key=SECRET, algorithm="HS256")
    verifier = Verifier(public_keys=SECRET, algorithms=["HS256"])
    seen: list[dict[str, object]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        scheme, _, token = request.headers["authorization"].partition(" ")
        assert scheme == "Bearer"
        seen.append(verifier.read_token(token))
        return httpx.Response(204)

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler), base_url="http://svc") as client:
        response = await request_with_jwt(client, "GET", "/me", signer=signer, permissions=["PUBLISH"])
    with httpx.Client(transport=httpx.MockTransport(handler), base_url="http://svc") as sync_client:
        sync_request_with_jwt(sync_client, "GET", "/me", signer=signer, claims={"userId": "u-9"})
    assert response.status_code == 204
    assert seen[0]["permissions"] == ["PUBLISH"]
    assert seen[1]["userId"] == "u-9"


def test_an_http_target_is_an_app_or_a_url() -> None:
    from verifiedfan.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="exactly one of base_url or app"):
        HttpTarget()
    with pytest.raises(ConfigurationError, match="no signer"):
        HttpTarget(base_url="http://127.0.0.1:1").auth_headers()
