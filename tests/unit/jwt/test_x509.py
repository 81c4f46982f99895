from __future__ import annotations

from datetime import timedelta

import pytest
from cryptography.hazmat.primitives import serialization

from tests.unit.jwt._jwtkeys import NOT_AFTER, NOT_BEFORE, KeyPair, self_signed
from verifiedfan.errors import ValidationError
from verifiedfan.jwt import Signer, Verifier, read_certificate


def test_reads_pem_certificate(rsa_keys: KeyPair) -> None:
    cert = self_signed(rsa_keys)
    info = read_certificate(cert.public_bytes(serialization.Encoding.PEM).decode())
    assert info.subject == "O=VF,CN=vf.example"
    assert info.issuer == info.subject
    assert info.is_self_signed
    assert info.common_name == "vf.example"
    assert info.not_before == NOT_BEFORE
    assert info.not_after == NOT_AFTER
    assert info.serial_number == 123456789
    assert info.subject_alt_names == ("vf.example", "api.vf.example")
    assert info.public_key_type == "RSA-2048"
    assert len(info.fingerprint_sha256) == 64


def test_reads_der_certificate(ec_keys: KeyPair) -> None:
    info = read_certificate(self_signed(ec_keys).public_bytes(serialization.Encoding.DER))
    assert info.public_key_type == "EC-secp256r1"
    assert info.serial_number == 123456789


def test_validity_helpers(rsa_keys: KeyPair) -> None:
    info = read_certificate(self_signed(rsa_keys).public_bytes(serialization.Encoding.PEM))
    assert info.is_valid_at(NOT_BEFORE + timedelta(days=1))
    assert not info.is_valid_at(NOT_AFTER + timedelta(seconds=1))
    assert info.seconds_remaining(NOT_AFTER - timedelta(hours=1)) == 3600


@pytest.mark.parametrize(
    "data", [b"", "not a cert", b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", 42]
)
def test_bad_input_is_validation_error(data: object) -> None:
    with pytest.raises(ValidationError, match="certificate"):
        read_certificate(data)  # type: ignore[arg-type]


def test_verifier_accepts_a_certificate_as_public_key(rsa_keys: KeyPair) -> None:
    pem = self_signed(rsa_keys).public_bytes(serialization.Encoding.PEM)
    token = Signer(private_key=rsa_keys.private).make_token({"a": 1})
    assert Verifier(public_keys=pem).read_token(token)["a"] == 1
