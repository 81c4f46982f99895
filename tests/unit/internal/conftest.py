from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from verifiedfan.jwt import InMemoryReplayCache, WorkerTokenVerifier
from verifiedfan.metrics import Metric, MetricSink

from ._service import Journal, make_app, serve


@dataclass(frozen=True)
class Keys:
    private_pem: bytes
    public_pem: bytes


def _keys() -> Keys:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return Keys(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
    )


@pytest.fixture(scope="session")
def worker_keys() -> Keys:
    return _keys()


@pytest.fixture(scope="session")
def stranger_keys() -> Keys:
    return _keys()


@dataclass
class Service:
    url: str
    journal: Journal


@pytest.fixture(scope="module")
def users_service(worker_keys: Keys) -> Iterator[Service]:
    """The 'users' service: trusts the worker 'export-service', tokens must be addressed to it."""
    verifier = WorkerTokenVerifier(
        trusted_workers={"export-service": worker_keys.public_pem}, audience="users"
    )
    journal = Journal()
    with serve(make_app(verifier, journal)) as url:
        yield Service(url, journal)


@pytest.fixture(scope="module")
def strict_service(worker_keys: Keys) -> Iterator[Service]:
    """The same service, refusing a worker token it has seen before (a replay cache)."""
    verifier = WorkerTokenVerifier(
        trusted_workers={"export-service": worker_keys.public_pem},
        audience="users",
        replay_cache=InMemoryReplayCache(),
    )
    journal = Journal()
    with serve(make_app(verifier, journal)) as url:
        yield Service(url, journal)


@pytest.fixture(autouse=True)
def _fresh_journals(request: pytest.FixtureRequest) -> None:
    for name in ("users_service", "strict_service"):
        if name in request.fixturenames:
            request.getfixturevalue(name).journal.clear()


class ListSink(MetricSink):
    def __init__(self) -> None:
        self.metrics: list[Metric] = []

    def record(self, metric: Metric) -> None:
        self.metrics.append(metric)
