"""Slack: settings, the posted-message result, the typed errors, the per-channel pacer and the
checks every message passes before any I/O.

Wire shapes (docs.slack.dev, ``chat.postMessage`` and "Sending messages using incoming webhooks"):

* Web API ``POST https://slack.com/api/chat.postMessage`` with a bot token (``Authorization: Bearer
  xoxb-...``) and a JSON body ``{channel, text, blocks, thread_ts, unfurl_links}``. Success and
  failure both come as HTTP 200: ``{"ok": true, "channel": "C123", "ts": "1503435956.000247",
  "message": {...}}`` or ``{"ok": false, "error": "channel_not_found"}`` (:class:`SlackApiError`).
  Throttling is HTTP 429 with ``Retry-After`` (seconds); ``chat.postMessage`` allows about one
  message per second per channel (:class:`ChannelPacer`).
* Incoming webhook ``POST https://hooks.slack.com/services/T.../B.../...`` with ``{text, blocks}``:
  success is HTTP 200 with the text body ``ok``; errors are an HTTP status with a plain-text code
  (400 ``invalid_payload``/``no_text``, 403 ``action_prohibited``, 404 ``channel_not_found``/
  ``no_service``, 410 ``channel_is_archived``: :class:`SlackWebhookError`). The URL is a secret.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from verifiedfan.errors import ClientError, HTTPStatusError, ResponseFormatError, ValidationError, VFError
from verifiedfan.http import ApiSettings

__all__ = [
    "AUTH_ERRORS",
    "MAX_BLOCKS",
    "MAX_TEXT",
    "ChannelPacer",
    "PostedMessage",
    "SlackApiError",
    "SlackAuthError",
    "SlackSettings",
    "SlackWebhookError",
]

MAX_TEXT = 40_000  # Slack truncates longer messages: refuse them instead
MAX_BLOCKS = 50  # "You can include up to 50 blocks in each message"
# Web API error codes that mean the token itself is bad (docs.slack.dev, "Authentication errors").
AUTH_ERRORS = frozenset(
    {"not_authed", "invalid_auth", "account_inactive", "token_revoked", "token_expired", "no_permission"}
)


@dataclass(frozen=True, slots=True)
class PostedMessage:
    """A message Slack accepted: the channel id it landed in and its ``ts`` (the message id, used as
    ``thread_ts`` to reply in its thread). ``warning`` is Slack's non-fatal warning, if any."""

    channel: str
    ts: str
    warning: str | None = None


class SlackApiError(VFError):
    """The Web API answered ``{"ok": false, "error": ...}`` (HTTP 200). ``error`` is Slack's code
    (``channel_not_found``, ``not_in_channel``, ``msg_too_long``...), ``api_method`` the method
    called, ``body`` the whole answer."""

    status = 400

    def __init__(self, message: str, *, error: str, api_method: str, body: Any = None) -> None:
        super().__init__(message)
        self.error = error
        self.api_method = api_method
        self.body = body


class SlackAuthError(SlackApiError):
    """An :class:`SlackApiError` whose code says the token is bad (:data:`AUTH_ERRORS`)."""

    status = 401


class SlackWebhookError(ClientError):
    """An incoming webhook refused the message: HTTP 400/403/404/410 with Slack's plain-text code
    in :attr:`error` (``invalid_payload``, ``no_text``, ``channel_not_found``, ``no_service``...)."""

    @property
    def error(self) -> str:
        body = self.body
        return body.strip() if isinstance(body, str) else ""


def webhook_error(error: HTTPStatusError, message: str) -> SlackWebhookError:
    """The error map's factory for a webhook's 4xx: the message carries Slack's code."""
    built = SlackWebhookError(
        message,
        status=error.status_code,
        body=error.body,
        method=error.method,
        url=error.url,
        service_name=error.service_name,
        headers=error.headers,
    )
    if built.error:
        built.message = f"{message}: {built.error}"
        built.args = (built.message,)
    return built


def api_error(body: Mapping[str, Any], api_method: str) -> SlackApiError:
    code = body.get("error")
    code = code if isinstance(code, str) and code else "unknown_error"
    cls = SlackAuthError if code in AUTH_ERRORS else SlackApiError
    return cls(f"slack: {api_method} failed: {code}", error=code, api_method=api_method, body=dict(body))


class SlackSettings(ApiSettings):
    """``VF_SLACK_*``: ``token`` (the bot token, a secret), ``webhook_url`` (an incoming webhook, a
    secret), ``channel_interval`` (seconds between two messages to one channel, default 1: Slack's
    posting rate) and the retry settings (``max_retries`` and ``retry_after_cap`` bound the waits
    after a 429)."""

    model_config = SettingsConfigDict(env_prefix="VF_SLACK_")

    service_name: str = "slack"
    base_urls: dict[str, str] = Field(default_factory=lambda: {"prod": "https://slack.com/api"})
    token: SecretStr = SecretStr("")
    webhook_url: SecretStr = SecretStr("")
    channel_interval: float = Field(default=1.0, ge=0)


class ChannelPacer:
    """At most one message per ``interval`` seconds per channel (Slack's ``chat.postMessage`` rate:
    about one per second per channel). :meth:`reserve` books the channel's next slot and returns the
    seconds to wait for it; concurrent posters to one channel queue up one ``interval`` apart, other
    channels are not held up. :meth:`defer` pushes a channel's next slot back (after a 429's
    ``Retry-After``). Thread-safe; ``clock`` is injectable so tests never wait."""

    def __init__(self, interval: float = 1.0, *, clock: Callable[[], float] = time.monotonic) -> None:
        if interval < 0:
            raise ValidationError("ChannelPacer: interval must be >= 0")
        self.interval = interval
        self._clock = clock
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def reserve(self, channel: str) -> float:
        """Book ``channel``'s next slot; the seconds to wait before sending (0 when free now)."""
        with self._lock:
            now = self._clock()
            booked = self._next.get(channel)
            slot = now if booked is None or booked < now else booked
            if self.interval:
                self._next[channel] = slot + self.interval
                if len(self._next) > 10_000:  # forget channels whose slot has passed
                    self._next = {k: v for k, v in self._next.items() if v > now}
            elif booked is not None and booked <= now:
                del self._next[channel]  # a deferral that has passed
            return slot - now

    def defer(self, channel: str, seconds: float) -> None:
        """No message to ``channel`` before ``seconds`` from now."""
        with self._lock:
            until = self._clock() + seconds
            self._next[channel] = max(self._next.get(channel, until), until)


# -- checks before any I/O --------------------------------------------------------------------------


def _blocks(blocks: object) -> list[dict[str, Any]] | None:
    if blocks is None:
        return None
    if isinstance(blocks, str | bytes | Mapping) or not isinstance(blocks, Sequence):
        raise ValidationError("slack: 'blocks' must be a list of block objects")
    if len(blocks) > MAX_BLOCKS:
        raise ValidationError(f"slack: {len(blocks)} blocks (a message takes at most {MAX_BLOCKS})")
    out = []
    for i, block in enumerate(blocks):
        if not isinstance(block, Mapping) or not isinstance(block.get("type"), str):
            raise ValidationError(f"slack: 'blocks[{i}]' must be an object with a 'type'")
        out.append(dict(block))
    return out


def message_body(text: object, blocks: object) -> dict[str, Any]:
    """The checked ``{text, blocks}`` of a message: one of them is required (Slack's ``no_text``),
    text at most :data:`MAX_TEXT` characters, at most :data:`MAX_BLOCKS` blocks."""
    checked = _blocks(blocks)
    if text is not None and not isinstance(text, str):
        raise ValidationError("slack: 'text' must be a string")
    if not text and not checked:
        raise ValidationError("slack: a message needs 'text' or 'blocks'")
    if text is not None and len(text) > MAX_TEXT:
        raise ValidationError(f"slack: 'text' is {len(text)} characters long (at most {MAX_TEXT})")
    body: dict[str, Any] = {}
    if text:
        body["text"] = text
    if checked:
        body["blocks"] = checked
    return body


def check_channel(channel: object) -> str:
    if not isinstance(channel, str) or not channel.strip() or any(c.isspace() for c in channel):
        raise ValidationError(f"slack: 'channel' must be a channel id or name, got {channel!r}")
    return channel


def check_webhook_url(url: object) -> str:
    if not isinstance(url, str) or not url.startswith(("https://", "http://")) or url.count("/") < 3:
        raise ValidationError("slack: the webhook URL must be an http(s) URL")  # never echo it
    return url


def parse_posted(body: object, api_method: str) -> PostedMessage:
    """A ``chat.postMessage`` answer as a :class:`PostedMessage`, or its :class:`SlackApiError`."""
    if not isinstance(body, dict) or not isinstance(body.get("ok"), bool):
        raise ResponseFormatError(f"slack: {api_method}: the answer has no boolean 'ok'")
    if not body["ok"]:
        raise api_error(body, api_method)
    channel, ts, warning = body.get("channel"), body.get("ts"), body.get("warning")
    if not isinstance(channel, str) or not isinstance(ts, str):
        raise ResponseFormatError(f"slack: {api_method}: the answer lacks 'channel' or 'ts'")
    return PostedMessage(channel=channel, ts=ts, warning=warning if isinstance(warning, str) else None)
