"""Every exception verifiedfan raises, rooted at :class:`VFError`.

Catch ``VFError`` to catch anything the library raises; catch a subclass to react to one kind of
failure. Third-party exceptions (httpx, redis, pymongo, confluent-kafka, botocore, PyJWT...) never
escape the public API: they are translated at the boundary and chained, so ``exc.__cause__`` holds
the original.

The tree::

    VFError
    ├── ConfigurationError (ValueError)      a client was configured wrongly
    ├── ValidationError (ValueError)         bad input, rejected before any I/O
    ├── DependencyMissingError (ImportError) an optional extra is not installed
    ├── NotConnectedError                    the client is closed or never connected
    ├── VFTimeoutError (TimeoutError)        an operation ran out of time
    ├── TransportError                       the network failed before an answer came
    │   └── NetworkError                     connection refused/reset, DNS, TLS...
    ├── HTTPStatusError                      a server answered with an error status
    │   ├── ClientError                      4xx
    │   │   ├── UnauthorizedError            401
    │   │   ├── ForbiddenError               403
    │   │   ├── NotFoundError                404
    │   │   ├── ConflictError                409
    │   │   └── RateLimitedError             429, carries ``retry_after``
    │   └── ServerError                      5xx
    ├── ResponseFormatError                  an answer did not have the documented shape
    ├── AuthError                            tokens and permissions
    │   ├── TokenExpiredError
    │   │   └── UserTokenExpiredError        an API refused a user's token that cannot be refreshed
    │   │                                    (also an UnauthorizedError, 401)
    │   ├── InvalidTokenError
    │   ├── TokenReplayError
    │   └── PermissionDeniedError
    └── (capability families added by their subpackages: KafkaError, CacheError, MongoError,
         AwsError, StackError... each a direct subclass of VFError)

Every error can be turned into the legacy ``@verifiedfan/vf-error`` shape with :meth:`VFError.to_dict`
(``message``, ``status``, ``error_message``, ``developer_message``).
"""

from __future__ import annotations

import json
from typing import Any

__all__ = [
    "AuthError",
    "ClientError",
    "ConfigurationError",
    "ConflictError",
    "DependencyMissingError",
    "ForbiddenError",
    "HTTPStatusError",
    "InvalidTokenError",
    "NetworkError",
    "NotConnectedError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitedError",
    "ResponseFormatError",
    "ServerError",
    "TokenExpiredError",
    "TokenReplayError",
    "TransportError",
    "UnauthorizedError",
    "UserTokenExpiredError",
    "VFError",
    "VFTimeoutError",
    "ValidationError",
    "error_for_status",
    "parse_body",
]


class VFError(Exception):
    """The root of every exception raised by verifiedfan.

    ``message`` is safe to show to a caller; ``developer_message`` may carry more detail (never a
    secret). ``status`` is an HTTP-style status code when one applies.
    """

    status: int | None = None

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        developer_message: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        self.developer_message = developer_message

    def to_dict(self) -> dict[str, Any]:
        """The legacy error shape of ``@verifiedfan/vf-error``."""
        out: dict[str, Any] = {
            "message": self.message,
            "error_message": self.message,
            "developer_message": self.developer_message or str(self),
        }
        if self.status is not None:
            out["status"] = self.status
            out["statusCode"] = self.status
        return out


class ConfigurationError(VFError, ValueError):
    """A client or setting was configured wrongly (missing URL, impossible option...)."""


class ValidationError(VFError, ValueError):
    """Input rejected before any I/O was attempted; nothing was sent or written."""


class DependencyMissingError(VFError, ImportError):
    """An optional dependency is missing; the message names the extra to install."""

    def __init__(self, package: str, extra: str) -> None:
        super().__init__(
            f'{package} is not installed: pip install "verifiedfan[{extra}]"',
        )
        self.package = package
        self.extra = extra


class NotConnectedError(VFError):
    """The client was closed, or never connected."""


class VFTimeoutError(VFError, TimeoutError):
    """An operation did not finish within its time limit."""


class TransportError(VFError):
    """No answer arrived: the request failed on the way (network, protocol)."""

    def __init__(
        self,
        message: str,
        *,
        method: str | None = None,
        url: str | None = None,
        service_name: str | None = None,
    ) -> None:
        super().__init__(message)
        self.method = method
        self.url = url
        self.service_name = service_name


class NetworkError(TransportError):
    """The connection could not be made or was broken (refused, reset, DNS, TLS)."""


def parse_body(content: bytes | str | None, content_type: str | None = None) -> Any:
    """Parse a response body: JSON when it is JSON, otherwise the text (``None`` when empty)."""
    if content is None:
        return None
    text = content.decode("utf-8", errors="replace") if isinstance(content, bytes) else content
    if not text:
        return None
    if content_type is None or "json" in content_type.lower() or text[:1] in "{[":
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


class HTTPStatusError(VFError):
    """A server answered with an error status. Carries everything needed to diagnose it."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        body: Any = None,
        method: str | None = None,
        url: str | None = None,
        service_name: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message, status=status)
        self.status_code = status
        self.body = body
        self.method = method
        self.url = url
        self.service_name = service_name
        self.headers = headers or {}

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        if isinstance(self.body, dict):
            for key in ("error_message", "developer_message"):
                if isinstance(self.body.get(key), str):
                    out[key] = self.body[key]
        return out


class ClientError(HTTPStatusError):
    """4xx: the request was refused; retrying it unchanged will not help."""


class UnauthorizedError(ClientError):
    """401: missing, expired or rejected credentials."""


class ForbiddenError(ClientError):
    """403: authenticated but not allowed."""


class NotFoundError(ClientError):
    """404."""


class ConflictError(ClientError):
    """409."""


class RateLimitedError(ClientError):
    """429: rate limited. ``retry_after`` is how long the server asked us to wait, in seconds."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("status", 429)
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServerError(HTTPStatusError):
    """5xx: the server failed."""


class ResponseFormatError(VFError):
    """An answer did not have the documented shape (a typed error, never a bare KeyError)."""


class AuthError(VFError):
    """Authentication and authorization failures."""

    status = 401


class TokenExpiredError(AuthError):
    """The token's ``exp`` has passed."""


class UserTokenExpiredError(TokenExpiredError, UnauthorizedError):
    """An API answered 401 to a user's access token that came without a refresh token: it expired
    or was revoked, and only the user can get a new one (sign in again). Also an
    :class:`UnauthorizedError` carrying status, body, method and URL."""


class InvalidTokenError(AuthError):
    """Bad signature, wrong issuer or audience, not yet valid, malformed, unknown key..."""


class TokenReplayError(InvalidTokenError):
    """A token id (``jti``) was presented twice within its lifetime."""


class PermissionDeniedError(AuthError):
    """The caller's claims lack a required permission."""

    status = 403


_BY_STATUS: dict[int, type[HTTPStatusError]] = {
    401: UnauthorizedError,
    403: ForbiddenError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitedError,
}


def error_for_status(
    status: int,
    *,
    body: Any = None,
    method: str | None = None,
    url: str | None = None,
    service_name: str | None = None,
    headers: dict[str, str] | None = None,
    retry_after: float | None = None,
) -> HTTPStatusError:
    """Build the most specific :class:`HTTPStatusError` subclass for ``status``."""
    where = f"{service_name}: " if service_name else ""
    message = f"{where}{method or 'GET'} {url or ''} returned {status}".rstrip()
    cls: type[HTTPStatusError] = _BY_STATUS.get(
        status, ServerError if status >= 500 else ClientError if status >= 400 else HTTPStatusError
    )
    common: dict[str, Any] = {
        "status": status,
        "body": body,
        "method": method,
        "url": url,
        "service_name": service_name,
        "headers": headers,
    }
    if cls is RateLimitedError:
        return RateLimitedError(message, retry_after=retry_after, **common)
    return cls(message, **common)
