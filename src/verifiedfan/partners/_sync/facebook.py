# Generated from src/verifiedfan/partners/_async/facebook.py by scripts/unasync.py: do not edit.
# Change the async source, then run `python scripts/unasync.py`.
"""The Facebook Graph API client: long-lived tokens, the user's id and page likes, test users.

Every call pins the Graph version (``/v21.0/...``). Tokens and ids are checked before any I/O.
Graph's error object is mapped by code: 190 is :class:`FacebookInvalidTokenError` (an
``InvalidTokenError``: the user must log in again), 4/17/32/613 :class:`FacebookRateLimitedError`
(a ``RateLimitedError``, not retried: Graph's windows drain over minutes), other 4xx
:class:`FacebookError`. Reads are retried on 5xx and network errors; creating a test user is not
(it would make two). Access tokens, the app secret and the app token travel as query parameters,
which the HTTP core redacts in every logged, traced or raised URL. ``app_usage`` keeps the last
``X-App-Usage`` header (percentages of the app's limits) so a caller can slow down above ~80 %.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

from verifiedfan.errors import ConfigurationError, ResponseFormatError
from verifiedfan.http import ApiSettings, ErrorMap, ErrorRule, LinkPager, SyncApiClient
from verifiedfan.partners._facebook_models import (
    FacebookSettings,
    LongLivedToken,
    PageLike,
    TestUser,
    check_node_id,
    check_token,
    check_version,
    graph_error,
    is_graph_error,
    parse_like,
    parse_test_user,
    parse_token,
)

__all__ = ["SyncFacebook"]

EXCHANGE = "/oauth/access_token"
ME = "/me"
LIKES = "/me/likes"
LIKE = "/me/likes/{page_id}"
TEST_USERS = "/{app_id}/accounts/test-users"
NODE = "/{node_id}"


class SyncFacebook(SyncApiClient):
    """The Graph API for one app::

        with SyncFacebook(app_id="1234567890", app_secret=secret) as fb:
            token = fb.extend_token(short_lived)
            user_id = fb.get_id(token.access_token)
            if fb.has_liked(token.access_token, "20531316728"):
                ...

    ``version`` pins the Graph API version; the other keyword arguments are those of
    :class:`~verifiedfan.http.SyncApiClient`.
    """

    service_name: ClassVar[str] = "facebook"
    settings_class = FacebookSettings
    error_map = ErrorMap(default=ErrorRule(graph_error, when=is_graph_error))

    def __init__(
        self,
        *,
        app_id: str,
        app_secret: str,
        version: str = "v21.0",
        base_url: str = "https://graph.facebook.com",
        **options: Any,
    ) -> None:
        if not isinstance(app_id, str) or not app_id.isdigit():
            raise ConfigurationError("facebook: app_id must be the numeric app id")
        if not isinstance(app_secret, str) or not app_secret:
            raise ConfigurationError("facebook: app_secret is required")
        try:
            self.version = check_version(version)
        except ValueError as exc:
            raise ConfigurationError(str(exc)) from None
        super().__init__(base_url=f"{base_url.rstrip('/')}/{self.version}", **options)
        self.app_id = app_id
        self._app_secret = app_secret
        self.app_usage: dict[str, Any] = {}

    @classmethod
    def settings_kwargs(cls, settings: ApiSettings) -> dict[str, Any]:
        if not isinstance(settings, FacebookSettings):
            raise ConfigurationError(f"{cls.__name__}.from_settings takes a FacebookSettings")
        return {
            "app_id": settings.client_id,
            "app_secret": settings.client_secret.get_secret_value(),
            "version": settings.version,
            "base_url": settings.resolved_base_url(),
            "timeouts": settings.timeouts(),
            "limits": settings.limits(),
            "retry": settings.retry_policy(),
            "headers": settings.default_headers or None,
            "max_in_flight": settings.max_in_flight,
        }

    def __repr__(self) -> str:  # never the secret
        return f"{type(self).__name__}(base_url={self.base_url!r}, app_id={self.app_id!r})"

    @property
    def _app_token(self) -> str:
        return f"{self.app_id}|{self._app_secret}"

    def _graph(self, method: str, route: str, **options: Any) -> Any:
        response = self._call(method, route, **options)
        usage = response.headers.get("x-app-usage")
        if usage:
            try:
                parsed = json.loads(usage)
            except ValueError:
                parsed = None
            if isinstance(parsed, dict):
                self.app_usage = parsed
        return response.json() if response.content else None

    def extend_token(self, short_token: str) -> LongLivedToken:
        """Exchange a short-lived user token for a long-lived one (about 60 days)."""
        params = {
            "grant_type": "fb_exchange_token",
            "client_id": self.app_id,
            "client_secret": self._app_secret,
            "fb_exchange_token": check_token(short_token),
        }
        self._log("extend_token")
        return parse_token(self._graph("GET", EXCHANGE, params=params), f"facebook {EXCHANGE}")

    def get_id(self, access_token: str) -> str:
        """The id of the user the token belongs to (``/me?fields=id``)."""
        params = {"fields": "id", "access_token": check_token(access_token)}
        body = self._graph("GET", ME, params=params)
        found = body.get("id") if isinstance(body, dict) else None
        if not isinstance(found, str) or not found:
            raise ResponseFormatError("facebook /me: the answer has no 'id'")
        return found

    def iter_likes(self, access_token: str, *, page_size: int = 100) -> Iterator[PageLike]:
        """Every page the user likes, following ``paging.next`` (needs ``user_likes``)."""
        params = {
            "access_token": check_token(access_token),
            "limit": page_size,
            "fields": "id,name,created_time",
        }
        pager = LinkPager(items="data", next_link="paging.next", params=params)
        for item in self._iter(LIKES, pager):
            yield parse_like(item)

    def get_likes(self, access_token: str, *, page_size: int = 100) -> list[PageLike]:
        """Every page the user likes (all pages of ``/me/likes``)."""
        likes: list[PageLike] = []
        for like in self.iter_likes(access_token, page_size=page_size):
            likes.append(like)
        return likes

    def has_liked(self, access_token: str, page_id: str) -> bool:
        """Whether the user likes ``page_id`` (one call: ``/me/likes/{page_id}``)."""
        params = {"access_token": check_token(access_token)}
        body = self._graph("GET", LIKE, path={"page_id": check_node_id(page_id, "page_id")}, params=params)
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, list):
            raise ResponseFormatError("facebook /me/likes/{page_id}: the answer has no 'data' list")
        return any(isinstance(item, dict) and item.get("id") == page_id for item in data)

    # -- test users (the app token) -----------------------------------------------------------------

    def create_test_user(
        self, *, installed: bool = True, permissions: Sequence[str] = ("user_likes",), name: str | None = None
    ) -> TestUser:
        """A new test user of the app (with its token, email and password). Not retried."""
        params: dict[str, Any] = {
            "installed": "true" if installed else "false",
            "permissions": ",".join(permissions),
            "access_token": self._app_token,
        }
        if name:
            params["name"] = name
        self._log("create_test_user")
        body = self._graph("POST", TEST_USERS, path={"app_id": self.app_id}, params=params)
        return parse_test_user(body, f"facebook {TEST_USERS}")

    def list_test_users(self) -> list[TestUser]:
        """Every test user of the app (paged)."""
        pager = LinkPager(items="data", next_link="paging.next", params={"access_token": self._app_token})
        return [
            parse_test_user(item, f"facebook {TEST_USERS}")
            for item in self._iter(TEST_USERS, pager, path={"app_id": self.app_id})
        ]

    def delete_test_user(self, user_id: str) -> bool:
        """Delete a test user; ``True`` when Graph answers ``{"success": true}``."""
        node = check_node_id(user_id, "user_id")
        self._log("delete_test_user")
        body = self._graph("DELETE", NODE, path={"node_id": node}, params={"access_token": self._app_token})
        return bool(isinstance(body, dict) and body.get("success") is True)
