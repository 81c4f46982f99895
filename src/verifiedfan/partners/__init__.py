"""Partner APIs (the successor of the ``@verifiedfan/*`` partner clients); each on the API-client kit
of :mod:`verifiedfan.http`, async source with a generated ``Sync`` twin, and a sandbox in
:mod:`verifiedfan.testing.sandbox`.

* :class:`PagerDuty` / :class:`SyncPagerDuty`: Events API v2 (``trigger``, ``acknowledge``,
  ``resolve``, ``change``), events checked before any I/O, 400 never retried, 429/5xx/network errors
  retried on PagerDuty's schedule (:class:`PagerDutyRetryPolicy`), a stable dedup key so a replay
  never opens a second incident; sandbox :class:`~verifiedfan.testing.sandbox.PagerDutySandbox`.
"""

from verifiedfan.partners._async.pagerduty import PagerDuty
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
from verifiedfan.partners._sync.pagerduty import SyncPagerDuty

__all__ = [
    "MAX_DEDUP_KEY",
    "MAX_PAYLOAD_BYTES",
    "MAX_SUMMARY",
    "EventAction",
    "EventResult",
    "PagerDuty",
    "PagerDutyEventError",
    "PagerDutyRetryPolicy",
    "PagerDutySettings",
    "Severity",
    "SyncPagerDuty",
    "default_dedup_key",
]
