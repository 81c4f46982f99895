"""Worker (service-to-service) auth: minting, caching, verifying, allow-lists and replay."""

from __future__ import annotations

import time
from typing import Any

import jwt as pyjwt
import pytest

from tests.unit.jwt._jwtkeys import KeyPair
from verifiedfan.errors import (
    ConfigurationError,
    InvalidTokenError,
    PermissionDeniedError,
    TokenExpiredError,
    TokenReplayError,
)
from verifiedfan.jwt import InMemoryReplayCache, Signer, WorkerTokenMinter, WorkerTokenVerifier


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def minter(keys: KeyPair, worker_id: str = "campaign-worker", **kwargs: Any) -> WorkerTokenMinter:
    return WorkerTokenMinter(worker_id=worker_id, private_key=keys.private, **kwargs)


def test_mint_names_the_worker_and_lives_five_minutes(rsa_keys: KeyPair) -> None:
    claims = pyjwt.decode(
        minter(rsa_keys).token(), rsa_keys.public, algorithms=["RS256"], issuer="campaign-worker"
    )
    assert claims["sub"] == "campaign-worker"
    assert claims["exp"] - claims["iat"] == 300
    assert claims["jti"]


def test_verify_returns_the_identity(rsa_keys: KeyPair) -> None:
    verifier = WorkerTokenVerifier(trusted_workers={"campaign-worker": rsa_keys.public_pem})
    identity = verifier.verify(minter(rsa_keys).token())
    assert identity.worker_id == "campaign-worker"
    assert identity.expires_at - identity.issued_at == 300
    assert identity.claims["token_use"] == "worker"


def test_audience_is_checked(rsa_keys: KeyPair) -> None:
    token = minter(rsa_keys, audience="user-service").token()
    trusted = {"campaign-worker": rsa_keys.public}
    identity = WorkerTokenVerifier(trusted_workers=trusted, audience="user-service").verify(token)
    assert identity.audience == "user-service"
    with pytest.raises(InvalidTokenError, match="wrong audience"):
        WorkerTokenVerifier(trusted_workers=trusted, audience="billing").verify(token)


def test_token_is_cached_then_renewed_before_expiry(rsa_keys: KeyPair) -> None:
    clock = Clock()
    m = minter(rsa_keys, clock=clock)
    first = m.token()
    clock.now += 200  # renewal starts 60 s (a fifth of 5 minutes) before expiry
    assert m.token() == first
    clock.now += 41
    assert m.token() != first


def test_reuse_false_mints_every_time(rsa_keys: KeyPair) -> None:
    m = minter(rsa_keys, reuse=False)
    assert m.token() != m.token()


def test_authorization_header(rsa_keys: KeyPair) -> None:
    header = minter(rsa_keys).authorization_header()
    assert header["authorization"].startswith("Bearer ey")


def test_untrusted_worker_is_rejected(rsa_keys: KeyPair) -> None:
    verifier = WorkerTokenVerifier(trusted_workers={"campaign-worker": rsa_keys.public})
    with pytest.raises(InvalidTokenError, match="untrusted worker"):
        verifier.verify(minter(rsa_keys, worker_id="intruder").token())


def test_trusted_name_with_untrusted_key_is_rejected(rsa_keys: KeyPair, other_rsa_keys: KeyPair) -> None:
    verifier = WorkerTokenVerifier(trusted_workers={"campaign-worker": rsa_keys.public})
    with pytest.raises(InvalidTokenError, match="bad signature"):
        verifier.verify(minter(other_rsa_keys).token())


def test_worker_not_in_allowed_list_is_denied(rsa_keys: KeyPair, other_rsa_keys: KeyPair) -> None:
    verifier = WorkerTokenVerifier(
        trusted_workers={"campaign-worker": rsa_keys.public, "export-worker": other_rsa_keys.public},
        allowed_workers=["export-worker"],
    )
    with pytest.raises(PermissionDeniedError, match="campaign-worker"):
        verifier.verify(minter(rsa_keys).token())
    assert (
        verifier.verify(minter(other_rsa_keys, worker_id="export-worker").token()).worker_id
        == "export-worker"
    )


def test_per_call_allowed_workers(rsa_keys: KeyPair) -> None:
    verifier = WorkerTokenVerifier(trusted_workers={"campaign-worker": rsa_keys.public})
    with pytest.raises(PermissionDeniedError, match="worker 'campaign-worker' is not allowed"):
        verifier.verify(minter(rsa_keys).token(), allowed_workers=["someone-else"])


def test_expired_worker_token_is_rejected(rsa_keys: KeyPair) -> None:
    clock = Clock()
    clock.now -= 3600
    verifier = WorkerTokenVerifier(trusted_workers={"campaign-worker": rsa_keys.public})
    with pytest.raises(TokenExpiredError, match="token expired"):
        verifier.verify(minter(rsa_keys, clock=clock).token())


def test_replayed_token_is_refused(rsa_keys: KeyPair) -> None:
    verifier = WorkerTokenVerifier(
        trusted_workers={"campaign-worker": rsa_keys.public}, replay_cache=InMemoryReplayCache()
    )
    token = minter(rsa_keys).token()
    verifier.verify(token)
    with pytest.raises(TokenReplayError, match="token replayed"):
        verifier.verify(token)


async def test_replayed_token_is_refused_async(rsa_keys: KeyPair) -> None:
    verifier = WorkerTokenVerifier(
        trusted_workers={"campaign-worker": rsa_keys.public}, replay_cache=InMemoryReplayCache()
    )
    m = minter(rsa_keys, reuse=False)
    token = m.token()
    assert (await verifier.averify(token)).worker_id == "campaign-worker"
    assert (await verifier.averify(m.token())).worker_id == "campaign-worker"
    with pytest.raises(TokenReplayError, match="token replayed"):
        await verifier.averify(token)


def test_without_replay_cache_reuse_is_accepted(rsa_keys: KeyPair) -> None:
    verifier = WorkerTokenVerifier(trusted_workers={"campaign-worker": rsa_keys.public})
    token = minter(rsa_keys).token()
    assert verifier.verify(token) == verifier.verify(token)


def test_user_token_is_not_a_worker_token(rsa_keys: KeyPair) -> None:
    user_token = Signer(private_key=rsa_keys.private, issuer="campaign-worker", add_jti=True).make_token(
        {"sub": "campaign-worker"}
    )
    verifier = WorkerTokenVerifier(trusted_workers={"campaign-worker": rsa_keys.public})
    with pytest.raises(InvalidTokenError, match="not a worker token"):
        verifier.verify(user_token)


def test_long_lived_worker_token_is_rejected(rsa_keys: KeyPair) -> None:
    token = minter(rsa_keys, expires_in="2h").token()
    verifier = WorkerTokenVerifier(trusted_workers={"campaign-worker": rsa_keys.public})
    with pytest.raises(InvalidTokenError, match="lifetime"):
        verifier.verify(token)


def test_worker_key_rotation_by_kid(rsa_keys: KeyPair, other_rsa_keys: KeyPair) -> None:
    verifier = WorkerTokenVerifier(
        trusted_workers={"campaign-worker": {"2025": other_rsa_keys.public, "2026": rsa_keys.public}}
    )
    assert verifier.verify(minter(rsa_keys, key_id="2026").token()).worker_id == "campaign-worker"
    assert verifier.verify(minter(other_rsa_keys, key_id="2025").token()).worker_id == "campaign-worker"


def test_garbage_is_invalid(rsa_keys: KeyPair) -> None:
    verifier = WorkerTokenVerifier(trusted_workers={"campaign-worker": rsa_keys.public})
    for bad in ("", "a.b.c", "x" * 10_000, "eyJhIjoxfQ.eyJhIjoxfQ.sig"):
        with pytest.raises(InvalidTokenError, match=r"^invalid token: "):
            verifier.verify(bad)


def test_configuration_errors(rsa_keys: KeyPair) -> None:
    with pytest.raises(ConfigurationError, match="trusted_workers is empty"):
        WorkerTokenVerifier(trusted_workers={})
    with pytest.raises(ConfigurationError, match="worker_id must be a non-empty string"):
        minter(rsa_keys, worker_id="")
    with pytest.raises(ConfigurationError, match="renew_before must be shorter than the token lifetime"):
        minter(rsa_keys, expires_in="1m", renew_before="2m")


def test_repr_hides_the_key(rsa_keys: KeyPair) -> None:
    assert "redacted" in repr(minter(rsa_keys))
    assert "PRIVATE" not in repr(minter(rsa_keys))
