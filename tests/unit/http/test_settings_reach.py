"""Every HTTP setting arrives where it acts (issue 22): the httpx pool, each request's timeouts, the
retry schedule. Values differ from the defaults, so a dropped setting fails its test."""

from __future__ import annotations

import calendar
import dataclasses

import httpx
import pytest

from verifiedfan.errors import RateLimitedError, ServerError
from verifiedfan.http import (
    HttpClient,
    HttpSettings,
    Limits,
    RetryPolicy,
    SyncHttpClient,
    Timeouts,
    parse_retry_after,
)

ENV = {
    "VF_HTTP_SERVICE_NAME": "users",
    "VF_HTTP_BASE_URL": "http://users.internal",
    "VF_HTTP_CONNECT_TIMEOUT": "0.7",
    "VF_HTTP_TOTAL_TIMEOUT": "3.3",
    "VF_HTTP_MAX_CONNECTIONS": "7",
    "VF_HTTP_MAX_KEEPALIVE_CONNECTIONS": "3",
    "VF_HTTP_KEEPALIVE_EXPIRY": "11",
    "VF_HTTP_MAX_RETRIES": "2",
    "VF_HTTP_BACKOFF_INITIAL": "0.3",
    "VF_HTTP_BACKOFF_MAX": "0.5",
    "VF_HTTP_RETRY_AFTER_CAP": "9",
    "VF_HTTP_DEADLINE": "45",
}


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> HttpSettings:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    return HttpSettings()


def test_defaults_differ_from_the_values_used_here() -> None:
    defaults = HttpSettings()
    assert (defaults.connect_timeout, defaults.total_timeout, defaults.max_connections) != (0.7, 3.3, 7)
    assert (defaults.max_retries, defaults.backoff_initial, defaults.retry_after_cap) != (2, 0.3, 9)
    assert defaults.deadline is None


@pytest.mark.parametrize("client_cls", [HttpClient, SyncHttpClient])
def test_limits_reach_the_connection_pool(settings: HttpSettings, client_cls: type) -> None:
    http = client_cls.from_settings(settings)
    pool = http._client._transport._pool
    assert (pool._max_connections, pool._max_keepalive_connections, pool._keepalive_expiry) == (7, 3, 11.0)


def test_limits_to_httpx_keeps_every_field() -> None:
    limits = Limits(max_connections=7, max_keepalive_connections=3, keepalive_expiry=11.0).to_httpx()
    assert limits == httpx.Limits(max_connections=7, max_keepalive_connections=3, keepalive_expiry=11.0)


def test_timeouts_to_httpx_bounds_every_phase() -> None:
    timeout = Timeouts(connect=0.7, total=3.3).to_httpx()
    assert timeout.as_dict() == {"connect": 0.7, "read": 3.3, "write": 3.3, "pool": 3.3}


class Recorder(httpx.AsyncBaseTransport, httpx.BaseTransport):
    def __init__(self, *statuses: int, headers: dict[str, str] | None = None) -> None:
        self.statuses = list(statuses)
        self.headers = headers or {}
        self.timeouts: list[dict[str, float]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.timeouts.append(request.extensions["timeout"])
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        return httpx.Response(status, headers=self.headers, json={})

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return self.handle_request(request)


@pytest.mark.parametrize("client_cls", [HttpClient, SyncHttpClient])
async def test_timeouts_reach_each_request(settings: HttpSettings, client_cls: type) -> None:
    transport = Recorder(200)
    http = client_cls.from_settings(settings, transport=transport)
    if client_cls is HttpClient:
        await http.get("/a")
        await http.get("/b", timeout=1.25)
        await http.aclose()
    else:
        import asyncio

        await asyncio.to_thread(http.get, "/a")
        await asyncio.to_thread(http.get, "/b", timeout=1.25)
        http.close()
    assert transport.timeouts == [
        {"connect": 0.7, "read": 3.3, "write": 3.3, "pool": 3.3},
        {"connect": 0.7, "read": 1.25, "write": 1.25, "pool": 1.25},
    ]


def test_retry_settings_build_the_policy(settings: HttpSettings) -> None:
    expected = RetryPolicy(
        max_retries=2, backoff_initial=0.3, backoff_max=0.5, retry_after_cap=9.0, deadline=45.0
    )
    assert settings.retry_policy() == expected
    assert HttpClient.from_settings(settings).retry_policy == expected
    assert SyncHttpClient.from_settings(settings).retry_policy == expected


class Sleeps:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)

    def sync(self, seconds: float) -> None:
        self.delays.append(seconds)


def _schedule_policy(settings: HttpSettings, sleeps: Sleeps) -> RetryPolicy:
    """The settings' policy with only its side effects replaced (no waiting, jitter at its ceiling)."""
    return dataclasses.replace(
        settings.retry_policy(), sleep=sleeps, sync_sleep=sleeps.sync, jitter=lambda: 1.0
    )


async def test_retry_schedule_follows_the_settings(settings: HttpSettings) -> None:
    sleeps = Sleeps()
    transport = Recorder(503)
    http = HttpClient.from_settings(settings, retry=_schedule_policy(settings, sleeps), transport=transport)
    with pytest.raises(ServerError, match="503") as caught:
        await http.get("/a")
    await http.aclose()
    # max_retries 2 -> 3 attempts; backoff 0.3, then 0.6 capped by backoff_max 0.5
    assert len(transport.timeouts) == 3
    assert sleeps.delays == [0.3, 0.5]
    assert "gave up after 3 attempts" in caught.value.__notes__


def test_sync_retry_schedule_follows_the_settings(settings: HttpSettings) -> None:
    sleeps = Sleeps()
    transport = Recorder(503)
    with (
        SyncHttpClient.from_settings(
            settings, retry=_schedule_policy(settings, sleeps), transport=transport
        ) as http,
        pytest.raises(
            ServerError, match=r"^users: GET http://users\.internal/a returned 503\ngave up after 3 attempts$"
        ),
    ):
        http.get("/a")
    assert len(transport.timeouts) == 3
    assert sleeps.delays == [0.3, 0.5]


@pytest.mark.parametrize(("retry_after", "waits"), [("8", True), ("10", False)])
async def test_retry_after_cap_follows_the_settings(
    settings: HttpSettings, retry_after: str, waits: bool
) -> None:
    sleeps = Sleeps()
    transport = Recorder(429, 200, headers={"retry-after": retry_after})
    http = HttpClient.from_settings(settings, retry=_schedule_policy(settings, sleeps), transport=transport)
    if waits:
        assert (await http.get("/a")).attempts == 2
        assert sleeps.delays == [8.0]
    else:
        with pytest.raises(RateLimitedError, match="429"):
            await http.get("/a")
        assert sleeps.delays == []
    await http.aclose()


# -- Retry-After as an HTTP date without a zone ----------------------------------------------------

NOW = float(calendar.timegm((2015, 10, 21, 7, 27, 0)))


@pytest.mark.parametrize(
    "value",
    [
        "Wed, 21 Oct 2015 07:28:00 GMT",  # RFC 9110's IMF-fixdate
        "Wed, 21 Oct 2015 07:28:00 -0000",  # "-0000": no zone information (RFC 5322)
        "Wed, 21 Oct 2015 07:28:00",  # no zone at all: read as UTC, as HTTP dates always are
    ],
)
def test_retry_after_http_date_with_or_without_zone(value: str) -> None:
    assert parse_retry_after(value, now=NOW) == 60.0
