"""Signing tokens: :class:`Signer` (the original's ``SignPayload``/``MakeToken``, made safe)."""

from __future__ import annotations

import math
import secrets
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from verifiedfan.errors import ConfigurationError, DependencyMissingError, ValidationError
from verifiedfan.jwt._durations import Duration, parse_expires_in
from verifiedfan.jwt._keys import KeyInput, load_signing_key

try:
    import jwt
except ImportError as exc:  # pragma: no cover - only without the jwt extra
    raise DependencyMissingError("pyjwt", "jwt") from exc

if TYPE_CHECKING:
    from verifiedfan.jwt._settings import JwtSettings

__all__ = ["DEFAULT_ISSUER", "RESERVED_CLAIMS", "Signer"]

DEFAULT_ISSUER = "titan-lib"
"""The issuer the original library hard-coded; still the default on both sides."""

RESERVED_CLAIMS = frozenset({"iss", "iat", "exp"})
"""Claims the signer sets itself; passing them to :meth:`Signer.make_token` is an error."""

_PYJWT = jwt.PyJWT(options={"enforce_minimum_key_length": True})


class Signer:
    """Signs claims into a JWT with a fixed issuer, algorithm and lifetime.

    The key is loaded once (PEM/DER text or bytes, or a ``cryptography`` key object; for HS* a
    secret of at least the hash size). ``make_token`` adds ``iat``, ``exp`` and ``iss`` (and a random
    ``jti`` when ``add_jti``); a ``kid`` header is written when ``key_id`` is set. ``expires_in`` is
    read as jsonwebtoken read ``expiresIn`` (:func:`~verifiedfan.jwt.parse_expires_in`: seconds for a
    number, the ``ms`` package's forms for a string, ``exp = floor(iat + ms / 1000)``).
    Neither the key nor any token ever appears in ``repr``.
    """

    __slots__ = ("_add_jti", "_clock", "_expires_in", "_headers", "_key", "algorithm", "issuer", "key_id")

    def __init__(
        self,
        *,
        private_key: KeyInput,
        issuer: str = DEFAULT_ISSUER,
        algorithm: str = "RS256",
        expires_in: Duration = "24h",
        key_id: str | None = None,
        add_jti: bool = False,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not isinstance(issuer, str) or not issuer:
            raise ConfigurationError("issuer must be a non-empty string")
        self._key = load_signing_key(private_key, algorithm)
        self.algorithm = algorithm
        self.issuer = issuer
        self.key_id = key_id
        self._expires_in = parse_expires_in(expires_in)
        self._add_jti = add_jti
        self._clock = clock
        self._headers: dict[str, Any] | None = {"kid": key_id} if key_id is not None else None

    @classmethod
    def from_settings(cls, settings: JwtSettings) -> Signer:
        """A signer from ``VF_JWT_*`` settings (``private_key`` is required)."""
        if settings.private_key is None:
            raise ConfigurationError("VF_JWT_PRIVATE_KEY is not set")
        return cls(
            private_key=settings.private_key.get_secret_value(),
            issuer=settings.issuer,
            algorithm=settings.algorithm,
            expires_in=settings.expires_in,
            key_id=settings.key_id,
        )

    @property
    def expires_in(self) -> float:
        """Default token lifetime in seconds."""
        return self._expires_in

    def make_token(
        self, claims: Mapping[str, Any] | None = None, *, expires_in: Duration | None = None
    ) -> str:
        """Sign ``claims`` plus ``iss``, ``iat`` and ``exp`` (``expires_in`` overrides the default)."""
        payload = dict(claims) if claims is not None else {}
        clash = RESERVED_CLAIMS.intersection(payload)
        if clash:
            raise ValidationError(f"claims {sorted(clash)} are set by the signer and cannot be passed")
        now = int(self._clock())
        lifetime = self._expires_in if expires_in is None else parse_expires_in(expires_in)
        payload["iss"] = self.issuer
        payload["iat"] = now
        payload["exp"] = math.floor(now + lifetime)  # jsonwebtoken's timespan(): floor(iat + ms / 1000)
        if self._add_jti and "jti" not in payload:
            payload["jti"] = secrets.token_urlsafe(16)
        try:
            return _PYJWT.encode(payload, self._key, algorithm=self.algorithm, headers=self._headers)
        except (TypeError, ValueError) as exc:
            raise ValidationError(f"claims are not JSON-serializable: {exc}") from exc
        except jwt.PyJWTError as exc:
            raise ConfigurationError(f"could not sign with this key: {type(exc).__name__}") from exc

    def __repr__(self) -> str:
        return (
            f"Signer(issuer={self.issuer!r}, algorithm={self.algorithm!r}, key_id={self.key_id!r}, "
            f"expires_in={self._expires_in:g}, private_key=<redacted>)"
        )
