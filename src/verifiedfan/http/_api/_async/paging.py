"""The paging drivers: one loop for every pager, async (sync twins ``iter_*`` are generated).

``fetch`` gets a :class:`~verifiedfan.http.PageRequest` and returns the decoded JSON page; the
pager (:class:`~verifiedfan.http.OffsetPager`, ``LinkPager``, ``CursorPager``, ``PageNumberPager``)
decides what to fetch next and where the items are::

    pager = OffsetPager(items="items", total="total", page_size=50)
    async for track in aiter_offsets(fetch, pager, concurrency=8):
        ...
    pager.total  # the server's total

``concurrency`` (offsets only): once the first page gave the total, the remaining pages are
fetched that many at a time, and still yielded in order.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from verifiedfan.http._api._concurrency import async_gather_ordered
from verifiedfan.http._api._pagers import (
    CursorPager,
    LinkPager,
    OffsetPager,
    PageNumberPager,
    Pager,
    PageRequest,
)

__all__ = ["aiter_cursor", "aiter_links", "aiter_offsets", "aiter_page_numbers", "aiter_pages"]

Fetch = Callable[[PageRequest], Awaitable[Any]]


async def aiter_pages(fetch: Fetch, pager: Pager, *, concurrency: int = 1) -> AsyncIterator[list[Any]]:
    """The items of each page, page by page (the shared loop of the ``aiter_*`` drivers)."""
    request: PageRequest | None = pager.first()
    while request is not None:
        page = await fetch(request)
        yield pager.feed(request, page)
        planned = pager.plan() if concurrency > 1 else ()
        if planned:
            pages = await async_gather_ordered(fetch, planned, concurrency)
            for planned_request, planned_page in zip(planned, pages, strict=True):
                if pager.done:
                    return
                yield pager.feed(planned_request, planned_page)
            return
        request = pager.next()


async def _items(fetch: Fetch, pager: Pager, concurrency: int) -> AsyncIterator[Any]:
    async for items in aiter_pages(fetch, pager, concurrency=concurrency):
        for item in items:
            yield item


def aiter_offsets(fetch: Fetch, pager: OffsetPager, *, concurrency: int = 1) -> AsyncIterator[Any]:
    """Every item of an offset-paged list (``concurrency`` pages at a time once the total is known)."""
    return _items(fetch, pager, concurrency)


def aiter_links(fetch: Fetch, pager: LinkPager) -> AsyncIterator[Any]:
    """Every item, following each page's ``next`` link."""
    return _items(fetch, pager, 1)


def aiter_cursor(fetch: Fetch, pager: CursorPager) -> AsyncIterator[Any]:
    """Every item, sending each page's cursor for the next."""
    return _items(fetch, pager, 1)


def aiter_page_numbers(fetch: Fetch, pager: PageNumberPager) -> AsyncIterator[Any]:
    """Every item, page number after page number."""
    return _items(fetch, pager, 1)
