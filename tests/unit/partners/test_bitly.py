"""Bitly v4 on its sandbox, and its long->short cache on the stack's real Redis (issue 15)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from verifiedfan.errors import (
    ConfigurationError,
    RateLimitedError,
    ResponseFormatError,
    ServerError,
    ValidationError,
)
from verifiedfan.http import RetryPolicy
from verifiedfan.log import capture_logs
from verifiedfan.partners import Bitlink, Bitly, BitlyError, BitlyNotFoundError, BitlySettings, SyncBitly
from verifiedfan.partners._bitly_models import parse_bitlink, parse_clicks
from verifiedfan.redis import Redis
from verifiedfan.testing.sandbox import BitlySandbox


class Sleeps:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[BitlySandbox]:
    with BitlySandbox() as running:
        yield running


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def _client(sandbox: BitlySandbox, sleeps: Sleeps, **kw: Any) -> Bitly:
    return Bitly(
        access_token=sandbox.access_token,
        group_guid=sandbox.group_guid,
        base_url=sandbox.url,
        retry=RetryPolicy(sleep=sleeps, jitter=lambda: 1.0),
        **kw,
    )


@pytest.fixture
async def bitly(sandbox: BitlySandbox, sleeps: Sleeps) -> AsyncIterator[Bitly]:
    sandbox.reset()
    async with _client(sandbox, sleeps) as client:
        yield client


async def test_shorten_201_then_200_are_the_same_link(bitly: Bitly, sandbox: BitlySandbox) -> None:
    url = "https://www.ticketmaster.com/event/0B005E3B1E8B4C6D"
    first = await bitly.shorten(url)
    again = await bitly.shorten(url)
    assert first == again
    assert first.link == f"https://{first.id}"
    assert first.id.startswith("bit.ly/")
    assert first.long_url == url
    stats = sandbox.stats()
    assert (stats["links_created"], stats["links_existing"]) == (1, 1)  # a 201, then a 200
    (sent, _) = sandbox.journal(route="/v4/shorten")
    # Bitly's advice: always send domain and group_guid
    assert sent.json() == {"long_url": url, "domain": "bit.ly", "group_guid": sandbox.group_guid}
    assert sent.headers["authorization"] == "Bearer [REDACTED]"


def test_the_documented_answers_parse() -> None:
    """The example answers of dev.bitly.com (shorten, clicks summary)."""
    shortened = {
        "references": {"group": "https://api-ssl.bitly.com/v4/groups/Ba1bc23dE4F"},
        "link": "https://bit.ly/3bBkm0k",
        "id": "bit.ly/3bBkm0k",
        "long_url": "https://dev.bitly.com/",
        "archived": False,
        "created_at": "2020-02-27T19:36:53+0000",
        "custom_bitlinks": [],
        "tags": [],
        "deeplinks": [],
    }
    assert parse_bitlink(shortened, "x") == Bitlink(
        "https://bit.ly/3bBkm0k", "bit.ly/3bBkm0k", "https://dev.bitly.com/"
    )
    summary = {"unit_reference": "2020-02-27T19:36:53+0000", "total_clicks": 42, "units": -1, "unit": "day"}
    assert parse_clicks(summary, "x") == 42
    with pytest.raises(ResponseFormatError, match="total_clicks"):
        parse_clicks({"total_clicks": "42"}, "x")


async def test_clicks_summary(bitly: Bitly, sandbox: BitlySandbox) -> None:
    link = await bitly.shorten("https://example.com/presale")
    assert await bitly.clicks_summary(link.id) == 0
    sandbox.click(link.id, 12)
    assert await bitly.clicks_summary(link.link, unit="week", units=4) == 12  # the full link works too
    (call,) = sandbox.journal(route="/v4/bitlinks/{domain}/{hash}/clicks/summary")[1:]
    assert call.query == {"unit": "week", "units": "4"}
    with pytest.raises(BitlyNotFoundError, match="no such Bitlink: NOT_FOUND"):
        await bitly.clicks_summary("bit.ly/nothere")


@pytest.mark.parametrize(
    ("url", "match"),
    [
        ("", "non-empty"),
        ("ftp://example.com/file", "http\\(s\\) URL"),
        ("example.com/no-scheme", "http\\(s\\) URL"),
        ("https:///no-host", "http\\(s\\) URL"),
        ("https://exa mple.com/", "whitespace"),
        ("https://example.com:99999/", "not a valid URL"),
        ("https://example.com/" + "x" * 2048, "2068 characters"),
    ],
)
async def test_bad_urls_are_refused_before_any_io(
    bitly: Bitly, sandbox: BitlySandbox, url: str, match: str
) -> None:
    with pytest.raises(ValidationError, match=match):
        await bitly.shorten(url)
    assert sandbox.counts()["routes"] == {}


async def test_bad_bitlinks_and_units_are_refused_before_any_io(bitly: Bitly, sandbox: BitlySandbox) -> None:
    with pytest.raises(ValidationError, match="not a Bitlink"):
        await bitly.clicks_summary("not a link")
    with pytest.raises(ValidationError, match="unit must be one of"):
        await bitly.clicks_summary("bit.ly/abc", unit="year")
    with pytest.raises(ValidationError, match="units must be"):
        await bitly.clicks_summary("bit.ly/abc", units=0)
    assert sandbox.counts()["routes"] == {}


async def test_bitly_errors_carry_bitlys_code(sandbox: BitlySandbox, sleeps: Sleeps) -> None:
    sandbox.reset()
    async with Bitly(access_token="wrong", base_url=sandbox.url, retry=RetryPolicy(sleep=sleeps)) as bad:
        with pytest.raises(BitlyError, match="FORBIDDEN") as caught:
            await bad.shorten("https://example.com/")
    assert caught.value.status == 403
    assert caught.value.code == "FORBIDDEN"
    async with _client(sandbox, sleeps, domain="short.example") as wrong_domain:
        with pytest.raises(BitlyError, match="INVALID_ARG_DOMAIN") as invalid:
            await wrong_domain.shorten("https://example.com/")
    assert invalid.value.body["errors"] == [{"field": "domain", "error_code": "invalid"}]
    assert sleeps.waits == []  # 4xx never retried


async def test_429_and_5xx_are_retried_shortening_being_idempotent(
    bitly: Bitly, sandbox: BitlySandbox, sleeps: Sleeps
) -> None:
    sandbox.inject("429", "503")
    link = await bitly.shorten("https://example.com/a")
    assert sleeps.waits == [0.5, 1.0]  # no Retry-After from Bitly: the policy's backoff
    assert [entry["id"] for entry in sandbox.links()] == [link.id]


async def test_the_encode_limit_is_a_rate_limited_error(sleeps: Sleeps) -> None:
    with BitlySandbox(encode_limit=1) as limited:
        async with Bitly(
            access_token=limited.access_token, base_url=limited.url, retry=RetryPolicy(max_retries=0)
        ) as client:
            await client.shorten("https://example.com/1")
            with pytest.raises(RateLimitedError) as caught:
                await client.shorten("https://example.com/2")
    assert caught.value.body["message"] == "RATE_LIMIT_EXCEEDED"
    assert caught.value.retry_after is None  # Bitly sends none


async def test_the_redis_cache_saves_quota(
    sandbox: BitlySandbox, sleeps: Sleeps, vf_redis: Any, vf_redis_prefix: str
) -> None:
    """Against the stack's real Redis: a second shorten of one URL costs no API call, concurrent
    misses make one, and another client sharing the cache reuses the link."""
    sandbox.reset()
    async with Redis(url=vf_redis.url, namespace=vf_redis_prefix) as cache:
        async with _client(sandbox, sleeps, cache=cache, cache_ttl=60) as client:
            url = "https://www.ticketmaster.com/event/cached"
            links = await asyncio.gather(*(client.shorten(url) for _ in range(5)))
            assert len(set(links)) == 1
            assert sandbox.counts()["routes"] == {"POST /v4/shorten": 1}
            stored = await cache.get(
                next(iter([k async for k in _keys(cache, vf_redis.url, vf_redis_prefix)]))
            )
            assert stored == links[0].to_dict()
        async with _client(sandbox, sleeps, cache=cache) as other:
            assert await other.shorten(url) == links[0]
        assert sandbox.counts()["routes"] == {"POST /v4/shorten": 1}
        # another domain is another link
        async with _client(sandbox, sleeps, cache=cache, domain="j.mp") as jmp:
            assert (await jmp.shorten(url)).id.startswith("j.mp/")
        assert sandbox.counts()["routes"] == {"POST /v4/shorten": 2}


async def _keys(cache: Redis, url: str, prefix: str) -> AsyncIterator[str]:
    import redis.asyncio

    raw = redis.asyncio.Redis.from_url(url)
    try:
        async for key in raw.scan_iter(match=f"{prefix}bitly:link:*"):
            yield key.decode()[len(prefix) :]
    finally:
        await raw.aclose()


async def test_a_broken_cache_falls_back_to_the_api(
    sandbox: BitlySandbox, sleeps: Sleeps, caplog: pytest.LogCaptureFixture
) -> None:
    sandbox.reset()
    from verifiedfan.redis import ReconnectPolicy

    dead = Redis(url="redis://127.0.0.1:9/0", retry=ReconnectPolicy(max_retries=0), connect_timeout=0.2)
    async with dead, _client(sandbox, sleeps, cache=dead) as client:
        caplog.set_level(logging.WARNING, logger="verifiedfan")
        link = await client.shorten("https://example.com/no-cache")
    assert link.id.startswith("bit.ly/")
    assert "the link cache failed" in caplog.text


def test_configuration() -> None:
    with pytest.raises(ConfigurationError, match="access_token"):
        Bitly(access_token="")
    with pytest.raises(ConfigurationError, match="domain"):
        Bitly(access_token="t", domain="bit.ly/x")
    assert "secret-token" not in repr(SyncBitly(access_token="secret-token"))


async def test_token_never_in_logs(sandbox: BitlySandbox, sleeps: Sleeps) -> None:
    sandbox.reset()
    with capture_logs("debug") as logs:
        async with _client(sandbox, sleeps) as client:
            await client.shorten("https://example.com/logs")
            sandbox.inject("500", "500", "500", "500")
            with pytest.raises(ServerError) as caught:
                await client.shorten("https://example.com/logs2")
    assert logs.lines
    assert sandbox.access_token not in logs.text
    assert sandbox.access_token not in str(caught.value)


def test_from_settings_and_the_sync_twin(sandbox: BitlySandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    sandbox.reset()
    monkeypatch.setenv("VF_BITLY_API_KEY", sandbox.access_token)
    monkeypatch.setenv("VF_BITLY_GROUP_GUID", sandbox.group_guid)
    monkeypatch.setenv("VF_BITLY_BASE_URL", sandbox.url)
    settings = BitlySettings()
    assert sandbox.access_token not in repr(settings)
    with SyncBitly.from_settings(settings) as client:
        link = client.shorten("https://example.com/sync")
        sandbox.click(link.id, 3)
        assert client.clicks_summary(link.id) == 3


def test_vf_sandbox_partners_serves_the_bitly_sandbox() -> None:
    import json

    from typer.testing import CliRunner

    from verifiedfan.cli._sandbox import app as sandbox_app

    result = CliRunner().invoke(sandbox_app, ["partners", "--duration", "0", "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)["bitly"]
    assert info["base_url"].startswith("http://127.0.0.1:")
    assert info["group_guid"] == "Ba1bc23dE4F"
