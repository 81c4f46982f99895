"""The Salesforce Marketing Cloud sandbox: the tenant's auth endpoint and the REST routes of
transactional email, triggered sends and data-extension rowsets, with an outbox tests can read.

It answers in SFMC's documented shapes (Marketing Cloud REST API reference):

* ``POST /v2/token`` with a JSON body (``grant_type=client_credentials``, ``client_id``,
  ``client_secret``, optional ``account_id``, ``scope``) -> ``{access_token, token_type: "Bearer",
  expires_in, scope, soap_instance_url, rest_instance_url}``; the ``rest_instance_url`` points back
  at this server. Bad credentials: 401 ``{"error": "invalid_client", ...}``.
* ``POST /messaging/v1/email/messages/{messageKey}`` (one recipient) and ``POST
  /messaging/v1/email/messages/`` (at most 2,000 recipients, each with its ``messageKey``):
  ``202 {requestId, errorcode: 0, responses: [{messageKey}]}``; per-recipient errors make a mixed
  answer (``errorcode`` 109001 ``MCMS_UTM_ResponsesHasErrors``, each failing response with its
  ``errorcode`` and ``message``). A message key seen before (or twice in one request) is refused with
  109110 ``MCMS_UTM_Validation_DuplicateMessageKey``: a 400 for the one-recipient send, a failing
  response in the multi-recipient one; it counts in ``stats()["duplicates"]`` and adds nothing to the
  outbox. Missing ``contactKey``/``to``: 109105/109106; a bad address 109121; a key over 100
  characters 109108; more than 2,000 recipients 109101.
* ``GET /messaging/v1/email/messages/{messageKey}``: ``EmailQueued`` until ``delivery_delay``
  seconds passed, then ``EmailSent`` (``EmailNotSent`` for addresses at ``undeliverable.example``).
* ``POST /messaging/v1/messageDefinitionSends/key:{key}/send`` (triggered sends) and ``POST
  /hub/v1/dataevents/key:{key}/rowset`` (upserts into :meth:`SfmcSandbox.data_extension`).

``stats()`` counts ``emails_accepted``, ``duplicates``, ``emails_rejected``, ``triggered_sends``,
``rows_upserted``, and the framework's counters; every fault knob applies to the REST routes.
"""

from __future__ import annotations

import itertools
import time
import uuid
from typing import Any, ClassVar

from verifiedfan.testing.sandbox._app import SandboxApp
from verifiedfan.testing.sandbox._http import Request, Response
from verifiedfan.testing.sandbox._routing import route
from verifiedfan.testing.sandbox._runner import ApiSandbox
from verifiedfan.testing.sandbox._tokens import APP_SUBJECT

__all__ = ["SfmcApp", "SfmcSandbox"]

_DOCS = "https://developer.salesforce.com/docs/atlas.en-us.mc-apis.meta/mc-apis/error-handling.htm"
_CODES = {
    109001: "MCMS_UTM_ResponsesHasErrors",
    109101: "MCMS_UTM_Validation_TooManySubscribers",
    109102: "MCMS_UTM_Validation_NoSubscribers",
    109104: "MCMS_UTM_Validation_MissingRequiredField_messageKey",
    109105: "MCMS_UTM_Validation_MissingRequiredField_subscriberKey",
    109106: "MCMS_UTM_Validation_MissingRequiredField_to",
    109107: "MCMS_UTM_Validation_MissingRequiredField_definitionKey",
    109108: "MCMS_UTM_Validation_InvalidValue_messageKey",
    109110: "MCMS_UTM_Validation_DuplicateMessageKey",
    109121: "MCMS_UTM_Validation_InvalidValue_to",
    30003: "MCMS_UTM_Runtime_ObjectNotFound",
}
_MAX_RECIPIENTS = 2000
_UNDELIVERABLE = "@undeliverable.example"


def _address_ok(value: str) -> bool:
    local, at, domain = value.rpartition("@")
    return bool(at and local and "." in domain and not any(c.isspace() for c in value))


class SfmcApp(SandboxApp):
    """One SFMC business unit. ``client_id``/``client_secret`` and ``account_id`` (the MID) are
    what its token endpoint accepts; ``delivery_delay`` is how long an accepted email stays queued."""

    kind: ClassVar[str] = "sfmc"
    realm: ClassVar[str] = "sfmc"
    client_id = "vf-sfmc-client"
    client_secret = "vf-sfmc-secret"  # noqa: S105 - a sandbox credential
    account_id = "500000001"
    token_lifetime = 1080  # seconds, SFMC's documented lifetime (18 minutes)

    def __init__(self, *, delivery_delay: float = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.register_client(self.client_id, self.client_secret)
        self.delivery_delay = delivery_delay
        self.outbox: list[dict[str, Any]] = []
        self._by_key: dict[str, dict[str, Any]] = {}
        self.triggered: list[dict[str, Any]] = []
        self.extensions: dict[str, dict[str, dict[str, Any]]] = {}
        self._ids = itertools.count(1)

    # -- framework hooks ----------------------------------------------------------------------------
    def error(self, status: int, message: str, *, headers: list[tuple[str, str]] | None = None) -> Response:
        """SFMC's generic REST error body."""
        return Response.json({"message": message, "errorcode": 0, "documentation": _DOCS}, status, headers)

    def info(self) -> dict[str, Any]:
        return {**super().info(), "client_id": self.client_id, "account_id": self.account_id}

    def reset(self) -> None:
        """Also empty the outbox, the triggered sends and the data extensions, forget every key."""
        super().reset()
        self.outbox.clear()
        self._by_key.clear()
        self.triggered.clear()
        self.extensions.clear()

    def control(self, request: Request) -> Response:
        if request.path == "/_sandbox/outbox":
            return Response.json(list(self.outbox))
        if request.path == "/_sandbox/triggered":
            return Response.json(list(self.triggered))
        if request.path == "/_sandbox/data_extensions":
            return Response.json({k: list(v.values()) for k, v in self.extensions.items()})
        return super().control(request)

    # -- auth -----------------------------------------------------------------------------------------
    @route("POST", "/v2/token", faults=False)
    def token(self, request: Request) -> Response:
        self.counters["token_requests"] += 1
        try:
            body = request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict) or body.get("grant_type") != "client_credentials":
            return _oauth(400, "unsupported_grant_type", "Use grant_type client_credentials.")
        client_id, secret = body.get("client_id"), body.get("client_secret")
        if not isinstance(client_id, str) or self.clients.get(client_id) != secret:
            return _oauth(401, "invalid_client", "Client authentication failed.")
        account = body.get("account_id")
        if account is not None and str(account) != self.account_id:
            return _oauth(401, "unauthorized_client", "The client is not a member of that account.")
        ttl = min(self.faults.token_ttl, self.token_lifetime)
        issued = self.tokens.issue(APP_SUBJECT, client_id=client_id, ttl=ttl, refresh=False)
        scope = body.get("scope")
        return Response.json(
            {
                "access_token": issued["access_token"],
                "token_type": "Bearer",
                "expires_in": int(ttl),
                "scope": scope if isinstance(scope, str) else "email_send data_extensions_write",
                "soap_instance_url": f"{self.base_url}/soap/",
                "rest_instance_url": f"{self.base_url}/",
            }
        )

    def _auth(self, request: Request) -> Response | None:
        grant = self.bearer(request, allow_app=True)
        return grant if isinstance(grant, Response) else None

    # -- transactional email --------------------------------------------------------------------------
    def _request_id(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128)))

    def _refused(self, code: int, request_id: str, key: str | None = None) -> Response:
        body: dict[str, Any] = {"requestId": request_id, "errorcode": code, "message": _CODES[code]}
        if key is not None:
            body["responses"] = [{"messageKey": key, "errorcode": code, "message": _CODES[code]}]
        return Response.json(body, 400)

    def _check(self, recipient: object, key: object, batch: set[str]) -> int:
        """The error code of one recipient (0: it may be sent)."""
        if not isinstance(key, str) or not key:
            return 109104
        if len(key) > 100:
            return 109108
        if not isinstance(recipient, dict) or not recipient.get("contactKey"):
            return 109105
        to = recipient.get("to")
        if not isinstance(to, str) or not to:
            return 109106
        if not _address_ok(to):
            return 109121
        if key in self._by_key or key in batch:
            return 109110
        return 0

    def _accept(self, definition: str, recipient: dict[str, Any], key: str, request_id: str) -> None:
        sent = {
            "messageKey": key,
            "definitionKey": definition,
            "to": recipient["to"],
            "contactKey": recipient["contactKey"],
            "attributes": dict(recipient.get("attributes") or {}),
            "requestId": request_id,
            "acceptedAt": time.time(),
            "sequence": next(self._ids),
        }
        self.outbox.append(sent)
        self._by_key[key] = sent
        self.counters["emails_accepted"] += 1

    def _count(self, code: int) -> None:
        self.counters["duplicates" if code == 109110 else "emails_rejected"] += 1

    @route("POST", "/messaging/v1/email/messages/{message_key}")
    def send_one(self, request: Request, message_key: str) -> Response:
        refused = self._auth(request)
        if refused is not None:
            return refused
        request_id = self._request_id()
        try:
            body = request.json()
        except ValueError:
            return self.error(400, "The request body is not valid JSON")
        if not isinstance(body, dict) or not body.get("definitionKey"):
            return self._refused(109107, request_id)
        if "recipients" in body:
            return self.error(400, "Use either recipient or recipients, not both")
        code = self._check(body.get("recipient"), message_key, set())
        if code:
            self._count(code)
            return self._refused(code, request_id, message_key)
        self._accept(str(body["definitionKey"]), body["recipient"], message_key, request_id)
        body_out = {"requestId": request_id, "errorcode": 0, "responses": [{"messageKey": message_key}]}
        return Response.json(body_out, 202)

    @route("POST", "/messaging/v1/email/messages")
    def send_many(self, request: Request) -> Response:
        refused = self._auth(request)
        if refused is not None:
            return refused
        request_id = self._request_id()
        try:
            body = request.json()
        except ValueError:
            return self.error(400, "The request body is not valid JSON")
        if not isinstance(body, dict) or not body.get("definitionKey"):
            return self._refused(109107, request_id)
        recipients = body.get("recipients")
        if not isinstance(recipients, list) or not recipients:
            return self._refused(109102, request_id)
        if len(recipients) > _MAX_RECIPIENTS:
            return self._refused(109101, request_id)
        batch: set[str] = set()
        responses: list[dict[str, Any]] = []
        failed = 0
        for recipient in recipients:
            key = recipient.get("messageKey") if isinstance(recipient, dict) else None
            if key is None:  # SFMC makes one up for a recipient without a key
                key = uuid.UUID(int=self._rng.getrandbits(128)).hex
            code = self._check(recipient, key, batch)
            if code:
                self._count(code)
                failed += 1
                responses.append({"messageKey": str(key), "errorcode": code, "message": _CODES[code]})
                continue
            batch.add(key)
            self._accept(str(body["definitionKey"]), recipient, key, request_id)
            responses.append({"messageKey": key})
        out: dict[str, Any] = {"requestId": request_id, "errorcode": 0, "responses": responses}
        if failed:
            out["errorcode"] = 109001
            total = len(recipients)
            out["message"] = f"{_CODES[109001]}: {failed} subscribers failed to queue out of {total}"
        return Response.json(out, 202)

    @route("GET", "/messaging/v1/email/messages/{message_key}")
    def status(self, request: Request, message_key: str) -> Response:
        refused = self._auth(request)
        if refused is not None:
            return refused
        sent = self._by_key.get(message_key)
        request_id = self._request_id()
        if sent is None:
            body = {"requestId": request_id, "errorcode": 30003, "message": _CODES[30003]}
            return Response.json(body, 404)
        info: dict[str, Any] = {"messageKey": message_key, "contactKey": sent["contactKey"], "to": sent["to"]}
        if time.time() - sent["acceptedAt"] < self.delivery_delay:
            category = "TransactionalSendEvents.EmailQueued"
        elif str(sent["to"]).lower().endswith(_UNDELIVERABLE):
            category = "TransactionalSendEvents.EmailNotSent"
            info.update(statusCode="9", statusMessage="Invalid address", reason="Invalid address")
        else:
            category = "TransactionalSendEvents.EmailSent"
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(sent["acceptedAt"]))
        return Response.json(
            {
                "requestId": request_id,
                "eventCategoryType": category,
                "timestamp": stamp,
                "compositeId": f"SBX.{sent['sequence']}",
                "info": info,
            }
        )

    # -- triggered sends and data extensions -----------------------------------------------------------
    @route("POST", "/messaging/v1/messageDefinitionSends/{ref}/send")
    def triggered_send(self, request: Request, ref: str) -> Response:
        refused = self._auth(request)
        if refused is not None:
            return refused
        if not ref.startswith("key:") or len(ref) == 4:
            return self.error(404, "Triggered send definition not found")
        try:
            body = request.json()
        except ValueError:
            return self.error(400, "The request body is not valid JSON")
        to = body.get("To") if isinstance(body, dict) else None
        request_id = self._request_id()
        address = to.get("Address") if isinstance(to, dict) else None
        if not isinstance(to, dict) or not isinstance(address, str) or not _address_ok(address):
            message = "Unable to queue Triggered Send request. There are no valid subscribers."
            answer = {"requestId": request_id, "responses": [{"hasErrors": True, "messages": [message]}]}
            return Response.json(answer, 202)
        send_id = str(uuid.UUID(int=self._rng.getrandbits(128)))
        sent = {"key": ref[4:], "to": to, "from": body.get("From"), "recipientSendId": send_id}
        self.triggered.append(sent)
        self.counters["triggered_sends"] += 1
        responses = [{"recipientSendId": send_id, "hasErrors": False, "messages": ["Queued"]}]
        return Response.json({"requestId": request_id, "responses": responses}, 202)

    @route("POST", "/hub/v1/dataevents/{ref}/rowset")
    def rowset(self, request: Request, ref: str) -> Response:
        refused = self._auth(request)
        if refused is not None:
            return refused
        if not ref.startswith("key:") or len(ref) == 4:
            return self.error(404, "Data extension not found")
        try:
            rows = request.json()
        except ValueError:
            return self.error(400, "The request body is not valid JSON")
        if not isinstance(rows, list) or not rows:
            return self.error(400, "The body must be a non-empty array of rows")
        table = self.extensions.setdefault(ref[4:], {})
        for row in rows:
            if not isinstance(row, dict) or not isinstance(row.get("keys"), dict) or not row["keys"]:
                return self.error(400, "Each row needs a non-empty 'keys' object")
        for row in rows:
            keys, values = row["keys"], row.get("values") or {}
            ident = "|".join(f"{k}={keys[k]}" for k in sorted(keys))
            table[ident] = {**table.get(ident, {}), **values, **keys}
        self.counters["rows_upserted"] += len(rows)
        return Response.json(rows)


def _oauth(status: int, error: str, description: str) -> Response:
    return Response.json(
        {
            "error": error,
            "error_description": description,
            "error_uri": "https://developer.salesforce.com/docs",
        },
        status,
    )


class SfmcSandbox(ApiSandbox):
    """A running :class:`SfmcApp` (a thread, or a child process with ``process=True``)."""

    app_class = SfmcApp

    @property
    def client_id(self) -> str:
        return SfmcApp.client_id

    @property
    def client_secret(self) -> str:
        return SfmcApp.client_secret

    @property
    def account_id(self) -> str:
        return SfmcApp.account_id

    def outbox(self) -> list[dict[str, Any]]:
        """Every email accepted, oldest first: ``messageKey``, ``definitionKey``, ``to``,
        ``contactKey``, ``attributes``, ``requestId``. Each key appears once, however often it was sent."""
        return list(self.control("outbox"))

    def triggered(self) -> list[dict[str, Any]]:
        """The triggered sends queued, oldest first (``key``, ``to``, ``from``, ``recipientSendId``)."""
        return list(self.control("triggered"))

    def data_extension(self, key: str) -> list[dict[str, Any]]:
        """The rows of the data extension with external key ``key`` (keys and values merged)."""
        return list(self.control("data_extensions").get(key, []))
