"""The Slack sandbox: Web API ``POST /api/chat.postMessage`` and an incoming webhook
``POST /services/{team}/{bot}/{secret}``, with a message log tests can read.

It answers as Slack documents (docs.slack.dev ``chat.postMessage``; api.slack.com changelog
2016-05-17 "Improving error conditions for Incoming Webhooks"):

* ``chat.postMessage`` answers HTTP 200 in every logical case: ``{"ok": true, "channel", "ts",
  "message"}``, or ``{"ok": false, "error": ...}`` with ``not_authed`` (no token),
  ``invalid_auth`` (wrong token), ``channel_not_found``, ``not_in_channel`` (the bot is not a
  member), ``is_archived``, ``no_text`` (neither text nor blocks), ``msg_too_long`` (over 40,000
  characters), ``invalid_blocks``, ``invalid_thread_ts``. It takes a JSON or a form body.
* The webhook answers 200 with the text ``ok``, or a status with a plain-text code: 400
  ``invalid_payload`` (not JSON) / ``no_text``, 404 ``no_service`` (unknown webhook).
* Throttling: with ``channel_interval`` (seconds, 0 = off) two messages to one channel closer than
  that are answered 429 with ``Retry-After`` (Slack's one message per second per channel); the
  framework's fault knobs apply too (an injected 429 carries ``Retry-After``; an injected error
  speaks ``{"ok": false}`` on the Web API and plain text on the webhook).

Channels: ``C0VFALERTS`` (``#alerts``, where the webhook posts), ``C0VFGENERAL`` (``#general``),
``C0VFPRIVATE`` (``#private``: the bot is not in it) and ``C0VFARCHIVE`` (``#old``, archived).
:meth:`SlackSandbox.messages` returns what was posted; ``stats()`` counts ``messages_posted``,
``webhook_posts``, ``api_errors`` and ``channel_rate_limited``.
"""

from __future__ import annotations

import json
import math
import threading
import time
from typing import Any, ClassVar

from verifiedfan.testing.sandbox._app import SandboxApp
from verifiedfan.testing.sandbox._http import Request, Response
from verifiedfan.testing.sandbox._routing import route
from verifiedfan.testing.sandbox._runner import ApiSandbox

__all__ = ["SlackApp", "SlackSandbox"]

# id -> (name, bot is a member, archived)
CHANNELS: dict[str, tuple[str, bool, bool]] = {
    "C0VFALERTS": ("alerts", True, False),
    "C0VFGENERAL": ("general", True, False),
    "C0VFPRIVATE": ("private", False, False),
    "C0VFARCHIVE": ("old", True, True),
}
_BY_NAME = {name: cid for cid, (name, _, _) in CHANNELS.items()}
_MAX_TEXT = 40_000
_MAX_BLOCKS = 50


class SlackApp(SandboxApp):
    """The Web API under ``/api`` and one incoming webhook; ``bot_token`` is the only token it
    accepts, ``webhook_path`` the only webhook. ``channel_interval`` (constructor option) turns on
    the per-channel rate limit."""

    kind: ClassVar[str] = "slack"
    realm: ClassVar[str] = "slack"
    bot_token = "xoxb-1000000001-2000000002-SandboxBotToken0000001"  # noqa: S105 - the sandbox's own
    webhook_path = "/services/T0VFSANDBOX/B0VFWEBHOOK/SandboxWebhookSecret0001"
    bot_user = "U0VFBOT"
    bot_id = "B0VFBOT"

    def __init__(self, *, channel_interval: float = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.channel_interval = channel_interval
        self.posted: list[dict[str, Any]] = []
        self._last: dict[str, float] = {}
        self._seq = 0
        self._local = threading.local()

    # -- the framework's hooks ------------------------------------------------------------------
    def __call__(self, request: Request) -> Response:
        self._local.webhook = request.path.startswith("/services/")
        return super().__call__(request)

    def error(self, status: int, message: str, *, headers: list[tuple[str, str]] | None = None) -> Response:
        """Injected and framework errors in Slack's shapes: plain text on the webhook, ``{"ok":
        false}`` on the Web API (429 ``ratelimited`` keeps its ``Retry-After``)."""
        code = "ratelimited" if status == 429 else message.replace(" ", "_").lower()
        if getattr(self._local, "webhook", False):
            return Response(status, code.encode(), content_type="text/plain", headers=headers or [])
        return Response.json({"ok": False, "error": code}, status, headers)

    def app_key(self, request: Request) -> str | None:
        return "bot" if request.headers.get("authorization") == f"Bearer {self.bot_token}" else None

    def reset(self) -> None:
        """Also forget every posted message and the channels' rate windows."""
        super().reset()
        self.posted.clear()
        self._last.clear()

    def info(self) -> dict[str, Any]:
        return {
            **super().info(),
            "bot_token": self.bot_token,
            "webhook_path": self.webhook_path,
            "channels": {cid: name for cid, (name, _, _) in CHANNELS.items()},
        }

    def control(self, request: Request) -> Response:
        if request.path == "/_sandbox/messages":
            return Response.json(list(self.posted))
        return super().control(request)

    # -- helpers ----------------------------------------------------------------------------------
    def _fail(self, code: str) -> Response:
        self.counters["api_errors"] += 1
        return Response.json({"ok": False, "error": code})

    def _throttled(self, channel: str) -> Response | None:
        if not self.channel_interval:
            return None
        now = time.monotonic()
        last = self._last.get(channel)
        if last is not None and now - last < self.channel_interval:
            self.counters["channel_rate_limited"] += 1
            wait = max(1, math.ceil(self.channel_interval - (now - last)))
            body = {"ok": False, "error": "ratelimited"}
            return Response.json(body, 429, [("Retry-After", str(wait))])
        self._last[channel] = now
        return None

    def _ts(self) -> str:
        self._seq += 1
        return f"{int(time.time())}.{self._seq:06d}"

    @staticmethod
    def _content(data: dict[str, Any]) -> tuple[str | None, list[Any] | None, str | None]:
        """``(text, blocks, problem)`` of a message body."""
        text, blocks = data.get("text"), data.get("blocks")
        if isinstance(blocks, str):  # form bodies carry blocks as a JSON string
            try:
                blocks = json.loads(blocks)
            except ValueError:
                return None, None, "invalid_blocks"
        if blocks is not None and (
            not isinstance(blocks, list)
            or len(blocks) > _MAX_BLOCKS
            or not all(isinstance(b, dict) and isinstance(b.get("type"), str) for b in blocks)
        ):
            return None, None, "invalid_blocks"
        if text is not None and not isinstance(text, str):
            return None, None, "invalid_arguments"
        if not text and not blocks:
            return None, None, "no_text"
        if text is not None and len(text) > _MAX_TEXT:
            return None, None, "msg_too_long"
        return text, blocks, None

    # -- routes -----------------------------------------------------------------------------------
    @route("POST", "/api/chat.postMessage")
    def post_message(self, request: Request) -> Response:
        auth = request.headers.get("authorization", "")
        if not auth:
            return self._fail("not_authed")
        if auth != f"Bearer {self.bot_token}":
            return self._fail("invalid_auth")
        try:
            ctype = request.headers.get("content-type", "")
            data = request.json() if "json" in ctype else request.form()
        except ValueError:
            return self._fail("invalid_json")
        if not isinstance(data, dict):
            return self._fail("invalid_arguments")
        channel = data.get("channel")
        if not isinstance(channel, str) or not channel:
            return self._fail("channel_not_found")
        cid = channel if channel in CHANNELS else _BY_NAME.get(channel.lstrip("#"))
        if cid is None:
            return self._fail("channel_not_found")
        _, member, archived = CHANNELS[cid]
        if archived:
            return self._fail("is_archived")
        if not member:
            return self._fail("not_in_channel")
        text, blocks, problem = self._content(data)
        if problem is not None:
            return self._fail(problem)
        thread_ts = data.get("thread_ts")
        if thread_ts is not None and not any(
            m["ts"] == thread_ts and m["channel"] == cid for m in self.posted
        ):
            return self._fail("invalid_thread_ts")
        limited = self._throttled(cid)
        if limited is not None:
            return limited
        ts = self._ts()
        message: dict[str, Any] = {"type": "message", "user": self.bot_user, "bot_id": self.bot_id, "ts": ts}
        if text:
            message["text"] = text
        if blocks:
            message["blocks"] = blocks
        if thread_ts is not None:
            message["thread_ts"] = thread_ts
        self.posted.append(
            {"channel": cid, "ts": ts, "text": text, "blocks": blocks, "thread_ts": thread_ts, "via": "api"}
        )
        self.counters["messages_posted"] += 1
        return Response.json({"ok": True, "channel": cid, "ts": ts, "message": message})

    @route("POST", "/services/{team}/{bot}/{secret}")
    def webhook(self, request: Request, team: str, bot: str, secret: str) -> Response:
        if f"/services/{team}/{bot}/{secret}" != self.webhook_path:
            return Response(404, b"no_service", content_type="text/plain")
        try:
            data = request.json()
        except ValueError:
            return Response(400, b"invalid_payload", content_type="text/plain")
        if not isinstance(data, dict):
            return Response(400, b"invalid_payload", content_type="text/plain")
        text, blocks, problem = self._content(data)
        if problem is not None:
            code = b"no_text" if problem == "no_text" else b"invalid_payload"
            return Response(400, code, content_type="text/plain")
        limited = self._throttled("C0VFALERTS")
        if limited is not None:
            return Response(429, b"rate_limited", content_type="text/plain", headers=limited.headers)
        ts = self._ts()
        self.posted.append(
            {
                "channel": "C0VFALERTS",
                "ts": ts,
                "text": text,
                "blocks": blocks,
                "thread_ts": None,
                "via": "webhook",
            }
        )
        self.counters["webhook_posts"] += 1
        return Response(200, b"ok", content_type="text/html")


class SlackSandbox(ApiSandbox):
    """A running :class:`SlackApp` (a thread, or a child process with ``process=True``);
    ``channel_interval=1.0`` turns on Slack's per-channel posting limit."""

    app_class = SlackApp

    @property
    def api_url(self) -> str:
        """The Web API base URL (``Slack(base_url=...)``)."""
        return f"{self.url}/api"

    @property
    def bot_token(self) -> str:
        return SlackApp.bot_token

    @property
    def webhook_url(self) -> str:
        return f"{self.url}{SlackApp.webhook_path}"

    def messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        """The messages posted so far, oldest first (``channel``: only that channel id)."""
        posted = list(self.control("messages"))
        return [m for m in posted if channel is None or m["channel"] == channel]
