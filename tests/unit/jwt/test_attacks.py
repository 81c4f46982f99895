"""Each known attack on JWT verification, one test each: all must be refused with a typed error."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import jwt as pyjwt
import pytest

import verifiedfan.jwt._verifier as verifier_module
from tests.unit.jwt._jwtkeys import KeyPair
from verifiedfan.errors import InvalidTokenError, TokenExpiredError
from verifiedfan.jwt import Signer, Verifier


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _valid_claims(**extra: Any) -> dict[str, Any]:
    now = int(time.time())
    return {"iss": "titan-lib", "iat": now, "exp": now + 600, "sub": "u1", **extra}


def _raw(claims: dict[str, Any], key: Any, algorithm: str = "RS256", **headers: Any) -> str:
    # Raw JWS so that claims PyJWT's encoder would refuse (a list-valued iss) can be signed too.
    return pyjwt.api_jws.encode(
        json.dumps(claims).encode(), key, algorithm=algorithm, headers=headers or None
    )


def test_alg_none_is_rejected(rsa_keys: KeyPair) -> None:
    token = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_valid_claims())}."
    with pytest.raises(InvalidTokenError, match="algorithm not allowed"):
        Verifier(public_keys=rsa_keys.public).read_token(token)


def test_alg_none_is_rejected_by_hmac_verifier(hmac_secret: bytes) -> None:
    token = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_valid_claims())}."
    with pytest.raises(InvalidTokenError, match="algorithm not allowed"):
        Verifier(public_keys=hmac_secret, algorithms=["HS256"]).read_token(token)


def test_rs256_hs256_confusion_is_rejected(rsa_keys: KeyPair) -> None:
    # The classic attack: HMAC-sign with the *public* key PEM as the secret and claim alg HS256.
    signing_input = f"{_b64({'alg': 'HS256', 'typ': 'JWT'})}.{_b64(_valid_claims(admin=True))}"
    mac = hmac.new(rsa_keys.public_pem, signing_input.encode(), hashlib.sha256).digest()
    token = f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"
    for key in (rsa_keys.public, rsa_keys.public_pem):
        with pytest.raises(InvalidTokenError, match="algorithm not allowed"):
            Verifier(public_keys=key).read_token(token)


def test_tampered_payload_is_rejected(rsa_keys: KeyPair) -> None:
    token = Signer(private_key=rsa_keys.private).make_token({"permissions": ["read"]})
    head, _, sig = token.split(".")
    forged = _valid_claims(permissions=["read", "admin"])
    with pytest.raises(InvalidTokenError, match="bad signature"):
        Verifier(public_keys=rsa_keys.public).read_token(f"{head}.{_b64(forged)}.{sig}")


def test_token_signed_by_another_key_is_rejected(rsa_keys: KeyPair, other_rsa_keys: KeyPair) -> None:
    token = Signer(private_key=other_rsa_keys.private).make_token({})
    with pytest.raises(InvalidTokenError, match="bad signature"):
        Verifier(public_keys=rsa_keys.public).read_token(token)


def test_expired_token_is_rejected(rsa_keys: KeyPair) -> None:
    signer = Signer(private_key=rsa_keys.private, expires_in="1m", clock=lambda: time.time() - 3600)
    with pytest.raises(TokenExpiredError, match="token expired"):
        Verifier(public_keys=rsa_keys.public).read_token(signer.make_token({}))


def test_expiry_within_leeway_is_accepted(rsa_keys: KeyPair) -> None:
    signer = Signer(private_key=rsa_keys.private, expires_in="60s", clock=lambda: time.time() - 65)
    token = signer.make_token({})
    assert Verifier(public_keys=rsa_keys.public, leeway=30).read_token(token)["iss"] == "titan-lib"
    with pytest.raises(TokenExpiredError, match="token expired"):
        Verifier(public_keys=rsa_keys.public, leeway=0).read_token(token)


def test_not_yet_valid_nbf_is_rejected(rsa_keys: KeyPair) -> None:
    token = Signer(private_key=rsa_keys.private).make_token({"nbf": int(time.time()) + 3600})
    with pytest.raises(InvalidTokenError, match="not yet valid"):
        Verifier(public_keys=rsa_keys.public).read_token(token)


def test_issued_in_the_future_is_rejected(rsa_keys: KeyPair) -> None:
    signer = Signer(private_key=rsa_keys.private, clock=lambda: time.time() + 3600)
    with pytest.raises(InvalidTokenError, match="not yet valid"):
        Verifier(public_keys=rsa_keys.public).read_token(signer.make_token({}))


def test_unknown_kid_is_rejected(rsa_keys: KeyPair) -> None:
    token = Signer(private_key=rsa_keys.private, key_id="attacker").make_token({})
    with pytest.raises(InvalidTokenError, match="unknown key id"):
        Verifier(public_keys={"k1": rsa_keys.public}).read_token(token)


def test_huge_token_is_rejected_before_any_parsing(
    rsa_keys: KeyPair, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("parsing work was done")

    monkeypatch.setattr(pyjwt.api_jwt.PyJWT, "decode", boom)
    monkeypatch.setattr(pyjwt.api_jws.PyJWS, "_load", boom)
    monkeypatch.setattr(verifier_module, "peek_header", boom)
    monkeypatch.setattr(verifier_module, "header_kid", boom)
    monkeypatch.setattr(verifier_module.json, "loads", boom)
    verifier = Verifier(public_keys={"k1": rsa_keys.public})
    # The patches are live: a normal-sized token reaches the parsing code and trips them.
    with pytest.raises(AssertionError, match="parsing work was done"):
        verifier.read_token(Signer(private_key=rsa_keys.private, key_id="k1").make_token({}))
    huge = "eyJhbGciOiJSUzI1NiJ9." + "A" * (5 * 1024 * 1024) + ".sig"
    with pytest.raises(InvalidTokenError, match="larger than 8192"):
        verifier.read_token(huge)
    with pytest.raises(InvalidTokenError, match="larger than"):
        verifier.read_token(huge.encode())


async def test_huge_token_is_rejected_async(rsa_keys: KeyPair) -> None:
    with pytest.raises(InvalidTokenError, match="larger than"):
        await Verifier(public_keys=rsa_keys.public).aread_token("x" * 10_000)


def test_list_valued_issuer_is_rejected(rsa_keys: KeyPair) -> None:
    token = _raw(_valid_claims(iss=["titan-lib"]), rsa_keys.private)
    with pytest.raises(InvalidTokenError, match="wrong issuer"):
        Verifier(public_keys=rsa_keys.public).read_token(token)


def test_wrong_issuer_is_rejected(rsa_keys: KeyPair) -> None:
    token = Signer(private_key=rsa_keys.private, issuer="someone-else").make_token({})
    with pytest.raises(InvalidTokenError, match="wrong issuer"):
        Verifier(public_keys=rsa_keys.public).read_token(token)


def test_wrong_audience_is_rejected(rsa_keys: KeyPair) -> None:
    token = Signer(private_key=rsa_keys.private).make_token({"aud": "billing"})
    with pytest.raises(InvalidTokenError, match="wrong audience"):
        Verifier(public_keys=rsa_keys.public, audience="users").read_token(token)


def test_list_valued_audience_is_rejected(rsa_keys: KeyPair) -> None:
    token = Signer(private_key=rsa_keys.private).make_token({"aud": ["users", "billing"]})
    with pytest.raises(InvalidTokenError, match="wrong audience"):
        Verifier(public_keys=rsa_keys.public, audience="users").read_token(token)


def test_matching_audience_is_accepted(rsa_keys: KeyPair) -> None:
    token = Signer(private_key=rsa_keys.private).make_token({"aud": "users"})
    assert Verifier(public_keys=rsa_keys.public, audience="users").read_token(token)["aud"] == "users"


def test_token_with_audience_refused_by_verifier_without_one(rsa_keys: KeyPair) -> None:
    token = Signer(private_key=rsa_keys.private).make_token({"aud": "users"})
    with pytest.raises(InvalidTokenError, match="wrong audience"):
        Verifier(public_keys=rsa_keys.public).read_token(token)


@pytest.mark.parametrize("missing", ["exp", "iat"])
def test_missing_required_claim_is_rejected(rsa_keys: KeyPair, missing: str) -> None:
    claims = _valid_claims()
    del claims[missing]
    with pytest.raises(InvalidTokenError, match=f"missing required claim '{missing}'"):
        Verifier(public_keys=rsa_keys.public).read_token(_raw(claims, rsa_keys.private))


def test_string_iat_is_rejected(rsa_keys: KeyPair) -> None:
    token = _raw(_valid_claims(iat=str(int(time.time()))), rsa_keys.private)
    with pytest.raises(InvalidTokenError, match="must be a number"):
        Verifier(public_keys=rsa_keys.public).read_token(token)


def test_es256_token_refused_by_rs256_verifier(rsa_keys: KeyPair, ec_keys: KeyPair) -> None:
    token = Signer(private_key=ec_keys.private, algorithm="ES256").make_token({})
    with pytest.raises(InvalidTokenError, match="algorithm not allowed"):
        Verifier(public_keys=rsa_keys.public).read_token(token)


@pytest.mark.parametrize("token", ["", "abc", "a.b.c", "a.b", "....", "ÿ.ÿ.ÿ", None, 123, b"\x00\xff.x.y"])
def test_garbage_is_invalid_token(rsa_keys: KeyPair, token: Any) -> None:
    with pytest.raises(InvalidTokenError, match=r"^invalid token: "):
        Verifier(public_keys={"k": rsa_keys.public}).read_token(token)
    with pytest.raises(InvalidTokenError, match=r"^invalid token: "):
        Verifier(public_keys=rsa_keys.public).read_token(token)


def test_non_string_kid_is_rejected(rsa_keys: KeyPair) -> None:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    signing_input = f"{_b64({'alg': 'RS256', 'kid': 123})}.{_b64(_valid_claims())}"
    signature = rsa_keys.private.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    token = f"{signing_input}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"
    with pytest.raises(InvalidTokenError, match="malformed 'kid'"):
        Verifier(public_keys={"123": rsa_keys.public}).read_token(token)
