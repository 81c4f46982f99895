"""Facebook Graph API: settings, models, the Graph error mapping and the checks made before any I/O.

Wire shapes (developers.facebook.com: "Get long-lived tokens", Graph API reference for ``/me``,
``/me/likes``, ``/{app-id}/accounts/test-users``, "Handling errors", "Rate limiting"):

* ``GET /{version}/oauth/access_token?grant_type=fb_exchange_token&client_id&client_secret&
  fb_exchange_token`` -> ``{"access_token", "token_type": "bearer", "expires_in"}`` (about 60 days);
* ``GET /me?fields=id`` -> ``{"id"}``; ``GET /me/likes`` -> ``{"data": [{"id", "name",
  "created_time"}], "paging": {"cursors": {...}, "next": <url>}}``; ``GET /me/likes/{page_id}`` ->
  ``{"data": [...]}`` (empty when not liked);
* test users, with the app token ``{app_id}|{app_secret}``: ``POST /{app_id}/accounts/test-users``
  -> ``{"id", "access_token", "login_url", "email", "password"}``, ``GET`` the same path (paged),
  ``DELETE /{test_user_id}`` -> ``{"success": true}``;
* errors: ``{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}``. Code 190 is an
  invalid or expired access token; 4 (app), 17 (user), 32 (page) and 613 (custom) are throttling.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from verifiedfan.errors import (
    ClientError,
    HTTPStatusError,
    InvalidTokenError,
    RateLimitedError,
    ResponseFormatError,
    ValidationError,
    VFError,
)
from verifiedfan.http import ApiSettings

__all__ = [
    "INVALID_TOKEN_CODE",
    "RATE_LIMIT_CODES",
    "FacebookError",
    "FacebookInvalidTokenError",
    "FacebookRateLimitedError",
    "FacebookSettings",
    "LongLivedToken",
    "PageLike",
    "TestUser",
]

INVALID_TOKEN_CODE = 190
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613})
_VERSION = re.compile(r"^v\d+\.\d+$")
_NODE_ID = re.compile(r"^[0-9]{1,32}$")


@dataclass(frozen=True, slots=True)
class LongLivedToken:
    """The answer of a token exchange; ``expires_in`` in seconds (``None`` when not given)."""

    access_token: str
    token_type: str
    expires_in: int | None

    def __repr__(self) -> str:  # never the token
        return f"LongLivedToken(token_type={self.token_type!r}, expires_in={self.expires_in!r})"


@dataclass(frozen=True, slots=True)
class PageLike:
    """A page the user likes."""

    id: str
    name: str
    created_time: str | None = None


@dataclass(frozen=True, slots=True)
class TestUser:
    """A test user of the app (``access_token``, ``email`` and ``password`` only when created)."""

    __test__ = False  # not a pytest test class

    id: str
    login_url: str | None = None
    access_token: str | None = None
    email: str | None = None
    password: str | None = None

    def __repr__(self) -> str:  # never the token or password
        return f"TestUser(id={self.id!r}, email={self.email!r})"


class _GraphFields:
    """The Graph error object's fields, read from ``body``."""

    body: Any

    def _error(self) -> dict[str, Any]:
        found = self.body.get("error") if isinstance(self.body, dict) else None
        return found if isinstance(found, dict) else {}

    @property
    def code(self) -> int | None:
        code = self._error().get("code")
        return code if isinstance(code, int) else None

    @property
    def subcode(self) -> int | None:
        sub = self._error().get("error_subcode")
        return sub if isinstance(sub, int) else None

    @property
    def error_type(self) -> str | None:
        kind = self._error().get("type")
        return kind if isinstance(kind, str) else None

    @property
    def fbtrace_id(self) -> str | None:
        trace = self._error().get("fbtrace_id")
        return trace if isinstance(trace, str) else None


class FacebookError(_GraphFields, ClientError):
    """The Graph API refused the call (a 4xx with an error object): ``code``, ``subcode``,
    ``error_type`` and ``fbtrace_id`` are Graph's."""


class FacebookRateLimitedError(_GraphFields, RateLimitedError):
    """Graph throttling (codes 4, 17, 32, 613): calls fail until the rolling window drains."""


class FacebookInvalidTokenError(_GraphFields, InvalidTokenError):
    """Code 190: the access token is invalid, expired or revoked (the user must log in again).
    Carries the HTTP ``status_code`` and Graph's ``body``."""

    def __init__(self, message: str, *, status: int, body: Any) -> None:
        super().__init__(message, status=401)
        self.status_code = status
        self.body = body


def graph_error(error: HTTPStatusError, message: str) -> VFError:
    """The error map's factory: Graph's error object to the typed error of its code."""
    body = error.body
    inner = body.get("error") if isinstance(body, dict) else None
    text = inner.get("message") if isinstance(inner, dict) else None
    code = inner.get("code") if isinstance(inner, dict) else None
    where = f"facebook: {error.method} {error.url} returned {error.status_code}"
    detail = f"{where}: ({code}) {text}" if isinstance(text, str) else where
    if code == INVALID_TOKEN_CODE:
        return FacebookInvalidTokenError(detail, status=error.status_code, body=body)
    common: dict[str, Any] = {
        "status": error.status_code,
        "body": body,
        "method": error.method,
        "url": error.url,
        "service_name": error.service_name,
        "headers": error.headers,
    }
    if code in RATE_LIMIT_CODES:
        return FacebookRateLimitedError(detail, retry_after=None, **common)
    return FacebookError(detail, **common)


def is_graph_error(error: HTTPStatusError) -> bool:
    """A 4xx, or any status whose Graph code is an invalid token or throttling."""
    body = error.body
    inner = body.get("error") if isinstance(body, dict) else None
    code = inner.get("code") if isinstance(inner, dict) else None
    return error.status_code < 500 or code == INVALID_TOKEN_CODE or code in RATE_LIMIT_CODES


class FacebookSettings(ApiSettings):
    """``VF_FACEBOOK_*``: ``client_id`` (the app id), ``client_secret`` (the app secret),
    ``version`` (the pinned Graph API version)."""

    model_config = SettingsConfigDict(env_prefix="VF_FACEBOOK_")

    service_name: str = "facebook"
    base_urls: dict[str, str] = Field(default_factory=lambda: {"prod": "https://graph.facebook.com"})
    version: str = "v21.0"


def check_version(value: object) -> str:
    if not isinstance(value, str) or not _VERSION.match(value):
        raise ValidationError(f"facebook: version must look like 'v21.0', got {value!r}")
    return value


def check_token(value: object, name: str = "access token") -> str:
    if not isinstance(value, str) or not value or any(c.isspace() for c in value):
        raise ValidationError(f"facebook: the {name} must be a non-empty string without spaces")
    return value


def check_node_id(value: object, name: str) -> str:
    if not isinstance(value, str) or not _NODE_ID.match(value):
        raise ValidationError(f"facebook: {name} must be a numeric Graph id, got {value!r}")
    return value


def _str(body: dict[str, Any], key: str, where: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value:
        raise ResponseFormatError(f"{where}: the answer has no {key!r}")
    return value


def parse_token(body: object, where: str) -> LongLivedToken:
    if not isinstance(body, dict):
        raise ResponseFormatError(f"{where}: the answer is not a JSON object")
    expires = body.get("expires_in")
    return LongLivedToken(
        access_token=_str(body, "access_token", where),
        token_type=str(body.get("token_type") or "bearer"),
        expires_in=expires if isinstance(expires, int) and not isinstance(expires, bool) else None,
    )


def parse_like(item: object) -> PageLike:
    if not isinstance(item, dict):
        raise ResponseFormatError("facebook /me/likes: an item is not an object")
    created = item.get("created_time")
    return PageLike(
        id=_str(item, "id", "facebook /me/likes"),
        name=str(item.get("name") or ""),
        created_time=created if isinstance(created, str) else None,
    )


def parse_test_user(item: object, where: str) -> TestUser:
    if not isinstance(item, dict):
        raise ResponseFormatError(f"{where}: a test user is not an object")

    def opt(key: str) -> str | None:
        value = item.get(key)
        return value if isinstance(value, str) else None

    return TestUser(
        id=_str(item, "id", where),
        login_url=opt("login_url"),
        access_token=opt("access_token"),
        email=opt("email"),
        password=opt("password"),
    )
