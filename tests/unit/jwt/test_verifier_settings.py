"""Every ``VF_JWT_*`` setting reaches the verifier ``Verifier.from_settings`` builds (issue 22).

Tokens are made by PyJWT itself (the reference implementation), so what is checked is the verifier's
answer to a token a setting must accept or refuse, not our own signer agreeing with itself.
"""

from __future__ import annotations

import time

import jwt as pyjwt
import pytest
from pydantic import SecretStr

from tests.unit.jwt._jwtkeys import KeyPair
from verifiedfan.errors import InvalidTokenError, TokenExpiredError
from verifiedfan.jwt import JwtSettings, Verifier


def _token(keys: KeyPair, algorithm: str = "RS256", **claims: object) -> str:
    now = int(time.time())
    body = {"iss": "svc", "aud": "aud", "iat": now - 100, "exp": now + 600, **claims}
    return pyjwt.encode(body, keys.private_pem, algorithm=algorithm)


def test_every_setting_reaches_the_verifier(rsa_keys: KeyPair) -> None:
    settings = JwtSettings(
        public_key=rsa_keys.public_pem.decode(),
        issuer="svc",
        audience="aud",
        algorithms=["RS256", "PS256"],
        leeway=30,
        max_token_bytes=4096,
    )
    verifier = Verifier.from_settings(settings)
    assert (verifier.issuer, verifier.audience, verifier.max_token_bytes) == ("svc", "aud", 4096)
    assert list(verifier.algorithms) == ["RS256", "PS256"]
    assert verifier.read_token(_token(rsa_keys, "PS256"))["iss"] == "svc"
    # leeway 30 s: expired 20 s ago still reads; 40 s ago does not
    now = int(time.time())
    assert verifier.read_token(_token(rsa_keys, exp=now - 20))["aud"] == "aud"
    with pytest.raises(TokenExpiredError, match="token expired"):
        verifier.read_token(_token(rsa_keys, exp=now - 40))
    with pytest.raises(InvalidTokenError, match="wrong issuer"):
        verifier.read_token(_token(rsa_keys, iss="other"))
    with pytest.raises(InvalidTokenError, match="wrong audience"):
        verifier.read_token(_token(rsa_keys, aud="other"))
    with pytest.raises(InvalidTokenError, match="larger than 4096 bytes"):
        verifier.read_token(_token(rsa_keys, pad="x" * 4096))


def test_the_default_leeway_of_the_settings_is_ten_seconds(rsa_keys: KeyPair) -> None:
    verifier = Verifier.from_settings(
        JwtSettings(public_key=rsa_keys.public_pem.decode(), issuer="svc", audience="aud")
    )
    now = int(time.time())
    assert verifier.read_token(_token(rsa_keys, exp=now - 5))["iss"] == "svc"
    with pytest.raises(TokenExpiredError, match="token expired"):
        verifier.read_token(_token(rsa_keys, exp=now - 30))


def test_a_single_algorithm_setting_is_the_allow_list(ec_keys: KeyPair, rsa_keys: KeyPair) -> None:
    verifier = Verifier.from_settings(
        JwtSettings(public_key=ec_keys.public_pem.decode(), algorithm="ES256", issuer="svc")
    )
    assert list(verifier.algorithms) == ["ES256"]
    assert verifier.read_token(_token(ec_keys, "ES256", aud=None))["iss"] == "svc"


def test_a_jwks_url_wins_over_a_private_key(rsa_keys: KeyPair) -> None:
    settings = JwtSettings(
        jwks_url="https://issuer.example/.well-known/jwks.json",
        private_key=SecretStr(rsa_keys.private_pem.decode()),
    )
    verifier = Verifier.from_settings(settings)
    assert "jwks_url='https://issuer.example/.well-known/jwks.json'" in repr(verifier)


def test_a_public_key_wins_over_a_jwks_url(rsa_keys: KeyPair) -> None:
    settings = JwtSettings(
        public_key=rsa_keys.public_pem.decode(), jwks_url="https://issuer.example/jwks.json", issuer="svc"
    )
    verifier = Verifier.from_settings(settings)
    assert "keys=1" in repr(verifier)
    assert "jwks_url" not in repr(verifier)
    assert verifier.read_token(_token(rsa_keys, aud=None))["iss"] == "svc"


def test_without_public_key_the_private_key_verifies_hmac(hmac_secret: bytes) -> None:
    settings = JwtSettings(private_key=SecretStr(hmac_secret.decode()), algorithm="HS256", issuer="svc")
    now = int(time.time())
    token = pyjwt.encode({"iss": "svc", "iat": now, "exp": now + 60}, hmac_secret, algorithm="HS256")
    assert Verifier.from_settings(settings).read_token(token)["iss"] == "svc"


def _kid_token(keys: KeyPair, kid: str) -> str:
    now = int(time.time())
    body = {"iss": "titan-lib", "iat": now, "exp": now + 60}
    return pyjwt.encode(body, keys.private_pem, algorithm="RS256", headers={"kid": kid})


async def test_aread_token_picks_the_key_by_kid(rsa_keys: KeyPair, other_rsa_keys: KeyPair) -> None:
    verifier = Verifier(public_keys={"a": rsa_keys.public_pem, "b": other_rsa_keys.public_pem})
    assert "keys=2" in repr(verifier)
    assert (await verifier.aread_token(_kid_token(other_rsa_keys, "b")))["iss"] == "titan-lib"
    assert (await verifier.aread_token(_kid_token(rsa_keys, "a")))["iss"] == "titan-lib"
    with pytest.raises(InvalidTokenError, match="bad signature"):
        await verifier.aread_token(_kid_token(rsa_keys, "b"))
    with pytest.raises(InvalidTokenError, match="unknown key id"):
        await verifier.aread_token(_kid_token(rsa_keys, "c"))
