"""Verifying tokens: :class:`Verifier` (the original's ``Verify``/``ReadToken``, made safe).

Order of work for every token: type and size check (before any parsing), ``kid`` lookup (header
only, when several keys are trusted), signature with the key's own algorithms from the allow-list,
then the claims (``exp`` and ``iat`` required, ``iss`` an exact string, ``aud`` an exact string).
Nothing is ever returned that was not verified.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, NoReturn

from verifiedfan.errors import (
    ConfigurationError,
    DependencyMissingError,
    InvalidTokenError,
    TokenExpiredError,
)
from verifiedfan.jwt._durations import Duration, parse_duration
from verifiedfan.jwt._jwks import HttpxJwksFetcher, JwksCache, JwksFetcher, KeyEntry
from verifiedfan.jwt._keys import (
    HMAC_ALGORITHMS,
    KeyInput,
    algorithms_for_key,
    check_algorithms,
    load_secret,
    load_verification_key,
)
from verifiedfan.jwt._signer import DEFAULT_ISSUER

try:
    import jwt
except ImportError as exc:  # pragma: no cover - only without the jwt extra
    raise DependencyMissingError("pyjwt", "jwt") from exc

if TYPE_CHECKING:
    from verifiedfan.jwt._settings import JwtSettings

__all__ = ["Verifier", "check_token_size", "header_kid", "peek_header"]

_PYJWT = jwt.PyJWT(options={"enforce_minimum_key_length": True})
_NUMERIC_CLAIMS = ("exp", "iat", "nbf")

_REASONS: tuple[tuple[type[Exception], str], ...] = (
    (jwt.ImmatureSignatureError, "token not yet valid"),
    (jwt.InvalidSignatureError, "bad signature"),
    (jwt.InvalidIssuerError, "wrong issuer"),
    (jwt.InvalidAudienceError, "wrong audience"),
    (jwt.InvalidAlgorithmError, "algorithm not allowed"),
    (jwt.InvalidKeyError, "key cannot verify this token"),
    (jwt.DecodeError, "malformed token"),
)


def check_token_size(token: object, max_bytes: int) -> str | bytes:
    """Refuse non-text and oversized tokens before any parsing (a cheap ``len`` only)."""
    if not isinstance(token, str | bytes):
        raise InvalidTokenError(f"invalid token: expected str or bytes, got {type(token).__name__}")
    if len(token) > max_bytes:
        raise InvalidTokenError(f"invalid token: larger than {max_bytes} bytes")
    if not token:
        raise InvalidTokenError("invalid token: empty")
    return token


def peek_header(token: str | bytes) -> dict[str, Any]:
    """The unverified JOSE header, for choosing a key only (never trusted for anything else)."""
    raw = token.encode("ascii", "replace") if isinstance(token, str) else token
    head, sep, _ = raw.partition(b".")
    if not sep:
        raise InvalidTokenError("invalid token: malformed token")
    try:
        header = json.loads(base64.urlsafe_b64decode(head + b"=" * (-len(head) % 4)))
    except (binascii.Error, ValueError) as exc:
        raise InvalidTokenError("invalid token: malformed token") from exc
    if not isinstance(header, dict):
        raise InvalidTokenError("invalid token: malformed token")
    return header


@functools.lru_cache(maxsize=256)
def _kid_of_header(header_segment: str | bytes) -> str | None:
    kid = peek_header(header_segment).get("kid")
    if kid is not None and not isinstance(kid, str):
        raise InvalidTokenError("invalid token: malformed 'kid' header")
    return kid


def header_kid(token: str | bytes) -> str | None:
    """The unverified ``kid`` of ``token``. Headers repeat (one per signing key), so the parse of
    each distinct header segment is cached; the cache is bounded, so varied headers cannot grow it."""
    if isinstance(token, str):
        return _kid_of_header(token.partition(".")[0] + ".")
    return _kid_of_header(token.partition(b".")[0] + b".")


def translate(exc: Exception) -> NoReturn:
    """Re-raise a PyJWT error as TokenExpiredError or InvalidTokenError (chained)."""
    if isinstance(exc, jwt.ExpiredSignatureError):
        raise TokenExpiredError("token expired") from exc
    if isinstance(exc, jwt.MissingRequiredClaimError):
        raise InvalidTokenError(f"invalid token: missing required claim {exc.claim!r}") from exc
    reason = next((text for cls, text in _REASONS if isinstance(exc, cls)), "invalid token")
    raise InvalidTokenError(f"invalid token: {reason}", developer_message=str(exc)) from exc


class Verifier:
    """Verifies tokens against static keys (one, or several by ``kid``) or a JWKS URL.

    ``algorithms`` is a mandatory allow-list (default ``['RS256']``); HMAC cannot be mixed with
    public-key algorithms. ``leeway`` absorbs clock skew for ``exp``/``nbf``/``iat``.
    ``max_token_bytes`` caps the token length, checked before anything else.
    With ``jwks_url``, ``http`` is the fetcher (default :class:`HttpxJwksFetcher`); a prebuilt
    ``jwks_cache`` (e.g. with an injected clock) may be passed instead of ``jwks_url``.
    """

    def __init__(
        self,
        *,
        public_keys: KeyInput | Mapping[str, KeyInput] | None = None,
        jwks_url: str | None = None,
        issuer: str = DEFAULT_ISSUER,
        audience: str | None = None,
        algorithms: Iterable[str] = ("RS256",),
        leeway: Duration = 10,
        max_token_bytes: int = 8192,
        required_claims: Iterable[str] = ("exp", "iat"),
        http: JwksFetcher | None = None,
        jwks_max_age: Duration = "1h",
        jwks_min_refresh_interval: Duration = "30s",
        jwks_cache: JwksCache | None = None,
    ) -> None:
        self.algorithms = check_algorithms(algorithms)
        if (public_keys is None) == (jwks_url is None and jwks_cache is None):
            raise ConfigurationError("give exactly one of public_keys or jwks_url")
        if not isinstance(issuer, str) or not issuer:
            raise ConfigurationError("issuer must be a non-empty string")
        if audience is not None and (not isinstance(audience, str) or not audience):
            raise ConfigurationError("audience must be a non-empty string (one audience per verifier)")
        if max_token_bytes < 64:
            raise ConfigurationError("max_token_bytes is too small")
        self.issuer = issuer
        self.audience = audience
        self.max_token_bytes = max_token_bytes
        self._leeway = parse_duration(leeway, allow_zero=True)
        required = list(dict.fromkeys(["exp", "iat", *required_claims]))
        self._options: Any = {"require": required, "strict_aud": audience is not None}
        self._single: KeyEntry | None = None
        self._by_kid: dict[str, KeyEntry] = {}
        self._jwks: JwksCache | None = None
        hmac = self.algorithms[0] in HMAC_ALGORITHMS
        if public_keys is not None:
            if isinstance(public_keys, Mapping):
                if not public_keys:
                    raise ConfigurationError("public_keys is an empty mapping")
                self._by_kid = {kid: self._entry(key, hmac, kid) for kid, key in public_keys.items()}
            else:
                self._single = self._entry(public_keys, hmac, None)
        else:
            if hmac:
                raise ConfigurationError("a JWKS URL only serves public keys: use RS*, PS*, ES* or EdDSA")
            self._jwks = jwks_cache or JwksCache(
                url=str(jwks_url),
                fetcher=http or HttpxJwksFetcher(),
                algorithms=self.algorithms,
                max_age=parse_duration(jwks_max_age),
                min_refresh_interval=parse_duration(jwks_min_refresh_interval, allow_zero=True),
            )

    def _entry(self, key: KeyInput, hmac: bool, kid: str | None) -> KeyEntry:
        loaded = load_secret(key, self.algorithms) if hmac else load_verification_key(key)
        allowed = algorithms_for_key(loaded, self.algorithms)
        if not allowed:
            name = f"key {kid!r}" if kid else "the key"
            raise ConfigurationError(
                f"{name} ({type(loaded).__name__}) cannot verify any of {list(self.algorithms)}"
            )
        return KeyEntry(key=loaded, algorithms=allowed, key_id=kid)

    @classmethod
    def from_settings(cls, settings: JwtSettings) -> Verifier:
        """A verifier from ``VF_JWT_*`` settings: the public key, the JWKS URL, or (HS*) the secret."""
        keys: KeyInput | None = settings.public_key
        if keys is None and settings.jwks_url is None and settings.private_key is not None:
            keys = settings.private_key.get_secret_value()
        return cls(
            public_keys=keys,
            jwks_url=settings.jwks_url if keys is None else None,
            issuer=settings.issuer,
            audience=settings.audience,
            algorithms=settings.algorithms or [settings.algorithm],
            leeway=settings.leeway,
            max_token_bytes=settings.max_token_bytes,
        )

    def _static_entry(self, token: str | bytes) -> KeyEntry | None:
        if self._single is not None:
            return self._single
        if self._jwks is not None:
            return None
        kid = header_kid(token)
        if kid is None:
            raise InvalidTokenError("invalid token: no 'kid' header and several keys are trusted")
        entry = self._by_kid.get(kid)
        if entry is None:
            raise InvalidTokenError("invalid token: unknown key id")
        return entry

    def _verify(self, token: str | bytes, entry: KeyEntry) -> dict[str, Any]:
        try:
            claims = _PYJWT.decode(
                token,
                entry.key,
                algorithms=entry.algorithms,
                options=self._options,
                issuer=self.issuer,
                audience=self.audience,
                leeway=self._leeway,
            )
        except jwt.PyJWTError as exc:
            translate(exc)
        for name in _NUMERIC_CLAIMS:
            value = claims.get(name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
                raise InvalidTokenError(f"invalid token: claim {name!r} must be a number")
        return claims

    def read_token(self, token: str | bytes) -> dict[str, Any]:
        """The verified claims of ``token``; raises TokenExpiredError or InvalidTokenError.

        With a JWKS URL, a key fetch (when needed) blocks: use :meth:`aread_token` in async code.
        """
        token = check_token_size(token, self.max_token_bytes)
        entry = self._static_entry(token)
        if entry is None:
            entry = self._jwks.get(header_kid(token))  # type: ignore[union-attr]
        return self._verify(token, entry)

    async def aread_token(self, token: str | bytes) -> dict[str, Any]:
        """Like :meth:`read_token`; a JWKS fetch does not block the event loop."""
        token = check_token_size(token, self.max_token_bytes)
        entry = self._static_entry(token)
        if entry is None:
            entry = await self._jwks.aget(header_kid(token))  # type: ignore[union-attr]
        return self._verify(token, entry)

    def __repr__(self) -> str:
        source = f"jwks_url={self._jwks.url!r}" if self._jwks else f"keys={len(self._by_kid) or 1}"
        return (
            f"Verifier({source}, issuer={self.issuer!r}, audience={self.audience!r}, "
            f"algorithms={list(self.algorithms)!r})"
        )
