"""JWT sign and verify rates: verifiedfan.jwt Signer/Verifier against raw PyJWT, same keys and claims.

Goal (issue 3): at least 0.9x PyJWT's rate. Ours loads keys once into cryptography objects; the
fair reference passes key objects to PyJWT too. The PEM-string rows show what PyJWT costs when it
is handed PEM text, as most code (and the original library) does: it re-parses the key every call.
"""

from __future__ import annotations

import time
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from benchmarks._harness import Comparison, time_per_call_us
from verifiedfan.jwt import Signer, Verifier

CLAIMS: dict[str, Any] = {
    "userId": "u-123",
    "email": "fan@example.com",
    "permissions": ["read:profile", "EDIT"],
}
GOAL = ">= 0.9x"


def _raw_payload() -> dict[str, Any]:
    now = int(time.time())
    return {**CLAIMS, "iss": "titan-lib", "iat": now, "exp": now + 86400}


def _pems(private: Any) -> tuple[bytes, bytes]:
    private_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private_pem, public_pem


def _cpu_us(fn: Any, n: int) -> float:
    """Mean CPU microseconds per call: process time, so time spent descheduled is not counted."""
    start = time.process_time()
    for _ in range(n):
        fn()
    return (time.process_time() - start) / n * 1e6


def _rates(ours: Any, reference: Any, n: int, rounds: int = 7) -> tuple[float, float]:
    """Best rate of each over ``rounds`` interleaved runs, in CPU time (the machine is shared:
    interleaving, CPU time and the best run keep other processes' load from landing on one side)."""
    time_per_call_us(ours, n=min(n, 20), repeat=1)  # warm-up
    time_per_call_us(reference, n=min(n, 20), repeat=1)
    ours_us, ref_us = [], []
    for _ in range(rounds):
        ours_us.append(_cpu_us(ours, n))
        ref_us.append(_cpu_us(reference, n))
    return 1e6 / min(ours_us), 1e6 / min(ref_us)


def _row(name: str, ours: Any, reference: Any, reference_name: str, n: int) -> Comparison:
    mine, theirs = _rates(ours, reference, n)
    return Comparison(name, mine, theirs, reference_name, "ops/s", True, GOAL)


def _pair(alg: str, private: Any, *, n: int, pem_rows: bool) -> list[Comparison]:
    public = private.public_key()
    private_pem, public_pem = _pems(private)
    signer = Signer(private_key=private_pem, algorithm=alg)
    verifier = Verifier(public_keys=public_pem, algorithms=[alg])
    token = signer.make_token(CLAIMS)
    options: Any = {"require": ["exp", "iat"]}

    def raw_encode() -> str:
        return jwt.encode(_raw_payload(), private, algorithm=alg)

    def raw_decode() -> dict[str, Any]:
        return jwt.decode(token, public, algorithms=[alg], issuer="titan-lib", options=options)

    def ours_sign() -> str:
        return signer.make_token(CLAIMS)

    def ours_verify() -> dict[str, Any]:
        return verifier.read_token(token)

    rows = [
        _row(f"{alg} sign", ours_sign, raw_encode, "jwt.encode(key object)", n),
        _row(f"{alg} verify", ours_verify, raw_decode, "jwt.decode(key object)", n),
    ]
    if pem_rows:
        private_text, public_text = private_pem.decode(), public_pem.decode()

        def pem_encode() -> str:
            return jwt.encode(_raw_payload(), private_text, algorithm=alg)

        def pem_decode() -> dict[str, Any]:
            return jwt.decode(token, public_text, algorithms=[alg], issuer="titan-lib", options=options)

        rows += [
            _row(f"{alg} sign (ref. given PEM text)", ours_sign, pem_encode, "jwt.encode(PEM str)", 5),
            _row(f"{alg} verify (ref. given PEM text)", ours_verify, pem_decode, "jwt.decode(PEM str)", n),
        ]
    return rows


def _rotation(private: Any, other: Any, *, n: int) -> Comparison:
    """Verify with 2 keys by kid (ours peeks at the header) vs PyJWT given the right key directly."""
    signer = Signer(private_key=private, key_id="new")
    verifier = Verifier(public_keys={"old": other.public_key(), "new": private.public_key()})
    token = signer.make_token(CLAIMS)
    public = private.public_key()
    options: Any = {"require": ["exp", "iat"]}
    return _row(
        "RS256 verify, 2 keys by kid",
        lambda: verifier.read_token(token),
        lambda: jwt.decode(token, public, algorithms=["RS256"], issuer="titan-lib", options=options),
        "jwt.decode(known key)",
        n,
    )


def run(quick: bool) -> list[Comparison]:
    n = 20 if quick else 200
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    return [
        *_pair("RS256", rsa_key, n=n, pem_rows=True),
        *_pair("ES256", ec_key, n=n * 4, pem_rows=False),
        _rotation(rsa_key, other, n=n * 2),
    ]
