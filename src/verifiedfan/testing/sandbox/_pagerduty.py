"""The PagerDuty Events API v2 sandbox: ``POST /v2/enqueue`` with an alert state machine per dedup
key, and ``POST /v2/change/enqueue``.

It answers as PagerDuty documents (developer-docs ``events-API-v2``): 202 ``{"status": "success",
"message": "Event processed", "dedup_key": ...}``; 400 ``{"status": "invalid event", "message":
"Event object is invalid", "errors": [...]}`` for a bad event (routing key not 32 characters,
unknown ``event_action``, missing ``summary``/``source``/``severity``, bad severity, summary over
1024 characters, dedup key over 255, acknowledge/resolve without a dedup key, over 512 KB). Alerts
follow the documented rules: a trigger on an open alert (triggered or acknowledged) with the same
routing key and dedup key is deduplicated into it; a trigger without dedup key opens a new alert
under a fresh key; acknowledge and resolve of an unknown key are accepted and dropped; a trigger
after resolve opens a new incident. Tests read the state with :meth:`PagerDutySandbox.incidents`;
``stats()`` counts ``incidents_opened``, ``triggers_deduplicated``, ``events_dropped`` and
``change_events``. The framework's fault knobs apply to both routes.
"""

from __future__ import annotations

import json
import random
import uuid
from typing import Any, ClassVar

from verifiedfan.testing.sandbox._app import SandboxApp
from verifiedfan.testing.sandbox._http import Request, Response
from verifiedfan.testing.sandbox._routing import route
from verifiedfan.testing.sandbox._runner import ApiSandbox

__all__ = ["PagerDutyApp", "PagerDutySandbox"]

_SEVERITIES = ("critical", "error", "warning", "info")
_ACTIONS = ("trigger", "acknowledge", "resolve")
_MAX_BYTES = 512 * 1024


class PagerDutyApp(SandboxApp):
    """The Events API; ``routing_key`` is a 32-character integration key it accepts (any other
    32-character key is accepted too, as PagerDuty accepts events for keys it then routes)."""

    kind: ClassVar[str] = "pagerduty"
    realm: ClassVar[str] = "pagerduty"
    routing_key = "R0UT1NGKEYSANDBOX000000000000001"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # (routing key, dedup key) -> the current alert on that key
        self._alerts: dict[tuple[str, str], dict[str, Any]] = {}
        self._opened: list[dict[str, Any]] = []
        self._numbers = 0
        self._keys = random.Random(self.seed)
        self.changes: list[dict[str, Any]] = []

    def error(self, status: int, message: str, *, headers: list[tuple[str, str]] | None = None) -> Response:
        if status == 400:  # an injected 400 speaks PagerDuty's invalid-event shape too
            return self._invalid(message)
        return Response.json({"status": "error", "message": message, "errors": [message]}, status, headers)

    @staticmethod
    def _invalid(*errors: str) -> Response:
        body = {"status": "invalid event", "message": "Event object is invalid", "errors": list(errors)}
        return Response.json(body, 400)

    def reset(self) -> None:
        """Also forget every alert and change event."""
        super().reset()
        self._alerts.clear()
        self._opened.clear()
        self.changes.clear()
        self._numbers = 0

    def info(self) -> dict[str, Any]:
        return {**super().info(), "routing_key": self.routing_key}

    def control(self, request: Request) -> Response:
        if request.path == "/_sandbox/incidents":
            return Response.json(self.incidents())
        if request.path == "/_sandbox/changes":
            return Response.json(list(self.changes))
        return super().control(request)

    def incidents(self) -> list[dict[str, Any]]:
        """Every incident opened so far, oldest first: ``number``, ``dedup_key``, ``status``
        (``triggered``/``acknowledged``/``resolved``), ``triggers`` (events folded into it),
        ``summary``, ``source``, ``severity``. The routing key is not included."""
        return [{k: v for k, v in a.items() if k != "routing_key"} for a in self._opened]

    def _body(self, request: Request) -> dict[str, Any] | Response:
        if len(request.body) > _MAX_BYTES:
            return self._invalid("Event object is over the 512 KB limit")
        try:
            body = request.json()
        except ValueError:
            return self._invalid("Event object is not valid JSON")
        if not isinstance(body, dict):
            return self._invalid("Event object must be a JSON object")
        key = body.get("routing_key")
        if not isinstance(key, str) or len(key) != 32:
            return self._invalid("Length of 'routing_key' is incorrect (should be 32 characters)")
        return body

    @route("POST", "/v2/enqueue")
    def enqueue(self, request: Request) -> Response:
        body = self._body(request)
        if isinstance(body, Response):
            return body
        action, dedup = body.get("event_action"), body.get("dedup_key")
        if action not in _ACTIONS:
            return self._invalid("'event_action' is invalid (must be one of: trigger, acknowledge, resolve)")
        if dedup is not None and (not isinstance(dedup, str) or not dedup or len(dedup) > 255):
            return self._invalid("'dedup_key' must be a string of 1 to 255 characters")
        if action == "trigger":
            problems = self._payload_errors(body.get("payload"))
            if problems:
                return self._invalid(*problems)
            return self._trigger(body["routing_key"], dedup, body["payload"])
        if dedup is None:
            return self._invalid(f"'dedup_key' is required for event_action '{action}'")
        alert = self._alerts.get((body["routing_key"], dedup))
        if alert is None or alert["status"] == "resolved":
            self.counters["events_dropped"] += 1  # accepted, then dropped: nothing to act on
        else:
            alert["status"] = "acknowledged" if action == "acknowledge" else "resolved"
        return self._accepted(dedup)

    @staticmethod
    def _payload_errors(payload: object) -> list[str]:
        if not isinstance(payload, dict):
            return ["'payload' is missing or not an object"]
        problems = [
            f"'payload.{name}' is missing or blank"
            for name in ("summary", "source", "severity")
            if not isinstance(payload.get(name), str) or not payload[name].strip()
        ]
        summary = payload.get("summary")
        if isinstance(summary, str) and len(summary) > 1024:
            problems.append("'payload.summary' is longer than 1024 characters")
        severity = payload.get("severity")
        if isinstance(severity, str) and severity.strip() and severity not in _SEVERITIES:
            problems.append("'payload.severity' is invalid (must be one of: critical, error, warning, info)")
        return problems

    def _trigger(self, routing_key: str, dedup: str | None, payload: dict[str, Any]) -> Response:
        key = dedup or uuid.UUID(int=self._keys.getrandbits(128)).hex
        alert = self._alerts.get((routing_key, key))
        if alert is not None and alert["status"] != "resolved":
            alert["triggers"] += 1
            self.counters["triggers_deduplicated"] += 1
            return self._accepted(key)
        self._numbers += 1
        alert = {
            "number": self._numbers,
            "dedup_key": key,
            "status": "triggered",
            "triggers": 1,
            "summary": payload["summary"],
            "source": payload["source"],
            "severity": payload["severity"],
            "routing_key": routing_key,
        }
        self._alerts[(routing_key, key)] = alert
        self._opened.append(alert)
        self.counters["incidents_opened"] += 1
        return self._accepted(key)

    @staticmethod
    def _accepted(dedup_key: str | None) -> Response:
        body: dict[str, Any] = {"status": "success", "message": "Event processed"}
        if dedup_key is not None:
            body["dedup_key"] = dedup_key
        return Response.json(body, 202)

    @route("POST", "/v2/change/enqueue")
    def change(self, request: Request) -> Response:
        body = self._body(request)
        if isinstance(body, Response):
            return body
        payload = body.get("payload")
        summary = payload.get("summary") if isinstance(payload, dict) else None
        if not isinstance(summary, str) or not summary.strip():
            return self._invalid("'payload.summary' is missing or blank")
        if len(summary) > 1024:
            return self._invalid("'payload.summary' is longer than 1024 characters")
        self.changes.append(json.loads(json.dumps(payload)))
        self.counters["change_events"] += 1
        return Response.json({"status": "success", "message": "Change event processed"}, 202)


class PagerDutySandbox(ApiSandbox):
    """A running :class:`PagerDutyApp` (a thread, or a child process with ``process=True``)."""

    app_class = PagerDutyApp

    @property
    def routing_key(self) -> str:
        return PagerDutyApp.routing_key

    def incidents(self) -> list[dict[str, Any]]:
        """Every incident opened so far, oldest first (see :meth:`PagerDutyApp.incidents`)."""
        return list(self.control("incidents"))

    def incident(self, dedup_key: str) -> dict[str, Any] | None:
        """The latest incident opened under ``dedup_key`` (``None`` when there is none)."""
        found = [i for i in self.incidents() if i["dedup_key"] == dedup_key]
        return found[-1] if found else None

    def changes(self) -> list[dict[str, Any]]:
        """The payloads of the change events received, oldest first."""
        return list(self.control("changes"))
