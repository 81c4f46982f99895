# Generated from src/verifiedfan/http/_api/_async/paging.py by scripts/unasync.py: do not edit.
# Change the async source, then run `python scripts/unasync.py`.
"""The paging drivers: one loop for every pager, async (sync twins ``iter_*`` are generated).

``fetch`` gets a :class:`~verifiedfan.http.PageRequest` and returns the decoded JSON page; the
pager (:class:`~verifiedfan.http.OffsetPager`, ``LinkPager``, ``CursorPager``, ``PageNumberPager``)
decides what to fetch next and where the items are::

    pager = OffsetPager(items="items", total="total", page_size=50)
    for track in iter_offsets(fetch, pager, concurrency=8):
        ...
    pager.total  # the server's total

``concurrency`` (offsets only): once the first page gave the total, the remaining pages are
fetched that many at a time, and still yielded in order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from verifiedfan.http._api._concurrency import gather_ordered
from verifiedfan.http._api._pagers import (
    CursorPager,
    LinkPager,
    OffsetPager,
    PageNumberPager,
    Pager,
    PageRequest,
)

__all__ = ["iter_cursor", "iter_links", "iter_offsets", "iter_page_numbers", "iter_pages"]

Fetch = Callable[[PageRequest], Any]


def iter_pages(fetch: Fetch, pager: Pager, *, concurrency: int = 1) -> Iterator[list[Any]]:
    """The items of each page, page by page (the shared loop of the ``aiter_*`` drivers)."""
    request: PageRequest | None = pager.first()
    while request is not None:
        page = fetch(request)
        yield pager.feed(request, page)
        planned = pager.plan() if concurrency > 1 else ()
        if planned:
            pages = gather_ordered(fetch, planned, concurrency)
            for planned_request, planned_page in zip(planned, pages, strict=True):
                if pager.done:
                    return
                yield pager.feed(planned_request, planned_page)
            return
        request = pager.next()


def _items(fetch: Fetch, pager: Pager, concurrency: int) -> Iterator[Any]:
    for items in iter_pages(fetch, pager, concurrency=concurrency):
        for item in items:
            yield item


def iter_offsets(fetch: Fetch, pager: OffsetPager, *, concurrency: int = 1) -> Iterator[Any]:
    """Every item of an offset-paged list (``concurrency`` pages at a time once the total is known)."""
    return _items(fetch, pager, concurrency)


def iter_links(fetch: Fetch, pager: LinkPager) -> Iterator[Any]:
    """Every item, following each page's ``next`` link."""
    return _items(fetch, pager, 1)


def iter_cursor(fetch: Fetch, pager: CursorPager) -> Iterator[Any]:
    """Every item, sending each page's cursor for the next."""
    return _items(fetch, pager, 1)


def iter_page_numbers(fetch: Fetch, pager: PageNumberPager) -> Iterator[Any]:
    """Every item, page number after page number."""
    return _items(fetch, pager, 1)
