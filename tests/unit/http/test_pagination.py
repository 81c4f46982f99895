"""Paging against a real local HTTP server, through ApiClient and SyncApiClient."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from verifiedfan.errors import ResponseFormatError, ValidationError
from verifiedfan.http import (
    ApiClient,
    HttpClient,
    LinkPager,
    OffsetPager,
    PageRequest,
    RetryPolicy,
    SyncApiClient,
    SyncHttpClient,
    aiter_offsets,
    iter_links,
)
from verifiedfan.testing.faults import FaultServer, RecordedRequest, Reply


def offset_pages(total: int) -> Callable[[RecordedRequest], Reply]:
    def handler(req: RecordedRequest) -> Reply:
        offset, limit = int(req.query["offset"][0]), int(req.query["limit"][0])
        items = list(range(offset, min(offset + limit, total)))
        return Reply(json={"items": items, "total": total, "offset": offset})

    return handler


@pytest.fixture
async def api(server: FaultServer, policy: RetryPolicy) -> ApiClient:
    return ApiClient(base_url=server.url, retry=policy)


async def test_links_are_followed_until_exhausted(api: ApiClient, server: FaultServer) -> None:
    server.route("/p1", Reply(json={"items": [1, 2], "next": f"{server.url}/p2?cursor=b"}))
    server.route("/p2", Reply(json={"items": [3], "next": "/p3"}))
    server.route("/p3", Reply(json={"items": [4], "next": None}))
    async with api:
        got = [item async for item in api._aiter("/p1", LinkPager(), params={"limit": 2})]
    assert got == [1, 2, 3, 4]
    assert server.requests_to("/p2")[0].query == {"cursor": ["b"]}
    assert server.requests_to("/p1")[0].query == {"limit": ["2"]}


async def test_links_with_nested_keys_and_max_pages(api: ApiClient, server: FaultServer) -> None:
    server.route("/following", Reply(json={"artists": {"items": ["a"], "next": "/following2"}}))
    server.route("/following2", Reply(json={"artists": {"items": ["b"], "next": "/following3"}}))
    pager = LinkPager(items="artists.items", next_link="artists.next", max_pages=2)
    async with api:
        assert [item async for item in api._aiter("/following", pager)] == ["a", "b"]
    assert server.hits("/following3") == 0


async def test_a_page_without_items_is_a_response_format_error(api: ApiClient, server: FaultServer) -> None:
    server.route("/p1", Reply(json={"data": []}))
    async with api:
        with pytest.raises(ResponseFormatError, match="no 'items'"):
            [item async for item in api._aiter("/p1", LinkPager())]


async def test_offsets_step_until_the_total(api: ApiClient, server: FaultServer) -> None:
    server.route("/list", offset_pages(5))
    async with api:
        got = [i async for i in api._aiter("/list", OffsetPager(page_size=2), params={"market": "US"})]
    assert got == [0, 1, 2, 3, 4]
    assert [r.query["offset"] for r in server.requests_to("/list")] == [["0"], ["2"], ["4"]]
    assert server.requests_to("/list")[0].query["market"] == ["US"]


async def test_offsets_stop_on_an_exact_total_without_an_empty_page(
    api: ApiClient, server: FaultServer
) -> None:
    server.route("/list", offset_pages(4))
    async with api:
        assert [i async for i in api._aiter("/list", OffsetPager(page_size=2), concurrency=4)] == [0, 1, 2, 3]
    assert server.hits("/list") == 2


async def test_offsets_without_total_stop_on_an_empty_page(client: HttpClient, server: FaultServer) -> None:
    server.script("/list", Reply(json={"items": [1, 2]}), Reply(json={"items": []}))

    async def fetch(request: PageRequest) -> object:
        return await client.get_json("/list", params=request.params, route="/list")

    assert [i async for i in aiter_offsets(fetch, OffsetPager(page_size=2, total=None))] == [1, 2]
    assert server.hits("/list") == 2


def test_bad_page_size_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="page_size"):
        OffsetPager(page_size=0)


def test_sync_links(sync_client: SyncHttpClient, server: FaultServer) -> None:
    server.route("/p1", Reply(json={"items": [1], "next": "/p2"}))
    server.route("/p2", Reply(json={"items": [2]}))

    def fetch(request: PageRequest) -> object:
        return sync_client.get_json(request.url or "/p1", params=request.params, route="/p1")

    assert list(iter_links(fetch, LinkPager())) == [1, 2]


def test_sync_api_client_offsets(server: FaultServer, policy: RetryPolicy) -> None:
    server.route("/list", offset_pages(3))
    with SyncApiClient(base_url=server.url, retry=policy) as api:
        assert list(api._iter("/list", OffsetPager(page_size=2), concurrency=4)) == [0, 1, 2]
