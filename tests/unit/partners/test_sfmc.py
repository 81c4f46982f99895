"""Salesforce Marketing Cloud on its sandbox: token, idempotent sends, chunking, status, triggered
sends, data extensions, checks before I/O, secrets (issue 15)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import httpx
import pytest

from verifiedfan.errors import (
    ConfigurationError,
    NotFoundError,
    ServerError,
    UnauthorizedError,
    ValidationError,
)
from verifiedfan.http import RetryPolicy
from verifiedfan.log import capture_logs
from verifiedfan.partners import (
    DUPLICATE_MESSAGE_KEY,
    DeliveryState,
    EmailRecipient,
    SendResult,
    SendStatus,
    Sfmc,
    SfmcRequestError,
    SfmcSettings,
    SyncSfmc,
    derive_message_key,
)
from verifiedfan.partners._sfmc_models import outcome, parse_accepted, parse_status
from verifiedfan.testing.sandbox import SfmcSandbox, sandbox_fixture

sfmc_sandbox = sandbox_fixture(SfmcSandbox)

SEND_ONE = "/messaging/v1/email/messages/{message_key}"
SEND_MANY = "/messaging/v1/email/messages"


async def _no_wait(seconds: float) -> None:
    return None


NO_WAIT = RetryPolicy(max_retries=3, retry_after_cap=30.0, sleep=_no_wait, jitter=lambda: 0.0)


def make(sandbox: SfmcSandbox, **options: object) -> Sfmc:
    kwargs: dict[str, object] = {
        "client_id": sandbox.client_id,
        "client_secret": sandbox.client_secret,
        "auth_base_url": sandbox.url,
        "account_id": sandbox.account_id,
        "retry": NO_WAIT,
    }
    kwargs.update(options)
    return Sfmc(**kwargs)  # type: ignore[arg-type]


@pytest.fixture
async def sfmc(sfmc_sandbox: SfmcSandbox) -> AsyncIterator[Sfmc]:
    async with make(sfmc_sandbox) as client:
        yield client


# -- token --------------------------------------------------------------------------------------------


async def test_token_request_is_sfmc_json_and_calls_go_to_the_rest_instance_url(
    sfmc_sandbox: SfmcSandbox,
) -> None:
    # the auth host is reached as "localhost", the rest_instance_url the sandbox names is 127.0.0.1:
    # the send must go where the token answer says, not to the auth host
    auth_host = sfmc_sandbox.url.replace("127.0.0.1", "localhost")
    async with make(sfmc_sandbox, auth_base_url=auth_host, scope="email_send") as client:
        sent = await client.send_transactional_email("presale", "fan@example.com", "fan-1", campaign="c1")
        assert client.token.answer is not None
        assert client.token.answer.body["rest_instance_url"] == f"{sfmc_sandbox.url}/"
        assert await client.rest_url() == sfmc_sandbox.url
    assert sent.status is SendStatus.ACCEPTED
    token = sfmc_sandbox.journal(route="/v2/token")
    assert len(token) == 1
    assert token[0].headers["host"] == auth_host.removeprefix("http://")
    assert token[0].headers["content-type"] == "application/json"
    assert token[0].json() == {
        "grant_type": "client_credentials",
        "account_id": sfmc_sandbox.account_id,
        "scope": "email_send",
        "client_id": sfmc_sandbox.client_id,
        "client_secret": "[REDACTED]",
    }
    send = sfmc_sandbox.journal(route=SEND_ONE)
    assert send[0].headers["host"] == sfmc_sandbox.url.removeprefix("http://")
    assert send[0].headers["authorization"] == "Bearer [REDACTED]"


async def test_concurrent_first_calls_share_one_token_request(sfmc: Sfmc, sfmc_sandbox: SfmcSandbox) -> None:
    results = await asyncio.gather(
        *(
            sfmc.send_transactional_email("presale", f"fan{i}@example.com", f"fan-{i}", campaign="c-flight")
            for i in range(20)
        )
    )
    assert {r.status for r in results} == {SendStatus.ACCEPTED}
    assert sfmc_sandbox.stats()["token_requests"] == 1
    assert sfmc.token.fetch_count == 1


async def test_the_token_is_renewed_before_it_expires(sfmc_sandbox: SfmcSandbox) -> None:
    sfmc_sandbox.set_faults(token_ttl=30)  # expires_in 30 s
    async with make(sfmc_sandbox, renew_ratio=0.002) as client:  # renewed 0.06 s after it was fetched
        await client.send_transactional_email("presale", "a@example.com", "a", campaign="c-renew")
        first, fetched = client.token.answer, client.token.fetch_count
        await asyncio.sleep(0.1)
        await client.send_transactional_email("presale", "b@example.com", "b", campaign="c-renew")
        assert client.token.fetch_count > fetched
        assert client.token.answer is not first
        assert sfmc_sandbox.stats()["token_requests"] == client.token.fetch_count
    # renewed early, 30 s before it expired: the old token was never refused
    assert [e.status for e in sfmc_sandbox.journal(route=SEND_ONE)] == [202, 202]


async def test_callers_at_the_renewal_point_share_one_renewal(sfmc_sandbox: SfmcSandbox) -> None:
    now = [1000.0]
    async with make(sfmc_sandbox, clock=lambda: now[0]) as client:
        await client.send_transactional_email("presale", "a@example.com", "a", campaign="c-share")
        assert client.token.fetch_count == 1
        now[0] += 0.9 * 1080 + 1  # past the renewal point (90 % of SFMC's 1,080 s), not yet expired
        results = await asyncio.gather(
            *(
                client.send_transactional_email("presale", f"f{i}@example.com", f"f{i}", campaign="c-share")
                for i in range(20)
            )
        )
        assert client.token.fetch_count == 2  # twenty callers, one renewal
    assert {r.status for r in results} == {SendStatus.ACCEPTED}
    assert sfmc_sandbox.stats()["token_requests"] == 2


async def test_bad_credentials_raise_without_the_secret(sfmc_sandbox: SfmcSandbox) -> None:
    async with make(sfmc_sandbox, client_secret="wrong-secret-value") as client:
        with pytest.raises(UnauthorizedError) as caught:
            await client.send_transactional_email("presale", "fan@example.com", "fan-1", campaign="c")
    assert "wrong-secret-value" not in str(caught.value)
    assert "wrong-secret-value" not in repr(client)
    assert sfmc_sandbox.journal(route=SEND_ONE) == []


# -- one recipient ------------------------------------------------------------------------------------


async def test_send_uses_the_documented_body_and_a_derived_key(sfmc: Sfmc, sfmc_sandbox: SfmcSandbox) -> None:
    sent = await sfmc.send_transactional_email(
        "presale-code",
        "Fan@Example.com",
        "fan-42",
        {"FirstName": "Ada", "PresaleCode": "7KQ2MX4P"},
        campaign="tour-2027",
    )
    key = derive_message_key("tour-2027", "fan-42", "presale-code")
    assert sent == SendResult(
        message_key=key,
        to="Fan@Example.com",
        contact_key="fan-42",
        status=SendStatus.ACCEPTED,
        request_id=sent.request_id,
    )
    assert sent.accepted
    assert sent.request_id
    entry = sfmc_sandbox.journal(route=SEND_ONE)[0]
    assert entry.path == f"/messaging/v1/email/messages/{key}"
    # the documented single-recipient body (sendMessageSingleRecipient)
    assert entry.json() == {
        "definitionKey": "presale-code",
        "recipient": {
            "contactKey": "fan-42",
            "to": "Fan@Example.com",
            "attributes": {"FirstName": "Ada", "PresaleCode": "[REDACTED]"},  # the journal hides codes
        },
    }
    [mail] = sfmc_sandbox.outbox()
    assert (mail["messageKey"], mail["to"], mail["attributes"]) == (
        key,
        "Fan@Example.com",
        {"FirstName": "Ada", "PresaleCode": "7KQ2MX4P"},
    )


async def test_a_replayed_send_is_already_sent_not_sent_twice(sfmc: Sfmc, sfmc_sandbox: SfmcSandbox) -> None:
    first = await sfmc.send_transactional_email("presale", "fan@example.com", "fan-1", campaign="c-replay")
    async with make(sfmc_sandbox) as restarted:  # a consumer restarted mid-run replays the event
        again = await restarted.send_transactional_email(
            "presale", "fan@example.com", "fan-1", {"PresaleCode": "OTHER"}, campaign="c-replay"
        )
    assert first.status is SendStatus.ACCEPTED
    assert again.status is SendStatus.ALREADY_SENT
    assert again.accepted
    assert again.message_key == first.message_key
    assert again.error_code == DUPLICATE_MESSAGE_KEY
    assert again.error_message == "MCMS_UTM_Validation_DuplicateMessageKey"
    assert len(sfmc_sandbox.outbox()) == 1
    assert sfmc_sandbox.stats()["duplicates"] == 1


async def test_a_5xx_is_retried_and_sends_once(sfmc: Sfmc, sfmc_sandbox: SfmcSandbox) -> None:
    await sfmc.rest_url()
    sfmc_sandbox.inject("503", "502")
    sent = await sfmc.send_transactional_email("presale", "fan@example.com", "fan-1", campaign="c-5xx")
    assert sent.status is SendStatus.ACCEPTED
    assert [e.status for e in sfmc_sandbox.journal(route=SEND_ONE)] == [503, 502, 202]
    assert len(sfmc_sandbox.outbox()) == 1


async def test_other_refusals_raise_the_typed_error(sfmc: Sfmc, sfmc_sandbox: SfmcSandbox) -> None:
    await sfmc.rest_url()
    # a refusal our checks cannot see before I/O: the 400 SFMC answers for a missing definition
    with pytest.raises(SfmcRequestError, match="109107 MCMS_UTM_Validation_MissingRequiredField") as caught:
        await sfmc._call_json(
            "POST",
            "/messaging/v1/email/messages/{messageKey}",
            url=f"{sfmc_sandbox.url}/messaging/v1/email/messages/k1",
            json={"recipient": {"contactKey": "a", "to": "a@example.com"}},
        )
    assert caught.value.status == 400
    assert caught.value.error_code == 109107


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        (("presale", "not-an-address", "fan-1"), {"campaign": "c"}, "not an email address"),
        (("presale", "fan@example.com", "fan-1"), {}, "pass campaign="),
        (("presale", "fan@example.com", ""), {"campaign": "c"}, "'contact_key' must be"),
        (("", "fan@example.com", "fan-1"), {"campaign": "c"}, "'definition_key' must be"),
        (("presale", "fan@example.com", "fan-1"), {"message_key": "k" * 101}, "at most 100"),
        (("presale", "fan@example.com", "fan-1", {1: "x"}), {"campaign": "c"}, "attribute names"),
    ],
)
async def test_bad_input_is_refused_before_any_io(
    sfmc: Sfmc, sfmc_sandbox: SfmcSandbox, args: tuple[object, ...], kwargs: dict[str, object], match: str
) -> None:
    with pytest.raises(ValidationError, match=match):
        await sfmc.send_transactional_email(*args, **kwargs)  # type: ignore[arg-type]
    assert sfmc_sandbox.journal() == []  # not even a token request


def test_message_keys_are_stable_and_distinct() -> None:
    key = derive_message_key("tour-2027", "fan-1", "presale")
    assert key == derive_message_key("tour-2027", "fan-1", "presale")
    assert len(key) <= 100
    assert key.startswith("vf-")
    others = {
        derive_message_key("tour-2028", "fan-1", "presale"),
        derive_message_key("tour-2027", "fan-2", "presale"),
        derive_message_key("tour-2027", "fan-1", "reminder"),
    }
    assert len(others) == 3
    assert key not in others
    with pytest.raises(ValidationError, match="'recipient'"):
        derive_message_key("tour", " ", "presale")


# -- many recipients ----------------------------------------------------------------------------------


async def test_many_recipients_are_chunked_at_the_documented_limits(
    sfmc: Sfmc, sfmc_sandbox: SfmcSandbox
) -> None:
    plain = [EmailRecipient(f"fan{i}@example.com", f"fan-{i}") for i in range(4500)]
    results = await sfmc.send_transactional_emails("presale", plain, campaign="c-many")
    sizes = [len(e.json()["recipients"]) for e in sfmc_sandbox.journal(route=SEND_MANY)]
    assert sorted(sizes) == [500, 2000, 2000]  # the chunks go concurrently
    assert [r.contact_key for r in results] == [f"fan-{i}" for i in range(4500)]
    assert {r.status for r in results} == {SendStatus.ACCEPTED}
    assert len({r.message_key for r in results}) == 4500
    sfmc_sandbox.reset()
    personal = [
        EmailRecipient(f"fan{i}@example.com", f"fan-{i}", {"PresaleCode": str(i)}) for i in range(1200)
    ]
    await sfmc.send_transactional_emails("presale", personal, campaign="c-attrs")
    # 500 with attributes (the documented advice)
    sizes = [len(e.json()["recipients"]) for e in sfmc_sandbox.journal(route=SEND_MANY)]
    assert sorted(sizes) == [200, 500, 500]
    first = [
        e.json()
        for e in sfmc_sandbox.journal(route=SEND_MANY)
        if e.json()["recipients"][0]["contactKey"] == "fan-0"
    ]
    assert first[0]["recipients"][0] == {
        "contactKey": "fan-0",
        "to": "fan0@example.com",
        "messageKey": derive_message_key("c-attrs", "fan-0", "presale"),
        "attributes": {"PresaleCode": "[REDACTED]"},
    }
    with pytest.raises(ValidationError, match="between 1 and 500"):
        await sfmc.send_transactional_emails("presale", personal, campaign="c-attrs", chunk_size=501)


async def test_a_resent_batch_sends_only_what_was_not_sent(sfmc: Sfmc, sfmc_sandbox: SfmcSandbox) -> None:
    fans = [EmailRecipient(f"fan{i}@example.com", f"fan-{i}") for i in range(10)]
    await sfmc.send_transactional_emails("presale", fans[:4], campaign="c-resend")
    again = await sfmc.send_transactional_emails("presale", [*fans, fans[0]], campaign="c-resend")
    assert [r.status for r in again] == [SendStatus.ALREADY_SENT] * 4 + [SendStatus.ACCEPTED] * 6 + [
        SendStatus.ALREADY_SENT
    ]
    assert again[-1].error_message == "repeated in this call"  # no second request entry for it
    assert len(sfmc_sandbox.outbox()) == 10
    assert sfmc_sandbox.stats()["duplicates"] == 4
    assert sum(len(e.json()["recipients"]) for e in sfmc_sandbox.journal(route=SEND_MANY)) == 4 + 10


def test_the_documented_mixed_answer_reads_as_typed_results() -> None:
    # "Example Response: Mixed Responses" of POST /messaging/v1/email/messages/ (SFMC reference)
    documented = json.loads(
        """{"requestId": "c261d918-e99e-460c-94dc-3bbfda154c88", "errorcode": 109001,
            "message": "MCMS_UTM_ResponsesHasErrors: 1 subscribers failed to queue out of 2",
            "responses": [
              {"messageKey": "gHQ3VLsfCEOuAC2sl-CV1Q", "errorcode": 109106,
               "message": "MCMS_UTM_Validation_MissingRequiredField_to: Invalid subscriber"},
              {"messageKey": "oixAQE_zFUyr8bT8sJncdw"}]}"""
    )
    request_id, per_key = parse_accepted(documented, "test")
    assert request_id == "c261d918-e99e-460c-94dc-3bbfda154c88"
    failed = outcome(
        EmailRecipient("", "r1"), "gHQ3VLsfCEOuAC2sl-CV1Q", request_id, per_key["gHQ3VLsfCEOuAC2sl-CV1Q"]
    )
    ok = outcome(
        EmailRecipient("r2@example.com", "r2"),
        "oixAQE_zFUyr8bT8sJncdw",
        request_id,
        per_key["oixAQE_zFUyr8bT8sJncdw"],
    )
    assert (failed.status, failed.error_code, failed.accepted) == (SendStatus.REJECTED, 109106, False)
    assert (ok.status, ok.error_code) == (SendStatus.ACCEPTED, None)
    # "Example Response: Sent Status" of GET /messaging/v1/email/messages/{messageKey}
    status = parse_status(
        {
            "requestId": "77431635-1b6b-44db-a16d-420361a43dc1",
            "eventCategoryType": "TransactionalSendEvents.EmailSent",
            "timestamp": "2018-08-03T13:41:18.55",
            "compositeId": "1F3631D4-5497-E811-80E4-1402EC6B9540.214435.228431.1.231481617",
            "info": {
                "messageKey": "bcX0qaEp0USGciEnUJTW0w",
                "contactKey": "66d756bb-00b1-4547-a413-b6cf63f91a4d",
                "to": "recipient1@example.com",
            },
        },
        "bcX0qaEp0USGciEnUJTW0w",
        "test",
    )
    assert status.sent
    assert status.state is DeliveryState.SENT
    assert status.to == "recipient1@example.com"


# -- status, triggered sends, data extensions ---------------------------------------------------------


async def test_accepted_is_not_delivered_until_the_status_says_so(sfmc_sandbox: SfmcSandbox) -> None:
    with SfmcSandbox(delivery_delay=60.0) as slow:
        async with make(slow) as client:
            sent = await client.send_transactional_email("presale", "fan@example.com", "fan-1", campaign="c")
            queued = await client.get_message_status(sent.message_key)
    assert sent.status is SendStatus.ACCEPTED
    assert (queued.state, queued.sent) == (DeliveryState.QUEUED, False)
    assert queued.event_category_type == "TransactionalSendEvents.EmailQueued"
    async with make(sfmc_sandbox) as client:
        ok = await client.send_transactional_email("presale", "fan@example.com", "fan-1", campaign="c")
        bad = await client.send_transactional_email("presale", "x@undeliverable.example", "x", campaign="c")
        assert (await client.get_message_status(ok.message_key)).state is DeliveryState.SENT
        dropped = await client.get_message_status(bad.message_key)
        assert (dropped.state, dropped.reason) == (DeliveryState.NOT_SENT, "Invalid address")
        with pytest.raises(NotFoundError):
            await client.get_message_status("never-sent")


async def test_triggered_send_body_and_no_retry(sfmc: Sfmc, sfmc_sandbox: SfmcSandbox) -> None:
    sent = await sfmc.triggered_send(
        "welcome",
        "fan@example.com",
        "fan-1",
        {"FirstName": "Ada"},
        from_address="vf@example.com",
        from_name="VF",
    )
    assert sent.accepted
    assert sent.recipient_send_id
    assert sent.messages == ("Queued",)
    entry = sfmc_sandbox.journal(route="/messaging/v1/messageDefinitionSends/{ref}/send")[0]
    assert entry.path == "/messaging/v1/messageDefinitionSends/key:welcome/send"
    # the documented body (messageDefinitionSends)
    assert entry.json() == {
        "To": {
            "Address": "fan@example.com",
            "SubscriberKey": "fan-1",
            "ContactAttributes": {"SubscriberAttributes": {"FirstName": "Ada"}},
        },
        "From": {"Address": "vf@example.com", "Name": "VF"},
    }
    sfmc_sandbox.inject("503")
    with pytest.raises(ServerError):
        await sfmc.triggered_send("welcome", "fan@example.com", "fan-1")
    assert len(sfmc_sandbox.journal(route="/messaging/v1/messageDefinitionSends/{ref}/send")) == 2
    assert len(sfmc_sandbox.triggered()) == 1


async def test_data_extension_rows_are_upserted_in_chunks(sfmc: Sfmc, sfmc_sandbox: SfmcSandbox) -> None:
    rows = [{"FanId": f"fan-{i}", "Tier": f"T{i}", "Email": f"fan{i}@example.com"} for i in range(120)]
    result = await sfmc.upsert_data_extension_rows("presale-export", rows, primary_keys=["FanId"])
    assert (result.rows, result.calls) == (120, 3)
    calls = sfmc_sandbox.journal(route="/hub/v1/dataevents/{ref}/rowset")
    assert [len(e.json()) for e in calls] == [50, 50, 20]
    assert calls[0].json()[0] == {
        "keys": {"FanId": "fan-0"},
        "values": {"Tier": "T0", "Email": "fan0@example.com"},
    }
    await sfmc.upsert_data_extension_rows(
        "presale-export", [{"FanId": "fan-0", "Tier": "NEW"}], primary_keys=["FanId"]
    )
    table = {r["FanId"]: r for r in sfmc_sandbox.data_extension("presale-export")}
    assert len(table) == 120
    assert table["fan-0"] == {"FanId": "fan-0", "Tier": "NEW", "Email": "fan0@example.com"}
    with pytest.raises(ValidationError, match=r"rows\[1\] lacks primary key"):
        await sfmc.upsert_data_extension_rows("x", [{"FanId": "a"}, {"Tier": "b"}], primary_keys=["FanId"])


# -- secrets, settings, sync twin ---------------------------------------------------------------------


async def test_no_secret_in_logs_errors_or_repr(sfmc_sandbox: SfmcSandbox) -> None:
    with capture_logs("debug") as logs:
        async with make(sfmc_sandbox) as client:
            await client.send_transactional_email("presale", "fan@example.com", "fan-1", campaign="c-log")
            assert client.token.answer is not None
            token = client.token.answer.value
            sfmc_sandbox.inject("401", "401")
            with pytest.raises(UnauthorizedError) as caught:
                await client.send_transactional_email("presale", "b@example.com", "b", campaign="c-log")
    assert logs.lines
    for secret in (sfmc_sandbox.client_secret, token):
        assert secret not in logs.text
        assert secret not in str(caught.value)
        assert secret not in repr(caught.value)
        assert secret not in repr(client)
        assert secret not in repr(client.token)


def test_settings_build_the_client(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VF_SFMC_SUBDOMAIN", "mc123abc")
    monkeypatch.setenv("VF_SFMC_CLIENT_ID", "cid")
    monkeypatch.setenv("VF_SFMC_CLIENT_SECRET", "csecret")
    monkeypatch.setenv("VF_SFMC_ACCOUNT_ID", "5000123")
    settings = SfmcSettings()
    assert "csecret" not in repr(settings)
    client = Sfmc.from_settings(settings)
    assert client.base_url == "https://mc123abc.auth.marketingcloudapis.com"
    assert client.token.token_url == "https://mc123abc.auth.marketingcloudapis.com/v2/token"
    assert client.token.extra == {"account_id": "5000123"}
    with pytest.raises(ConfigurationError, match="subdomain"):
        Sfmc(client_id="a", client_secret="b")


def test_the_sync_twin_sends_once(sfmc_sandbox: SfmcSandbox) -> None:
    with SyncSfmc(
        client_id=sfmc_sandbox.client_id,
        client_secret=sfmc_sandbox.client_secret,
        auth_base_url=sfmc_sandbox.url,
    ) as client:
        first = client.send_transactional_email("presale", "fan@example.com", "fan-1", campaign="c-sync")
        again = client.send_transactional_email("presale", "fan@example.com", "fan-1", campaign="c-sync")
        many = client.send_transactional_emails(
            "presale",
            [EmailRecipient("a@example.com", "a"), EmailRecipient("fan@example.com", "fan-1")],
            campaign="c-sync",
        )
    assert (first.status, again.status) == (SendStatus.ACCEPTED, SendStatus.ALREADY_SENT)
    assert [r.status for r in many] == [SendStatus.ACCEPTED, SendStatus.ALREADY_SENT]
    assert len(sfmc_sandbox.outbox()) == 2


async def test_raw_httpx_sees_the_same_sandbox_answers(sfmc_sandbox: SfmcSandbox) -> None:
    # the sandbox speaks the documented wire shapes to any client, not only ours
    async with httpx.AsyncClient(base_url=sfmc_sandbox.url) as raw:
        token = await raw.post(
            "/v2/token",
            json={
                "grant_type": "client_credentials",
                "client_id": sfmc_sandbox.client_id,
                "client_secret": sfmc_sandbox.client_secret,
            },
        )
        answer = token.json()
        assert set(answer) == {
            "access_token", "token_type", "expires_in", "scope", "soap_instance_url", "rest_instance_url",
        }  # fmt: skip
        assert answer["expires_in"] == 1080
        headers = {"authorization": f"Bearer {answer['access_token']}"}
        body = {"definitionKey": "d", "recipient": {"contactKey": "c", "to": "c@example.com"}}
        sent = await raw.post("/messaging/v1/email/messages/k-raw", json=body, headers=headers)
        dup = await raw.post("/messaging/v1/email/messages/k-raw", json=body, headers=headers)
    assert sent.status_code == 202
    assert sent.json()["errorcode"] == 0
    assert sent.json()["responses"] == [{"messageKey": "k-raw"}]
    assert dup.status_code == 400
    assert dup.json()["errorcode"] == DUPLICATE_MESSAGE_KEY


async def test_the_sandbox_refuses_more_than_2000_recipients_and_the_client_never_sends_them(
    sfmc: Sfmc, sfmc_sandbox: SfmcSandbox
) -> None:
    fans = [EmailRecipient(f"fan{i}@example.com", f"fan-{i}") for i in range(2001)]
    with pytest.raises(ValidationError, match="between 1 and 2000"):
        await sfmc.send_transactional_emails("presale", fans, campaign="c-limit", chunk_size=2001)
    assert sfmc_sandbox.journal() == []
    token = (await sfmc.token.get_token(), await sfmc.rest_url())[0]
    async with httpx.AsyncClient(base_url=sfmc_sandbox.url) as raw:
        answer = await raw.post(
            "/messaging/v1/email/messages/",
            json={
                "definitionKey": "presale",
                "recipients": [
                    {"contactKey": f.contact_key, "to": f.to, "messageKey": f"k{i}"}
                    for i, f in enumerate(fans)
                ],
            },
            headers={"authorization": f"Bearer {token}"},
        )
    assert answer.status_code == 400
    assert answer.json()["errorcode"] == 109101  # MCMS_UTM_Validation_TooManySubscribers
    assert sfmc_sandbox.outbox() == []
