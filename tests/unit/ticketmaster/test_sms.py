"""TmSms on its sandbox: E.164 before I/O, idempotent retries, waves with typed outcomes (issue 12)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from verifiedfan.errors import ResponseFormatError, ServerError, ValidationError
from verifiedfan.http import RetryPolicy
from verifiedfan.testing.sandbox import TmSmsApp, TmSmsSandbox
from verifiedfan.ticketmaster import (
    MAX_SEGMENTS,
    SmsEncoding,
    SmsRecipient,
    SmsStatus,
    SyncTmSms,
    TmSms,
    TmSmsSettings,
    default_idempotency_key,
    fill_template,
    segments_of,
)

FAST = RetryPolicy(max_retries=3, backoff_initial=0.01, backoff_max=0.05, retry_after_cap=2.0)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[TmSmsSandbox]:
    with TmSmsSandbox() as running:
        yield running


@pytest.fixture
async def sms(sandbox: TmSmsSandbox) -> AsyncIterator[TmSms]:
    sandbox.reset()
    client = TmSms(
        base_url=sandbox.url,
        integrator_id="verifiedfan",
        client_id=TmSmsApp.client_id,
        client_secret=TmSmsApp.client_secret,
        sender_id="VerifiedFan",
        retry=FAST,
    )
    async with client:
        yield client


# -- segments (3GPP TS 23.038 and the usual 160/153, 70/67 figures) ---------------------------------


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("a" * 160, (SmsEncoding.GSM7, 1)),
        ("a" * 161, (SmsEncoding.GSM7, 2)),
        ("a" * 306, (SmsEncoding.GSM7, 2)),
        ("a" * 307, (SmsEncoding.GSM7, 3)),
        ("€" * 80, (SmsEncoding.GSM7, 1)),  # the extension table costs two septets each
        ("€" * 81, (SmsEncoding.GSM7, 2)),
        ("Ça coûte 5 €", (SmsEncoding.UCS2, 1)),  # û is not in the GSM alphabet
        ("é" * 160, (SmsEncoding.GSM7, 1)),  # é is
        ("ü" * 70 + "ç", (SmsEncoding.UCS2, 2)),
        ("🎫" * 35, (SmsEncoding.UCS2, 1)),  # a surrogate pair is two UTF-16 units
        ("🎫" * 36, (SmsEncoding.UCS2, 2)),
    ],
)
def test_segments_follow_gsm7_and_ucs2_sizes(message: str, expected: tuple[SmsEncoding, int]) -> None:
    assert segments_of(message) == expected


def test_template_fills_names_only_and_names_what_is_missing() -> None:
    filled = fill_template("Hi {first_name}, code {code}", {"first_name": "Zoë", "code": 42})
    assert filled == "Hi Zoë, code 42"
    with pytest.raises(ValidationError, match=r"\['code'\]"):
        fill_template("Hi {first_name}, code {code}", {"first_name": "Zoë"})
    assert fill_template("{x.__class__}", {"x": 1}) == "{x.__class__}"  # no attribute access


def test_default_key_is_sha256_of_recipient_and_message() -> None:
    import hashlib

    key = default_idempotency_key("+33612345678", "hello")
    assert key == "sms-" + hashlib.sha256(b"+33612345678\x00hello").hexdigest()
    assert key != default_idempotency_key("+33612345678", "hello!")


# -- send_sms --------------------------------------------------------------------------------------


async def test_send_sms_puts_the_number_in_e164_and_sends_once(sandbox: TmSmsSandbox, sms: TmSms) -> None:
    sent = await sms.send_sms("06 12 34 56 78", "Votre code : 1234", region="FR")
    assert (sent.to, sent.status, sent.segments, sent.duplicate) == ("+33612345678", "accepted", 1, False)
    again = await sms.send_sms("+33 6 12 34 56 78", "Votre code : 1234")  # same number, same text
    assert again.duplicate is True
    assert again.message_id == sent.message_id
    outbox = sandbox.outbox()
    assert [(m["to"], m["message"], m["senderId"]) for m in outbox] == [
        ("+33612345678", "Votre code : 1234", "VerifiedFan")
    ]
    assert sandbox.stats()["duplicates"] == 1
    entry = sandbox.journal(route="/sms/v1/messages")[0]
    assert entry.headers["idempotency-key"] == sent.idempotency_key
    assert entry.headers["x-integrator-id"] == "verifiedfan"


async def test_a_retried_send_after_a_dropped_answer_is_not_sent_twice(
    sandbox: TmSmsSandbox, sms: TmSms
) -> None:
    sandbox.inject("503", "reset")
    sent = await sms.send_sms("(201) 555-0123", "Presale opens at 10am")
    assert sent.to == "+12015550123"
    assert len(sandbox.outbox()) == 1
    assert sandbox.stats()["api_requests"] == 3


@pytest.mark.parametrize(
    ("to", "message", "match"),
    [
        ("not a number", "hello", "not a phone number"),
        ("", "hello", "non-empty phone number"),
        ("+33612345678", "", "non-empty string"),
        ("+33612345678", "   ", "non-empty string"),
        ("+33612345678", "a" * (153 * MAX_SEGMENTS + 1), "segments"),
    ],
)
async def test_bad_input_is_refused_before_any_io(
    sandbox: TmSmsSandbox, sms: TmSms, to: str, message: str, match: str
) -> None:
    with pytest.raises(ValidationError, match=match):
        await sms.send_sms(to, message)
    assert sandbox.stats().get("api_requests", 0) == 0
    assert sandbox.stats().get("token_requests", 0) == 0


async def test_server_errors_and_bad_answers_are_typed(sandbox: TmSmsSandbox, sms: TmSms) -> None:
    sandbox.inject("503", "503", "503", "503")
    with pytest.raises(ServerError, match=r"/sms/v1/messages returned 503"):
        await sms.send_sms("+12015550123", "one")
    await sms.send_sms("+12015550123", "two")
    sandbox.inject("malformed")  # the replayed answer (a 200) comes back with the wrong shape
    with pytest.raises(ResponseFormatError, match="messageId"):
        await sms.send_sms("+12015550123", "two")


# -- send_wave -------------------------------------------------------------------------------------


async def test_a_wave_gives_one_typed_outcome_per_recipient(sandbox: TmSmsSandbox, sms: TmSms) -> None:
    recipients = [
        SmsRecipient("+12015550123", {"first_name": "Jane", "code": "AB12"}),
        SmsRecipient("nope", {"first_name": "Bad", "code": "X"}),
        SmsRecipient("+33612345678", {"first_name": "François"}),  # no code
        SmsRecipient("323-234-5678", {"first_name": "Sam", "code": "CD34"}),
    ]
    outcomes = await sms.send_wave(recipients, "Hi {first_name}, your code is {code}", rate_per_second=1000)
    assert [o.status for o in outcomes] == [
        SmsStatus.SENT,
        SmsStatus.INVALID_NUMBER,
        SmsStatus.FAILED,
        SmsStatus.SENT,
    ]
    assert [o.recipient for o in outcomes] == recipients
    assert isinstance(outcomes[1].error, ValidationError)
    assert isinstance(outcomes[2].error, ValidationError)
    assert "code" in str(outcomes[2].error)
    assert sorted((m["to"], m["message"]) for m in sandbox.outbox()) == [
        ("+12015550123", "Hi Jane, your code is AB12"),
        ("+13232345678", "Hi Sam, your code is CD34"),
    ]
    assert sandbox.stats()["api_requests"] == 2  # the bad ones cost no call


async def test_a_wave_is_paced_under_the_sandbox_rate_limit(sandbox: TmSmsSandbox, sms: TmSms) -> None:
    sandbox.set_faults(rate_limit=5, rate_limit_window=1.0)
    try:
        numbers = [f"+1201555{n:04d}" for n in range(8)]
        outcomes = await sms.send_wave(numbers, "Doors open at 7pm", concurrency=8, rate_per_second=4)
    finally:
        sandbox.set_faults(rate_limit=0)
    assert all(o.ok for o in outcomes)
    assert sandbox.stats().get("rate_limited", 0) == 0
    assert len(sandbox.outbox()) == 8


def test_the_sync_twin_sends_and_dedups(sandbox: TmSmsSandbox) -> None:
    sandbox.reset()
    settings = TmSmsSettings(
        base_url=sandbox.url,
        integrator_id="verifiedfan",
        client_id=TmSmsApp.client_id,
        client_secret=TmSmsApp.client_secret,
    )
    with SyncTmSms.from_settings(settings) as sms:
        first = sms.send_sms("+12015550123", "sync hello")
        outcomes = sms.send_wave(["+12015550123", "x"], "sync hello")
    assert outcomes[0].ok
    assert outcomes[0].result is not None
    assert outcomes[0].result.duplicate
    assert outcomes[0].result.message_id == first.message_id
    assert outcomes[1].status is SmsStatus.INVALID_NUMBER
    assert len(sandbox.outbox()) == 1
