"""The Slack client: ``chat.postMessage`` with a bot token, and incoming webhooks.

Every message is checked before any I/O (ValidationError: text or blocks required, text length,
block count, channel). ``{"ok": false}`` answers (HTTP 200) raise :class:`SlackApiError` with
Slack's code (:class:`SlackAuthError` for a bad token); a webhook's 4xx raises
:class:`SlackWebhookError` with Slack's plain-text code. A 429 is retried after its
``Retry-After`` (up to the retry policy's ``max_retries`` and ``retry_after_cap``): Slack posted
nothing, so the replay cannot duplicate the message. 5xx and timeouts are NOT retried (the message
may have been posted: a replay could post it twice); a connection that failed before sending is.
A :class:`ChannelPacer` spaces messages to one channel ``channel_interval`` seconds apart (Slack's
one message per second per channel), and holds the channel back after a 429. The bot token travels
in the ``Authorization`` header (redacted by the HTTP core); the webhook URL is registered with
:func:`~verifiedfan.http.add_secret_url`, so neither appears in a log line, span, error or repr.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from verifiedfan.errors import ConfigurationError, RateLimitedError, ResponseFormatError, ValidationError
from verifiedfan.http import (
    ApiClient,
    ApiSettings,
    ErrorMap,
    ErrorRule,
    RetryPolicy,
    StaticBearer,
    add_secret_url,
)
from verifiedfan.http._types import Response
from verifiedfan.partners._slack_models import (
    ChannelPacer,
    PostedMessage,
    SlackSettings,
    check_channel,
    check_webhook_url,
    message_body,
    parse_posted,
    webhook_error,
)

__all__ = ["Slack"]

POST_MESSAGE = "/chat.postMessage"
WEBHOOK_ROUTE = "/services/{webhook}"  # the label of webhook calls in logs, spans and metrics
WEBHOOK_PACE_KEY = "\x00webhook"  # the webhook's channel in the pacer (one channel per webhook)
_TS = re.compile(r"^\d+\.\d+$")


def _text_body(error: Any) -> bool:
    return isinstance(error.body, str)


_WEBHOOK_RULE = ErrorRule(webhook_error, "the Slack webhook refused the message", when=_text_body)


class Slack(ApiClient):
    """Slack Web API ``chat.postMessage`` and incoming webhooks::

        async with Slack(token=bot_token) as slack:
            posted = await slack.post_message("#alerts", "verification 401 rate over 5%")
            await slack.post_message("#alerts", "resolved", thread_ts=posted.ts)

    ``token`` is the bot token (``xoxb-...``), ``webhook_url`` an incoming webhook (either or
    both); ``channel_interval`` the seconds between two messages to one channel (0: no pacing) or
    ``pacer=`` a shared :class:`ChannelPacer`; the other keyword arguments are those of
    :class:`~verifiedfan.http.ApiClient` (``http=``, ``transport=``, ``retry=``...).
    """

    service_name: ClassVar[str] = "slack"
    settings_class = SlackSettings
    error_map = ErrorMap(dict.fromkeys((400, 403, 404, 410), _WEBHOOK_RULE))

    def __init__(
        self,
        *,
        token: str | None = None,
        webhook_url: str | None = None,
        base_url: str = "https://slack.com/api",
        channel_interval: float = 1.0,
        pacer: ChannelPacer | None = None,
        **options: Any,
    ) -> None:
        if not token and not webhook_url:
            raise ConfigurationError("slack: pass token= (a bot token) or webhook_url=, or both")
        if webhook_url:
            try:
                check_webhook_url(webhook_url)
            except ValidationError as exc:
                raise ConfigurationError(str(exc)) from None
            add_secret_url(webhook_url)
        retry = options.pop("retry", None) or self.default_retry or RetryPolicy()
        super().__init__(
            base_url=base_url, auth=StaticBearer(token) if token else None, retry=retry, **options
        )
        self._policy: RetryPolicy = retry
        self._has_token = bool(token)
        self._webhook_url = webhook_url or None
        self.pacer = pacer if pacer is not None else ChannelPacer(channel_interval)

    @classmethod
    def settings_kwargs(cls, settings: ApiSettings) -> dict[str, Any]:
        if not isinstance(settings, SlackSettings):
            raise ConfigurationError(f"{cls.__name__}.from_settings takes a SlackSettings")
        return {
            "token": settings.token.get_secret_value() or None,
            "webhook_url": settings.webhook_url.get_secret_value() or None,
            "base_url": settings.resolved_base_url(),
            "channel_interval": settings.channel_interval,
            "timeouts": settings.timeouts(),
            "limits": settings.limits(),
            "retry": settings.retry_policy(),
            "headers": settings.default_headers or None,
            "max_in_flight": settings.max_in_flight,
        }

    def __repr__(self) -> str:  # never the token or the webhook URL
        webhook = "set" if self._webhook_url else "none"
        return f"{type(self).__name__}(base_url={self.base_url!r}, webhook={webhook})"

    async def _post(self, pace_key: str, route: str, **call: Any) -> Response:
        """POST once per pacer slot; after a 429, wait its ``Retry-After`` (through the pacer, so
        other posters to the channel wait too) and replay, up to the policy's ``max_retries``."""
        retry = self._policy
        limited = 0
        while True:
            wait = self.pacer.reserve(pace_key)
            if wait > 0:
                await retry.sleep(wait)
            try:
                return await self._call("POST", route, **call)
            except RateLimitedError as exc:
                limited += 1
                delay = exc.retry_after if exc.retry_after is not None else retry.ceiling(limited)
                if limited > retry.max_retries or delay > retry.retry_after_cap:
                    raise
                self._log("rate_limited", route=route, delay_s=delay, attempt=limited)
                self.pacer.defer(pace_key, delay)

    async def post_message(
        self,
        channel: str,
        text: str | None = None,
        *,
        blocks: list[dict[str, Any]] | None = None,
        thread_ts: str | None = None,
        unfurl_links: bool = False,
    ) -> PostedMessage:
        """Post to ``channel`` (an id ``C0123...`` or a name ``#alerts``) with ``chat.postMessage``;
        ``thread_ts`` replies in a thread. Returns the channel id and the message's ``ts``."""
        if not self._has_token:
            raise ConfigurationError("slack: post_message needs a bot token (token=)")
        body: dict[str, Any] = {"channel": check_channel(channel), **message_body(text, blocks)}
        if thread_ts is not None:
            if not isinstance(thread_ts, str) or not _TS.match(thread_ts):
                raise ValidationError("slack: 'thread_ts' must be a message ts such as '1503435956.000247'")
            body["thread_ts"] = thread_ts
        body["unfurl_links"] = bool(unfurl_links)
        self._log("post_message", channel=channel)
        response = await self._post(channel, POST_MESSAGE, json=body)
        return parse_posted(response.json(), "chat.postMessage")

    async def post_webhook(
        self, text: str | None = None, *, blocks: list[dict[str, Any]] | None = None
    ) -> None:
        """Post to the incoming webhook's channel. Slack answers the text ``ok``; a refusal raises
        :class:`SlackWebhookError` with Slack's code."""
        if self._webhook_url is None:
            raise ConfigurationError("slack: post_webhook needs webhook_url=")
        body = message_body(text, blocks)
        self._log("post_webhook")
        response = await self._post(
            WEBHOOK_PACE_KEY, WEBHOOK_ROUTE, url=self._webhook_url, json=body, auth=None
        )
        if response.content.strip() != b"ok":
            raise ResponseFormatError("slack: the webhook answered 200 without 'ok'")
