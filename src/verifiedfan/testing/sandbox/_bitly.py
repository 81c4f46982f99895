"""The Bitly v4 sandbox: ``POST /v4/shorten`` and ``GET /v4/bitlinks/{domain}/{hash}/clicks/summary``.

It answers as Bitly documents (dev.bitly.com API reference): a new long URL gets 201 and a
Bitlink ``{"link", "id", "long_url", "created_at", "archived", "references", "tags", ...}``, a long
URL already shortened in the group and domain gets 200 and the same Bitlink. Errors are Bitly's
``{"message", "resource", "description", "errors"}``: 403 ``FORBIDDEN`` without a valid bearer
token, 400 ``INVALID_ARG_LONG_URL`` / ``INVALID_ARG_DOMAIN`` / ``INVALID_ARG_GROUP_GUID`` /
``INVALID_ARG_UNIT``, 404 ``NOT_FOUND`` for an unknown Bitlink, and with ``encode_limit`` (a
constructor option) 429 ``RATE_LIMIT_EXCEEDED`` without ``Retry-After`` once that many links were
created. Tests read :meth:`BitlySandbox.links`, add clicks with :meth:`BitlySandbox.click`;
``stats()`` counts ``links_created`` and ``links_existing``.
"""

from __future__ import annotations

import string
from typing import Any, ClassVar
from urllib.parse import urlsplit

from verifiedfan.testing.sandbox._app import SandboxApp
from verifiedfan.testing.sandbox._http import Request, Response
from verifiedfan.testing.sandbox._routing import route
from verifiedfan.testing.sandbox._runner import ApiSandbox

__all__ = ["BitlyApp", "BitlySandbox"]

_DOMAINS = ("bit.ly", "j.mp", "bitly.com")
_UNITS = ("minute", "hour", "day", "week", "month")
_ALPHABET = string.digits + string.ascii_letters


class BitlyApp(SandboxApp):
    """Bitly for one account: ``access_token`` is its token, ``group_guid`` its group."""

    kind: ClassVar[str] = "bitly"
    realm: ClassVar[str] = "bitly"
    access_token = "vf-bitly-sandbox-token-0001"  # noqa: S105 - a sandbox credential
    group_guid = "Ba1bc23dE4F"

    def __init__(self, *, encode_limit: int = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.encode_limit = encode_limit
        self.links: dict[str, dict[str, Any]] = {}  # id -> link
        self._by_long: dict[tuple[str, str, str], str] = {}  # (group, domain, long_url) -> id
        self.clicks: dict[str, int] = {}

    def error(self, status: int, message: str, *, headers: list[tuple[str, str]] | None = None) -> Response:
        code = {403: "FORBIDDEN", 404: "NOT_FOUND", 429: "RATE_LIMIT_EXCEEDED"}.get(status, "INTERNAL_ERROR")
        if status == 400:
            code = "INVALID_ARG"
        body = {"message": code, "resource": "bitlinks", "description": message}
        if status == 429 and headers:  # Bitly sends no Retry-After, even for an injected 429
            headers = [h for h in headers if h[0].lower() != "retry-after"]
        return Response.json(body, status, headers)

    @staticmethod
    def _invalid(field: str, message: str) -> Response:
        body = {
            "message": f"INVALID_ARG_{field.upper()}",
            "resource": "bitlinks",
            "description": message,
            "errors": [{"field": field, "error_code": "invalid"}],
        }
        return Response.json(body, 400)

    def app_key(self, request: Request) -> str | None:
        return "token" if request.headers.get("authorization") == f"Bearer {self.access_token}" else None

    def reset(self) -> None:
        """Also forget every link and click."""
        super().reset()
        self.links.clear()
        self._by_long.clear()
        self.clicks.clear()

    def info(self) -> dict[str, Any]:
        return {**super().info(), "access_token": self.access_token, "group_guid": self.group_guid}

    def control(self, request: Request) -> Response:
        if request.path == "/_sandbox/links":
            return Response.json(
                [{**link, "clicks": self.clicks.get(i, 0)} for i, link in self.links.items()]
            )
        if request.path == "/_sandbox/click":
            data = request.json() or {}
            bid, count = data.get("id"), data.get("count", 1)
            if bid not in self.links or not isinstance(count, int):
                return Response.json({"error": f"no Bitlink {bid!r}"}, 400)
            self.clicks[bid] = self.clicks.get(bid, 0) + count
            return Response.json({"id": bid, "clicks": self.clicks[bid]})
        return super().control(request)

    def _authorised(self, request: Request) -> Response | None:
        if request.headers.get("authorization") != f"Bearer {self.access_token}":
            return self.error(403, "Forbidden")
        return None

    def _hash(self) -> str:
        n, out = len(self.links) + 1_000_003 * (self.seed + 1), ""
        while n:
            n, r = divmod(n, 62)
            out = _ALPHABET[r] + out
        return out.rjust(7, "0")[-7:]

    @route("POST", "/v4/shorten")
    def shorten(self, request: Request) -> Response:
        refused = self._authorised(request)
        if refused is not None:
            return refused
        try:
            data = request.json()
        except ValueError:
            return self.error(400, "The request body is not JSON")
        if not isinstance(data, dict):
            return self.error(400, "The request body must be an object")
        long_url, domain = data.get("long_url"), str(data.get("domain") or "bit.ly")
        group = str(data.get("group_guid") or self.group_guid)
        if not isinstance(long_url, str):
            return self._invalid("long_url", "The value provided is invalid.")
        parts = urlsplit(long_url)
        if parts.scheme not in ("http", "https") or not parts.netloc or " " in long_url:
            return self._invalid("long_url", "The value provided is invalid.")
        if domain not in _DOMAINS:
            return self._invalid("domain", "The value provided is invalid.")
        if group != self.group_guid:
            return self._invalid("group_guid", "The value provided is invalid.")
        existing = self._by_long.get((group, domain, long_url))
        if existing is not None:
            self.counters["links_existing"] += 1
            return Response.json(self.links[existing], 200)
        if self.encode_limit and len(self.links) >= self.encode_limit:
            return self.error(429, "You have exceeded your rate limit")
        bid = f"{domain}/{self._hash()}"
        link: dict[str, Any] = {
            "created_at": "2026-11-26T00:00:00+0000",
            "id": bid,
            "link": f"https://{bid}",
            "custom_bitlinks": [],
            "long_url": long_url,
            "archived": False,
            "tags": [],
            "deeplinks": [],
            "references": {"group": f"https://api-ssl.bitly.com/v4/groups/{group}"},
        }
        self.links[bid] = link
        self._by_long[(group, domain, long_url)] = bid
        self.counters["links_created"] += 1
        return Response.json(link, 201)

    @route("GET", "/v4/bitlinks/{domain}/{hash}/clicks/summary")
    def clicks_summary(self, request: Request, domain: str, hash: str) -> Response:
        refused = self._authorised(request)
        if refused is not None:
            return refused
        bid = f"{domain}/{hash}"
        if bid not in self.links:
            return self.error(404, "Not found")
        unit = request.query.get("unit", "day")
        if unit not in _UNITS:
            return self._invalid("unit", "The value provided is invalid.")
        units = request.query.get("units", "-1")
        body = {"unit_reference": "2026-11-26T00:00:00+0000", "total_clicks": self.clicks.get(bid, 0)}
        return Response.json({**body, "units": int(units), "unit": unit})


class BitlySandbox(ApiSandbox):
    """A running :class:`BitlyApp` (a thread, or a child process with ``process=True``)."""

    app_class = BitlyApp

    @property
    def access_token(self) -> str:
        return BitlyApp.access_token

    @property
    def group_guid(self) -> str:
        return BitlyApp.group_guid

    def links(self) -> list[dict[str, Any]]:
        """Every Bitlink created so far, with its ``clicks``."""
        return list(self.control("links"))

    def click(self, bitlink_id: str, count: int = 1) -> int:
        """Record ``count`` clicks on a Bitlink; returns its total."""
        return int(self.control("click", {"id": bitlink_id, "count": count})["clicks"])
