"""Pagination helpers: follow ``next`` links, or step offsets, until the pages are exhausted.

Each helper yields the items of every page, one by one. The page logic (where the items and the next
link are, when to stop) is shared by the async iterators and their sync twins.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from typing import Any, TypedDict, Unpack

from verifiedfan.errors import ResponseFormatError, ValidationError
from verifiedfan.http._async import HttpClient
from verifiedfan.http._sync import SyncHttpClient
from verifiedfan.http._types import AsyncTokenSource, SyncTokenSource

__all__ = ["iter_links", "iter_offsets", "paginate_links", "paginate_offsets"]

Selector = str | Callable[[Any], Any]
"""A dotted key path into the page (``"artists.items"``) or a function of the page."""


class _AsyncOptions(TypedDict, total=False):
    headers: Mapping[str, str] | None
    token: str | None
    auth: AsyncTokenSource | None
    route: str | None


class _SyncOptions(TypedDict, total=False):
    headers: Mapping[str, str] | None
    token: str | None
    auth: SyncTokenSource | None
    route: str | None


def _select(page: Any, selector: Selector, *, required: bool) -> Any:
    if callable(selector):
        return selector(page)
    value = page
    for key in selector.split("."):
        if not isinstance(value, dict) or key not in value:
            if required:
                raise ResponseFormatError(f"page has no {selector!r}")
            return None
        value = value[key]
    return value


def _items(page: Any, selector: Selector) -> Sequence[Any]:
    items = _select(page, selector, required=True)
    if not isinstance(items, list | tuple):
        raise ResponseFormatError(f"page's {selector!r} is not a list")
    return items


class _LinkPager:
    def __init__(
        self,
        url: str,
        params: Mapping[str, Any] | None,
        items: Selector,
        next_link: Selector,
        max_pages: int | None,
    ) -> None:
        if max_pages is not None and max_pages < 1:
            raise ValidationError("max_pages must be at least 1")
        self.url: str | None = url
        self.params = params
        self.items, self.next_link, self.max_pages = items, next_link, max_pages
        self.pages = 0
        self.seen = {url}

    def feed(self, page: Any) -> Sequence[Any]:
        items = _items(page, self.items)
        self.pages += 1
        nxt = _select(page, self.next_link, required=False)
        if not nxt or (self.max_pages is not None and self.pages >= self.max_pages):
            self.url = None
        elif not isinstance(nxt, str):
            raise ResponseFormatError(f"page's {self.next_link!r} is not a URL")
        elif nxt in self.seen:
            raise ResponseFormatError(f"pagination loops: {nxt!r} was already fetched")
        else:
            self.url, self.params = nxt, None  # a next link carries its own query
            self.seen.add(nxt)
        return items


class _OffsetPager:
    def __init__(
        self,
        params: Mapping[str, Any] | None,
        items: Selector,
        total: Selector | None,
        limit: int,
        start: int,
        offset_param: str,
        limit_param: str,
        max_pages: int | None,
    ) -> None:
        if limit < 1 or start < 0:
            raise ValidationError("limit must be at least 1 and start at least 0")
        if max_pages is not None and max_pages < 1:
            raise ValidationError("max_pages must be at least 1")
        self.base = dict(params or {})
        self.items, self.total, self.limit = items, total, limit
        self.offset_param, self.limit_param, self.max_pages = offset_param, limit_param, max_pages
        self.offset: int | None = start
        self.pages = 0

    def params(self) -> dict[str, Any]:
        return {**self.base, self.offset_param: self.offset, self.limit_param: self.limit}

    def feed(self, page: Any) -> Sequence[Any]:
        items = _items(page, self.items)
        self.pages += 1
        offset = (self.offset or 0) + len(items)
        total = _select(page, self.total, required=False) if self.total is not None else None
        exhausted = len(items) < self.limit or (isinstance(total, int) and offset >= total)
        capped = self.max_pages is not None and self.pages >= self.max_pages
        self.offset = None if exhausted or capped else offset
        return items


async def paginate_links(
    client: HttpClient,
    path_or_url: str,
    *,
    params: Mapping[str, Any] | None = None,
    items: Selector = "items",
    next_link: Selector = "next",
    max_pages: int | None = None,
    **options: Unpack[_AsyncOptions],
) -> AsyncIterator[Any]:
    """Yield the items of each page, following the page's ``next`` link (absolute or relative)
    until it is empty or missing. A link seen twice raises :class:`ResponseFormatError`."""
    pager = _LinkPager(path_or_url, params, items, next_link, max_pages)
    while pager.url is not None:
        page = await client.get_json(pager.url, params=pager.params, **options)
        for item in pager.feed(page):
            yield item


async def paginate_offsets(
    client: HttpClient,
    path_or_url: str,
    *,
    params: Mapping[str, Any] | None = None,
    items: Selector = "items",
    total: Selector | None = "total",
    limit: int = 50,
    start: int = 0,
    offset_param: str = "offset",
    limit_param: str = "limit",
    max_pages: int | None = None,
    **options: Unpack[_AsyncOptions],
) -> AsyncIterator[Any]:
    """Yield the items of each page, stepping ``offset`` by the page size, until a short page, an
    empty page, or ``offset >= total`` (when the page has a ``total``)."""
    pager = _OffsetPager(params, items, total, limit, start, offset_param, limit_param, max_pages)
    while pager.offset is not None:
        page = await client.get_json(path_or_url, params=pager.params(), **options)
        for item in pager.feed(page):
            yield item


def iter_links(
    client: SyncHttpClient,
    path_or_url: str,
    *,
    params: Mapping[str, Any] | None = None,
    items: Selector = "items",
    next_link: Selector = "next",
    max_pages: int | None = None,
    **options: Unpack[_SyncOptions],
) -> Iterator[Any]:
    """The synchronous twin of :func:`paginate_links`."""
    pager = _LinkPager(path_or_url, params, items, next_link, max_pages)
    while pager.url is not None:
        page = client.get_json(pager.url, params=pager.params, **options)
        yield from pager.feed(page)


def iter_offsets(
    client: SyncHttpClient,
    path_or_url: str,
    *,
    params: Mapping[str, Any] | None = None,
    items: Selector = "items",
    total: Selector | None = "total",
    limit: int = 50,
    start: int = 0,
    offset_param: str = "offset",
    limit_param: str = "limit",
    max_pages: int | None = None,
    **options: Unpack[_SyncOptions],
) -> Iterator[Any]:
    """The synchronous twin of :func:`paginate_offsets`."""
    pager = _OffsetPager(params, items, total, limit, start, offset_param, limit_param, max_pages)
    while pager.offset is not None:
        page = client.get_json(path_or_url, params=pager.params(), **options)
        yield from pager.feed(page)
