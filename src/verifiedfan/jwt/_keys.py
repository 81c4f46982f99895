"""Loading keys once (PEM, DER, certificates or key objects) and matching them to algorithms.

PyJWT re-parses a PEM string on every call; these helpers load it once into a ``cryptography`` key
object. They also enforce the rules that make algorithm confusion impossible: an HMAC secret never
looks like a PEM document, HMAC is never mixed with public-key algorithms in one verifier, and a key
is only ever used with the algorithms of its own type.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from verifiedfan.errors import ConfigurationError, DependencyMissingError

try:
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
except ImportError as exc:  # pragma: no cover - only without the jwt extra
    raise DependencyMissingError("cryptography", "jwt") from exc

__all__ = [
    "HMAC_ALGORITHMS",
    "SUPPORTED_ALGORITHMS",
    "KeyInput",
    "algorithms_for_key",
    "check_algorithms",
    "load_secret",
    "load_signing_key",
    "load_verification_key",
]

KeyInput = str | bytes | Any
"""PEM or DER text/bytes, an HMAC secret, or a ``cryptography`` key (or certificate) object."""

RSA_ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"})
EC_ALGORITHMS = {"ES256": "secp256r1", "ES384": "secp384r1", "ES512": "secp521r1"}
HMAC_ALGORITHMS = {"HS256": 32, "HS384": 48, "HS512": 64}  # minimum secret bytes (RFC 7518 3.2)
SUPPORTED_ALGORITHMS = frozenset(RSA_ALGORITHMS | set(EC_ALGORITHMS) | set(HMAC_ALGORITHMS) | {"EdDSA"})
_MIN_RSA_BITS = 2048


def check_algorithms(algorithms: Iterable[str]) -> tuple[str, ...]:
    """Validate an allow-list: non-empty, known names only (never ``none``), no HMAC mixed in."""
    if isinstance(algorithms, str):
        algorithms = [algorithms]
    algs = tuple(dict.fromkeys(algorithms))
    if not algs:
        raise ConfigurationError("the algorithm allow-list must not be empty")
    unknown = [a for a in algs if a not in SUPPORTED_ALGORITHMS]
    if unknown:
        raise ConfigurationError(
            f"unsupported algorithm(s) {unknown}: choose from {sorted(SUPPORTED_ALGORITHMS)}"
        )
    hmac = [a for a in algs if a in HMAC_ALGORITHMS]
    if hmac and len(hmac) != len(algs):
        raise ConfigurationError(
            "HMAC (HS*) algorithms cannot be allowed together with public-key algorithms "
            "(that is how RS256/HS256 confusion attacks work)"
        )
    return algs


def _looks_like_pem(data: bytes) -> bool:
    return b"-----BEGIN" in data[:200] or data.lstrip().startswith(b"ssh-")


def _as_bytes(key: str | bytes | bytearray) -> bytes:
    return key.encode("utf-8") if isinstance(key, str) else bytes(key)


def load_secret(key: KeyInput, algorithms: Iterable[str]) -> bytes:
    """An HMAC secret: long enough for every configured algorithm, and not a PEM key in disguise."""
    if not isinstance(key, str | bytes | bytearray):
        raise ConfigurationError("an HMAC secret must be str or bytes")
    secret = _as_bytes(key)
    if _looks_like_pem(secret):
        raise ConfigurationError("an HMAC secret must not be a PEM/SSH key (algorithm confusion)")
    needed = max(HMAC_ALGORITHMS.get(a, 0) for a in algorithms)
    if len(secret) < needed:
        raise ConfigurationError(f"the HMAC secret must be at least {needed} bytes long")
    return secret


def _check_strength(key: Any) -> None:
    if isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey) and key.key_size < _MIN_RSA_BITS:
        raise ConfigurationError(f"RSA keys must be at least {_MIN_RSA_BITS} bits (got {key.key_size})")


def load_signing_key(key: KeyInput, algorithm: str) -> Any:
    """The key object ``algorithm`` signs with (bytes for HMAC, a private key otherwise)."""
    (alg,) = check_algorithms([algorithm])
    if alg in HMAC_ALGORITHMS:
        return load_secret(key, [alg])
    if isinstance(key, str | bytes | bytearray):
        data = _as_bytes(key)
        try:
            if _looks_like_pem(data):
                loaded: Any = serialization.load_pem_private_key(data, password=None)
            else:
                loaded = serialization.load_der_private_key(data, password=None)
        except (ValueError, TypeError) as exc:
            raise ConfigurationError("could not load the private key (PEM or DER, unencrypted)") from exc
    else:
        loaded = key
    if not isinstance(loaded, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey):
        raise ConfigurationError(f"{alg} needs a private key, got {type(loaded).__name__}")
    _check_strength(loaded)
    if alg not in algorithms_for_key(loaded, [alg]):
        raise ConfigurationError(f"this {type(loaded).__name__} cannot sign {alg}")
    return loaded


def load_verification_key(key: KeyInput) -> Any:
    """A public key object from a PEM/DER public key, certificate, private key or key object."""
    if isinstance(key, str | bytes | bytearray):
        data = _as_bytes(key)
        try:
            if b"-----BEGIN CERTIFICATE" in data:
                loaded: Any = x509.load_pem_x509_certificate(data).public_key()
            elif b"PRIVATE KEY-----" in data:
                loaded = serialization.load_pem_private_key(data, password=None).public_key()
            elif _looks_like_pem(data):
                loaded = serialization.load_pem_public_key(data)
            else:
                loaded = serialization.load_der_public_key(data)
        except (ValueError, TypeError) as exc:
            raise ConfigurationError("could not load the public key (PEM, DER or certificate)") from exc
    elif isinstance(
        key, x509.Certificate | rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey
    ):
        loaded = key.public_key()
    else:
        loaded = key
    if not isinstance(loaded, rsa.RSAPublicKey | ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey):
        raise ConfigurationError(f"unsupported public key type {type(loaded).__name__}")
    _check_strength(loaded)
    return loaded


def algorithms_for_key(key: Any, algorithms: Iterable[str]) -> tuple[str, ...]:
    """The subset of ``algorithms`` this key object may be used with (by key type and curve)."""
    if isinstance(key, bytes):
        return tuple(a for a in algorithms if a in HMAC_ALGORITHMS)
    if isinstance(key, rsa.RSAPublicKey | rsa.RSAPrivateKey):
        return tuple(a for a in algorithms if a in RSA_ALGORITHMS)
    if isinstance(key, ec.EllipticCurvePublicKey | ec.EllipticCurvePrivateKey):
        return tuple(a for a in algorithms if EC_ALGORITHMS.get(a) == key.curve.name)
    if isinstance(key, ed25519.Ed25519PublicKey | ed25519.Ed25519PrivateKey):
        return tuple(a for a in algorithms if a == "EdDSA")
    return ()
