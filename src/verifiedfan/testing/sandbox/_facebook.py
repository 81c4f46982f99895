"""The Facebook Graph API sandbox: token exchange, ``/me``, paged ``/me/likes``, test users.

It answers as Graph documents, under any pinned version prefix (``/v21.0/...``): the token
exchange returns ``{"access_token", "token_type": "bearer", "expires_in": 5183944}``; ``/me/likes``
pages with ``{"data", "paging": {"cursors": {"before", "after"}, "next"}}`` (``next`` absent on the
last page); ``/me/likes/{page_id}`` returns ``{"data": [...]}``, empty when not liked; test users
are created, listed and deleted with the app token ``{app_id}|{app_secret}``. Errors are Graph's
object ``{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}``: code 190
(``OAuthException``) for a missing, unknown or expired token, 100 for a bad parameter, 803 for an
unknown node, and the throttling codes through :meth:`FacebookSandbox.throttle` (code 4, 17, 32 or
613 on the next calls). Tests give users likes with :meth:`FacebookSandbox.like`.
"""

from __future__ import annotations

import secrets
from typing import Any, ClassVar
from urllib.parse import urlencode

from verifiedfan.testing.sandbox._app import SandboxApp
from verifiedfan.testing.sandbox._http import Request, Response
from verifiedfan.testing.sandbox._routing import route
from verifiedfan.testing.sandbox._runner import ApiSandbox

__all__ = ["FacebookApp", "FacebookSandbox"]

_THROTTLE_MESSAGES = {
    4: "Application request limit reached",
    17: "User request limit reached",
    32: "Page request limit reached",
    613: "Calls to this api have exceeded the rate limit.",
}


class FacebookApp(SandboxApp):
    """Graph for one app (``app_id``/``app_secret``). Users are test users (created through the
    API or :meth:`add_user`); each has tokens and a list of liked pages."""

    kind: ClassVar[str] = "facebook"
    realm: ClassVar[str] = "facebook"
    strict_slashes: ClassVar[bool] = False
    app_id = "1234567890123"
    app_secret = "vf-facebook-sandbox-secret-0001"  # noqa: S105 - a sandbox credential

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.users: dict[str, dict[str, Any]] = {}  # id -> {name, email, password, likes: [...]}
        self.user_tokens: dict[str, str] = {}  # token -> user id
        self._next_id = 100000000000000 + self.seed
        self._throttle: list[int] = []

    # -- hooks ----------------------------------------------------------------------------------
    def error(self, status: int, message: str, *, headers: list[tuple[str, str]] | None = None) -> Response:
        code = {401: 190, 404: 803, 429: 4}.get(status, 1 if status >= 500 else 100)
        kind = "OAuthException" if code in (190, 4, 100, 803) else "GraphMethodException"
        return self._graph_error(code, message, status, kind, headers)

    @staticmethod
    def _graph_error(
        code: int,
        message: str,
        status: int = 400,
        kind: str = "OAuthException",
        headers: list[tuple[str, str]] | None = None,
        subcode: int | None = None,
    ) -> Response:
        error: dict[str, Any] = {
            "message": message,
            "type": kind,
            "code": code,
            "fbtrace_id": "AVfSandboxTrace",
        }
        if subcode is not None:
            error["error_subcode"] = subcode
        return Response.json({"error": error}, status, headers)

    def reset(self) -> None:
        """Also forget users, tokens, likes and pending throttling."""
        super().reset()
        self.users.clear()
        self.user_tokens.clear()
        self._throttle.clear()

    def info(self) -> dict[str, Any]:
        return {**super().info(), "app_id": self.app_id, "app_secret": self.app_secret}

    def control(self, request: Request) -> Response:
        data = request.json() if request.body else {}
        if request.path == "/_sandbox/add_user":
            return Response.json(self.add_user(str(data.get("name") or "Sandbox User")))
        if request.path == "/_sandbox/like":
            user = self.users.get(str(data.get("user_id")))
            if user is None:
                return Response.json({"error": "no such user"}, 400)
            user["likes"].append({"id": str(data["page_id"]), "name": str(data.get("name") or "Page")})
            return Response.json({"likes": len(user["likes"])})
        if request.path == "/_sandbox/throttle":
            self._throttle.extend(int(c) for c in data.get("codes", []))
            return Response.json({"pending": len(self._throttle)})
        if request.path == "/_sandbox/expire":
            expired = [t for t, uid in self.user_tokens.items() if uid == data.get("user_id")]
            for token in expired:
                del self.user_tokens[token]
            return Response.json({"expired": len(expired)})
        if request.path == "/_sandbox/users":
            return Response.json(
                [{"id": i, **{k: v for k, v in u.items() if k != "password"}} for i, u in self.users.items()]
            )
        return super().control(request)

    # -- helpers --------------------------------------------------------------------------------
    def add_user(self, name: str) -> dict[str, Any]:
        self._next_id += 1
        uid = str(self._next_id)
        token = "EAAB" + secrets.token_hex(24)
        self.users[uid] = {
            "name": name,
            "email": f"{name.lower().replace(' ', '_')}_{uid[-6:]}@tfbnw.net",
            "password": secrets.token_hex(8),
            "likes": [],
        }
        self.user_tokens[token] = uid
        return {"id": uid, "access_token": token}

    def _user(self, request: Request) -> str | Response:
        if self._throttle:
            code = self._throttle.pop(0)
            return self._graph_error(code, _THROTTLE_MESSAGES.get(code, "Rate limited"), 400)
        token = request.query.get("access_token")
        if not token:
            return self._graph_error(
                190, "An active access token must be used to query information about the current user."
            )
        uid = self.user_tokens.get(token)
        if uid is None:
            return self._graph_error(190, "Error validating access token: Session has expired.", subcode=463)
        return uid

    def _app(self, request: Request) -> Response | None:
        if request.query.get("access_token") != f"{self.app_id}|{self.app_secret}":
            return self._graph_error(190, "Invalid OAuth access token - Cannot parse access token")
        return None

    # -- routes ---------------------------------------------------------------------------------
    @route("GET", "/{version}/oauth/access_token")
    def exchange(self, request: Request, version: str) -> Response:
        q = request.query
        if q.get("client_id") != self.app_id or q.get("client_secret") != self.app_secret:
            return self._graph_error(101, "Error validating application. Invalid application ID.")
        if q.get("grant_type") != "fb_exchange_token":
            return self._graph_error(100, "Unsupported grant_type")
        uid = self.user_tokens.get(q.get("fb_exchange_token", ""))
        if uid is None:
            return self._graph_error(190, "Error validating access token: Session has expired.", subcode=463)
        token = "EAAB" + secrets.token_hex(32)
        self.user_tokens[token] = uid
        self.counters["tokens_extended"] += 1
        return Response.json({"access_token": token, "token_type": "bearer", "expires_in": 5183944})

    @route("GET", "/{version}/me")
    def me(self, request: Request, version: str) -> Response:
        uid = self._user(request)
        if isinstance(uid, Response):
            return uid
        fields = request.query.get("fields", "id,name").split(",")
        user = {"id": uid, "name": self.users[uid]["name"]}
        return Response.json({k: v for k, v in user.items() if k in fields})

    @route("GET", "/{version}/me/likes")
    def likes(self, request: Request, version: str) -> Response:
        uid = self._user(request)
        if isinstance(uid, Response):
            return uid
        try:
            limit = max(1, min(100, int(request.query.get("limit", "25"))))
            offset = int(request.query.get("offset", "0"))
        except ValueError:
            return self._graph_error(100, "(#100) Invalid parameter")
        likes = self.users[uid]["likes"]
        page = likes[offset : offset + limit]
        body: dict[str, Any] = {"data": page}
        if page:
            body["paging"] = {"cursors": {"before": f"b{offset}", "after": f"a{offset + len(page)}"}}
            if offset + limit < len(likes):
                query = {**request.query, "offset": offset + limit, "limit": limit}
                body["paging"]["next"] = f"{self.base_url}/{version}/me/likes?{urlencode(query)}"
        return Response.json(body)

    @route("GET", "/{version}/me/likes/{page_id}")
    def like(self, request: Request, version: str, page_id: str) -> Response:
        uid = self._user(request)
        if isinstance(uid, Response):
            return uid
        return Response.json({"data": [p for p in self.users[uid]["likes"] if p["id"] == page_id]})

    @route("POST", "/{version}/{app_id}/accounts/test-users")
    def create_test_user(self, request: Request, version: str, app_id: str) -> Response:
        refused = self._app(request)
        if refused is not None:
            return refused
        if app_id != self.app_id:
            return self._graph_error(100, "(#100) Invalid app id")
        made = self.add_user(request.query.get("name") or "Open Graph Test User")
        user = self.users[made["id"]]
        self.counters["test_users_created"] += 1
        return Response.json(
            {
                "id": made["id"],
                "access_token": made["access_token"],
                "login_url": f"https://developers.facebook.com/checkpoint/test-user-login/{made['id']}/",
                "email": user["email"],
                "password": user["password"],
            }
        )

    @route("GET", "/{version}/{app_id}/accounts/test-users")
    def list_test_users(self, request: Request, version: str, app_id: str) -> Response:
        refused = self._app(request)
        if refused is not None:
            return refused
        data = [
            {"id": uid, "login_url": f"https://developers.facebook.com/checkpoint/test-user-login/{uid}/"}
            for uid in self.users
        ]
        return Response.json(
            {"data": data, "paging": {"cursors": {"before": "b0", "after": f"a{len(data)}"}}}
        )

    @route("DELETE", "/{version}/{node_id}")
    def delete_node(self, request: Request, version: str, node_id: str) -> Response:
        refused = self._app(request)
        if refused is not None:
            return refused
        if self.users.pop(node_id, None) is None:
            return self._graph_error(803, "(#803) Some of the aliases you requested do not exist", 404)
        for token in [t for t, uid in self.user_tokens.items() if uid == node_id]:
            del self.user_tokens[token]
        self.counters["test_users_deleted"] += 1
        return Response.json({"success": True})


class FacebookSandbox(ApiSandbox):
    """A running :class:`FacebookApp` (a thread, or a child process with ``process=True``)."""

    app_class = FacebookApp

    @property
    def app_id(self) -> str:
        return FacebookApp.app_id

    @property
    def app_secret(self) -> str:
        return FacebookApp.app_secret

    def add_user(self, name: str = "Sandbox User") -> dict[str, str]:
        """A new user: ``{"id", "access_token"}`` (a short-lived token to extend or use)."""
        return dict(self.control("add_user", {"name": name}))

    def like(self, user_id: str, page_id: str, name: str = "Page") -> int:
        """The user likes ``page_id``; returns how many pages they like."""
        return int(self.control("like", {"user_id": user_id, "page_id": page_id, "name": name})["likes"])

    def throttle(self, *codes: int) -> None:
        """Answer the next user calls with Graph's throttling errors of these codes (4, 17, 32, 613)."""
        self.control("throttle", {"codes": list(codes)})

    def expire_user_tokens(self, user_id: str) -> int:
        """Invalidate every token of a user (their next call gets code 190)."""
        return int(self.control("expire", {"user_id": user_id})["expired"])

    def users(self) -> list[dict[str, Any]]:
        """The users (test users included), their likes, no passwords."""
        return list(self.control("users"))
