"""Pagers: the page logic of every paged API, with no I/O.

A pager says which request comes next (:meth:`Pager.first`, :meth:`Pager.next`) and takes each
answer (:meth:`Pager.feed`), returning that page's items. The drivers ``aiter_offsets``,
``aiter_links``, ``aiter_cursor`` and ``aiter_page_numbers`` (``verifiedfan.http``, sync twins
``iter_*``) do the I/O through a ``fetch(PageRequest)`` function, so the same pager serves
:class:`~verifiedfan.http.ApiClient` endpoints, a bare :class:`~verifiedfan.http.HttpClient` and
tests. After the iteration, ``pager.total`` holds the server's total when it gave one.

Where the items, totals, links and cursors are is given as a :data:`Selector`: a dotted path into
the JSON page (``"artists.items"``) or a function of the page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from verifiedfan.errors import ResponseFormatError, ValidationError

__all__ = ["CursorPager", "LinkPager", "OffsetPager", "PageNumberPager", "PageRequest", "Pager", "Selector"]

Selector = str | Callable[[Any], Any]
"""A dotted key path into the page (``"artists.items"``) or a function of the page."""


def select(page: Any, selector: Selector, *, required: bool) -> Any:
    """The value at ``selector`` in ``page`` (``None`` when absent and not ``required``)."""
    if callable(selector):
        return selector(page)
    value = page
    for key in selector.split("."):
        if not isinstance(value, dict) or key not in value:
            if required:
                raise ResponseFormatError(f"the page has no {selector!r}")
            return None
        value = value[key]
    return value


@dataclass(frozen=True, slots=True)
class PageRequest:
    """The next page to fetch: ``params`` to add to the call, or an absolute/relative ``url`` to
    fetch instead of the route (a ``next`` link, which carries its own query)."""

    params: Mapping[str, Any] = field(default_factory=dict)
    url: str | None = None


def _check_positive(name: str, value: int | None) -> None:
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
        raise ValidationError(f"{name} must be a positive integer or None, got {value!r}")


class Pager:
    """The shared half: the item selector, the ``limit`` on items, ``max_pages``, the counters."""

    def __init__(self, *, items: Selector, limit: int | None, max_pages: int | None) -> None:
        _check_positive("limit", limit)
        _check_positive("max_pages", max_pages)
        self.items_at, self.limit, self.max_pages = items, limit, max_pages
        self.pages = 0
        self.count = 0
        self.total: int | None = None
        self.done = False

    def first(self) -> PageRequest:
        """The request of the first page."""
        raise NotImplementedError

    def next(self) -> PageRequest | None:
        """The request of the next page, or ``None`` when the last page was fed."""
        raise NotImplementedError

    def plan(self) -> Sequence[PageRequest]:
        """Every remaining request, when they are known in advance (offsets under a known total),
        so a driver may fetch them concurrently; empty otherwise."""
        return ()

    def feed(self, request: PageRequest, page: Any) -> list[Any]:
        """This page's items (cut at ``limit``); updates the counters and the stop condition."""
        items = select(page, self.items_at, required=True)
        if not isinstance(items, list):
            raise ResponseFormatError(f"the page's {self.items_at!r} is not a list")
        self.pages += 1
        if self.limit is not None and self.count + len(items) >= self.limit:
            items = items[: self.limit - self.count]
            self.done = True
        self.count += len(items)
        if not items or (self.max_pages is not None and self.pages >= self.max_pages):
            self.done = True
        return items

    def _room(self, size: int) -> int:
        return size if self.limit is None else max(1, min(size, self.limit - self.count))


class OffsetPager(Pager):
    """``offset``/``limit`` paging (Spotify, Apple Music, most REST APIs).

    Stops at an empty or short page, at ``total`` (when the page gives one at ``total``), or at
    ``limit`` items. Without a total, a ``next_link`` (when given) is followed instead. Once the
    first page gave the total, :meth:`plan` lists the remaining offsets so they can be fetched
    concurrently (``concurrency=`` of the driver).
    """

    def __init__(
        self,
        *,
        items: Selector = "items",
        total: Selector | None = "total",
        next_link: Selector | None = None,
        page_size: int = 50,
        limit: int | None = None,
        start: int = 0,
        params: Mapping[str, Any] | None = None,
        offset_param: str = "offset",
        limit_param: str = "limit",
        max_pages: int | None = None,
    ) -> None:
        super().__init__(items=items, limit=limit, max_pages=max_pages)
        _check_positive("page_size", page_size)
        if not isinstance(start, int) or start < 0:
            raise ValidationError(f"start must be a non-negative integer, got {start!r}")
        self.total_at, self.next_at = total, next_link
        self.page_size, self.offset = page_size, start
        self.base = dict(params or {})
        self.offset_param, self.limit_param = offset_param, limit_param
        self._link: str | None = None
        self._short = False
        self._planned = False

    def _at(self, offset: int, size: int) -> PageRequest:
        return PageRequest({**self.base, self.offset_param: offset, self.limit_param: size})

    def first(self) -> PageRequest:
        return self._at(self.offset, self._room(self.page_size))

    def next(self) -> PageRequest | None:
        if self.done or self._short or self._planned:
            return None
        if self._link is not None:
            return PageRequest({**self.base, self.limit_param: self.page_size}, url=self._link)
        if self.total is None and self.next_at is not None:
            return None  # no total and no next link: that was the last page
        if self.total is not None and self.offset >= self.total:
            return None
        return self._at(self.offset, self._room(self.page_size))

    def plan(self) -> Sequence[PageRequest]:
        if self.done or self._short or self._planned or self.total is None or self.pages != 1:
            return ()
        wanted = self.total if self.limit is None else min(self.total, self.limit)
        self._planned = True
        return [
            self._at(o, min(self.page_size, wanted - o)) for o in range(self.offset, wanted, self.page_size)
        ]

    def feed(self, request: PageRequest, page: Any) -> list[Any]:
        asked = request.params.get(self.limit_param, self.page_size)
        items = super().feed(request, page)
        if self.total_at is not None:
            total = select(page, self.total_at, required=False)
            if isinstance(total, int) and not isinstance(total, bool):
                self.total = total
        self.offset += len(items)
        self._short = isinstance(asked, int) and len(items) < asked and not self.done
        self._link = None
        if self.total is None and self.next_at is not None:
            link = select(page, self.next_at, required=False)
            self._link = link if isinstance(link, str) and link else None
            if self._link is None:
                self.done = True
        if self.total is not None and self.offset >= self.total:
            self.done = True
        return items


class LinkPager(Pager):
    """Follow the page's ``next`` link (absolute or relative) until it is empty or missing.
    A link seen twice raises :class:`~verifiedfan.errors.ResponseFormatError` (a loop)."""

    def __init__(
        self,
        *,
        items: Selector = "items",
        next_link: Selector = "next",
        total: Selector | None = None,
        params: Mapping[str, Any] | None = None,
        limit: int | None = None,
        max_pages: int | None = None,
    ) -> None:
        super().__init__(items=items, limit=limit, max_pages=max_pages)
        self.next_at, self.total_at = next_link, total
        self.params = dict(params or {})
        self._link: str | None = None
        self._seen: set[str] = set()

    def first(self) -> PageRequest:
        return PageRequest(self.params)

    def next(self) -> PageRequest | None:
        return None if self.done or self._link is None else PageRequest(url=self._link)

    def feed(self, request: PageRequest, page: Any) -> list[Any]:
        items = super().feed(request, page)
        if self.total_at is not None:
            total = select(page, self.total_at, required=False)
            self.total = total if isinstance(total, int) and not isinstance(total, bool) else self.total
        link = select(page, self.next_at, required=False)
        if not link:
            self._link, self.done = None, True
        elif not isinstance(link, str):
            raise ResponseFormatError(f"the page's {self.next_at!r} is not a URL")
        elif link in self._seen:
            raise ResponseFormatError(f"pagination loops: {link!r} was already fetched")
        else:
            self._link = link
            self._seen.add(link)
        return items


class CursorPager(Pager):
    """Cursor paging: send the previous page's cursor as ``cursor_param`` (Spotify's ``after``,
    Slack's ``cursor``) until the cursor is empty, ``has_more`` is false, or a page is empty."""

    def __init__(
        self,
        *,
        items: Selector = "items",
        cursor: Selector = "next_cursor",
        cursor_param: str = "cursor",
        has_more: Selector | None = None,
        page_size: int | None = None,
        limit_param: str = "limit",
        params: Mapping[str, Any] | None = None,
        limit: int | None = None,
        max_pages: int | None = None,
    ) -> None:
        super().__init__(items=items, limit=limit, max_pages=max_pages)
        _check_positive("page_size", page_size)
        self.cursor_at, self.cursor_param, self.has_more_at = cursor, cursor_param, has_more
        self.page_size, self.limit_param = page_size, limit_param
        self.base = dict(params or {})
        self._cursor: str | None = None

    def _request(self) -> PageRequest:
        params = dict(self.base)
        if self.page_size is not None:
            params[self.limit_param] = self._room(self.page_size)
        if self._cursor is not None:
            params[self.cursor_param] = self._cursor
        return PageRequest(params)

    def first(self) -> PageRequest:
        return self._request()

    def next(self) -> PageRequest | None:
        return None if self.done else self._request()

    def feed(self, request: PageRequest, page: Any) -> list[Any]:
        items = super().feed(request, page)
        cursor = select(page, self.cursor_at, required=False)
        more = True if self.has_more_at is None else bool(select(page, self.has_more_at, required=False))
        if not more or not isinstance(cursor, str | int) or cursor == "" or cursor == self._cursor:
            self.done = True
        else:
            self._cursor = str(cursor)
        return items


class PageNumberPager(Pager):
    """Page-number paging (``page=0,1,2...`` or from 1): stops at an empty or short page, or at
    ``total_pages`` (Ticketmaster's ``page.totalPages``) when given."""

    def __init__(
        self,
        *,
        items: Selector = "items",
        page_size: int = 50,
        start: int = 1,
        page_param: str = "page",
        size_param: str = "size",
        total_pages: Selector | None = None,
        total: Selector | None = None,
        params: Mapping[str, Any] | None = None,
        limit: int | None = None,
        max_pages: int | None = None,
    ) -> None:
        super().__init__(items=items, limit=limit, max_pages=max_pages)
        _check_positive("page_size", page_size)
        self.page_size, self.number, self.start = page_size, start, start
        self.page_param, self.size_param = page_param, size_param
        self.total_pages_at, self.total_at = total_pages, total
        self.base = dict(params or {})
        self.total_pages: int | None = None

    def _request(self) -> PageRequest:
        return PageRequest({**self.base, self.page_param: self.number, self.size_param: self.page_size})

    def first(self) -> PageRequest:
        return self._request()

    def next(self) -> PageRequest | None:
        return None if self.done else self._request()

    def feed(self, request: PageRequest, page: Any) -> list[Any]:
        items = super().feed(request, page)
        if self.total_pages_at is not None:
            pages = select(page, self.total_pages_at, required=False)
            self.total_pages = pages if isinstance(pages, int) else self.total_pages
        if self.total_at is not None:
            total = select(page, self.total_at, required=False)
            self.total = total if isinstance(total, int) else self.total
        self.number += 1
        if len(items) < self.page_size:
            self.done = True
        if self.total_pages is not None and self.number - self.start >= self.total_pages:
            self.done = True
        return items
