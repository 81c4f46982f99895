from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from tests.unit.jwt._jwtkeys import KeyPair


def _rsa() -> KeyPair:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return KeyPair(private=key, public=key.public_key())


@pytest.fixture(scope="session")
def rsa_keys() -> KeyPair:
    return _rsa()


@pytest.fixture(scope="session")
def other_rsa_keys() -> KeyPair:
    return _rsa()


@pytest.fixture(scope="session")
def ec_keys() -> KeyPair:
    key = ec.generate_private_key(ec.SECP256R1())
    return KeyPair(private=key, public=key.public_key())


@pytest.fixture(scope="session")
def hmac_secret() -> bytes:
    return b"s" * 16 + b"0123456789abcdef0123"
