"""Bearer tokens to claims (the original's ``Jwt`` and ``JwtLazy`` middlewares).

The verified claims go into the request state (``scope["state"]["claims"]``, Starlette's
``request.state.claims``); a worker token's :class:`~verifiedfan.jwt.WorkerIdentity` goes into
``scope["state"]["worker"]``. A refused request is answered 401 in the error shape
(``VFError.to_dict()``) before the app sees it.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from verifiedfan.errors import AuthError, InvalidTokenError, ValidationError, VFError
from verifiedfan.web._asgi import ASGIApp, Receive, Scope, Send, header, send_error, state_of
from verifiedfan.web._errors import bad_request

if TYPE_CHECKING:
    from verifiedfan.jwt import Verifier, WorkerTokenVerifier

__all__ = ["CLAIMS_KEY", "QUERY_TOKEN_PARAMS", "WORKER_KEY", "JwtMiddleware", "bearer_token", "jwt_lazy"]

logger = logging.getLogger(__name__)

CLAIMS_KEY = "claims"
WORKER_KEY = "worker"
QUERY_TOKEN_PARAMS = frozenset({"access_token", "token", "jwt", "id_token", "authorization"})
"""Query parameters that would carry a token in the URL, where every proxy and log would keep it."""

_MAX_HEADER = 16384
_POLICY_VIOLATION = 1008  # WebSocket close code (RFC 6455)


def bearer_token(scope: Scope) -> str | None:
    """The token of the ``Authorization: Bearer ...`` header, ``None`` when there is no such header.

    A header that is present but not a well-formed bearer credential raises
    :class:`InvalidTokenError` (401).
    """
    raw = header(scope, b"authorization")
    if raw is None:
        return None
    if len(raw) > _MAX_HEADER:
        raise InvalidTokenError("invalid token: authorization header too large")
    try:
        text = raw.decode("ascii").strip()
    except UnicodeDecodeError as exc:
        raise InvalidTokenError("invalid token: authorization header is not ASCII") from exc
    scheme, _, token = text.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or " " in token:
        raise InvalidTokenError("invalid token: expected 'Authorization: Bearer <token>'")
    return token


def _is_worker_token(token: str) -> bool:
    from verifiedfan.jwt._unverified import decode_unverified

    try:
        _, payload = decode_unverified(token)
    except VFError:
        return False
    return payload.get("token_use") == "worker"


class JwtMiddleware:
    """Verify the bearer token of each request and put its claims in the request state.

    ``required=True`` (the original's ``Jwt``): a request without a token is 401. ``required=False``
    (``JwtLazy``): a request without a token passes with no claims, but a token that is present is
    still verified and a bad one is still 401. ``worker_verifier`` accepts worker tokens
    (``token_use = "worker"``) as well. ``exempt_paths`` (exact paths, or prefixes ending in ``/``)
    skip the check. A token sent in the query string (``?access_token=`` ...) is refused with 400:
    URLs end up in logs and proxies. An ``alg: none`` token is refused by the verifier's allow-list.
    WebSocket connections are checked the same way; a refused one is closed before the handshake
    (code 1008, which servers answer with 403).
    """

    def __init__(
        self,
        app: ASGIApp,
        verifier: Verifier | None,
        *,
        required: bool = True,
        worker_verifier: WorkerTokenVerifier | None = None,
        exempt_paths: Collection[str] = ("/health", "/metrics"),
        refuse_query_tokens: bool = True,
    ) -> None:
        if verifier is None and worker_verifier is None:
            from verifiedfan.errors import ConfigurationError

            raise ConfigurationError("JwtMiddleware needs a verifier, a worker_verifier, or both")
        self.app = app
        self.verifier = verifier
        self.required = required
        self.worker_verifier = worker_verifier
        self.exempt_exact = frozenset(p for p in exempt_paths if not p.endswith("/"))
        self.exempt_prefixes = tuple(p for p in exempt_paths if p.endswith("/"))
        self.refuse_query_tokens = refuse_query_tokens

    def _exempt(self, path: str) -> bool:
        return path in self.exempt_exact or (
            bool(self.exempt_prefixes) and path.startswith(self.exempt_prefixes)
        )

    async def _authenticate(self, scope: Scope) -> None:
        if self.refuse_query_tokens:
            query = scope.get("query_string") or b""
            if query:
                names = {k.lower() for k, _ in parse_qsl(query.decode("latin-1"), keep_blank_values=True)}
                if names & QUERY_TOKEN_PARAMS:
                    raise bad_request(
                        "tokens are not accepted in the query string: use the Authorization header"
                    )
        token = bearer_token(scope)
        state = state_of(scope)
        if token is None:
            if self.required:
                raise InvalidTokenError("missing bearer token")
            state.setdefault(CLAIMS_KEY, None)
            return
        claims: Any
        if self.verifier is not None and (self.worker_verifier is None or not _is_worker_token(token)):
            claims = await self.verifier.aread_token(token)
        elif self.worker_verifier is not None:
            identity = await self.worker_verifier.averify(token)
            state[WORKER_KEY] = identity
            claims = dict(identity.claims)
        else:  # a worker token without a worker verifier is refused by the user verifier above
            raise InvalidTokenError("invalid token")
        state[CLAIMS_KEY] = claims

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope.get("type")
        if kind not in ("http", "websocket") or self._exempt(str(scope.get("path", ""))):
            await self.app(scope, receive, send)
            return
        try:
            await self._authenticate(scope)
        except (AuthError, ValidationError) as error:  # the caller's fault: 401/403/400
            # Anything else (a JWKS endpoint that cannot be reached...) is the service's failure:
            # it propagates to the error formatter (500, logged), never passed off as a bad token.
            logger.info("request refused: %s %s: %s", scope.get("method"), scope.get("path"), error.message)
            if kind == "websocket":  # refused before the handshake: the server answers 403
                await send({"type": "websocket.close", "code": _POLICY_VIOLATION})
            else:
                await send_error(send, error, default_status=401)
            return
        await self.app(scope, receive, send)


def jwt_lazy(app: ASGIApp, verifier: Verifier | None, **options: Any) -> JwtMiddleware:
    """The original's ``JwtLazy``: :class:`JwtMiddleware` with ``required=False``."""
    return JwtMiddleware(app, verifier, required=False, **options)
