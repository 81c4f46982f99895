"""Tokens cross languages both ways: Python signs, jsonwebtoken verifies; jsonwebtoken signs, we verify."""

from __future__ import annotations

import time
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from tests.interop.conftest import NodeLibs
from verifiedfan.errors import InvalidTokenError, TokenExpiredError
from verifiedfan.jwt import Signer, Verifier

ISSUER, AUDIENCE = "titan-lib", "fan-verifier"


def _pem_pair(private: Any) -> tuple[str, str]:
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    pub = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return pem, pub


@pytest.fixture(scope="module")
def keys() -> dict[str, tuple[str, str]]:
    secret = "shared-secret-for-hs256-at-least-32-bytes!"
    return {
        "HS256": (secret, secret),
        "RS256": _pem_pair(rsa.generate_private_key(public_exponent=65537, key_size=2048)),
        "ES256": _pem_pair(ec.generate_private_key(ec.SECP256R1())),
    }


ALGORITHMS = ["HS256", "RS256", "ES256"]


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_python_tokens_are_verified_by_jsonwebtoken(
    node_libs: NodeLibs, keys: dict[str, tuple[str, str]], alg: str
) -> None:
    private, public = keys[alg]
    now = int(time.time())
    signer = Signer(private_key=private, algorithm=alg, issuer=ISSUER, expires_in="2 days")
    good = signer.make_token({"sub": "fan-1", "aud": AUDIENCE, "nbf": now - 5, "permissions": ["EDIT"]})
    future = signer.make_token({"sub": "fan-1", "aud": AUDIENCE, "nbf": now + 3600})
    expired = Signer(private_key=private, algorithm=alg, expires_in="1s", clock=lambda: now - 60).make_token(
        {"aud": AUDIENCE}
    )
    options = {"algorithms": [alg], "audience": AUDIENCE, "issuer": ISSUER}
    result = node_libs.run(
        "jwt.js",
        {
            "verify": [
                {"token": good, "key": public, "options": options},
                {"token": good, "key": public, "options": {**options, "audience": "someone-else"}},
                {"token": good, "key": public, "options": {**options, "issuer": "other-issuer"}},
                {"token": future, "key": public, "options": options},
                {"token": expired, "key": public, "options": options},
            ]
        },
    )
    ok, wrong_aud, wrong_iss, not_yet, too_late = result["verified"]
    assert ok["claims"]["sub"] == "fan-1"
    assert ok["claims"]["permissions"] == ["EDIT"]
    assert ok["claims"]["exp"] - ok["claims"]["iat"] == 172_800
    assert wrong_aud == {
        "error": "JsonWebTokenError",
        "message": "jwt audience invalid. expected: someone-else",
    }
    assert wrong_iss["message"] == "jwt issuer invalid. expected: other-issuer"
    assert not_yet["error"] == "NotBeforeError"
    assert too_late["error"] == "TokenExpiredError"


@pytest.mark.parametrize("alg", ALGORITHMS)
def test_jsonwebtoken_tokens_are_verified_by_us(
    node_libs: NodeLibs, keys: dict[str, tuple[str, str]], alg: str
) -> None:
    private, public = keys[alg]
    now = int(time.time())
    base = {"algorithm": alg, "issuer": ISSUER, "audience": AUDIENCE}
    result = node_libs.run(
        "jwt.js",
        {
            "sign": [
                {
                    "payload": {"sub": "fan-2", "roles": ["fan"]},
                    "key": private,
                    "options": {**base, "expiresIn": "2 days", "notBefore": "-5s"},
                },
                {
                    "payload": {"sub": "fan-2"},
                    "key": private,
                    "options": {**base, "expiresIn": "10h", "notBefore": "1h"},
                },
                {
                    "payload": {"sub": "fan-2", "iat": now - 120},
                    "key": private,
                    "options": {**base, "expiresIn": "1m"},
                },
                {
                    "payload": {"sub": "fan-2"},
                    "key": private,
                    "options": {**base, "expiresIn": "7d", "audience": "other"},
                },
                {
                    "payload": {"sub": "fan-2"},
                    "key": private,
                    "options": {**base, "expiresIn": "7d", "issuer": "evil"},
                },
            ]
        },
    )
    good, not_yet, expired, other_aud, other_iss = (s["token"] for s in result["signed"])
    verifier = Verifier(public_keys=public, algorithms=[alg], issuer=ISSUER, audience=AUDIENCE, leeway=0)
    claims = verifier.read_token(good)
    assert (claims["sub"], claims["roles"], claims["aud"], claims["iss"]) == (
        "fan-2",
        ["fan"],
        AUDIENCE,
        ISSUER,
    )
    assert claims["exp"] - claims["iat"] == 172_800  # "2 days", read by ms in Node
    assert claims["nbf"] == claims["iat"] - 5
    with pytest.raises(InvalidTokenError, match=r"(?i)not yet valid|nbf|before"):
        verifier.read_token(not_yet)
    with pytest.raises(TokenExpiredError, match=r"token expired"):
        verifier.read_token(expired)
    with pytest.raises(InvalidTokenError, match=r"(?i)audience"):
        verifier.read_token(other_aud)
    with pytest.raises(InvalidTokenError, match=r"(?i)issuer"):
        verifier.read_token(other_iss)
