# Generated from src/verifiedfan/partners/_async/pagerduty.py by scripts/unasync.py: do not edit.
# Change the async source, then run `python scripts/unasync.py`.
"""The PagerDuty Events API v2 client: trigger, acknowledge and resolve alerts, send change events.

Every event is checked before any I/O (ValidationError naming the field: severity, summary length,
required fields, dedup key length, the 512 KB payload limit). 400 is PagerDutyEventError with
PagerDuty's ``errors`` and is never retried; 429, 5xx and network errors are retried on
PagerDuty's schedule (:class:`PagerDutyRetryPolicy`: 3 retries 30 s apart). Every alert event carries
a dedup key (a trigger without one gets :func:`default_dedup_key` of its summary and source), which
makes the POST idempotent on PagerDuty's side: a replay lands on the same alert, never a second
incident. The routing key travels in the body only and is never logged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, ClassVar

from verifiedfan.errors import ConfigurationError
from verifiedfan.http import ApiSettings, ErrorMap, ErrorRule, SyncApiClient
from verifiedfan.partners._pagerduty_models import (
    ROUTING_KEY_LENGTH,
    EventAction,
    EventResult,
    PagerDutyRetryPolicy,
    PagerDutySettings,
    Severity,
    alert_body,
    change_body,
    check_dedup_key,
    default_dedup_key,
    invalid_event,
    parse_result,
    trigger_payload,
)

__all__ = ["SyncPagerDuty"]

ENQUEUE = "/v2/enqueue"
CHANGE_ENQUEUE = "/v2/change/enqueue"


class SyncPagerDuty(SyncApiClient):
    """PagerDuty Events API v2::

        with SyncPagerDuty(routing_key=key) as pd:
            sent = pd.trigger("error rate 12% over 5 min", "verification-svc", "critical")
            pd.resolve(sent.dedup_key)

    ``base_url`` defaults to ``https://events.pagerduty.com``; ``client``/``client_url`` name the
    sender on every alert; the other keyword arguments are those of
    :class:`~verifiedfan.http.SyncApiClient` (``http=``, ``transport=``, ``retry=``...; the default retry
    is :class:`PagerDutyRetryPolicy`).
    """

    service_name: ClassVar[str] = "pagerduty"
    settings_class = PagerDutySettings
    error_map = ErrorMap({400: ErrorRule(invalid_event, "PagerDuty refused the event")})
    default_retry = PagerDutyRetryPolicy()

    def __init__(
        self,
        *,
        routing_key: str,
        base_url: str = "https://events.pagerduty.com",
        client: str | None = None,
        client_url: str | None = None,
        **options: Any,
    ) -> None:
        if not isinstance(routing_key, str) or len(routing_key.strip()) != ROUTING_KEY_LENGTH:
            raise ConfigurationError(
                f"pagerduty: the routing key must be the {ROUTING_KEY_LENGTH}-character integration key"
            )
        super().__init__(base_url=base_url, **options)
        self._routing_key = routing_key.strip()
        self.client = client
        self.client_url = client_url

    @classmethod
    def settings_kwargs(cls, settings: ApiSettings) -> dict[str, Any]:
        if not isinstance(settings, PagerDutySettings):
            raise ConfigurationError(f"{cls.__name__}.from_settings takes a PagerDutySettings")
        return {
            "routing_key": settings.routing_key.get_secret_value(),
            "base_url": settings.resolved_base_url(),
            "client": settings.client,
            "client_url": settings.client_url,
            "timeouts": settings.timeouts(),
            "limits": settings.limits(),
            "retry": settings.retry_policy(),
            "headers": settings.default_headers or None,
            "max_in_flight": settings.max_in_flight,
        }

    def __repr__(self) -> str:  # never the routing key
        return f"{type(self).__name__}(base_url={self.base_url!r})"

    def _send(self, route: str, body: dict[str, Any], operation: str, **fields: Any) -> EventResult:
        self._log(operation, **fields)
        answer = self._call_json("POST", route, json=body, retry_non_idempotent=True)
        return parse_result(answer, f"{self.service_name} {route}")

    def trigger(
        self,
        summary: str,
        source: str,
        severity: Severity | str,
        *,
        dedup_key: str | None = None,
        timestamp: datetime | str | None = None,
        component: str | None = None,
        group: str | None = None,
        class_: str | None = None,
        custom_details: Mapping[str, Any] | None = None,
        links: Sequence[Mapping[str, Any]] | None = None,
        images: Sequence[Mapping[str, Any]] | None = None,
    ) -> EventResult:
        """Open (or add to) the alert keyed by ``dedup_key``; without one, the key is
        :func:`default_dedup_key` of ``summary`` and ``source``, so the same problem reported twice
        is one alert. Returns PagerDuty's answer, whose ``dedup_key`` acknowledges or resolves it."""
        payload = trigger_payload(
            summary,
            source,
            severity,
            timestamp=timestamp,
            component=component,
            group=group,
            class_=class_,
            custom_details=custom_details,
        )
        key = check_dedup_key(dedup_key) if dedup_key is not None else default_dedup_key(summary, source)
        body = alert_body(
            self._routing_key,
            EventAction.TRIGGER,
            key,
            payload=payload,
            links=links,
            images=images,
            client=self.client,
            client_url=self.client_url,
        )
        return self._send(ENQUEUE, body, "trigger", dedup_key=key, severity=payload["severity"])

    def acknowledge(self, dedup_key: str) -> EventResult:
        """Acknowledge the alert keyed by ``dedup_key`` (PagerDuty drops it for an unknown key)."""
        key = check_dedup_key(dedup_key)
        body = alert_body(self._routing_key, EventAction.ACKNOWLEDGE, key)
        return self._send(ENQUEUE, body, "acknowledge", dedup_key=key)

    def resolve(self, dedup_key: str) -> EventResult:
        """Resolve the alert keyed by ``dedup_key``; a later trigger with that key opens a new one."""
        key = check_dedup_key(dedup_key)
        body = alert_body(self._routing_key, EventAction.RESOLVE, key)
        return self._send(ENQUEUE, body, "resolve", dedup_key=key)

    def change(
        self,
        summary: str,
        source: str | None = None,
        *,
        timestamp: datetime | str | None = None,
        custom_details: Mapping[str, Any] | None = None,
        links: Sequence[Mapping[str, Any]] | None = None,
    ) -> EventResult:
        """A change event (a deploy, a rotated secret): context for responders, never an incident.
        Change events have no dedup key: a replay after a lost answer may show the change twice."""
        body = change_body(
            self._routing_key,
            summary,
            source=source,
            timestamp=timestamp,
            custom_details=custom_details,
            links=links,
        )
        return self._send(CHANGE_ENQUEUE, body, "change")
