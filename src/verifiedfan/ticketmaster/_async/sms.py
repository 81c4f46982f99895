"""``TmSms``: single messages and paced waves, never sent twice.

Everything that can be wrong with a message is found before any I/O: the recipient goes through
:func:`verifiedfan.normalizers.phone` into E.164, the text must be non-empty and fit
:data:`MAX_SEGMENTS` segments. Each send carries an ``Idempotency-Key`` (by default the SHA-256 of
recipient and text), so the HTTP core may retry the POST after a 5xx, a 429 or a dropped connection
and the API still delivers one message.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from verifiedfan.errors import ConfigurationError, ResponseFormatError, ValidationError, VFError
from verifiedfan.http import ApiClient, OAuth2ClientCredentials
from verifiedfan.http._api._concurrency import async_gather_ordered
from verifiedfan.ticketmaster._async.regional import INTEGRATOR_HEADER
from verifiedfan.ticketmaster._pace import AsyncPacer
from verifiedfan.ticketmaster._sms import (
    SmsOutcome,
    SmsRecipient,
    SmsResult,
    SmsStatus,
    TmSmsSettings,
    check_message,
    default_idempotency_key,
    fill_template,
    to_e164,
)

__all__ = ["TmSms"]

REPLAYED_HEADER = "idempotent-replayed"  # set by the API when the key was already used (as Stripe does)


class TmSms(ApiClient):
    """The Ticketmaster SMS API::

        async with TmSms(base_url=url, integrator_id="verifiedfan",
                         client_id=cid, client_secret=secret) as sms:
            sent = await sms.send_sms("06 12 34 56 78", "Your code: 1234", region="FR")
            outcomes = await sms.send_wave(recipients, "Hi {first_name}, your code is {code}")

    ``client_id``/``client_secret`` get OAuth2 client-credentials tokens from ``token_url``
    (default ``<base_url>/oauth/token``); pass ``auth=`` for another scheme. The other keyword
    arguments are those of :class:`~verifiedfan.http.ApiClient`.
    """

    service_name: ClassVar[str] = "tm_sms"
    settings_class = TmSmsSettings

    def __init__(
        self,
        *,
        base_url: str,
        integrator_id: str,
        client_id: str | None = None,
        client_secret: str | None = None,
        token_url: str | None = None,
        sender_id: str | None = None,
        default_region: str = "US",
        **client: Any,
    ) -> None:
        if not isinstance(integrator_id, str) or not integrator_id.strip():
            raise ConfigurationError("tm_sms: integrator_id is required (it travels on every call)")
        if not base_url:
            raise ConfigurationError("tm_sms: base_url is required")
        headers = {**dict(client.pop("headers", None) or {}), INTEGRATOR_HEADER: integrator_id}
        super().__init__(base_url=base_url, headers=headers, **client)
        self.integrator_id = integrator_id
        self.sender_id = sender_id
        self.default_region = default_region
        self._own_token: OAuth2ClientCredentials | None = None
        if self._auth is None and client_id and client_secret:
            self._own_token = OAuth2ClientCredentials(
                token_url=token_url or f"{self.base_url}/oauth/token",
                client_id=client_id,
                client_secret=client_secret,
                http=self.http,
            )
            self._auth = self._own_token

    @classmethod
    def settings_kwargs(cls, settings: Any) -> dict[str, Any]:
        if not isinstance(settings, TmSmsSettings):
            raise ConfigurationError("TmSms.from_settings takes a TmSmsSettings")
        return {
            "base_url": settings.resolved_base_url(),
            "integrator_id": settings.integrator_id,
            "client_id": settings.client_id or None,
            "client_secret": settings.client_secret.get_secret_value() or None,
            "token_url": settings.token_url or None,
            "sender_id": settings.sender_id,
            "default_region": settings.default_region,
            "timeouts": settings.timeouts(),
            "limits": settings.limits(),
            "retry": settings.retry_policy(),
            "max_in_flight": settings.max_in_flight,
        }

    async def send_sms(
        self,
        to: str,
        message: str,
        *,
        sender_id: str | None = None,
        idempotency_key: str | None = None,
        region: str | None = None,
    ) -> SmsResult:
        """Send ``message`` to ``to`` (any form the phone normalizer reads; a national number is read
        in ``region``, default the client's). ValidationError before any I/O for a bad number, an
        empty text or one longer than the segment cap. Repeating the call with the same recipient
        and text (or the same ``idempotency_key``) does not send a second message."""
        e164 = to_e164(to, region=region or self.default_region)
        encoding, segments = check_message(message)
        if idempotency_key is not None and (not isinstance(idempotency_key, str) or not idempotency_key):
            raise ValidationError("idempotency_key must be a non-empty string")
        key = idempotency_key or default_idempotency_key(e164, message)
        payload: dict[str, Any] = {"to": e164, "message": message}
        sender = sender_id or self.sender_id
        if sender:
            payload["senderId"] = sender
        route = "/sms/v1/messages"
        response = await self._call("POST", route, json=payload, idempotency_key=key)
        where = f"{self.service_name} {route}"
        body = response.json() if response.content else None
        if not isinstance(body, dict) or not isinstance(body.get("messageId"), str):
            raise ResponseFormatError(f"{where}: the answer has no messageId")
        status = body.get("status", "accepted")
        if not isinstance(status, str):
            raise ResponseFormatError(f"{where}: status is not a string")
        return SmsResult(
            message_id=body["messageId"],
            to=e164,
            status=status,
            segments=segments,
            encoding=encoding,
            idempotency_key=key,
            duplicate=response.headers.get(REPLAYED_HEADER, "").lower() == "true",
        )

    async def send_wave(
        self,
        recipients: Iterable[SmsRecipient | str],
        template: str,
        *,
        concurrency: int = 8,
        rate_per_second: float = 10.0,
        sender_id: str | None = None,
    ) -> list[SmsOutcome]:
        """Send ``template``, filled with each recipient's variables, to every recipient:
        ``concurrency`` sends in flight, at most ``rate_per_second`` started per second. One outcome
        per recipient, in order: SENT, INVALID_NUMBER, or FAILED with the typed error (a missing
        template variable, a message too long, a refused call). Invalid ones cost no API call."""
        if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
            raise ValidationError("concurrency must be an integer >= 1")
        if not isinstance(template, str) or not template.strip():
            raise ValidationError("the template must be a non-empty string")
        pacer = AsyncPacer(rate_per_second)
        items = [r if isinstance(r, SmsRecipient) else SmsRecipient(to=r) for r in recipients]

        async def one(recipient: SmsRecipient) -> SmsOutcome:
            try:
                e164 = to_e164(recipient.to, region=self.default_region)
            except ValidationError as exc:
                return SmsOutcome(recipient, SmsStatus.INVALID_NUMBER, error=exc)
            try:
                text = fill_template(template, recipient.variables)
                check_message(text)
                await pacer.wait()
                result = await self.send_sms(e164, text, sender_id=sender_id)
            except VFError as exc:
                return SmsOutcome(recipient, SmsStatus.FAILED, error=exc)
            return SmsOutcome(recipient, SmsStatus.SENT, result=result)

        return await async_gather_ordered(one, items, concurrency)

    async def aclose(self) -> None:
        if self._own_token is not None:
            await self._own_token.aclose()
        await super().aclose()
