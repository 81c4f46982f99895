from __future__ import annotations

import logging
from typing import Any

import jwt as pyjwt
import pytest
from pydantic import SecretStr

from tests.unit.jwt._jwtkeys import KeyPair
from verifiedfan.errors import ConfigurationError, InvalidTokenError, ValidationError
from verifiedfan.jwt import JwtSettings, Signer, Verifier

CLAIMS = {"userId": "u-1", "email": "fan@example.com", "permissions": ["read:profile"]}


def test_rs256_round_trip_with_pem_keys(rsa_keys: KeyPair) -> None:
    token = Signer(private_key=rsa_keys.private_pem).make_token(CLAIMS)
    claims = Verifier(public_keys=rsa_keys.public_pem).read_token(token)
    assert {k: claims[k] for k in CLAIMS} == CLAIMS
    assert claims["iss"] == "titan-lib"
    assert claims["exp"] - claims["iat"] == 86400


def test_rs256_round_trip_with_key_objects_and_str_pem(rsa_keys: KeyPair) -> None:
    token = Signer(private_key=rsa_keys.private).make_token(CLAIMS)
    assert Verifier(public_keys=rsa_keys.public_pem.decode()).read_token(token)["userId"] == "u-1"
    assert Verifier(public_keys=rsa_keys.public).read_token(token)["userId"] == "u-1"


def test_es256_round_trip(ec_keys: KeyPair) -> None:
    token = Signer(private_key=ec_keys.private_pem, algorithm="ES256").make_token(CLAIMS)
    assert pyjwt.get_unverified_header(token)["alg"] == "ES256"
    claims = Verifier(public_keys=ec_keys.public_pem, algorithms=["ES256"]).read_token(token)
    assert claims["email"] == "fan@example.com"


def test_hs256_round_trip(hmac_secret: bytes) -> None:
    token = Signer(private_key=hmac_secret, algorithm="HS256").make_token(CLAIMS)
    claims = Verifier(public_keys=hmac_secret, algorithms=["HS256"]).read_token(token)
    assert claims["userId"] == "u-1"


async def test_aread_token_with_static_key(rsa_keys: KeyPair) -> None:
    token = Signer(private_key=rsa_keys.private).make_token(CLAIMS)
    assert (await Verifier(public_keys=rsa_keys.public).aread_token(token))["userId"] == "u-1"


def test_expires_in_override_and_jti(rsa_keys: KeyPair) -> None:
    signer = Signer(private_key=rsa_keys.private, expires_in="15m", add_jti=True)
    claims = Verifier(public_keys=rsa_keys.public).read_token(signer.make_token({}, expires_in=60))
    assert claims["exp"] - claims["iat"] == 60
    assert isinstance(claims["jti"], str)
    assert len(claims["jti"]) >= 16


def test_key_id_written_to_header(rsa_keys: KeyPair) -> None:
    token = Signer(private_key=rsa_keys.private, key_id="2026-01").make_token({})
    assert pyjwt.get_unverified_header(token)["kid"] == "2026-01"


def test_kid_rotation_accepts_current_and_previous(rsa_keys: KeyPair, other_rsa_keys: KeyPair) -> None:
    verifier = Verifier(public_keys={"old": other_rsa_keys.public, "new": rsa_keys.public_pem})
    old = Signer(private_key=other_rsa_keys.private, key_id="old").make_token({"v": 1})
    new = Signer(private_key=rsa_keys.private, key_id="new").make_token({"v": 2})
    assert verifier.read_token(old)["v"] == 1
    assert verifier.read_token(new)["v"] == 2


def test_kid_mismatch_with_right_name_wrong_key_is_rejected(
    rsa_keys: KeyPair, other_rsa_keys: KeyPair
) -> None:
    verifier = Verifier(public_keys={"old": other_rsa_keys.public, "new": rsa_keys.public})
    token = Signer(private_key=other_rsa_keys.private, key_id="new").make_token({})
    with pytest.raises(InvalidTokenError, match="bad signature"):
        verifier.read_token(token)


def test_rotation_without_kid_is_rejected(rsa_keys: KeyPair, other_rsa_keys: KeyPair) -> None:
    verifier = Verifier(public_keys={"a": other_rsa_keys.public, "b": rsa_keys.public})
    with pytest.raises(InvalidTokenError, match="kid"):
        verifier.read_token(Signer(private_key=rsa_keys.private).make_token({}))


def test_verifier_accepts_private_key_or_certificate_material(rsa_keys: KeyPair) -> None:
    token = Signer(private_key=rsa_keys.private).make_token({})
    assert Verifier(public_keys=rsa_keys.private_pem).read_token(token)["iss"] == "titan-lib"


@pytest.mark.parametrize("claim", ["iss", "iat", "exp"])
def test_reserved_claims_cannot_be_passed(rsa_keys: KeyPair, claim: str) -> None:
    with pytest.raises(ValidationError, match=claim):
        Signer(private_key=rsa_keys.private).make_token({claim: 1})


def test_unserializable_claims_give_validation_error(rsa_keys: KeyPair) -> None:
    with pytest.raises(ValidationError, match="claims are not JSON-serializable"):
        Signer(private_key=rsa_keys.private).make_token({"x": object()})


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"algorithms": []}, "allow-list must not be empty"),
        ({"algorithms": ["none"]}, r"unsupported algorithm\(s\) \['none'\]"),
        ({"algorithms": ["RS256", "HS256"]}, "HMAC .* cannot be allowed together with public-key"),
        # an RSA key cannot verify ES256
        ({"algorithms": ["ES256"]}, r"\(RSAPublicKey\) cannot verify any of \['ES256'\]"),
        ({"issuer": ""}, "issuer must be a non-empty string"),
        ({"audience": ["a", "b"]}, "audience must be a non-empty string"),
        ({"jwks_url": "http://127.0.0.1/jwks"}, "exactly one of public_keys or jwks_url"),  # both
    ],
)
def test_verifier_configuration_errors(rsa_keys: KeyPair, kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ConfigurationError, match=match):
        Verifier(public_keys=rsa_keys.public, **kwargs)


def test_verifier_needs_a_key_source() -> None:
    with pytest.raises(ConfigurationError, match="exactly one of public_keys or jwks_url"):
        Verifier()


@pytest.mark.parametrize(
    ("key", "algorithm", "match"),
    [
        (b"short", "HS256", "HMAC secret must be at least 32 bytes"),
        (b"-----BEGIN PUBLIC KEY-----" + b"x" * 64, "HS256", "must not be a PEM/SSH key"),
        (b"not a pem", "RS256", "could not load the private key"),
        (b"x" * 64, "none", r"unsupported algorithm\(s\) \['none'\]"),
    ],
)
def test_signer_configuration_errors(key: bytes, algorithm: str, match: str) -> None:
    with pytest.raises(ConfigurationError, match=match):
        Signer(private_key=key, algorithm=algorithm)


def test_signer_refuses_ec_key_for_rs256(ec_keys: KeyPair) -> None:
    with pytest.raises(ConfigurationError, match="cannot sign RS256"):
        Signer(private_key=ec_keys.private, algorithm="RS256")


def test_signer_refuses_small_rsa_keys() -> None:
    from cryptography.hazmat.primitives.asymmetric import rsa

    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505 - the weak key under test
    with pytest.raises(ConfigurationError, match="2048"):
        Signer(private_key=small)


def test_repr_and_logs_never_show_key_or_token(rsa_keys: KeyPair, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    signer = Signer(private_key=rsa_keys.private_pem)
    token = signer.make_token({})
    verifier = Verifier(public_keys=rsa_keys.public_pem)
    verifier.read_token(token)
    text = repr(signer) + repr(verifier) + caplog.text
    assert "PRIVATE" not in text
    assert token not in text
    assert "<redacted>" in repr(signer)


def test_settings_build_signer_and_verifier(monkeypatch: pytest.MonkeyPatch, rsa_keys: KeyPair) -> None:
    monkeypatch.setenv("VF_JWT_PRIVATE_KEY", rsa_keys.private_pem.decode())
    monkeypatch.setenv("VF_JWT_PUBLIC_KEY", rsa_keys.public_pem.decode())
    monkeypatch.setenv("VF_JWT_ISSUER", "svc")
    monkeypatch.setenv("VF_JWT_EXPIRES_IN", "15m")
    settings = JwtSettings()
    assert isinstance(settings.private_key, SecretStr)
    assert "PRIVATE" not in repr(settings)
    token = Signer.from_settings(settings).make_token({})
    claims = Verifier.from_settings(settings).read_token(token)
    assert claims["iss"] == "svc"
    assert claims["exp"] - claims["iat"] == 900


def test_settings_hs256_uses_the_secret_on_both_sides(hmac_secret: bytes) -> None:
    settings = JwtSettings(private_key=SecretStr(hmac_secret.decode()), algorithm="HS256")
    token = Signer.from_settings(settings).make_token({"a": 1})
    assert Verifier.from_settings(settings).read_token(token)["a"] == 1


def test_signer_from_settings_needs_private_key() -> None:
    with pytest.raises(ConfigurationError, match="VF_JWT_PRIVATE_KEY is not set"):
        Signer.from_settings(JwtSettings())
