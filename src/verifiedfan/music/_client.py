"""What the Spotify and Apple Music clients share: the HTTP client they own or were given, token
plumbing, concurrent offset paging and logging without tokens."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from types import TracebackType
from typing import Any, Self

import httpx

from verifiedfan.errors import ValidationError
from verifiedfan.http import HttpClient, HttpHook, Limits, RetryPolicy, Timeouts
from verifiedfan.music._models import UserToken
from verifiedfan.music._transport import LeanTransport

__all__ = ["MusicClientBase", "Page", "TokenLike", "check_limit"]

logger = logging.getLogger("verifiedfan.music")

TokenLike = str | UserToken
# (items, total or None when the server did not say, the next link or None)
Page = tuple[list[Any], int | None, str | None]


def check_limit(limit: int | None, name: str = "limit") -> None:
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 1):
        raise ValidationError(f"{name} must be a positive integer or None, got {limit!r}")


def check_token(token: TokenLike) -> UserToken:
    if isinstance(token, UserToken):
        if not token.access_token:
            raise ValidationError("the UserToken has an empty access_token")
        return token
    if not isinstance(token, str) or not token:
        raise ValidationError("token must be a non-empty string or a UserToken")
    return UserToken(access_token=token)


class MusicClientBase:
    """Owns (or borrows) an :class:`HttpClient`; closes only what it created."""

    service_name = "music"

    def __init__(
        self,
        *,
        http: HttpClient | None,
        retry: RetryPolicy | None,
        timeouts: Timeouts | None,
        max_connections: int,
        page_concurrency: int,
        transport: httpx.AsyncBaseTransport | None = None,
        hooks: Sequence[HttpHook] = (),
        event_hooks: Mapping[str, list[Callable[..., Any]]] | None = None,
    ) -> None:
        check_limit(page_concurrency, "page_concurrency")
        self._page_concurrency = page_concurrency
        self._httpx: httpx.AsyncClient | None = None
        if http is None:
            tm = timeouts or Timeouts()
            self._httpx = httpx.AsyncClient(
                timeout=tm.to_httpx(),
                limits=Limits(
                    max_connections=max_connections, max_keepalive_connections=max_connections
                ).to_httpx(),
                event_hooks=dict(event_hooks or {}),
                transport=transport or LeanTransport(max_idle=max_connections),
            )
            http = HttpClient(
                service_name=self.service_name,
                timeouts=tm,
                retry=retry or RetryPolicy(retry_after_cap=30.0),
                hooks=hooks,
                client=self._httpx,
            )
        self._http = http
        # At most max_connections requests in flight: httpcore's pool spends time quadratic in the
        # number of queued requests, so requests wait here (cheaply) rather than in the pool.
        self._slots = asyncio.Semaphore(max_connections)

    @property
    def http(self) -> HttpClient:
        return self._http

    async def aclose(self) -> None:
        """Close the connection pool this client created (an injected ``http=`` stays open)."""
        if self._httpx is not None:
            client, self._httpx = self._httpx, None
            await self._http.aclose()
            await client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def _send_json(self, url: str, **options: Any) -> Any:
        async with self._slots:
            return await self._http.get_json(url, **options)

    def _log(self, operation: str, **fields: Any) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            extra = {"service_name": self.service_name, "music_operation": operation, **fields}
            logger.debug("%s: %s", self.service_name, operation, extra=extra)

    async def _offset_pages(
        self,
        fetch: Callable[[int, int], Awaitable[Page]],
        *,
        limit: int | None,
        page_size: int,
        follow: Callable[[str], Awaitable[Page]] | None = None,
    ) -> tuple[list[Any], int]:
        """All items (or the first ``limit``) of an offset-paged list, and the server's total.

        The first page gives the total; the other pages are then fetched concurrently (at most
        ``page_concurrency`` at a time), in order. Without a total, ``next`` links are followed.
        """
        first = page_size if limit is None else min(page_size, limit)
        items, total, nxt = await fetch(0, first)
        out = list(items)
        if total is None:
            while nxt and follow is not None and (limit is None or len(out) < limit) and items:
                items, _, nxt = await follow(nxt)
                out.extend(items)
            out = out if limit is None else out[:limit]
            return out, len(out)
        wanted = total if limit is None else min(total, limit)
        if len(out) >= wanted or not items:
            return out[:wanted], total
        semaphore = asyncio.Semaphore(self._page_concurrency)

        async def one(offset: int) -> list[Any]:
            async with semaphore:
                page, _, _ = await fetch(offset, min(page_size, wanted - offset))
                return page

        offsets = range(len(out), wanted, page_size)
        for page in await asyncio.gather(*(one(o) for o in offsets)):
            out.extend(page)
        return out[:wanted], total
