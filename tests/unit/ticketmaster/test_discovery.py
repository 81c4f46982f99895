"""TmDiscovery against the Discovery sandbox: HAL paging, the paging depth, the limits, the key (issue 12)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import pytest

from verifiedfan import log
from verifiedfan.errors import NotFoundError, RateLimitedError, ResponseFormatError, ValidationError
from verifiedfan.http import RetryPolicy
from verifiedfan.testing.sandbox import Faults, TmDiscoveryApp, TmDiscoverySandbox
from verifiedfan.ticketmaster import (
    DeepPagingLimitError,
    DiscoveryLimiter,
    DiscoveryQuotaError,
    Event,
    InvalidApiKeyError,
    SyncTmDiscovery,
    TmDiscovery,
)

KEY = TmDiscoveryApp.api_key


async def _drain(events: AsyncIterator[Event]) -> list[str]:
    return [e.id async for e in events]


NO_RETRY = RetryPolicy(max_retries=0)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[TmDiscoverySandbox]:
    with TmDiscoverySandbox() as running:
        yield running


@pytest.fixture
async def discovery(sandbox: TmDiscoverySandbox) -> AsyncIterator[TmDiscovery]:
    sandbox.reset()
    sandbox.set_faults(Faults())
    fast = DiscoveryLimiter(limit=1000, window=1.0, per_day=None)
    async with TmDiscovery(api_key=KEY, base_url=sandbox.base_url, limiter=fast, retry=NO_RETRY) as client:
        yield client


async def test_an_event_is_typed_with_its_venue_and_attraction(discovery: TmDiscovery) -> None:
    event = await discovery.get_event("vvG1000007")
    assert (event.id, event.name, event.status) == ("vvG1000007", "Loopback Lovers Live 7", "onsale")
    assert event.start is not None
    assert event.start.isoformat() == "2027-03-08T20:00:00+00:00"
    assert [v.city for v in event.venues] == ["Tokyo"]
    assert [a.name for a in event.attractions] == ["Loopback Lovers"]
    assert (event.segment, event.genre) == ("Arts & Theatre", "Theatre")


async def test_an_unknown_event_is_not_found(discovery: TmDiscovery) -> None:
    with pytest.raises(NotFoundError, match="404"):
        await discovery.get_event("nope")


async def test_a_search_follows_every_page(sandbox: TmDiscoverySandbox, discovery: TmDiscovery) -> None:
    events = [e async for e in discovery.aiter_events(keyword="loopback", size=50)]
    expected = [e["id"] for e in sandbox.app.events if "loopback" in e["name"].lower()]  # type: ignore[attr-defined]
    assert [e.id for e in events] == expected
    assert len(expected) == 300
    assert sandbox.counts()["routes"]["GET /discovery/v2/events.json"] == 6


async def test_the_paging_depth_is_a_typed_error_before_the_server_refuses(
    sandbox: TmDiscoverySandbox, discovery: TmDiscovery
) -> None:
    message = r"only the first 1000 items.*1000 of 1500 were read"
    with pytest.raises(DeepPagingLimitError, match=message) as info:
        await _drain(discovery.aiter_events(size=200))
    assert (info.value.read, info.value.total) == (1000, 1500)
    assert all(entry.status != 400 for entry in sandbox.journal())  # never asked past the depth
    truncated = [e async for e in discovery.aiter_events(size=200, truncate=True)]
    assert len(truncated) == 1000


async def test_a_bad_key_is_a_typed_error_and_the_key_is_never_logged(sandbox: TmDiscoverySandbox) -> None:
    secret = "wrong-key-4f9a1c"
    with log.capture_logs() as captured:
        async with TmDiscovery(api_key=secret, base_url=sandbox.base_url, retry=NO_RETRY) as client:
            with pytest.raises(InvalidApiKeyError, match="refused the API key") as info:
                await client.get_event("vvG1000001")
    assert secret not in str(info.value)
    assert secret not in repr(captured)


async def test_64_callers_share_the_rate_limit_and_none_is_refused(sandbox: TmDiscoverySandbox) -> None:
    sandbox.reset()
    sandbox.set_faults(Faults(rate_limit=5, rate_limit_window=0.5))
    limiter = DiscoveryLimiter(limit=5, window=0.5, per_day=None)
    async with TmDiscovery(api_key=KEY, base_url=sandbox.base_url, limiter=limiter, retry=NO_RETRY) as client:
        events = await asyncio.gather(*(client.get_event(f"vvG1{i:06d}") for i in range(20)))
    assert [e.id for e in events] == [f"vvG1{i:06d}" for i in range(20)]
    assert sandbox.stats().get("rate_limited", 0) == 0


async def test_without_the_limiter_the_sandbox_refuses(sandbox: TmDiscoverySandbox) -> None:
    sandbox.reset()
    sandbox.set_faults(Faults(rate_limit=5, rate_limit_window=5.0))
    unlimited = DiscoveryLimiter(limit=1000, window=1.0, per_day=None)
    async with TmDiscovery(
        api_key=KEY, base_url=sandbox.base_url, limiter=unlimited, retry=NO_RETRY
    ) as client:
        results = await asyncio.gather(
            *(client.get_event(f"vvG1{i:06d}") for i in range(12)), return_exceptions=True
        )
    assert any(
        isinstance(r, RateLimitedError) for r in results
    )  # the knob bites, so the test above means something


async def test_the_daily_quota_is_refused_before_any_request(sandbox: TmDiscoverySandbox) -> None:
    sandbox.reset()
    limiter = DiscoveryLimiter(limit=100, window=1.0, per_day=2)
    async with TmDiscovery(api_key=KEY, base_url=sandbox.base_url, limiter=limiter, retry=NO_RETRY) as client:
        await client.get_event("vvG1000001")
        await client.get_event("vvG1000002")
        with pytest.raises(DiscoveryQuotaError, match="daily quota of 2 requests is used up"):
            await client.get_event("vvG1000003")
    assert sandbox.stats().get("key_requests") == 2


async def test_the_servers_quota_answer_is_a_rate_limited_error(discovery: TmDiscovery) -> None:
    with TmDiscoverySandbox(quota=1) as small:
        async with TmDiscovery(api_key=KEY, base_url=small.base_url, retry=NO_RETRY) as client:
            await client.get_event("vvG1000001")
            with pytest.raises(RateLimitedError, match="429"):
                await client.get_event("vvG1000002")


async def test_a_malformed_answer_is_a_response_format_error(
    sandbox: TmDiscoverySandbox, discovery: TmDiscovery
) -> None:
    sandbox.inject("malformed")
    with pytest.raises(ResponseFormatError, match="tm_discovery"):
        await discovery.get_event("vvG1000001")


async def test_bad_arguments_are_refused_before_any_request(discovery: TmDiscovery) -> None:
    with pytest.raises(ValidationError, match="size must be an integer from 1 to 200"):
        await _drain(discovery.aiter_events(size=500))
    with pytest.raises(ValidationError, match="an id is a non-empty string"):
        await discovery.get_event("  ")


def test_the_sync_twin_pages_the_same(sandbox: TmDiscoverySandbox) -> None:
    sandbox.reset()
    sandbox.set_faults(Faults())
    with SyncTmDiscovery(api_key=KEY, base_url=sandbox.base_url) as client:
        ids = [e.id for e in client.iter_events(keyword="async echo", size=100)]
        assert len(ids) == 300
        assert client.get_venue("KovZ0001").city == "Paris"
