"""The Ticketmaster SMS sandbox: a token endpoint and ``POST /sms/v1/messages`` with an outbox.

No public document describes the API: the route and shapes are those :class:`~verifiedfan.
ticketmaster.TmSms` speaks. Checks on every send: ``x-integrator-id`` (400 without it), an OAuth2
bearer token (401 with ``WWW-Authenticate``), ``to`` in E.164 and a non-empty ``message`` (400).
Sends are deduplicated by their ``Idempotency-Key``: a key seen before answers the first message
again with ``Idempotent-Replayed: true`` (as Stripe does), adds nothing to the outbox, and counts in
``stats()["duplicates"]``. ``stats()["sms_sent"]`` counts the messages put in the outbox.
"""

from __future__ import annotations

import itertools
import re
from typing import Any, ClassVar

from verifiedfan.testing.sandbox._app import SandboxApp
from verifiedfan.testing.sandbox._http import Request, Response
from verifiedfan.testing.sandbox._routing import route
from verifiedfan.testing.sandbox._runner import ApiSandbox

__all__ = ["TmSmsApp", "TmSmsSandbox"]

_E164 = re.compile(r"\+[1-9][0-9]{6,14}")


class TmSmsApp(SandboxApp):
    """The SMS API; ``client_id``/``client_secret`` are the credentials its token endpoint accepts.
    ``outbox`` holds every message accepted, oldest first."""

    kind: ClassVar[str] = "tm_sms"
    realm: ClassVar[str] = "tm-sms"
    client_id = "vf-sms-client"
    client_secret = "vf-sms-secret"  # noqa: S105 - a sandbox credential

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.register_client(self.client_id, self.client_secret)
        self.outbox: list[dict[str, Any]] = []
        self._by_key: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1)

    def error(self, status: int, message: str, *, headers: list[tuple[str, str]] | None = None) -> Response:
        return Response.json({"errors": [{"status": str(status), "detail": message}]}, status, headers)

    def info(self) -> dict[str, Any]:
        return {**super().info(), "client_id": self.client_id}

    def reset(self) -> None:
        """Also empty the outbox and forget the idempotency keys."""
        super().reset()
        self.outbox.clear()
        self._by_key.clear()

    def control(self, request: Request) -> Response:
        if request.path == "/_sandbox/outbox":
            return Response.json(list(self.outbox))
        return super().control(request)

    @route("POST", "/oauth/token", faults=False)
    def token(self, request: Request) -> Response:
        return self.oauth_token(request)

    @route("POST", "/sms/v1/messages")
    def send(self, request: Request) -> Response:
        if not request.headers.get("x-integrator-id"):
            return self.error(400, "the x-integrator-id header is required")
        grant = self.bearer(request, allow_app=True)
        if isinstance(grant, Response):
            return grant
        try:
            body = request.json()
        except ValueError:
            return self.error(400, "the body is not JSON")
        if not isinstance(body, dict):
            return self.error(400, "the body must be a JSON object")
        to, message = body.get("to"), body.get("message")
        if not isinstance(to, str) or not _E164.fullmatch(to):
            return self.error(400, "'to' must be an E.164 phone number")
        if not isinstance(message, str) or not message:
            return self.error(400, "'message' must be a non-empty string")
        key = request.headers.get("idempotency-key")
        if key and key in self._by_key:
            self.counters["duplicates"] += 1
            return Response.json(self._answer(self._by_key[key]), 200, [("Idempotent-Replayed", "true")])
        sent = {
            "messageId": f"sms-{next(self._ids):08d}",
            "to": to,
            "message": message,
            "senderId": body.get("senderId"),
            "idempotencyKey": key,
        }
        self.outbox.append(sent)
        if key:
            self._by_key[key] = sent
        self.counters["sms_sent"] += 1
        return Response.json(self._answer(sent), 201)

    @staticmethod
    def _answer(sent: dict[str, Any]) -> dict[str, Any]:
        return {"messageId": sent["messageId"], "to": sent["to"], "status": "accepted"}


class TmSmsSandbox(ApiSandbox):
    """A running :class:`TmSmsApp` (a thread, or a child process with ``process=True``)."""

    app_class = TmSmsApp

    def outbox(self) -> list[dict[str, Any]]:
        """The messages accepted so far (each once, however often it was retried), oldest first."""
        return list(self.control("outbox"))
