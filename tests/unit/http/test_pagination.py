"""Pagination helpers, following next links or stepping offsets."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from verifiedfan.errors import ResponseFormatError, ValidationError
from verifiedfan.http import (
    HttpClient,
    SyncHttpClient,
    iter_links,
    iter_offsets,
    paginate_links,
    paginate_offsets,
)
from verifiedfan.testing.faults import FaultServer, RecordedRequest, Reply


def offset_pages(total: int) -> Callable[[RecordedRequest], Reply]:
    def handler(req: RecordedRequest) -> Reply:
        offset, limit = int(req.query["offset"][0]), int(req.query["limit"][0])
        items = list(range(offset, min(offset + limit, total)))
        return Reply(json={"items": items, "total": total, "offset": offset})

    return handler


async def test_links_are_followed_until_exhausted(client: HttpClient, server: FaultServer) -> None:
    server.route("/p1", Reply(json={"items": [1, 2], "next": f"{server.url}/p2?cursor=b"}))
    server.route("/p2", Reply(json={"items": [3], "next": "/p3"}))
    server.route("/p3", Reply(json={"items": [4], "next": None}))
    got = [item async for item in paginate_links(client, "/p1", params={"limit": 2})]
    assert got == [1, 2, 3, 4]
    assert server.requests_to("/p2")[0].query == {"cursor": ["b"]}


async def test_links_with_nested_keys(client: HttpClient, server: FaultServer) -> None:
    server.route("/following", Reply(json={"artists": {"items": ["a"], "next": "/following2"}}))
    server.route("/following2", Reply(json={"artists": {"items": ["b"]}}))
    pages = paginate_links(client, "/following", items="artists.items", next_link="artists.next")
    assert [item async for item in pages] == ["a", "b"]


async def test_links_stop_at_max_pages(client: HttpClient, server: FaultServer) -> None:
    server.route("/p1", Reply(json={"items": [1], "next": "/p2"}))
    assert [item async for item in paginate_links(client, "/p1", max_pages=1)] == [1]
    assert server.hits("/p2") == 0


async def test_a_link_loop_is_a_response_format_error(client: HttpClient, server: FaultServer) -> None:
    server.route("/p1", Reply(json={"items": [1], "next": "/p1"}))
    with pytest.raises(ResponseFormatError):
        [item async for item in paginate_links(client, "/p1")]


async def test_a_page_without_items_is_a_response_format_error(
    client: HttpClient, server: FaultServer
) -> None:
    server.route("/p1", Reply(json={"data": []}))
    with pytest.raises(ResponseFormatError):
        [item async for item in paginate_links(client, "/p1")]


async def test_offsets_step_until_the_total(client: HttpClient, server: FaultServer) -> None:
    server.route("/list", offset_pages(5))
    got = [item async for item in paginate_offsets(client, "/list", limit=2, params={"market": "US"})]
    assert got == [0, 1, 2, 3, 4]
    assert [r.query["offset"] for r in server.requests_to("/list")] == [["0"], ["2"], ["4"]]
    assert server.requests_to("/list")[0].query["market"] == ["US"]


async def test_offsets_stop_on_an_exact_total_without_an_empty_page(
    client: HttpClient, server: FaultServer
) -> None:
    server.route("/list", offset_pages(4))
    assert [item async for item in paginate_offsets(client, "/list", limit=2)] == [0, 1, 2, 3]
    assert server.hits("/list") == 2


async def test_offsets_without_total_stop_on_an_empty_page(client: HttpClient, server: FaultServer) -> None:
    server.script("/list", Reply(json={"items": [1, 2]}), Reply(json={"items": []}))
    assert [item async for item in paginate_offsets(client, "/list", limit=2)] == [1, 2]
    assert server.hits("/list") == 2


async def test_bad_limit_is_a_validation_error(client: HttpClient) -> None:
    with pytest.raises(ValidationError):
        [item async for item in paginate_offsets(client, "/list", limit=0)]


def test_sync_links(sync_client: SyncHttpClient, server: FaultServer) -> None:
    server.route("/p1", Reply(json={"items": [1], "next": "/p2"}))
    server.route("/p2", Reply(json={"items": [2]}))
    assert list(iter_links(sync_client, "/p1")) == [1, 2]


def test_sync_offsets(sync_client: SyncHttpClient, server: FaultServer) -> None:
    server.route("/list", offset_pages(3))
    assert list(iter_offsets(sync_client, "/list", limit=2)) == [0, 1, 2]
