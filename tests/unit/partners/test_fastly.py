"""Fastly purges on the sandbox: soft/hard key purge, batches of 256, purge all, the key redacted."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

import pytest

from verifiedfan.errors import (
    ConfigurationError,
    NotFoundError,
    ResponseFormatError,
    ServerError,
    UnauthorizedError,
    ValidationError,
)
from verifiedfan.http import RetryPolicy
from verifiedfan.log import capture_logs
from verifiedfan.partners import MAX_KEYS_PER_BATCH, Fastly, FastlySettings, PurgeResult, SyncFastly
from verifiedfan.partners._fastly_models import parse_batch, parse_purge
from verifiedfan.testing.sandbox import FastlySandbox


class Sleeps:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[FastlySandbox]:
    with FastlySandbox() as running:
        yield running


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
async def fastly(sandbox: FastlySandbox, sleeps: Sleeps) -> AsyncIterator[Fastly]:
    sandbox.reset()
    policy = RetryPolicy(sleep=sleeps, jitter=lambda: 1.0)
    async with Fastly(
        api_key=sandbox.api_key, service_id=sandbox.service_id, base_url=sandbox.url, retry=policy
    ) as client:
        yield client


async def test_purge_key_is_soft_by_default_and_hard_on_request(
    fastly: Fastly, sandbox: FastlySandbox
) -> None:
    soft = await fastly.purge_key("event-123")
    hard = await fastly.purge_key("event-123", soft=False)
    assert soft.status == hard.status == "ok"
    assert soft.id != hard.id
    assert [(p["key"], p["soft"], p["id"]) for p in sandbox.purges()] == [
        ("event-123", True, soft.id),
        ("event-123", False, hard.id),
    ]
    first, second = sandbox.journal(route="/service/{service_id}/purge/{key}")
    assert first.headers["fastly-soft-purge"] == "1"
    assert "fastly-soft-purge" not in second.headers
    assert first.headers["fastly-key"] == "[REDACTED]"


async def test_purge_keys_batches_256_and_drops_duplicates(fastly: Fastly, sandbox: FastlySandbox) -> None:
    keys = [f"artist-{i}" for i in range(600)] + ["artist-0", "artist-1"]
    ids = await fastly.purge_keys(keys, soft=False)
    assert list(ids) == [f"artist-{i}" for i in range(600)]
    batches = sandbox.journal(route="/service/{service_id}/purge")
    assert [len(b.json()["surrogate_keys"]) for b in batches] == [256, 256, 88]
    purges = sandbox.purges()
    assert len(purges) == 600
    assert {p["id"] for p in purges} == set(ids.values())
    assert not any(p["soft"] for p in purges)


async def test_purge_all_and_another_service(fastly: Fastly, sandbox: FastlySandbox) -> None:
    other = "7i6HN3TK9wS159v2gPAZ8A"
    done = await fastly.purge_all(service_id=other)
    assert done == PurgeResult(status="ok", id=None)
    assert sandbox.purges() == [
        {"service_id": other, "key": None, "soft": False, "id": sandbox.purges()[0]["id"]}
    ]
    assert sandbox.stats()["purge_all"] == 1


def test_the_documented_answers_parse() -> None:
    """The examples of Fastly's purge reference (developer.fastly.com/reference/api/purging)."""
    assert parse_purge({"status": "ok", "id": "108-1391560174-974124"}, "x", needs_id=True) == PurgeResult(
        "ok", "108-1391560174-974124"
    )
    batch = {
        "key_1": "108-1391560174-974124",
        "key_2": "108-1391560174-974125",
        "key_3": "108-1391560174-974126",
    }
    assert parse_batch(batch, ["key_1", "key_2", "key_3"], "x") == batch
    with pytest.raises(ResponseFormatError, match="no purge id for 1 key"):
        parse_batch(batch, ["key_1", "key_4"], "x")


async def test_errors_carry_fastlys_message(sandbox: FastlySandbox, sleeps: Sleeps) -> None:
    sandbox.reset()
    policy = RetryPolicy(sleep=sleeps, jitter=lambda: 1.0)
    async with Fastly(api_key="wrong-token", base_url=sandbox.url, retry=policy) as bad:
        with pytest.raises(UnauthorizedError) as caught:
            await bad.purge_key("k", service_id=sandbox.service_id)
    assert caught.value.body == {
        "msg": "Provided credentials are missing or invalid",
        "detail": "Provided credentials are missing or invalid",
    }
    assert "wrong-token" not in str(caught.value)
    async with Fastly(api_key=sandbox.api_key, base_url=sandbox.url, retry=policy) as client:
        with pytest.raises(NotFoundError):
            await client.purge_all(service_id="NoSuchService1")
    assert sandbox.purges() == []


async def test_purges_are_retried_being_idempotent(
    fastly: Fastly, sandbox: FastlySandbox, sleeps: Sleeps
) -> None:
    sandbox.inject("503", "reset")
    await fastly.purge_key("event-9")
    assert sandbox.counts()["routes"] == {"POST /service/{service_id}/purge/{key}": 3}
    assert sleeps.waits == [0.5, 1.0]
    sandbox.inject("500", "500", "500", "500")
    with pytest.raises(ServerError):
        await fastly.purge_all()


@pytest.mark.parametrize(
    ("keys", "match"),
    [
        ([], "at least one key"),
        (["ok", ""], "non-empty"),
        (["two words"], "whitespace"),
        (["k" * 1025], "1025 bytes"),
        ("one-string", "not one string"),
    ],
)
async def test_bad_keys_are_refused_before_any_io(
    fastly: Fastly, sandbox: FastlySandbox, keys: list[str], match: str
) -> None:
    with pytest.raises(ValidationError, match=match):
        await fastly.purge_keys(keys)
    with pytest.raises(ValidationError, match="service id"):
        await fastly.purge_key("k", service_id="bad/id")
    assert sandbox.counts()["routes"] == {}


def test_configuration() -> None:
    with pytest.raises(ConfigurationError, match="api_key"):
        Fastly(api_key="")
    client = SyncFastly(api_key="secret-token-value")
    with pytest.raises(ConfigurationError, match="no service_id"):
        client.purge_all()
    assert "secret-token-value" not in repr(client)
    client.close()


async def test_fastly_key_never_in_logs_or_errors(
    sandbox: FastlySandbox, sleeps: Sleeps, caplog: pytest.LogCaptureFixture
) -> None:
    sandbox.reset()
    caplog.set_level(logging.DEBUG, logger="verifiedfan")
    policy = RetryPolicy(sleep=sleeps, max_retries=1)
    with capture_logs("debug") as logs:
        async with Fastly(
            api_key=sandbox.api_key, service_id=sandbox.service_id, base_url=sandbox.url, retry=policy
        ) as f:
            await f.purge_key("k1")
            sandbox.inject("500", "500")
            with pytest.raises(ServerError) as caught:
                await f.purge_keys(["a", "b"])
    assert logs.lines
    assert sandbox.api_key not in logs.text
    assert all(sandbox.api_key not in r.getMessage() + str(r.__dict__) for r in caplog.records)
    assert sandbox.api_key not in str(caught.value)
    assert sandbox.api_key not in str(caught.value.headers)


def test_from_settings_and_the_sync_twin(sandbox: FastlySandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    sandbox.reset()
    monkeypatch.setenv("VF_FASTLY_API_KEY", sandbox.api_key)
    monkeypatch.setenv("VF_FASTLY_SERVICE_ID", sandbox.service_id)
    monkeypatch.setenv("VF_FASTLY_BASE_URL", sandbox.url)
    monkeypatch.setenv("VF_FASTLY_SOFT_PURGE", "false")
    settings = FastlySettings()
    assert sandbox.api_key not in repr(settings)
    with SyncFastly.from_settings(settings) as client:
        client.purge_key("event-1")
        ids = client.purge_keys(["a", "b"], soft=True)
        client.purge_all()
    assert sorted(ids) == ["a", "b"]
    assert [(p["key"], p["soft"]) for p in sandbox.purges()] == [
        ("event-1", False),
        ("a", True),
        ("b", True),
        (None, False),
    ]
    assert MAX_KEYS_PER_BATCH == 256


def test_vf_sandbox_partners_serves_the_fastly_sandbox() -> None:
    import json

    from typer.testing import CliRunner

    from verifiedfan.cli._sandbox import app as sandbox_app

    result = CliRunner().invoke(sandbox_app, ["partners", "--duration", "0", "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)["fastly"]
    assert info["base_url"].startswith("http://127.0.0.1:")
    assert info["service_id"] == "SU1Z0isxPaozGVKXdv0eY"
