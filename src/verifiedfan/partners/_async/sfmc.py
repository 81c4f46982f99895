"""The Salesforce Marketing Cloud client: transactional emails (one or many recipients), their
status, Email Studio triggered sends, and data-extension upserts.

The token is a client-credentials token from the tenant's auth host (``POST /v2/token`` with a JSON
body), renewed before it expires (``renew_ratio`` of its lifetime) with one renewal in flight however
many calls wait; every later call goes to the ``rest_instance_url`` the token answer names. Every
transactional email carries a message key derived from what is sent (campaign, contact key,
definition: :func:`derive_message_key`), so the HTTP core may retry the POST and a replayed event may
send it again: SFMC answers "duplicate message key" and the result says ``ALREADY_SENT``, never a
second email. Accepted is not delivered: results say ``ACCEPTED``; :meth:`Sfmc.get_message_status`
says later whether it was sent. The client secret and the access token never reach a log line, a
span or an error message.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, ClassVar
from urllib.parse import quote

from verifiedfan.errors import ConfigurationError, ResponseFormatError, ValidationError
from verifiedfan.http import ApiClient, ApiSettings, ErrorMap, ErrorRule, OAuth2ClientCredentials
from verifiedfan.http._api._concurrency import async_gather_ordered
from verifiedfan.partners._sfmc_models import (
    DUPLICATE_MESSAGE_KEY,
    MAX_RECIPIENTS,
    MAX_RECIPIENTS_WITH_ATTRIBUTES,
    ROWS_PER_CALL,
    EmailRecipient,
    MessageStatus,
    SendResult,
    SendStatus,
    SfmcRequestError,
    SfmcSettings,
    TriggeredSendResult,
    UpsertResult,
    check_address,
    check_attributes,
    check_text,
    key_for,
    outcome,
    parse_accepted,
    parse_status,
    parse_triggered,
    recipient_body,
    refused_request,
)

__all__ = ["Sfmc"]

SEND_ONE = "/messaging/v1/email/messages/{messageKey}"
SEND_MANY = "/messaging/v1/email/messages/"
STATUS = "/messaging/v1/email/messages/{messageKey}"
TRIGGERED = "/messaging/v1/messageDefinitionSends/key:{key}/send"
ROWSET = "/hub/v1/dataevents/key:{key}/rowset"
DEFAULT_LIFETIME = 1080.0  # seconds: SFMC's documented token lifetime (18 to 20 minutes)


def _q(value: str) -> str:
    return quote(value, safe="")


class Sfmc(ApiClient):
    """Salesforce Marketing Cloud::

        async with Sfmc(subdomain="mc123", client_id=cid, client_secret=secret, account_id="5000") as sfmc:
            sent = await sfmc.send_transactional_email(
                "presale-code", "fan@example.com", "fan-1", {"code": "7KQ2MX4P"}, campaign="tour-2027"
            )
            assert sent.status in (SendStatus.ACCEPTED, SendStatus.ALREADY_SENT)

    ``subdomain`` (the tenant's) or ``auth_base_url`` names the auth host; ``account_id`` (the
    business unit's MID) and ``scope`` go into the token request; the token is renewed after
    ``renew_ratio`` of its lifetime, on ``clock`` (seconds; tests pass their own). The other
    keyword arguments are those of :class:`~verifiedfan.http.ApiClient` (``http=``, ``retry=``...).
    """

    service_name: ClassVar[str] = "sfmc"
    settings_class = SfmcSettings
    error_map = ErrorMap({400: ErrorRule(refused_request, "SFMC refused the request")})

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        subdomain: str | None = None,
        auth_base_url: str | None = None,
        account_id: str | None = None,
        scope: str | None = None,
        renew_ratio: float = 0.9,
        clock: Callable[[], float] = time.monotonic,
        **options: Any,
    ) -> None:
        auth_url = auth_base_url or (f"https://{subdomain}.auth.marketingcloudapis.com" if subdomain else "")
        if not auth_url:
            raise ConfigurationError("sfmc: pass subdomain= (the tenant's) or auth_base_url=")
        if not client_id or not client_secret:
            raise ConfigurationError("sfmc: client_id and client_secret are required")
        if options.get("auth") is not None:
            raise ConfigurationError("sfmc: the client makes its own token (no auth=)")
        options.pop("auth", None)
        super().__init__(base_url=auth_url, **options)
        extra = {"account_id": account_id} if account_id else None
        self.token = OAuth2ClientCredentials(
            token_url=f"{self.base_url}/v2/token",
            client_id=client_id,
            client_secret=client_secret,
            scope=scope,
            send_as="json",
            extra=extra,
            http=self.http,
            refresh_ratio=renew_ratio,
            default_lifetime=DEFAULT_LIFETIME,
            clock=clock,
        )
        self._auth = self.token
        self.account_id = account_id
        self._rest: str | None = None

    @classmethod
    def settings_kwargs(cls, settings: ApiSettings) -> dict[str, Any]:
        if not isinstance(settings, SfmcSettings):
            raise ConfigurationError(f"{cls.__name__}.from_settings takes a SfmcSettings")
        return {
            "client_id": settings.client_id,
            "client_secret": settings.client_secret.get_secret_value(),
            "auth_base_url": settings.resolved_auth_url() or None,
            "account_id": settings.account_id,
            "scope": settings.scope,
            "renew_ratio": settings.renew_ratio,
            "timeouts": settings.timeouts(),
            "limits": settings.limits(),
            "retry": settings.retry_policy(),
            "headers": settings.default_headers or None,
            "max_in_flight": settings.max_in_flight,
        }

    def __repr__(self) -> str:  # never the secret nor the token
        return f"{type(self).__name__}(auth_base_url={self.base_url!r}, client_id={self.token.client_id!r})"

    async def rest_url(self) -> str:
        """The ``rest_instance_url`` of the current token (fetching the token when needed)."""
        await self.token.get_token()
        answer = self.token.answer
        if answer is not None:
            named = answer.body.get("rest_instance_url")
            if not isinstance(named, str) or not named.startswith(("https://", "http://")):
                raise ResponseFormatError("sfmc: the token answer names no rest_instance_url")
            self._rest = named.rstrip("/")
        if self._rest is None:
            raise ResponseFormatError("sfmc: no rest_instance_url known")
        return self._rest

    async def send_transactional_email(
        self,
        definition_key: str,
        to: str,
        contact_key: str,
        attributes: Mapping[str, Any] | None = None,
        *,
        campaign: str | None = None,
        message_key: str | None = None,
    ) -> SendResult:
        """Send the definition's email to one recipient (``POST /messaging/v1/email/messages/{key}``).

        The message key is ``message_key`` or :func:`derive_message_key` of ``campaign``,
        ``contact_key`` and ``definition_key`` (one of the two is required). ValidationError before
        any I/O for a bad address or key. A key SFMC has seen gives ``ALREADY_SENT`` (no second
        email); another refusal raises :class:`SfmcRequestError` with SFMC's code."""
        definition = check_text("definition_key", definition_key)
        recipient = EmailRecipient(to=to, contact_key=contact_key, attributes=attributes)
        body = {"definitionKey": definition, "recipient": recipient_body(recipient)}
        key = key_for(recipient, definition_key=definition, campaign=campaign, message_key=message_key)
        rest = await self.rest_url()
        self._log("send_transactional_email", message_key=key, definition_key=definition)
        try:
            answer = await self._call_json(
                "POST",
                SEND_ONE,
                url=f"{rest}/messaging/v1/email/messages/{_q(key)}",
                json=body,
                retry_non_idempotent=True,
            )
        except SfmcRequestError as exc:
            if exc.error_code != DUPLICATE_MESSAGE_KEY:
                raise
            request_id = exc.body.get("requestId") if isinstance(exc.body, dict) else None
            return outcome(
                recipient,
                key,
                request_id if isinstance(request_id, str) else None,
                (DUPLICATE_MESSAGE_KEY, exc.error_message),
            )
        request_id, per_key = parse_accepted(answer, f"{self.service_name} {SEND_ONE}")
        return outcome(recipient, key, request_id, per_key.get(key, (None, None)))

    async def send_transactional_emails(
        self,
        definition_key: str,
        recipients: Iterable[EmailRecipient],
        *,
        campaign: str | None = None,
        attributes: Mapping[str, Any] | None = None,
        chunk_size: int | None = None,
        concurrency: int = 4,
    ) -> list[SendResult]:
        """Send the definition's email to many recipients (``POST /messaging/v1/email/messages/``),
        in calls of at most 2,000 recipients (500 when attributes are sent), ``concurrency`` calls
        at once. One result per recipient, in order. Every recipient is checked before any I/O; a
        recipient repeated in ``recipients`` gets one email (the repeat is ``ALREADY_SENT``).
        A call that fails raises; calling again with the same recipients sends only what was not
        sent (the others come back ``ALREADY_SENT``)."""
        definition = check_text("definition_key", definition_key)
        if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
            raise ValidationError("sfmc: concurrency must be an integer >= 1")
        request_attributes = check_attributes(attributes)
        items = list(recipients)
        results: list[SendResult | None] = [None] * len(items)
        prepared: list[tuple[int, EmailRecipient, str, dict[str, Any]]] = []
        seen: set[str] = set()
        for index, recipient in enumerate(items):
            if not isinstance(recipient, EmailRecipient):
                raise ValidationError(f"sfmc: recipients[{index}] is not an EmailRecipient")
            recipient_body(recipient)  # checked first: a blank contact key is named as such
            key = key_for(recipient, definition_key=definition, campaign=campaign)
            body = recipient_body(recipient, key)
            if key in seen:
                results[index] = SendResult(
                    key,
                    recipient.to,
                    recipient.contact_key,
                    SendStatus.ALREADY_SENT,
                    error_message="repeated in this call",
                )
                continue
            seen.add(key)
            prepared.append((index, recipient, key, body))
        with_attributes = bool(request_attributes) or any("attributes" in p[3] for p in prepared)
        limit = MAX_RECIPIENTS_WITH_ATTRIBUTES if with_attributes else MAX_RECIPIENTS
        size = limit if chunk_size is None else chunk_size
        if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= limit:
            raise ValidationError(f"sfmc: chunk_size must be between 1 and {limit} for this send")
        chunks = [prepared[start : start + size] for start in range(0, len(prepared), size)]
        if not chunks:
            return [r for r in results if r is not None]
        rest = await self.rest_url()
        where = f"{self.service_name} {SEND_MANY}"

        async def send(chunk: list[tuple[int, EmailRecipient, str, dict[str, Any]]]) -> None:
            payload: dict[str, Any] = {"definitionKey": definition, "recipients": [p[3] for p in chunk]}
            if request_attributes:
                payload["attributes"] = request_attributes
            self._log("send_transactional_emails", recipients=len(chunk), definition_key=definition)
            try:
                answer = await self._call_json(
                    "POST",
                    SEND_MANY,
                    url=f"{rest}/messaging/v1/email/messages/",
                    json=payload,
                    retry_non_idempotent=True,
                )
            except SfmcRequestError as exc:  # a 400 listing each recipient reads like a mixed 202
                if not isinstance(exc.body, dict) or not isinstance(exc.body.get("responses"), list):
                    raise
                answer = exc.body
            request_id, per_key = parse_accepted(answer, where)
            for index, recipient, key, _ in chunk:
                if key not in per_key:
                    raise ResponseFormatError(f"{where}: no response for message key {key!r}")
                results[index] = outcome(recipient, key, request_id, per_key[key])

        await async_gather_ordered(send, chunks, concurrency)
        return [r for r in results if r is not None]

    async def get_message_status(self, message_key: str) -> MessageStatus:
        """Where a message is (``GET /messaging/v1/email/messages/{key}``): queued, sent to the
        email provider, or not sent with a reason. NotFoundError for a key SFMC does not know (the
        status is kept 3 days). SFMC rate-limits this call: poll it sparingly."""
        key = check_text("message_key", message_key)
        rest = await self.rest_url()
        answer = await self._call_json("GET", STATUS, url=f"{rest}/messaging/v1/email/messages/{_q(key)}")
        return parse_status(answer, key, f"{self.service_name} {STATUS}")

    async def triggered_send(
        self,
        key: str,
        to_address: str,
        subscriber_key: str,
        attributes: Mapping[str, Any] | None = None,
        *,
        from_address: str | None = None,
        from_name: str | None = None,
    ) -> TriggeredSendResult:
        """An Email Studio triggered send (``POST /messaging/v1/messageDefinitionSends/key:{key}/send``).
        This API has no message key: the POST is never retried (a retry after a lost answer could
        send twice), so a network error or a 5xx raises and the caller decides."""
        definition = check_text("key", key)
        address = check_address(to_address, "to_address")
        subscriber = check_text("subscriber_key", subscriber_key)
        to: dict[str, Any] = {"Address": address, "SubscriberKey": subscriber}
        values = check_attributes(attributes)
        if values:
            to["ContactAttributes"] = {"SubscriberAttributes": values}
        body: dict[str, Any] = {"To": to}
        if from_address is not None or from_name is not None:
            sender: dict[str, str] = {}
            if from_address is not None:
                sender["Address"] = check_address(from_address, "from_address")
            if from_name is not None:
                sender["Name"] = check_text("from_name", from_name)
            body["From"] = sender
        rest = await self.rest_url()
        self._log("triggered_send", definition_key=definition)
        answer = await self._call_json(
            "POST",
            TRIGGERED,
            url=f"{rest}/messaging/v1/messageDefinitionSends/key:{_q(definition)}/send",
            json=body,
        )
        return parse_triggered(answer, f"{self.service_name} {TRIGGERED}")

    async def upsert_data_extension_rows(
        self,
        key: str,
        rows: Sequence[Mapping[str, Any]],
        *,
        primary_keys: Sequence[str],
        concurrency: int = 4,
    ) -> UpsertResult:
        """Insert or update ``rows`` (flat mappings) of the data extension with external key ``key``
        (``POST /hub/v1/dataevents/key:{key}/rowset``), ``ROWS_PER_CALL`` rows a call. Each row must
        hold every column of ``primary_keys``; checked before any I/O. An upsert is idempotent, so
        the calls are retried like reads."""
        extension = check_text("key", key)
        names = [check_text("primary_keys", k) for k in primary_keys]
        if not names:
            raise ValidationError("sfmc: primary_keys must name at least one column")
        if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
            raise ValidationError("sfmc: concurrency must be an integer >= 1")
        bodies = []
        for index, row in enumerate(rows):
            if not isinstance(row, Mapping):
                raise ValidationError(f"sfmc: rows[{index}] is not a mapping")
            missing = [k for k in names if k not in row]
            if missing:
                raise ValidationError(f"sfmc: rows[{index}] lacks primary key column(s) {missing}")
            values = {k: v for k, v in row.items() if k not in names}
            bodies.append({"keys": {k: row[k] for k in names}, "values": values})
        chunks = [bodies[start : start + ROWS_PER_CALL] for start in range(0, len(bodies), ROWS_PER_CALL)]
        if not chunks:
            return UpsertResult(rows=0, calls=0)
        rest = await self.rest_url()
        url = f"{rest}/hub/v1/dataevents/key:{_q(extension)}/rowset"

        async def upsert(chunk: list[dict[str, Any]]) -> None:
            self._log("upsert_data_extension_rows", rows=len(chunk), data_extension=extension)
            await self._call("POST", ROWSET, url=url, json=chunk, retry_non_idempotent=True)

        await async_gather_ordered(upsert, chunks, concurrency)
        return UpsertResult(rows=len(bodies), calls=len(chunks))
