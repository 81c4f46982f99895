"""Slack on its sandbox: chat.postMessage, webhooks, ok:false, 429, the pacer, secrets (issue 15)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from verifiedfan.errors import (
    ConfigurationError,
    NetworkError,
    RateLimitedError,
    ServerError,
    ValidationError,
)
from verifiedfan.http import CallInfo, CallObserver, HttpHook, RetryPolicy
from verifiedfan.log import capture_logs, redact_text
from verifiedfan.partners import (
    ChannelPacer,
    PostedMessage,
    Slack,
    SlackApiError,
    SlackAuthError,
    SlackSettings,
    SlackWebhookError,
    SyncSlack,
)
from verifiedfan.partners._slack_models import parse_posted
from verifiedfan.testing.sandbox import SlackSandbox


class FakeTime:
    """A clock that only moves when someone sleeps: the pacer's waits, exactly, without waiting."""

    def __init__(self) -> None:
        self.now = 0.0
        self.waits: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.waits.append(round(seconds, 6))
        self.now += seconds

    def sync_sleep(self, seconds: float) -> None:
        self.waits.append(round(seconds, 6))
        self.now += seconds


class Calls(HttpHook):
    """Records what hooks (the tracing span hook among them) are told about each call."""

    def __init__(self) -> None:
        self.seen: list[CallInfo] = []

    def start_call(self, call: CallInfo) -> CallObserver | None:
        self.seen.append(call)
        return None


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SlackSandbox]:
    with SlackSandbox() as running:
        yield running


@pytest.fixture
def fake() -> FakeTime:
    return FakeTime()


def _policy(fake: FakeTime, **kw: Any) -> RetryPolicy:
    return RetryPolicy(sleep=fake.sleep, sync_sleep=fake.sync_sleep, jitter=lambda: 1.0, **kw)


@pytest.fixture
async def slack(sandbox: SlackSandbox, fake: FakeTime) -> AsyncIterator[Slack]:
    sandbox.reset()
    sandbox.set_faults(retry_after=1)
    client = Slack(
        token=sandbox.bot_token,
        webhook_url=sandbox.webhook_url,
        base_url=sandbox.api_url,
        pacer=ChannelPacer(1.0, clock=fake.clock),
        retry=_policy(fake),
    )
    async with client:
        yield client


async def test_post_message_lands_in_the_channel_and_threads(slack: Slack, sandbox: SlackSandbox) -> None:
    posted = await slack.post_message("#alerts", "Spotify 401 rate 12% over 5 min")
    assert posted.channel == "C0VFALERTS"  # Slack answers with the channel id, not the name
    reply = await slack.post_message("C0VFALERTS", "resolved", thread_ts=posted.ts)
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*incident* opened"}}]
    await slack.post_message("general", blocks=blocks)
    assert [(m["channel"], m["text"], m["thread_ts"], m["via"]) for m in sandbox.messages()] == [
        ("C0VFALERTS", "Spotify 401 rate 12% over 5 min", None, "api"),
        ("C0VFALERTS", "resolved", posted.ts, "api"),
        ("C0VFGENERAL", None, None, "api"),
    ]
    assert sandbox.messages("C0VFGENERAL")[0]["blocks"] == blocks
    assert reply.ts != posted.ts
    (first, *_) = sandbox.journal(route="/api/chat.postMessage")
    assert first.headers["authorization"] == "Bearer [REDACTED]"
    assert first.json() == {
        "channel": "#alerts",
        "text": "Spotify 401 rate 12% over 5 min",
        "unfurl_links": False,
    }


def test_the_documented_answers_parse() -> None:
    """Slack's published chat.postMessage examples (docs.slack.dev/reference/methods/chat.postMessage)."""
    ok = {
        "ok": True,
        "channel": "C123ABC456",
        "ts": "1503435956.000247",
        "message": {
            "text": "Here's a message for you",
            "username": "ecto1",
            "bot_id": "B123ABC456",
            "type": "message",
            "subtype": "bot_message",
            "ts": "1503435956.000247",
        },
    }
    assert parse_posted(ok, "chat.postMessage") == PostedMessage(channel="C123ABC456", ts="1503435956.000247")
    with pytest.raises(SlackApiError, match="too_many_attachments") as caught:
        parse_posted({"ok": False, "error": "too_many_attachments"}, "chat.postMessage")
    assert caught.value.error == "too_many_attachments"
    assert not isinstance(caught.value, SlackAuthError)


@pytest.mark.parametrize(
    ("channel", "code"),
    [("#nowhere", "channel_not_found"), ("#private", "not_in_channel"), ("C0VFARCHIVE", "is_archived")],
)
async def test_ok_false_is_a_typed_error_with_slacks_code(
    slack: Slack, sandbox: SlackSandbox, channel: str, code: str
) -> None:
    with pytest.raises(SlackApiError, match=f"chat.postMessage failed: {code}") as caught:
        await slack.post_message(channel, "hello")
    assert caught.value.error == code
    assert caught.value.body == {"ok": False, "error": code}
    assert sandbox.counts()["routes"] == {"POST /api/chat.postMessage": 1}  # never retried
    assert sandbox.messages() == []


async def test_a_bad_token_is_a_slack_auth_error(sandbox: SlackSandbox, fake: FakeTime) -> None:
    sandbox.reset()
    async with Slack(token="xoxb-0000-wrong", base_url=sandbox.api_url, retry=_policy(fake)) as client:
        with pytest.raises(SlackAuthError, match="invalid_auth") as caught:
            await client.post_message("#alerts", "hi")
    assert caught.value.status == 401
    assert "xoxb-0000-wrong" not in str(caught.value)


async def test_429_waits_its_retry_after_then_posts_once(
    slack: Slack, sandbox: SlackSandbox, fake: FakeTime
) -> None:
    sandbox.set_faults(retry_after=7)
    sandbox.inject("429")
    posted = await slack.post_message("#alerts", "once")
    assert fake.waits == [7.0]
    assert sandbox.counts()["routes"] == {"POST /api/chat.postMessage": 2}
    assert [m["ts"] for m in sandbox.messages()] == [posted.ts]
    # the channel stays held back by the pacer: the next message waits its second
    await slack.post_message("#alerts", "twice")
    assert fake.waits == [7.0, 1.0]


async def test_429_past_the_cap_or_the_retries_is_raised(slack: Slack, sandbox: SlackSandbox) -> None:
    sandbox.set_faults(retry_after=120)  # over the policy's 60 s cap: raised at once
    sandbox.inject("429")
    with pytest.raises(RateLimitedError) as caught:
        await slack.post_message("#alerts", "x")
    assert caught.value.retry_after == 120.0
    assert sandbox.counts()["routes"] == {"POST /api/chat.postMessage": 1}
    sandbox.set_faults(retry_after=1)
    sandbox.inject("429", "429", "429", "429")
    with pytest.raises(RateLimitedError):
        await slack.post_message("#alerts", "x")
    assert sandbox.messages() == []


@pytest.mark.parametrize("fault", ["500", "503", "close"])
async def test_5xx_and_lost_answers_are_not_replayed(slack: Slack, sandbox: SlackSandbox, fault: str) -> None:
    """Slack may have posted the message: a replay could post it twice."""
    sandbox.inject(fault)
    with pytest.raises((ServerError, NetworkError)):
        await slack.post_message("#alerts", "maybe posted")
    assert sandbox.counts()["routes"] == {"POST /api/chat.postMessage": 1}


async def test_the_pacer_spaces_one_channel_not_the_others(
    slack: Slack, sandbox: SlackSandbox, fake: FakeTime
) -> None:
    for text in ("a", "b", "c"):
        await slack.post_message("#alerts", text)
    await slack.post_message("#general", "other channel")
    assert fake.waits == [1.0, 1.0]  # #alerts: one second apart; #general: at once
    assert len(sandbox.messages()) == 4


def test_pacer_reservations_queue_concurrent_posters() -> None:
    fake = FakeTime()
    pacer = ChannelPacer(1.0, clock=fake.clock)
    assert [pacer.reserve("C1") for _ in range(3)] == [0.0, 1.0, 2.0]
    assert pacer.reserve("C2") == 0.0
    pacer.defer("C2", 5.0)
    assert pacer.reserve("C2") == 5.0
    unpaced = ChannelPacer(0.0, clock=fake.clock)
    assert [unpaced.reserve("C1") for _ in range(3)] == [0.0, 0.0, 0.0]
    unpaced.defer("C1", 2.0)  # a 429's wait holds even without pacing
    assert unpaced.reserve("C1") == 2.0
    fake.now += 2.0
    assert unpaced.reserve("C1") == 0.0


def test_real_pacing_keeps_under_the_sandboxs_channel_limit() -> None:
    """Against a sandbox enforcing a per-channel interval: the paced client is never throttled;
    an unpaced one is (the client spaces sends 0.35 s apart, the sandbox wants 0.2 s between arrivals)."""
    with SlackSandbox(channel_interval=0.2) as limited:
        with SyncSlack(token=limited.bot_token, base_url=limited.api_url, channel_interval=0.35) as paced:
            paced.post_message("#general", "warm the connection")  # connection setup skews arrivals
            for i in range(4):
                paced.post_message("#alerts", f"paced {i}")
        assert limited.stats().get("channel_rate_limited", 0) == 0
        assert len(limited.messages("C0VFALERTS")) == 4
        unpaced_policy = RetryPolicy(max_retries=0)
        with SyncSlack(
            token=limited.bot_token, base_url=limited.api_url, channel_interval=0, retry=unpaced_policy
        ) as unpaced:
            unpaced.post_message("#general", "unpaced 0")
            with pytest.raises(RateLimitedError):
                unpaced.post_message("#general", "unpaced 1")  # at once: under the sandbox's interval
        assert limited.stats()["channel_rate_limited"] == 1  # #general: the warm-up was long before


async def test_webhook_posts_to_its_channel(slack: Slack, sandbox: SlackSandbox) -> None:
    await slack.post_webhook("deploy finished")
    await slack.post_webhook(blocks=[{"type": "divider"}])
    assert [(m["channel"], m["text"], m["via"]) for m in sandbox.messages()] == [
        ("C0VFALERTS", "deploy finished", "webhook"),
        ("C0VFALERTS", None, "webhook"),
    ]


async def test_webhook_errors_carry_slacks_plain_text_code(sandbox: SlackSandbox, fake: FakeTime) -> None:
    sandbox.reset()
    wrong = sandbox.webhook_url.replace("Secret0001", "Secret9999")
    async with Slack(webhook_url=wrong, retry=_policy(fake)) as client:
        with pytest.raises(SlackWebhookError, match="no_service") as caught:
            await client.post_webhook("x")
    assert caught.value.status == 404
    assert caught.value.error == "no_service"
    assert "Secret9999" not in str(caught.value)
    assert "Secret9999" not in str(caught.value.url)
    sandbox.inject("400")
    async with Slack(webhook_url=sandbox.webhook_url, retry=_policy(fake)) as client:
        with pytest.raises(SlackWebhookError, match="injected_failure"):
            await client.post_webhook("x")
        sandbox.inject("429")
        await client.post_webhook("after a 429")
    assert [m["text"] for m in sandbox.messages()] == ["after a 429"]


@pytest.mark.parametrize(
    ("call", "match"),
    [
        ({"channel": "#alerts"}, "needs 'text' or 'blocks'"),
        ({"channel": "#alerts", "text": "x" * 40_001}, "40001 characters"),
        ({"channel": "#alerts", "blocks": [{"type": "divider"}] * 51}, "51 blocks"),
        ({"channel": "#alerts", "blocks": [{"text": "no type"}]}, "'blocks\\[0\\]'"),
        ({"channel": "#alerts", "blocks": {"type": "divider"}}, "list of block objects"),
        ({"channel": "", "text": "x"}, "'channel'"),
        ({"channel": "#al erts", "text": "x"}, "'channel'"),
        ({"channel": "#alerts", "text": "x", "thread_ts": "yesterday"}, "'thread_ts'"),
    ],
)
async def test_bad_messages_are_refused_before_any_io(
    slack: Slack, sandbox: SlackSandbox, call: dict[str, Any], match: str
) -> None:
    channel = call.pop("channel")
    with pytest.raises(ValidationError, match=match):
        await slack.post_message(channel, **call)
    with pytest.raises(ValidationError, match="needs 'text' or 'blocks'"):
        await slack.post_webhook("")
    assert sandbox.counts()["routes"] == {}


def test_configuration_errors_never_echo_secrets() -> None:
    with pytest.raises(ConfigurationError, match=r"token= .* or webhook_url="):
        Slack()
    with pytest.raises(ConfigurationError, match="webhook URL must be") as caught:
        Slack(webhook_url="hooks.slack.com/services/T1/B1/NotAUrlSecret")
    assert "NotAUrlSecret" not in str(caught.value)


async def test_token_and_webhook_url_never_in_logs_spans_errors_or_reprs(
    sandbox: SlackSandbox, fake: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    sandbox.reset()
    sandbox.set_faults(retry_after=1)
    token, hook_url = sandbox.bot_token, sandbox.webhook_url
    secret_path = hook_url.split("/services/", 1)[1]
    calls = Calls()
    caplog.set_level(logging.DEBUG, logger="verifiedfan")
    caplog.set_level(logging.WARNING, logger="httpx")  # verifiedfan.log's default (QUIET_LIBRARIES)
    errors: list[BaseException] = []
    with capture_logs("debug") as logs:
        async with Slack(
            token=token, webhook_url=hook_url, base_url=sandbox.api_url, retry=_policy(fake), hooks=[calls]
        ) as client:
            await client.post_message("#alerts", "hello")
            await client.post_webhook("hello")
            sandbox.inject("429", "500")
            with pytest.raises(ServerError) as on_api:
                await client.post_message("#alerts", "x")
            sandbox.inject("500")
            with pytest.raises(ServerError) as on_hook:
                await client.post_webhook("x")
            errors += [on_api.value, on_hook.value]
            text_repr = repr(client)
    assert logs.lines
    post, hook = "/chat.postMessage", "/services/{webhook}"
    assert [c.route for c in calls.seen] == [post, hook, post, post, hook]  # the 429 replayed once
    for where in (
        logs.text,
        text_repr,
        *(str(e) for e in errors),
        *(str(getattr(e, "url", "")) for e in errors),
        *(r.getMessage() + str(r.__dict__) for r in caplog.records if r.name.startswith("verifiedfan")),
        *(c.url for c in calls.seen),
    ):
        assert token not in where
        assert secret_path not in where
    assert on_hook.value.url is not None
    assert on_hook.value.url.endswith("/[REDACTED]")
    settings_repr = repr(SlackSettings(token=token, webhook_url=hook_url))
    assert token not in settings_repr
    assert secret_path not in settings_repr


def test_a_real_webhook_url_is_masked_in_any_log_line() -> None:
    """gitleaks' ``slack-webhook-url`` rule: even httpx's own request line (when its INFO level is
    turned on) loses the webhook URL."""
    url = "https://hooks.slack.com/services/T0AAAAAAA/B0BBBBBBB/abcdefghijklmnopqrstuvwx"
    line = f'HTTP Request: POST {url} "200"'
    assert redact_text(line) == 'HTTP Request: POST [REDACTED] "200"'


def test_from_settings_and_the_sync_twin(sandbox: SlackSandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    sandbox.reset()
    monkeypatch.setenv("VF_SLACK_TOKEN", sandbox.bot_token)
    monkeypatch.setenv("VF_SLACK_WEBHOOK_URL", sandbox.webhook_url)
    monkeypatch.setenv("VF_SLACK_BASE_URL", sandbox.api_url)
    monkeypatch.setenv("VF_SLACK_CHANNEL_INTERVAL", "0")
    settings = SlackSettings()
    assert sandbox.bot_token not in repr(settings)
    with SyncSlack.from_settings(settings) as client:
        posted = client.post_message("#general", "from settings")
        client.post_webhook("and the webhook")
    assert posted.channel == "C0VFGENERAL"
    assert [m["via"] for m in sandbox.messages()] == ["api", "webhook"]


def test_vf_sandbox_partners_serves_the_slack_sandbox() -> None:
    import json

    from typer.testing import CliRunner

    from verifiedfan.cli._sandbox import app as sandbox_app

    result = CliRunner().invoke(sandbox_app, ["partners", "--duration", "0", "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)["slack"]
    assert info["base_url"].startswith("http://127.0.0.1:")
    assert info["base_url"].endswith("/api")
    assert info["token"].startswith("xoxb-")
    assert "/services/" in info["webhook_url"]


def test_add_secret_url_redacts_the_path_of_that_url_only() -> None:
    from verifiedfan.http import add_secret_url, redact_url

    hook = "https://hooks.example.test/services/T1/B1/PathSecret01"
    assert redact_url(hook) == hook  # not registered yet
    add_secret_url(hook)
    assert redact_url(hook) == "https://hooks.example.test/[REDACTED]"
    assert redact_url(hook + "?x=1") == "https://hooks.example.test/[REDACTED]"
    assert redact_url("https://user:pw@hooks.example.test/services/T1/B1/PathSecret01/more").endswith(
        "hooks.example.test/[REDACTED]"
    )
    other = "https://hooks.example.test/services/T1/B1/PathSecret0123"  # a longer, different URL
    assert redact_url(other) == other
