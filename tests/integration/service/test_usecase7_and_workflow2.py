"""Use case 7 (a 24 h token with permissions; 401 for a missing, tampered, expired, foreign or
``alg: none`` token) and workflow 2 from the form to the clicked link, against the served service."""

from __future__ import annotations

import base64
import json
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import redis

from tests.integration.service.conftest import CONFIRMATION_EMAIL, LINK_SECRET, Served, _pem
from verifiedfan.jwt import Signer
from verifiedfan.reference_service import FAN_PERMISSIONS

pytestmark = [pytest.mark.integration, pytest.mark.mongo, pytest.mark.redis, pytest.mark.kafka]

ISSUER = "vf-reference-service"
FORM = {
    "firstName": "  JOHN ",
    "lastName": "o'connor",
    "email": " John.OConnor@Example.COM ",
    "phone": "(555) 123-4567",
    "zip": "90210",
    "password": "correct horse battery",
}


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def _register(served: Served, **changes: Any) -> Any:
    with served.client() as http:
        return http.post("/registrations", json={**FORM, **changes})


@pytest.fixture(scope="module")
def registered(served: Served) -> dict[str, Any]:
    answer = _register(served)
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_workflow2_normalizes_writes_caches_and_emails_a_signed_link(
    served: Served, registered: dict[str, Any], vf_redis: Any
) -> None:
    assert registered["email"] == "john.oconnor@example.com"
    assert registered["phone"] == "+15551234567"
    assert registered["name"] == {"full": "John O'Connor", "first": "John", "last": "O'Connor"}
    assert registered["emailVerified"] is False
    assert registered["confirmationEmail"] == "ACCEPTED"
    client, users = served.users()
    with client:
        stored = users.find_one({"email": "john.oconnor@example.com"})
    assert stored is not None
    assert str(stored["_id"]) == registered["id"]
    assert stored["passwordHash"].startswith("scrypt$")
    assert FORM["password"] not in str(stored)
    with redis.Redis.from_url(vf_redis.url) as raw:
        key = f"{served.redis_namespace}user:{registered['id']}"
        assert 3500 < raw.ttl(key) <= 3600
        assert json.loads(raw.get(key))["email"] == "john.oconnor@example.com"
    emails = [e for e in served.sfmc.outbox() if e["contactKey"] == registered["id"]]
    assert len(emails) == 1
    assert emails[0]["definitionKey"] == CONFIRMATION_EMAIL
    assert emails[0]["to"] == "john.oconnor@example.com"
    assert emails[0]["attributes"]["FirstName"] == "John"


def _click(served: Served, user_id: str) -> str:
    """The fan clicks the Bitlink of the email: Bitly counts the click and redirects to the long URL."""
    (email,) = [e for e in served.sfmc.outbox() if e["contactKey"] == user_id]
    short: str = email["attributes"]["VerificationLink"]
    assert short.startswith("https://bit.ly/")
    (bitlink,) = [b for b in served.bitly.links() if b["link"] == short]
    served.bitly.click(bitlink["id"])
    long_url: str = bitlink["long_url"]
    return long_url


def test_the_clicked_link_verifies_the_email_once(served: Served, registered: dict[str, Any]) -> None:
    link = _click(served, registered["id"])
    assert link.startswith(served.url + "/verify-email?token=")
    with served.client() as browser:
        first = browser.get(link)
        assert first.status_code == 200, first.text
        assert first.json() == {"id": registered["id"], "emailVerified": True}
        again = browser.get(link)
    assert again.status_code == 409
    assert again.json()["message"] == "this verification link was used already"
    client, users = served.users()
    with client:
        stored = users.find_one({"email": "john.oconnor@example.com"})
    assert stored["emailVerified"] is True
    assert "verificationNonce" not in stored
    token = parse_qs(urlsplit(link).query)["token"][0]
    assert token not in served.log()  # the link's token is redacted from the access line


def test_a_forged_or_foreign_link_is_refused(served: Served, registered: dict[str, Any]) -> None:
    foreign = Signer(private_key="another-secret-of-the-same-length-0123456789ab", algorithm="HS256")
    forged = foreign.make_token({"sub": registered["id"], "purpose": "verify-email", "nonce": "x"})
    session = Signer(private_key=LINK_SECRET, issuer=ISSUER, algorithm="HS256").make_token(
        {"sub": registered["id"], "nonce": "x"}  # right key, but not a link (no purpose)
    )
    with served.client() as browser:
        for token in (forged, session, "not-a-token", ""):
            answer = browser.get("/verify-email", params={"token": token})
            assert answer.status_code == 400, token
            assert answer.json()["message"] == "the verification link is invalid or expired"


def test_a_second_registration_of_the_normalized_email_is_a_conflict(
    served: Served, registered: dict[str, Any]
) -> None:
    answer = _register(served, email="JOHN.oconnor@example.com  ")
    assert answer.status_code == 409
    assert answer.json()["message"] == "an account with this email exists"
    client, users = served.users()
    with client:
        assert users.count_documents({"email": "john.oconnor@example.com"}) == 1


def test_a_form_that_does_not_normalize_names_its_fields(served: Served) -> None:
    answer = _register(served, email="not-an-email", phone="12", zip="??")
    assert answer.status_code == 400
    paths = {e["path"] for e in answer.json()["errors"]}
    assert paths == {"$.email", "$.phone", "$.zip"}


def test_usecase7_login_gives_a_24h_token_with_permissions(
    served: Served, registered: dict[str, Any]
) -> None:
    credentials = {"email": " JOHN.OCONNOR@example.com", "password": FORM["password"]}
    with served.client() as http:
        answer = http.post("/login", json=credentials)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert answer.headers["authorization"] == f"Bearer {body['token']}"
        me = http.get("/me", headers={"authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200
    assert me.json()["id"] == registered["id"]
    assert me.json()["email"] == "john.oconnor@example.com"
    assert me.json()["permissions"] == list(FAN_PERMISSIONS)
    payload = json.loads(base64.urlsafe_b64decode(body["token"].split(".")[1] + "=="))
    assert payload["exp"] - payload["iat"] == 24 * 3600 == body["expiresIn"]
    assert FORM["password"] not in served.log()


def test_usecase7_wrong_credentials_are_one_401(served: Served, registered: dict[str, Any]) -> None:
    with served.client() as http:
        wrong = http.post("/login", json={"email": FORM["email"], "password": "not the password"})
        unknown = http.post("/login", json={"email": "nobody@example.com", "password": "whatever1"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["message"] == unknown.json()["message"] == "wrong email or password"


def test_usecase7_step9_bad_tokens_are_401(served: Served, registered: dict[str, Any]) -> None:
    claims = {"sub": registered["id"], "permissions": list(FAN_PERMISSIONS)}
    good = Signer(private_key=served.private_key, issuer=ISSUER).make_token(claims)
    header, payload, signature = good.split(".")
    tampered_claims = {**json.loads(base64.urlsafe_b64decode(payload + "==")), "sub": "someone-else"}
    expired = Signer(private_key=served.private_key, issuer=ISSUER, clock=lambda: time.time() - 2 * 86400)
    tokens = {
        "tampered": f"{header}.{_b64(tampered_claims)}.{signature}",
        "expired": expired.make_token(claims),
        "alg none": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{payload}.",
        "foreign key": Signer(private_key=_pem(), issuer=ISSUER).make_token(claims),
        "garbage": "not.a.jwt",
    }
    with served.client() as http:
        assert http.get("/me", headers={"authorization": f"Bearer {good}"}).status_code == 200
        missing = http.get("/me")
        assert missing.status_code == 401
        assert missing.json()["statusCode"] == 401
        for name, token in tokens.items():
            answer = http.get("/me", headers={"authorization": f"Bearer {token}"})
            assert answer.status_code == 401, name
            assert answer.headers["www-authenticate"].startswith("Bearer"), name
            assert set(answer.json()) >= {"message", "status", "statusCode"}, name
