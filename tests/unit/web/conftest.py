from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from verifiedfan.jwt import Signer, Verifier, WorkerTokenMinter, WorkerTokenVerifier


@dataclass(frozen=True)
class Keys:
    private_pem: bytes
    public_pem: bytes


def _keys() -> Keys:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return Keys(
        private_pem=key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
        public_pem=key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
    )


@pytest.fixture(scope="session")
def keys() -> Keys:
    return _keys()


@pytest.fixture(scope="session")
def worker_keys() -> Keys:
    return _keys()


@pytest.fixture(scope="session")
def signer(keys: Keys) -> Signer:
    return Signer(private_key=keys.private_pem)


@pytest.fixture(scope="session")
def verifier(keys: Keys) -> Verifier:
    return Verifier(public_keys=keys.public_pem)


@pytest.fixture(scope="session")
def worker_minter(worker_keys: Keys) -> WorkerTokenMinter:
    return WorkerTokenMinter(worker_id="campaign-worker", private_key=worker_keys.private_pem, audience="svc")


@pytest.fixture(scope="session")
def worker_verifier(worker_keys: Keys) -> WorkerTokenVerifier:
    return WorkerTokenVerifier(trusted_workers={"campaign-worker": worker_keys.public_pem}, audience="svc")


def bearer(token: str) -> dict[str, Any]:
    return {"Authorization": f"Bearer {token}"}
