"""JWT on PyJWT + cryptography: signing, verifying, key rotation, worker auth and permissions.

Successor of ``@verifiedfan/jwt`` (``SignPayload``/``Verify``/``MakeToken``/``ReadToken``,
``WorkerAuth``) and the legacy ``permissions`` module. RS256 with issuer ``'titan-lib'`` stays the
default; everything else must be configured explicitly::

    signer = Signer(private_key=pem)
    token = signer.make_token({"userId": "u1", "permissions": ["EDIT"]})
    claims = Verifier(public_keys=public_pem).read_token(token)
    require_permissions(claims, ["EDIT"])

Errors: :class:`~verifiedfan.errors.TokenExpiredError`, :class:`~verifiedfan.errors.InvalidTokenError`,
:class:`~verifiedfan.errors.TokenReplayError`, :class:`~verifiedfan.errors.PermissionDeniedError`.
"""

from verifiedfan.jwt._durations import (
    AmbiguousDurationWarning,
    Duration,
    parse_duration,
    parse_expires_in,
    parse_ms,
)
from verifiedfan.jwt._jwks import HttpxJwksFetcher, JwksCache, JwksFetcher, KeyEntry
from verifiedfan.jwt._keys import SUPPORTED_ALGORITHMS
from verifiedfan.jwt._permissions import (
    PERMISSIONS_CLAIM,
    PermissionAction,
    has_required_actions,
    missing_actions,
    permission_dependency,
    require_permissions,
    requires_permissions,
)
from verifiedfan.jwt._replay import AsyncReplayCache, InMemoryReplayCache, ReplayCache
from verifiedfan.jwt._settings import JwtSettings
from verifiedfan.jwt._signer import DEFAULT_ISSUER, RESERVED_CLAIMS, Signer
from verifiedfan.jwt._verifier import Verifier
from verifiedfan.jwt._worker import WorkerIdentity, WorkerTokenMinter, WorkerTokenVerifier
from verifiedfan.jwt._x509 import CertificateInfo, read_certificate

__all__ = [
    "DEFAULT_ISSUER",
    "PERMISSIONS_CLAIM",
    "RESERVED_CLAIMS",
    "SUPPORTED_ALGORITHMS",
    "AmbiguousDurationWarning",
    "AsyncReplayCache",
    "CertificateInfo",
    "Duration",
    "HttpxJwksFetcher",
    "InMemoryReplayCache",
    "JwksCache",
    "JwksFetcher",
    "JwtSettings",
    "KeyEntry",
    "PermissionAction",
    "ReplayCache",
    "Signer",
    "Verifier",
    "WorkerIdentity",
    "WorkerTokenMinter",
    "WorkerTokenVerifier",
    "has_required_actions",
    "missing_actions",
    "parse_duration",
    "parse_expires_in",
    "parse_ms",
    "permission_dependency",
    "read_certificate",
    "require_permissions",
    "requires_permissions",
]
