"""The pagers and their drivers, against in-memory pages (no I/O)."""

from __future__ import annotations

from typing import Any

import pytest

from verifiedfan.errors import ResponseFormatError, ValidationError
from verifiedfan.http import (
    CursorPager,
    LinkPager,
    OffsetPager,
    PageNumberPager,
    PageRequest,
    aiter_cursor,
    aiter_links,
    aiter_offsets,
    aiter_page_numbers,
    basic_authorization,
)

DATA = [f"item{i}" for i in range(23)]


class OffsetApi:
    """Spotify's offset paging: ``items``, ``total``, ``next``."""

    def __init__(self, *, with_total: bool = True) -> None:
        self.requests: list[PageRequest] = []
        self.with_total = with_total

    async def __call__(self, request: PageRequest) -> Any:
        self.requests.append(request)
        if request.url is not None:
            offset = int(request.url.rsplit("=", 1)[1])
            limit = int(request.params["limit"])
        else:
            offset, limit = int(request.params["offset"]), int(request.params["limit"])
        end = offset + limit
        page: dict[str, Any] = {"items": DATA[offset:end]}
        if self.with_total:
            page["total"] = len(DATA)
        page["next"] = f"/things?offset={end}" if end < len(DATA) else None
        return page


@pytest.mark.parametrize("concurrency", [1, 4])
async def test_offsets_yield_every_item_once_in_order(concurrency: int) -> None:
    api = OffsetApi()
    pager = OffsetPager(page_size=5)
    assert [i async for i in aiter_offsets(api, pager, concurrency=concurrency)] == DATA
    assert pager.total == 23
    assert sorted(r.params["offset"] for r in api.requests) == [0, 5, 10, 15, 20]


async def test_offsets_stop_at_the_limit_and_ask_only_for_what_is_needed() -> None:
    api = OffsetApi()
    pager = OffsetPager(page_size=5, limit=7)
    assert [i async for i in aiter_offsets(api, pager, concurrency=4)] == DATA[:7]
    assert [(r.params["offset"], r.params["limit"]) for r in api.requests] == [(0, 5), (5, 2)]


async def test_offsets_without_a_total_follow_next_links() -> None:
    api = OffsetApi(with_total=False)
    pager = OffsetPager(page_size=10, total=None, next_link="next")
    assert [i async for i in aiter_offsets(api, pager, concurrency=4)] == DATA
    assert [r.url for r in api.requests] == [None, "/things?offset=10", "/things?offset=20"]


async def test_links_detect_a_loop() -> None:
    async def fetch(request: PageRequest) -> Any:
        return {"items": [1], "next": "https://x.example/p2"}

    with pytest.raises(ResponseFormatError, match="pagination loops"):
        [i async for i in aiter_links(fetch, LinkPager())]


async def test_cursor_paging_like_spotify_followed_artists() -> None:
    cursors = {None: ("a", [1, 2]), "a": ("b", [3, 4]), "b": (None, [5])}
    sent: list[Any] = []

    async def fetch(request: PageRequest) -> Any:
        after = request.params.get("after")
        sent.append(after)
        nxt, items = cursors[after]
        return {"artists": {"items": items, "cursors": {"after": nxt}, "next": "more" if nxt else None}}

    pager = CursorPager(
        items="artists.items", cursor="artists.cursors.after", cursor_param="after", has_more="artists.next"
    )
    assert [i async for i in aiter_cursor(fetch, pager)] == [1, 2, 3, 4, 5]
    assert sent == [None, "a", "b"]


async def test_page_numbers_stop_at_total_pages() -> None:
    # Ticketmaster Discovery: page is 0-based, page.totalPages says how many there are.
    async def fetch(request: PageRequest) -> Any:
        number, size = request.params["page"], request.params["size"]
        return {"_embedded": {"events": DATA[number * size : (number + 1) * size]}, "page": {"totalPages": 3}}

    pager = PageNumberPager(items="_embedded.events", page_size=5, start=0, total_pages="page.totalPages")
    assert [i async for i in aiter_page_numbers(fetch, pager)] == DATA[:15]
    assert pager.pages == 3


def test_bad_pager_arguments_fail_before_io() -> None:
    with pytest.raises(ValidationError, match="page_size"):
        OffsetPager(page_size=0)
    with pytest.raises(ValidationError, match="limit"):
        LinkPager(limit=-1)


def test_basic_authorization_matches_rfc_6749_and_form_encodes_client_credentials() -> None:
    # RFC 6749 §4.4.2's example request: client s6BhdRkqt3, secret gX1fBat3bV.
    assert (
        basic_authorization("s6BhdRkqt3", "gX1fBat3bV", oauth_client=True)
        == "Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW"
    )
    # §2.3.1: id and secret are form-encoded first, so ':' in the id survives.
    assert basic_authorization("a:b", "c", oauth_client=True) == basic_authorization("a%3Ab", "c")
    with pytest.raises(ValidationError, match="RFC 7617"):
        basic_authorization("a:b", "c")
