"""Worker auth (service-to-service): a worker mints short-lived tokens naming itself; the receiving
service verifies them against the public keys of the workers it trusts.

A worker token carries ``iss`` = ``sub`` = the worker id, ``token_use`` = ``'worker'``, a random
``jti``, ``iat``/``exp`` (5 minutes by default) and ``aud`` when the target service is named.
"""

from __future__ import annotations

import base64
import binascii
import json
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from verifiedfan.errors import ConfigurationError, InvalidTokenError, PermissionDeniedError, TokenReplayError
from verifiedfan.jwt._durations import Duration, parse_duration
from verifiedfan.jwt._keys import KeyInput
from verifiedfan.jwt._replay import AsyncReplayCache, ReplayCache
from verifiedfan.jwt._signer import Signer
from verifiedfan.jwt._verifier import Verifier, check_token_size

__all__ = ["WorkerIdentity", "WorkerTokenMinter", "WorkerTokenVerifier"]

TOKEN_USE = "worker"  # noqa: S105 - a claim value, not a secret


@dataclass(frozen=True, slots=True)
class WorkerIdentity:
    """Who called: the verified result of a worker token."""

    worker_id: str
    token_id: str
    issued_at: int
    expires_at: int
    audience: str | None = None
    claims: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}), repr=False)


class WorkerTokenMinter:
    """Mints (and caches) this worker's tokens; a cached token is renewed ``renew_before`` its expiry.

    With ``reuse=False`` every call mints a fresh token (needed when the receiver refuses replays
    and the worker makes several calls within one token's lifetime).
    """

    def __init__(
        self,
        *,
        worker_id: str,
        private_key: KeyInput,
        key_id: str | None = None,
        audience: str | None = None,
        expires_in: Duration = "5m",
        algorithm: str = "RS256",
        renew_before: Duration | None = None,
        reuse: bool = True,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not isinstance(worker_id, str) or not worker_id:
            raise ConfigurationError("worker_id must be a non-empty string")
        self.worker_id = worker_id
        self.audience = audience
        self._signer = Signer(
            private_key=private_key,
            issuer=worker_id,
            algorithm=algorithm,
            expires_in=expires_in,
            key_id=key_id,
            add_jti=True,
            clock=clock,
        )
        lifetime = self._signer.expires_in
        self._renew_before = lifetime / 5 if renew_before is None else parse_duration(renew_before)
        if self._renew_before >= lifetime:
            raise ConfigurationError("renew_before must be shorter than the token lifetime")
        self._reuse = reuse
        self._clock = clock
        self._cached: tuple[str, float] | None = None
        self._lock = threading.Lock()

    def _mint(self) -> tuple[str, float]:
        claims: dict[str, Any] = {"sub": self.worker_id, "token_use": TOKEN_USE}
        if self.audience is not None:
            claims["aud"] = self.audience
        now = self._clock()
        return self._signer.make_token(claims), int(now) + int(self._signer.expires_in)

    def token(self) -> str:
        """A valid token for this worker (the cached one unless it is due for renewal)."""
        if not self._reuse:
            return self._mint()[0]
        with self._lock:
            if self._cached is None or self._clock() >= self._cached[1] - self._renew_before:
                self._cached = self._mint()
            return self._cached[0]

    def forget(self, token: str | None) -> None:
        """Drop the cached token when it is ``token`` (a receiver refused it): the next call mints anew."""
        with self._lock:
            if self._cached is not None and token is not None and self._cached[0] == token:
                self._cached = None

    def authorization_header(self) -> dict[str, str]:
        """``{'authorization': 'Bearer <token>'}`` to merge into a request's headers."""
        return {"authorization": f"Bearer {self.token()}"}

    def __repr__(self) -> str:
        return (
            f"WorkerTokenMinter(worker_id={self.worker_id!r}, audience={self.audience!r}, "
            "private_key=<redacted>)"
        )


def _peek_issuer(token: str | bytes) -> str:
    raw = token.encode("ascii", "replace") if isinstance(token, str) else token
    parts = raw.split(b".")
    if len(parts) != 3:
        raise InvalidTokenError("invalid token: malformed token")
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + b"=" * (-len(parts[1]) % 4)))
    except (binascii.Error, ValueError) as exc:
        raise InvalidTokenError("invalid token: malformed token") from exc
    issuer = payload.get("iss") if isinstance(payload, dict) else None
    if not isinstance(issuer, str):
        raise InvalidTokenError("invalid token: no worker id ('iss')")
    return issuer


class WorkerTokenVerifier:
    """Verifies worker tokens against ``trusted_workers`` (worker id -> public key, or kid -> key).

    ``allowed_workers`` narrows who may call (a trusted worker outside it gets PermissionDeniedError);
    ``audience`` is this service's name when tokens must be addressed to it; ``replay_cache`` refuses
    a token id seen before within its lifetime; ``max_lifetime`` refuses tokens minted to live long.
    """

    def __init__(
        self,
        *,
        trusted_workers: Mapping[str, KeyInput | Mapping[str, KeyInput]],
        allowed_workers: Iterable[str] | None = None,
        audience: str | None = None,
        algorithms: Iterable[str] = ("RS256",),
        leeway: Duration = 10,
        max_lifetime: Duration = "1h",
        max_token_bytes: int = 4096,
        replay_cache: ReplayCache | AsyncReplayCache | None = None,
    ) -> None:
        if not trusted_workers:
            raise ConfigurationError("trusted_workers is empty")
        self._verifiers = {
            worker: Verifier(
                public_keys=keys,
                issuer=worker,
                audience=audience,
                algorithms=algorithms,
                leeway=leeway,
                max_token_bytes=max_token_bytes,
                required_claims=("exp", "iat", "jti", "sub"),
            )
            for worker, keys in trusted_workers.items()
        }
        self.allowed_workers = frozenset(allowed_workers) if allowed_workers is not None else None
        self.audience = audience
        self._leeway = parse_duration(leeway, allow_zero=True)
        self._max_lifetime = parse_duration(max_lifetime)
        self._max_bytes = max_token_bytes
        self._replay = replay_cache

    def _check(self, token: str | bytes, allowed: Iterable[str] | None) -> WorkerIdentity:
        token = check_token_size(token, self._max_bytes)
        worker = _peek_issuer(token)
        verifier = self._verifiers.get(worker)
        if verifier is None:
            raise InvalidTokenError("invalid token: untrusted worker")
        claims = verifier.read_token(token)
        if claims.get("sub") != worker or claims.get("token_use") != TOKEN_USE:
            raise InvalidTokenError("invalid token: not a worker token")
        if not isinstance(claims.get("jti"), str) or not claims["jti"]:
            raise InvalidTokenError("invalid token: missing token id")
        if claims["exp"] - claims["iat"] > self._max_lifetime:
            raise InvalidTokenError("invalid token: lifetime longer than allowed for worker tokens")
        wanted = self.allowed_workers if allowed is None else frozenset(allowed)
        if wanted is not None and worker not in wanted:
            raise PermissionDeniedError(f"worker {worker!r} is not allowed to call this service")
        return WorkerIdentity(
            worker_id=worker,
            token_id=claims["jti"],
            issued_at=int(claims["iat"]),
            expires_at=int(claims["exp"]),
            audience=claims.get("aud"),
            claims=MappingProxyType(claims),
        )

    def _replay_key(self, identity: WorkerIdentity) -> tuple[str, float]:
        return f"{identity.worker_id}:{identity.token_id}", identity.expires_at + self._leeway

    def verify(self, token: str | bytes, *, allowed_workers: Iterable[str] | None = None) -> WorkerIdentity:
        """The verified caller; ``allowed_workers`` overrides the constructor's list for this call."""
        identity = self._check(token, allowed_workers)
        if self._replay is not None:
            if not isinstance(self._replay, ReplayCache):
                raise ConfigurationError("this replay cache is async only: use averify()")
            key, until = self._replay_key(identity)
            if not self._replay.first_use(key, expires_at=until):
                raise TokenReplayError("token replayed")
        return identity

    async def averify(
        self, token: str | bytes, *, allowed_workers: Iterable[str] | None = None
    ) -> WorkerIdentity:
        """Like :meth:`verify`, awaiting an async replay cache."""
        identity = self._check(token, allowed_workers)
        if self._replay is not None:
            key, until = self._replay_key(identity)
            if isinstance(self._replay, AsyncReplayCache):
                first = await self._replay.afirst_use(key, expires_at=until)
            else:
                first = self._replay.first_use(key, expires_at=until)
            if not first:
                raise TokenReplayError("token replayed")
        return identity

    def __repr__(self) -> str:
        return f"WorkerTokenVerifier(trusted_workers={sorted(self._verifiers)!r}, audience={self.audience!r})"
