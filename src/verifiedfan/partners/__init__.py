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
"""

from verifiedfan.partners._async.pagerduty import PagerDuty
from verifiedfan.partners._async.sfmc import Sfmc
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
from verifiedfan.partners._sync.pagerduty import SyncPagerDuty
from verifiedfan.partners._sync.sfmc import SyncSfmc

__all__ = [
    "DUPLICATE_MESSAGE_KEY",
    "MAX_DEDUP_KEY",
    "MAX_MESSAGE_KEY",
    "MAX_PAYLOAD_BYTES",
    "MAX_RECIPIENTS",
    "MAX_RECIPIENTS_WITH_ATTRIBUTES",
    "MAX_SUMMARY",
    "ROWS_PER_CALL",
    "DeliveryState",
    "EmailRecipient",
    "EventAction",
    "EventResult",
    "MessageStatus",
    "PagerDuty",
    "PagerDutyEventError",
    "PagerDutyRetryPolicy",
    "PagerDutySettings",
    "SendResult",
    "SendStatus",
    "Severity",
    "Sfmc",
    "SfmcRequestError",
    "SfmcSettings",
    "SyncPagerDuty",
    "SyncSfmc",
    "TriggeredSendResult",
    "UpsertResult",
    "default_dedup_key",
    "derive_message_key",
]
