"""Salesforce Marketing Cloud (SFMC): settings, results, the typed error, message keys, and the
checks every send passes before any I/O.

Wire shapes (Marketing Cloud REST API reference, Transactional Messaging API): the token comes from
``POST https://<subdomain>.auth.marketingcloudapis.com/v2/token`` (a JSON body: ``grant_type``,
``client_id``, ``client_secret``, optional ``account_id``, ``scope``) and names the
``rest_instance_url`` every later call goes to. ``POST /messaging/v1/email/messages/{messageKey}``
sends to one recipient (``{definitionKey, recipient: {contactKey, to, attributes}}``);
``POST /messaging/v1/email/messages/`` to up to 2,000 (500 when attributes are sent; ``recipients``
each with their ``messageKey``). Both answer ``202 Accepted`` with ``{requestId, errorcode,
responses: [{messageKey, errorcode?, message?}]}``; a mixed answer has ``errorcode`` 109001
(``MCMS_UTM_ResponsesHasErrors``) and the per-recipient errors. A message key reused within 72 hours
is refused with 109110 (``MCMS_UTM_Validation_DuplicateMessageKey``). Sends are asynchronous:
``GET /messaging/v1/email/messages/{messageKey}`` tells ``EmailQueued``, ``EmailSent`` or
``EmailNotSent`` later.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from verifiedfan.errors import ClientError, HTTPStatusError, ResponseFormatError, ValidationError
from verifiedfan.http import ApiSettings

__all__ = [
    "DUPLICATE_MESSAGE_KEY",
    "MAX_MESSAGE_KEY",
    "MAX_RECIPIENTS",
    "MAX_RECIPIENTS_WITH_ATTRIBUTES",
    "ROWS_PER_CALL",
    "DeliveryState",
    "EmailRecipient",
    "MessageStatus",
    "SendResult",
    "SendStatus",
    "SfmcRequestError",
    "SfmcSettings",
    "TriggeredSendResult",
    "UpsertResult",
    "derive_message_key",
]

#: Recipients per multi-recipient send (documented limit), and with attributes (documented advice).
MAX_RECIPIENTS = 2000
MAX_RECIPIENTS_WITH_ATTRIBUTES = 500
#: Characters of a message key (documented).
MAX_MESSAGE_KEY = 100
#: Data-extension rows per rowset call ("a maximum of 50 columns and 50 records at a time").
ROWS_PER_CALL = 50
#: ``MCMS_UTM_Validation_DuplicateMessageKey``: the key was used in the last 72 hours.
DUPLICATE_MESSAGE_KEY = 109110
#: ``MCMS_UTM_ResponsesHasErrors``: some recipients of a request failed (see each response).
RESPONSES_HAVE_ERRORS = 109001
_MAX_ADDRESS = 254
_SPACE = re.compile(r"\s")


class SendStatus(StrEnum):
    """What SFMC did with one send request. None of them means delivered (see :class:`DeliveryState`)."""

    ACCEPTED = "accepted"  # queued now
    ALREADY_SENT = "already_sent"  # the key was accepted before (a retry or a replay): not sent again
    REJECTED = "rejected"  # refused for this recipient (error_code, error_message)


class DeliveryState(StrEnum):
    """Where an accepted message is (``eventCategoryType`` of the status call)."""

    QUEUED = "queued"  # EmailQueued: not yet processed
    SENT = "sent"  # EmailSent: handed to the email provider
    NOT_SENT = "not_sent"  # EmailNotSent: dropped, with a reason
    UNKNOWN = "unknown"  # a category this client does not know


@dataclass(frozen=True, slots=True)
class EmailRecipient:
    """One recipient of a send: address, contact key, personalization ``attributes`` and an
    optional ``message_key`` (derived with :func:`derive_message_key` when absent)."""

    to: str
    contact_key: str
    attributes: Mapping[str, Any] | None = None
    message_key: str | None = None


@dataclass(frozen=True, slots=True)
class SendResult:
    """The outcome of one recipient's send. ``accepted`` is true for ACCEPTED and ALREADY_SENT (one
    email is on its way either way); it never means delivered: ask :meth:`Sfmc.get_message_status`."""

    message_key: str
    to: str
    contact_key: str
    status: SendStatus
    request_id: str | None = None
    error_code: int | None = None
    error_message: str | None = None

    @property
    def accepted(self) -> bool:
        return self.status is not SendStatus.REJECTED


@dataclass(frozen=True, slots=True)
class MessageStatus:
    """The status call's answer: ``state`` (queued, sent, not sent), SFMC's ``event_category_type``
    and ``timestamp`` as given, the ``to``/``contact_key`` it was sent to, and ``reason`` when not sent."""

    message_key: str
    state: DeliveryState
    event_category_type: str
    timestamp: str | None = None
    to: str | None = None
    contact_key: str | None = None
    reason: str | None = None
    request_id: str | None = None

    @property
    def sent(self) -> bool:
        return self.state is DeliveryState.SENT


@dataclass(frozen=True, slots=True)
class TriggeredSendResult:
    """A triggered send's answer: queued (``accepted``) or refused with SFMC's ``messages``."""

    request_id: str | None
    recipient_send_id: str | None
    accepted: bool
    messages: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class UpsertResult:
    """Rows upserted into a data extension, and the calls it took (``ROWS_PER_CALL`` rows each)."""

    rows: int
    calls: int


class SfmcRequestError(ClientError):
    """400: SFMC refused the request. ``error_code`` and ``error_message`` are SFMC's (the
    response-level code, else the first per-recipient one)."""

    @property
    def error_code(self) -> int | None:
        return response_error(self.body)[0]

    @property
    def error_message(self) -> str | None:
        return response_error(self.body)[1]


def response_error(body: object) -> tuple[int | None, str | None]:
    """``(errorcode, message)`` of an SFMC answer: the top-level ones when not 0, else the first
    failing response's."""
    if not isinstance(body, dict):
        return None, None
    code, message = body.get("errorcode"), body.get("message")
    if isinstance(code, int) and code not in (0, RESPONSES_HAVE_ERRORS):
        return code, message if isinstance(message, str) else None
    for item in body.get("responses") or ():
        if isinstance(item, dict) and isinstance(item.get("errorcode"), int) and item["errorcode"]:
            text = item.get("message")
            return item["errorcode"], text if isinstance(text, str) else None
    if isinstance(code, int) and code:
        return code, message if isinstance(message, str) else None
    return None, message if isinstance(message, str) else None


def refused_request(error: HTTPStatusError, message: str) -> SfmcRequestError:
    """The error map's factory for 400: the message carries SFMC's code and text."""
    built = SfmcRequestError(
        message,
        status=error.status_code,
        body=error.body,
        method=error.method,
        url=error.url,
        service_name=error.service_name,
        headers=error.headers,
    )
    code, text = built.error_code, built.error_message
    if code is not None or text:
        built.message = f"{message}: {code} {text or ''}".rstrip()
        built.args = (built.message,)
    return built


class SfmcSettings(ApiSettings):
    """``VF_SFMC_*``: ``subdomain`` (the tenant's: ``https://<subdomain>.auth.marketingcloudapis.com``)
    or ``auth_base_url``, ``client_id``, ``client_secret`` (a secret), ``account_id`` (the business
    unit's MID), ``scope``; and the HTTP settings of every client."""

    model_config = SettingsConfigDict(env_prefix="VF_SFMC_")

    service_name: str = "sfmc"
    subdomain: str = ""
    auth_base_url: str = ""
    account_id: str | None = None
    renew_ratio: float = Field(default=0.9, gt=0, le=1)
    client_secret: SecretStr = SecretStr("")

    def resolved_auth_url(self) -> str:
        if self.auth_base_url:
            return self.auth_base_url
        if self.subdomain:
            return f"https://{self.subdomain}.auth.marketingcloudapis.com"
        return ""


# -- checks before any I/O --------------------------------------------------------------------------


def derive_message_key(campaign: str, recipient: str, template: str) -> str:
    """The message key of one email: ``vf-`` and 40 hex digits of the SHA-256 of campaign,
    recipient (contact key) and template (definition key). The same email always gets the same key,
    so a retried call or a replayed event is refused by SFMC as a duplicate instead of sent twice
    (within SFMC's 72-hour window of key uniqueness)."""
    for name, value in (("campaign", campaign), ("recipient", recipient), ("template", template)):
        if not isinstance(value, str) or not value.strip():
            raise ValidationError(f"sfmc: {name!r} of a message key must be a non-empty string")
    digest = hashlib.sha256(f"{campaign}\x1f{recipient}\x1f{template}".encode()).hexdigest()
    return f"vf-{digest[:40]}"


def check_text(name: str, value: object, *, limit: int | None = None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"sfmc: {name!r} must be a non-empty string")
    if limit is not None and len(value) > limit:
        raise ValidationError(f"sfmc: {name!r} is {len(value)} characters long (at most {limit})")
    return value


def check_address(value: object, name: str = "to") -> str:
    """An email address SFMC would take: one ``@`` with text on both sides, no space, ≤ 254."""
    text = check_text(name, value, limit=_MAX_ADDRESS).strip()
    local, at, domain = text.rpartition("@")
    if not at or not local or "." not in domain or _SPACE.search(text):
        raise ValidationError(f"sfmc: {name!r} is not an email address: {text!r}")
    return text


def check_attributes(value: object, name: str = "attributes") -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, Mapping) or not all(isinstance(k, str) and k for k in value):
        raise ValidationError(f"sfmc: {name!r} must be a mapping of attribute names to values")
    return dict(value)


def key_for(
    recipient: EmailRecipient, *, definition_key: str, campaign: str | None, message_key: str | None = None
) -> str:
    """The message key of a send: the one given, else derived from campaign, contact key and
    definition; with neither, ValidationError (a key made up per call would defeat idempotency)."""
    given = message_key if message_key is not None else recipient.message_key
    if given is not None:
        return check_text("message_key", given, limit=MAX_MESSAGE_KEY)
    if campaign is None:
        raise ValidationError("sfmc: pass campaign= (the message key is derived from it) or message_key=")
    return derive_message_key(campaign, recipient.contact_key, definition_key)


def recipient_body(recipient: EmailRecipient, key: str | None = None) -> dict[str, Any]:
    """The checked ``recipient`` object (``messageKey`` set for the multi-recipient send)."""
    out: dict[str, Any] = {
        "contactKey": check_text("contact_key", recipient.contact_key),
        "to": check_address(recipient.to),
    }
    if key is not None:
        out["messageKey"] = key
    attributes = check_attributes(recipient.attributes)
    if attributes:
        out["attributes"] = attributes
    return out


def parse_accepted(body: object, where: str) -> tuple[str | None, dict[str, tuple[int | None, str | None]]]:
    """``(requestId, {messageKey: (errorcode, message)})`` of a 202 (or a per-recipient 400)."""
    if not isinstance(body, dict):
        raise ResponseFormatError(f"{where}: the answer is not a JSON object")
    request_id = body.get("requestId")
    responses = body.get("responses")
    if not isinstance(responses, list):
        raise ResponseFormatError(f"{where}: the answer has no 'responses' list")
    out: dict[str, tuple[int | None, str | None]] = {}
    for item in responses:
        if not isinstance(item, dict) or not isinstance(item.get("messageKey"), str):
            raise ResponseFormatError(f"{where}: a response has no messageKey")
        code, message = item.get("errorcode"), item.get("message")
        out[item["messageKey"]] = (
            code if isinstance(code, int) and code else None,
            message if isinstance(message, str) else None,
        )
    return (request_id if isinstance(request_id, str) else None), out


def outcome(
    recipient: EmailRecipient, key: str, request_id: str | None, error: tuple[int | None, str | None]
) -> SendResult:
    """One recipient's :class:`SendResult` from its (errorcode, message)."""
    code, message = error
    if code is None:
        status = SendStatus.ACCEPTED
    elif code == DUPLICATE_MESSAGE_KEY:
        status = SendStatus.ALREADY_SENT
    else:
        status = SendStatus.REJECTED
    return SendResult(
        message_key=key,
        to=recipient.to,
        contact_key=recipient.contact_key,
        status=status,
        request_id=request_id,
        error_code=code,
        error_message=message,
    )


_STATES = {
    "EmailQueued": DeliveryState.QUEUED,
    "EmailSent": DeliveryState.SENT,
    "EmailNotSent": DeliveryState.NOT_SENT,
}


def parse_status(body: object, message_key: str, where: str) -> MessageStatus:
    """The status call's answer as a :class:`MessageStatus`."""
    if not isinstance(body, dict) or not isinstance(body.get("eventCategoryType"), str):
        raise ResponseFormatError(f"{where}: the answer has no eventCategoryType")
    category: str = body["eventCategoryType"]
    info = body.get("info") if isinstance(body.get("info"), dict) else {}
    assert isinstance(info, dict)

    def text(data: Mapping[str, Any], name: str) -> str | None:
        value = data.get(name)
        return value if isinstance(value, str) else None

    reason = text(info, "statusMessage") or text(info, "reason")
    return MessageStatus(
        message_key=text(info, "messageKey") or message_key,
        state=_STATES.get(category.rsplit(".", 1)[-1], DeliveryState.UNKNOWN),
        event_category_type=category,
        timestamp=text(body, "timestamp"),
        to=text(info, "to"),
        contact_key=text(info, "contactKey"),
        reason=reason,
        request_id=text(body, "requestId"),
    )


def parse_triggered(body: object, where: str) -> TriggeredSendResult:
    """``{requestId, responses: [{recipientSendId, hasErrors, messages}]}`` as a result."""
    if not isinstance(body, dict) or not isinstance(body.get("responses"), list) or not body["responses"]:
        raise ResponseFormatError(f"{where}: the answer has no 'responses'")
    first = body["responses"][0]
    if not isinstance(first, dict):
        raise ResponseFormatError(f"{where}: a response is not an object")
    messages = first.get("messages") if isinstance(first.get("messages"), list) else []
    assert isinstance(messages, list)
    request_id, send_id = body.get("requestId"), first.get("recipientSendId")
    return TriggeredSendResult(
        request_id=request_id if isinstance(request_id, str) else None,
        recipient_send_id=send_id if isinstance(send_id, str) else None,
        accepted=not bool(first.get("hasErrors")),
        messages=tuple(str(m) for m in messages),
    )
