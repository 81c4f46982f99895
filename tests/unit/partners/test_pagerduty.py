"""PagerDuty Events API v2 on its sandbox: lifecycle, dedup, checks before I/O, retries (issue 15)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from verifiedfan.errors import (
    ConfigurationError,
    NetworkError,
    RateLimitedError,
    ServerError,
    ValidationError,
)
from verifiedfan.log import capture_logs
from verifiedfan.partners import (
    MAX_PAYLOAD_BYTES,
    EventResult,
    PagerDuty,
    PagerDutyEventError,
    PagerDutyRetryPolicy,
    PagerDutySettings,
    SyncPagerDuty,
    default_dedup_key,
)
from verifiedfan.testing.sandbox import PagerDutySandbox


class Sleeps:
    """Records the waits the policy asks for instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)

    def sync(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[PagerDutySandbox]:
    with PagerDutySandbox() as running:
        yield running


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
async def pd(sandbox: PagerDutySandbox, sleeps: Sleeps) -> AsyncIterator[PagerDuty]:
    sandbox.reset()
    client = PagerDuty(
        routing_key=sandbox.routing_key,
        base_url=sandbox.url,
        client="verifiedfan-tests",
        retry=PagerDutyRetryPolicy(sleep=sleeps),
    )
    async with client:
        yield client


async def test_trigger_acknowledge_resolve_lifecycle(pd: PagerDuty, sandbox: PagerDutySandbox) -> None:
    sent = await pd.trigger("error rate 12% over 5 min", "verification-svc", "critical", dedup_key="vf-err")
    # PagerDuty's documented 202 body (developer-docs events-API-v2/01-Overview.md)
    assert sent == EventResult(status="success", message="Event processed", dedup_key="vf-err")
    assert sandbox.incident("vf-err") == {
        "number": 1,
        "dedup_key": "vf-err",
        "status": "triggered",
        "triggers": 1,
        "summary": "error rate 12% over 5 min",
        "source": "verification-svc",
        "severity": "critical",
    }
    await pd.acknowledge("vf-err")
    assert sandbox.incident("vf-err")["status"] == "acknowledged"  # type: ignore[index]
    resolved = await pd.resolve("vf-err")
    assert resolved.dedup_key == "vf-err"
    assert sandbox.incident("vf-err")["status"] == "resolved"  # type: ignore[index]
    # a trigger after resolve opens a new incident under the same key (02-Trigger-Events.md)
    await pd.trigger("error rate back up", "verification-svc", "error", dedup_key="vf-err")
    assert [(i["number"], i["status"]) for i in sandbox.incidents()] == [(1, "resolved"), (2, "triggered")]


async def test_two_triggers_with_one_key_are_one_incident(pd: PagerDuty, sandbox: PagerDutySandbox) -> None:
    first = await pd.trigger("Spotify token refresh failing", "verification-svc", "error")
    second = await pd.trigger("Spotify token refresh failing", "verification-svc", "error")
    # no dedup key given: the same summary and source give the same stable key
    assert (
        first.dedup_key
        == second.dedup_key
        == default_dedup_key("Spotify token refresh failing", "verification-svc")
    )
    incidents = sandbox.incidents()
    assert len(incidents) == 1
    assert incidents[0]["triggers"] == 2
    assert sandbox.stats()["triggers_deduplicated"] == 1
    other = await pd.trigger("Spotify token refresh failing", "other-svc", "error")
    assert other.dedup_key != first.dedup_key
    assert len(sandbox.incidents()) == 2


async def test_acknowledge_of_an_unknown_key_is_accepted_and_dropped(
    pd: PagerDuty, sandbox: PagerDutySandbox
) -> None:
    answer = await pd.acknowledge("never-triggered")
    assert answer.status == "success"
    assert sandbox.incidents() == []
    assert sandbox.stats()["events_dropped"] == 1


async def test_change_event_goes_to_the_change_endpoint(pd: PagerDuty, sandbox: PagerDutySandbox) -> None:
    answer = await pd.change("Spotify client id rotated", "secrets-manager", custom_details={"ttl": 300})
    assert answer.status == "success"
    assert answer.dedup_key is None
    assert sandbox.changes() == [
        {"summary": "Spotify client id rotated", "source": "secrets-manager", "custom_details": {"ttl": 300}}
    ]
    assert sandbox.counts()["routes"] == {"POST /v2/change/enqueue": 1}
    assert sandbox.incidents() == []


async def test_pagerduty_400_is_typed_and_never_retried(sandbox: PagerDutySandbox, sleeps: Sleeps) -> None:
    sandbox.reset()
    # a key of the right length for our check, but the sandbox refuses an event it cannot parse:
    # send a raw bad event through the client's own call to reach PagerDuty's 400 shape
    async with PagerDuty(
        routing_key=sandbox.routing_key, base_url=sandbox.url, retry=PagerDutyRetryPolicy(sleep=sleeps)
    ) as client:
        with pytest.raises(PagerDutyEventError, match=r"'payload\.severity' is invalid") as caught:
            await client._call_json(
                "POST",
                "/v2/enqueue",
                json={
                    "routing_key": sandbox.routing_key,
                    "event_action": "trigger",
                    "payload": {"summary": "s", "source": "x", "severity": "fatal"},
                },
                retry_non_idempotent=True,
            )
    assert caught.value.status == 400
    assert caught.value.errors == [
        "'payload.severity' is invalid (must be one of: critical, error, warning, info)"
    ]
    assert sandbox.counts()["routes"] == {"POST /v2/enqueue": 1}  # sent once, never retried
    assert sleeps.waits == []


async def test_an_injected_400_through_trigger_is_not_retried(
    pd: PagerDuty, sandbox: PagerDutySandbox, sleeps: Sleeps
) -> None:
    sandbox.inject("400")
    with pytest.raises(PagerDutyEventError, match="PagerDuty refused the event: injected failure") as caught:
        await pd.trigger("disk full", "db-1", "warning")
    assert caught.value.body == {
        "status": "invalid event",
        "message": "Event object is invalid",
        "errors": ["injected failure"],
    }
    assert sandbox.counts()["routes"] == {"POST /v2/enqueue": 1}
    assert sleeps.waits == []
    assert sandbox.incidents() == []


@pytest.mark.parametrize("fault", ["429", "503", "reset"])
async def test_429_503_and_network_errors_are_retried_on_pagerduty_schedule(
    pd: PagerDuty, sandbox: PagerDutySandbox, sleeps: Sleeps, fault: str
) -> None:
    sandbox.set_faults(retry_after=0)  # no Retry-After wait: PagerDuty's 30 s schedule applies
    sandbox.inject(fault, fault)
    sent = await pd.trigger("disk full", "db-1", "warning", dedup_key="vf-disk")
    assert sent.dedup_key == "vf-disk"
    assert sandbox.counts()["routes"] == {"POST /v2/enqueue": 3}
    assert len(sandbox.incidents()) == 1  # the replays land on the same alert
    # a Retry-After of 0 never shortens PagerDuty's 30 s schedule
    assert sleeps.waits == [30.0, 30.0]


async def test_a_longer_retry_after_is_honoured(
    pd: PagerDuty, sandbox: PagerDutySandbox, sleeps: Sleeps
) -> None:
    sandbox.set_faults(retry_after=120)
    sandbox.inject("429")
    await pd.trigger("disk full", "db-1", "warning", dedup_key="vf-disk")
    assert sleeps.waits == [120.0]
    assert len(sandbox.incidents()) == 1


async def test_retries_give_up_after_three(pd: PagerDuty, sandbox: PagerDutySandbox, sleeps: Sleeps) -> None:
    sandbox.inject("503", "503", "503", "503")
    with pytest.raises(ServerError, match=r"/v2/enqueue returned 503"):
        await pd.trigger("disk full", "db-1", "warning")
    assert sleeps.waits == [30.0, 30.0, 30.0]
    assert sandbox.counts()["routes"] == {"POST /v2/enqueue": 4}
    sandbox.inject("429", "429", "429", "429")
    with pytest.raises(RateLimitedError, match=r"/v2/enqueue returned 429"):
        await pd.trigger("disk full", "db-1", "warning")


def test_policy_is_pagerdutys_documented_schedule() -> None:
    policy = PagerDutyRetryPolicy()
    # "retry 3 times with each request being 30 seconds apart" (developer-docs 05-Rate-Limits.md)
    assert policy.max_retries == 3
    assert [policy.backoff(n) for n in (1, 2, 3)] == [30.0, 30.0, 30.0]
    assert PagerDutySettings().retry_policy() == policy


@pytest.mark.parametrize(
    ("args", "kwargs", "field"),
    [
        (("s", "src", "fatal"), {}, "'severity'"),
        (("x" * 1025, "src", "info"), {}, "'summary' is 1025 characters"),
        (("", "src", "info"), {}, "'summary'"),
        (("s", "", "info"), {}, "'source'"),
        (("s", "src", "info"), {"dedup_key": "k" * 256}, "'dedup_key'"),
        (("s", "src", "info"), {"custom_details": {"blob": "x" * MAX_PAYLOAD_BYTES}}, "'payload' is"),
        (("s", "src", "info"), {"custom_details": ["not", "an", "object"]}, "'custom_details'"),
        (("s", "src", "info"), {"links": [{"text": "no href"}]}, "'links\\[0\\]'"),
        (("s", "src", "info"), {"timestamp": "yesterday"}, "'timestamp'"),
        (("s", "src", "info"), {"images": [{"src": "http://plain.example/x.png"}]}, "HTTPS"),
    ],
)
async def test_bad_events_are_refused_before_any_io(
    pd: PagerDuty,
    sandbox: PagerDutySandbox,
    args: tuple[str, str, str],
    kwargs: dict[str, object],
    field: str,
) -> None:
    with pytest.raises(ValidationError, match=field):
        await pd.trigger(*args, **kwargs)  # type: ignore[arg-type]
    assert sandbox.counts()["routes"] == {}


async def test_ack_resolve_and_change_are_checked_before_io(pd: PagerDuty, sandbox: PagerDutySandbox) -> None:
    with pytest.raises(ValidationError, match="'dedup_key'"):
        await pd.acknowledge("")
    with pytest.raises(ValidationError, match="'dedup_key'"):
        await pd.resolve("k" * 256)
    with pytest.raises(ValidationError, match="'summary'"):
        await pd.change("x" * 1025)
    assert sandbox.counts()["routes"] == {}


def test_routing_key_must_be_an_integration_key() -> None:
    with pytest.raises(ConfigurationError, match="32-character") as caught:
        PagerDuty(routing_key="short-key")
    assert "short-key" not in str(caught.value)


async def test_routing_key_never_in_logs_journal_or_errors(
    pd: PagerDuty, sandbox: PagerDutySandbox, caplog: pytest.LogCaptureFixture
) -> None:
    secret = sandbox.routing_key
    caplog.set_level("DEBUG")
    with capture_logs("debug") as logs:
        await pd.trigger("s", "src", "info", dedup_key="k1")
        await pd.resolve("k1")
        sandbox.inject("500", "500", "500", "500")
        with pytest.raises(ServerError) as caught:
            await pd.acknowledge("k1")
    assert any('"api_operation": "trigger"' in line or "trigger" in line for line in logs.lines)
    assert secret not in logs.text
    # the raw records too (before any redaction), with their arguments rendered
    assert caplog.records
    assert all(secret not in r.getMessage() and secret not in str(r.__dict__) for r in caplog.records)
    assert secret not in str(caught.value)
    assert secret not in repr(pd)
    bodies = [e.body for e in sandbox.journal(route="/v2/enqueue")]
    assert bodies
    assert all(secret.encode() not in b for b in bodies)


def test_from_settings_and_the_sync_twin(sandbox: PagerDutySandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    sandbox.reset()
    monkeypatch.setenv("VF_PAGERDUTY_ROUTING_KEY", sandbox.routing_key)
    monkeypatch.setenv("VF_PAGERDUTY_BASE_URL", sandbox.url)
    settings = PagerDutySettings()
    assert sandbox.routing_key not in repr(settings)
    sleeps = Sleeps()
    with SyncPagerDuty.from_settings(settings, retry=PagerDutyRetryPolicy(sync_sleep=sleeps.sync)) as client:
        sandbox.inject("503")
        sent = client.trigger("queue lag", "kafka", "error")
        client.acknowledge(sent.dedup_key or "")
    assert sleeps.waits == [30.0]
    assert [i["status"] for i in sandbox.incidents()] == ["acknowledged"]


async def test_network_failure_after_retries_is_a_network_error(sleeps: Sleeps) -> None:
    async with PagerDuty(
        routing_key="R" * 32, base_url="http://127.0.0.1:9", retry=PagerDutyRetryPolicy(sleep=sleeps)
    ) as client:
        with pytest.raises(NetworkError, match=r"/v2/enqueue failed: ConnectError"):
            await client.trigger("s", "src", "info")
    assert sleeps.waits == [30.0, 30.0, 30.0]


async def test_trigger_sends_pagerdutys_documented_example_body(
    sandbox: PagerDutySandbox, sleeps: Sleeps
) -> None:
    """The published example request (tests/data/pagerduty) rebuilt through trigger(): same JSON."""
    sandbox.reset()
    example = json.loads((Path(__file__).parents[2] / "data/pagerduty/trigger-example.json").read_text())
    del example["_source"]
    payload = example["payload"]
    async with PagerDuty(
        routing_key=sandbox.routing_key,
        base_url=sandbox.url,
        client=example["client"],
        client_url=example["client_url"],
        retry=PagerDutyRetryPolicy(sleep=sleeps),
    ) as client:
        await client.trigger(
            payload["summary"],
            payload["source"],
            payload["severity"],
            dedup_key=example["dedup_key"],
            timestamp=payload["timestamp"],
            component=payload["component"],
            group=payload["group"],
            class_=payload["class"],
            custom_details=payload["custom_details"],
            links=example["links"],
            images=example["images"],
        )
    (entry,) = sandbox.journal(route="/v2/enqueue")
    assert entry.json() == {**example, "routing_key": "[REDACTED]"}
    assert entry.headers["content-type"] == "application/json"


def test_vf_sandbox_partners_serves_the_pagerduty_sandbox() -> None:
    from typer.testing import CliRunner

    from verifiedfan.cli._sandbox import app as sandbox_app

    result = CliRunner().invoke(sandbox_app, ["partners", "--duration", "0", "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    assert info["pagerduty"]["base_url"].startswith("http://127.0.0.1:")
    assert len(info["pagerduty"]["routing_key"]) == 32
