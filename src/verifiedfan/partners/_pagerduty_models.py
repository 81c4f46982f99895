"""PagerDuty Events API v2: settings, enums, the result, the typed error, the retry policy, and
the checks every event passes before any I/O.

Wire shapes (PagerDuty/developer-docs, ``docs/events-API-v2/01-Overview.md`` and
``02-Trigger-Events.md``): ``POST /v2/enqueue`` with ``{routing_key, event_action, dedup_key,
payload: {summary, source, severity, timestamp, component, group, class, custom_details}, images,
links, client, client_url}``; change events ``POST /v2/change/enqueue`` with ``{routing_key,
payload: {summary, source, timestamp, custom_details}, links, images}``. 202 is accepted (``status``,
``message``, ``dedup_key``); 400 is an invalid event (``errors``: a list of strings), never retried;
429, 5xx and network errors are retried. Payloads are limited to 512 KB; summaries to 1024
characters; dedup keys to 255.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from verifiedfan.errors import ClientError, HTTPStatusError, ResponseFormatError, ValidationError
from verifiedfan.http import ApiSettings, RetryPolicy

__all__ = [
    "MAX_DEDUP_KEY",
    "MAX_PAYLOAD_BYTES",
    "MAX_SUMMARY",
    "EventAction",
    "EventResult",
    "PagerDutyEventError",
    "PagerDutyRetryPolicy",
    "PagerDutySettings",
    "Severity",
    "alert_body",
    "change_body",
    "default_dedup_key",
    "parse_result",
]

MAX_SUMMARY = 1024
MAX_DEDUP_KEY = 255
MAX_PAYLOAD_BYTES = 512 * 1024
ROUTING_KEY_LENGTH = 32


class Severity(StrEnum):
    CRITICAL = "critical"
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class EventAction(StrEnum):
    TRIGGER = "trigger"
    ACKNOWLEDGE = "acknowledge"
    RESOLVE = "resolve"


@dataclass(frozen=True, slots=True)
class EventResult:
    """PagerDuty's 202 answer: ``status`` ("success"), ``message`` ("Event processed") and the
    ``dedup_key`` the event was filed under (``None`` for a change event)."""

    status: str
    message: str
    dedup_key: str | None


class PagerDutyEventError(ClientError):
    """400: PagerDuty refused the event (it is never retried). ``errors`` is PagerDuty's list of
    reasons (``["'payload.severity' is invalid ..."]``)."""

    @property
    def errors(self) -> list[str]:
        body = self.body
        found = body.get("errors") if isinstance(body, dict) else None
        return [str(e) for e in found] if isinstance(found, list) else []


def invalid_event(error: HTTPStatusError, message: str) -> PagerDutyEventError:
    """The error map's factory for 400: the message carries PagerDuty's reasons."""
    built = PagerDutyEventError(
        message,
        status=error.status_code,
        body=error.body,
        method=error.method,
        url=error.url,
        service_name=error.service_name,
        headers=error.headers,
    )
    if built.errors:
        built.message = f"{message}: {'; '.join(built.errors)}"
        built.args = (built.message,)
    return built


def _no_jitter() -> float:
    return 1.0


@dataclass(frozen=True, kw_only=True)
class PagerDutyRetryPolicy(RetryPolicy):
    """The library's one :class:`~verifiedfan.http.RetryPolicy` with PagerDuty's documented
    schedule: 3 retries, 30 seconds apart ("retry 3 times with each request being 30 seconds
    apart", ``05-Rate-Limits.md``), no jitter; a ``Retry-After`` is honoured up to 5 minutes (the
    overview asks for "a backoff of a few minutes" on 429). Every event carries a dedup key, so the
    POST is safe to replay. A ``Retry-After`` may lengthen a wait, never shorten it below the
    schedule: PagerDuty documents none, and a 429 asks for the long backoff."""

    backoff_initial: float = 30.0
    backoff_multiplier: float = 1.0
    backoff_max: float = 30.0
    retry_after_cap: float = 300.0
    jitter: Callable[[], float] = field(default=_no_jitter, repr=False, compare=False)

    def retry_after(self, value: str | None) -> float | None:
        asked = super().retry_after(value)
        return None if asked is None else max(asked, self.ceiling(1))


class PagerDutySettings(ApiSettings):
    """``VF_PAGERDUTY_*``: ``routing_key`` (the integration key, a secret), ``client`` and
    ``client_url`` (shown on the alert), ``environment`` ``prod`` or ``eu`` (the EU service region),
    and the retry schedule (defaults: PagerDuty's 3 retries 30 s apart)."""

    model_config = SettingsConfigDict(env_prefix="VF_PAGERDUTY_")

    service_name: str = "pagerduty"
    base_urls: dict[str, str] = Field(
        default_factory=lambda: {
            "prod": "https://events.pagerduty.com",
            "eu": "https://events.eu.pagerduty.com",
        }
    )
    routing_key: SecretStr = SecretStr("")
    client: str | None = None
    client_url: str | None = None
    backoff_initial: float = Field(default=30.0, ge=0)
    backoff_max: float = Field(default=30.0, ge=0)
    retry_after_cap: float = Field(default=300.0, ge=0)

    def retry_policy(self) -> PagerDutyRetryPolicy:
        return PagerDutyRetryPolicy(
            max_retries=self.max_retries,
            backoff_initial=self.backoff_initial,
            backoff_max=self.backoff_max,
            retry_after_cap=self.retry_after_cap,
            deadline=self.deadline,
        )


# -- checks before any I/O --------------------------------------------------------------------------


def default_dedup_key(summary: str, source: str) -> str:
    """The dedup key of a trigger that names none: stable for the same ``summary`` and ``source``
    (``vf-`` and 40 hex digits of their SHA-256), so a retried or replayed trigger lands on the same
    alert instead of opening a second incident."""
    digest = hashlib.sha256(f"{source}\x1f{summary}".encode()).hexdigest()
    return f"vf-{digest[:40]}"


def _text(name: str, value: object, *, required: bool, limit: int | None = None) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"pagerduty: {name!r} must be a non-empty string")
    if limit is not None and len(value) > limit:
        raise ValidationError(f"pagerduty: {name!r} is {len(value)} characters long (at most {limit})")
    return value


def check_dedup_key(value: object) -> str:
    key = _text("dedup_key", value, required=True, limit=MAX_DEDUP_KEY)
    assert key is not None
    return key


def _severity(value: object) -> str:
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        return Severity(value.lower()).value
    except ValueError:
        allowed = ", ".join(s.value for s in Severity)
        raise ValidationError(f"pagerduty: 'severity' must be one of {allowed}, got {value!r}") from None


def _timestamp(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValidationError("pagerduty: 'timestamp' must be timezone-aware")
        return value.isoformat()
    if isinstance(value, str):
        try:
            datetime.fromisoformat(value)
        except ValueError:
            raise ValidationError(f"pagerduty: 'timestamp' is not ISO 8601: {value!r}") from None
        return value
    raise ValidationError("pagerduty: 'timestamp' must be a datetime or an ISO 8601 string")


def _context(name: str, items: Sequence[Mapping[str, Any]] | None, url_key: str) -> list[dict[str, Any]]:
    if items is None:
        return []
    if isinstance(items, str | bytes | Mapping):
        raise ValidationError(f"pagerduty: {name!r} must be a list of objects")
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, Mapping) or not isinstance(item.get(url_key), str) or not item[url_key]:
            raise ValidationError(f"pagerduty: '{name}[{i}]' needs a non-empty {url_key!r}")
        if url_key == "src" and not item[url_key].startswith("https://"):
            raise ValidationError(f"pagerduty: '{name}[{i}].src' must be served over HTTPS")
        out.append(dict(item))
    return out


def _details(value: object) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ValidationError("pagerduty: 'custom_details' must be a JSON object")
    return dict(value)


def _sized(body: dict[str, Any]) -> dict[str, Any]:
    try:
        size = len(json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode())
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"pagerduty: 'payload' is not JSON-serialisable: {exc}") from None
    if size > MAX_PAYLOAD_BYTES:
        raise ValidationError(f"pagerduty: 'payload' is {size} bytes (the Events API takes at most 512 KB)")
    return body


def alert_body(
    routing_key: str,
    action: EventAction,
    dedup_key: str,
    *,
    payload: Mapping[str, Any] | None = None,
    links: Sequence[Mapping[str, Any]] | None = None,
    images: Sequence[Mapping[str, Any]] | None = None,
    client: str | None = None,
    client_url: str | None = None,
) -> dict[str, Any]:
    """The checked body of an alert event (``payload`` already checked by :func:`trigger_payload`)."""
    body: dict[str, Any] = {"routing_key": routing_key, "event_action": action.value, "dedup_key": dedup_key}
    if action is EventAction.TRIGGER:
        body["payload"] = dict(payload or {})
        if links:
            body["links"] = _context("links", links, "href")
        if images:
            body["images"] = _context("images", images, "src")
        if client is not None:
            body["client"] = client
        if client_url is not None:
            body["client_url"] = client_url
    return _sized(body)


def trigger_payload(
    summary: object,
    source: object,
    severity: object,
    *,
    timestamp: object = None,
    component: object = None,
    group: object = None,
    class_: object = None,
    custom_details: object = None,
) -> dict[str, Any]:
    """The checked ``payload`` object of a trigger (ValidationError naming the field)."""
    payload: dict[str, Any] = {
        "summary": _text("summary", summary, required=True, limit=MAX_SUMMARY),
        "source": _text("source", source, required=True),
        "severity": _severity(severity),
    }
    optional = {
        "timestamp": _timestamp(timestamp),
        "component": _text("component", component, required=False),
        "group": _text("group", group, required=False),
        "class": _text("class", class_, required=False),
        "custom_details": _details(custom_details),
    }
    payload.update({k: v for k, v in optional.items() if v is not None})
    return payload


def change_body(
    routing_key: str,
    summary: object,
    *,
    source: object = None,
    timestamp: object = None,
    custom_details: object = None,
    links: Sequence[Mapping[str, Any]] | None = None,
    images: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """The checked body of a change event (``/v2/change/enqueue``)."""
    payload: dict[str, Any] = {"summary": _text("summary", summary, required=True, limit=MAX_SUMMARY)}
    optional = {
        "source": _text("source", source, required=False),
        "timestamp": _timestamp(timestamp),
        "custom_details": _details(custom_details),
    }
    payload.update({k: v for k, v in optional.items() if v is not None})
    body: dict[str, Any] = {"routing_key": routing_key, "payload": payload}
    if links:
        body["links"] = _context("links", links, "href")
    if images:
        body["images"] = _context("images", images, "src")
    return _sized(body)


def parse_result(body: object, where: str) -> EventResult:
    """PagerDuty's 202 body as an :class:`EventResult` (ResponseFormatError when it does not fit)."""
    if not isinstance(body, dict):
        raise ResponseFormatError(f"{where}: the answer is not a JSON object")
    status, message, key = body.get("status"), body.get("message"), body.get("dedup_key")
    if not isinstance(status, str) or not isinstance(message, str):
        raise ResponseFormatError(f"{where}: the answer lacks 'status' or 'message'")
    if key is not None and not isinstance(key, str):
        raise ResponseFormatError(f"{where}: 'dedup_key' is not a string")
    return EventResult(status=status, message=message, dedup_key=key)
