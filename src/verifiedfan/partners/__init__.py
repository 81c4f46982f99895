"""Partner APIs (the successor of the ``@verifiedfan/*`` partner clients); each on the API-client kit
of :mod:`verifiedfan.http`, async source with a generated ``Sync`` twin, and a sandbox in
:mod:`verifiedfan.testing.sandbox`.

* :class:`PagerDuty` / :class:`SyncPagerDuty`: Events API v2 (``trigger``, ``acknowledge``,
  ``resolve``, ``change``), events checked before any I/O, 400 never retried, 429/5xx/network errors
  retried on PagerDuty's schedule (:class:`PagerDutyRetryPolicy`), a stable dedup key so a replay
  never opens a second incident; sandbox :class:`~verifiedfan.testing.sandbox.PagerDutySandbox`.
* :class:`Sfmc` / :class:`SyncSfmc`: Salesforce Marketing Cloud (transactional emails to one or
  many recipients, their status, triggered sends, data-extension upserts), a token renewed before
  it expires with one renewal in flight, message keys derived from what is sent so that a retry or
  a replay never sends twice (:func:`derive_message_key`); sandbox
  :class:`~verifiedfan.testing.sandbox.SfmcSandbox`.
* :class:`Slack` / :class:`SyncSlack`: ``post_message`` (Web API ``chat.postMessage``, bot token)
  and ``post_webhook`` (incoming webhook); ``{"ok": false}`` is :class:`SlackApiError` with Slack's
  code, a 429 waits its ``Retry-After``, a :class:`ChannelPacer` keeps one message per second per
  channel, the token and the webhook URL never reach a log, span, error or repr; sandbox
  :class:`~verifiedfan.testing.sandbox.SlackSandbox`.
* :class:`Fastly` / :class:`SyncFastly`: purge by surrogate key (soft or hard), many keys (batches
  of 256), or a whole service; the ``Fastly-Key`` token redacted; sandbox
  :class:`~verifiedfan.testing.sandbox.FastlySandbox`.
* :class:`Bitly` / :class:`SyncBitly`: ``shorten`` (200 and 201 both success) with an optional Redis
  cache from long to short link, ``clicks_summary``; URLs checked before any I/O; sandbox
  :class:`~verifiedfan.testing.sandbox.BitlySandbox`.
* :class:`Facebook` / :class:`SyncFacebook`: Graph API token extension, the user's id and page likes
  (paged), ``has_liked``, test users; Graph error codes mapped (190 ->
  :class:`FacebookInvalidTokenError`, 4/17/32/613 -> :class:`FacebookRateLimitedError`); sandbox
  :class:`~verifiedfan.testing.sandbox.FacebookSandbox`.
"""

from verifiedfan.partners._async.bitly import Bitly
from verifiedfan.partners._async.facebook import Facebook
from verifiedfan.partners._async.fastly import Fastly
from verifiedfan.partners._async.pagerduty import PagerDuty
from verifiedfan.partners._async.sfmc import Sfmc
from verifiedfan.partners._async.slack import Slack
from verifiedfan.partners._bitly_models import Bitlink, BitlyError, BitlyNotFoundError, BitlySettings
from verifiedfan.partners._facebook_models import (
    INVALID_TOKEN_CODE,
    RATE_LIMIT_CODES,
    FacebookError,
    FacebookInvalidTokenError,
    FacebookRateLimitedError,
    FacebookSettings,
    LongLivedToken,
    PageLike,
    TestUser,
)
from verifiedfan.partners._fastly_models import MAX_KEYS_PER_BATCH, FastlySettings, PurgeResult
from verifiedfan.partners._pagerduty_models import (
    MAX_DEDUP_KEY,
    MAX_PAYLOAD_BYTES,
    MAX_SUMMARY,
    EventAction,
    EventResult,
    PagerDutyEventError,
    PagerDutyRetryPolicy,
    PagerDutySettings,
    Severity,
    default_dedup_key,
)
from verifiedfan.partners._sfmc_models import (
    DUPLICATE_MESSAGE_KEY,
    MAX_MESSAGE_KEY,
    MAX_RECIPIENTS,
    MAX_RECIPIENTS_WITH_ATTRIBUTES,
    ROWS_PER_CALL,
    DeliveryState,
    EmailRecipient,
    MessageStatus,
    SendResult,
    SendStatus,
    SfmcRequestError,
    SfmcSettings,
    TriggeredSendResult,
    UpsertResult,
    derive_message_key,
)
from verifiedfan.partners._slack_models import (
    ChannelPacer,
    PostedMessage,
    SlackApiError,
    SlackAuthError,
    SlackSettings,
    SlackWebhookError,
)
from verifiedfan.partners._sync.bitly import SyncBitly
from verifiedfan.partners._sync.facebook import SyncFacebook
from verifiedfan.partners._sync.fastly import SyncFastly
from verifiedfan.partners._sync.pagerduty import SyncPagerDuty
from verifiedfan.partners._sync.sfmc import SyncSfmc
from verifiedfan.partners._sync.slack import SyncSlack

__all__ = [
    "DUPLICATE_MESSAGE_KEY",
    "INVALID_TOKEN_CODE",
    "MAX_DEDUP_KEY",
    "MAX_KEYS_PER_BATCH",
    "MAX_MESSAGE_KEY",
    "MAX_PAYLOAD_BYTES",
    "MAX_RECIPIENTS",
    "MAX_RECIPIENTS_WITH_ATTRIBUTES",
    "MAX_SUMMARY",
    "RATE_LIMIT_CODES",
    "ROWS_PER_CALL",
    "Bitlink",
    "Bitly",
    "BitlyError",
    "BitlyNotFoundError",
    "BitlySettings",
    "ChannelPacer",
    "DeliveryState",
    "EmailRecipient",
    "EventAction",
    "EventResult",
    "Facebook",
    "FacebookError",
    "FacebookInvalidTokenError",
    "FacebookRateLimitedError",
    "FacebookSettings",
    "Fastly",
    "FastlySettings",
    "LongLivedToken",
    "MessageStatus",
    "PageLike",
    "PagerDuty",
    "PagerDutyEventError",
    "PagerDutyRetryPolicy",
    "PagerDutySettings",
    "PostedMessage",
    "PurgeResult",
    "SendResult",
    "SendStatus",
    "Severity",
    "Sfmc",
    "SfmcRequestError",
    "SfmcSettings",
    "Slack",
    "SlackApiError",
    "SlackAuthError",
    "SlackSettings",
    "SlackWebhookError",
    "SyncBitly",
    "SyncFacebook",
    "SyncFastly",
    "SyncPagerDuty",
    "SyncSfmc",
    "SyncSlack",
    "TestUser",
    "TriggeredSendResult",
    "UpsertResult",
    "default_dedup_key",
    "derive_message_key",
]
