"""The async HTTP client's fast transport: aiohttp's connection pool and C HTTP parser.

:class:`AiohttpTransport` is an ``httpx.AsyncBaseTransport``, so it can go under any
``httpx.AsyncClient``; under :class:`~verifiedfan.http.HttpClient` it is used directly
(:meth:`AiohttpTransport.exchange`), skipping httpx's request, client and response machinery; the
query and body are encoded as httpx encodes them. Everything above the transport (retries,
deadlines, redaction, hooks, the typed errors) is the HTTP core's, unchanged.

Why aiohttp and not httpx's transport or the ``httpx-aiohttp`` package: see the README section
"HTTP transport" (measured per request on the music benchmark). aiohttp errors become the httpx
exceptions the core already translates, chosen so that the retry rules stay right: only a failure
to connect (nothing sent) counts as ``ConnectError``; a connection lost after sending is a
``RemoteProtocolError`` or ``ReadError``, retried only for idempotent calls.

aiohttp is imported on first use, not at ``import verifiedfan.http``.
"""

from __future__ import annotations

import asyncio
import json as _json
import re
import ssl
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import quote_plus, urlencode

import httpx

from verifiedfan.http._config import Limits
from verifiedfan.http._core import Answer

if TYPE_CHECKING:
    import aiohttp

__all__ = ["AiohttpTransport"]


@contextmanager
def _translated() -> Iterator[None]:
    """aiohttp's exceptions as the httpx ones the core translates (order matters: subclasses first)."""
    import aiohttp

    try:
        yield
    except aiohttp.ConnectionTimeoutError as exc:
        raise httpx.ConnectTimeout(str(exc) or "connect timeout") from exc
    except aiohttp.ServerTimeoutError as exc:  # includes SocketTimeoutError (sock_read)
        raise httpx.ReadTimeout(str(exc) or "read timeout") from exc
    except aiohttp.ClientConnectorError as exc:  # refused, DNS, TLS handshake: nothing was sent
        raise httpx.ConnectError(str(exc)) from exc
    except (aiohttp.InvalidURL, aiohttp.NonHttpUrlClientError) as exc:
        raise httpx.UnsupportedProtocol(str(exc)) from exc
    except (aiohttp.ServerDisconnectedError, aiohttp.ClientResponseError) as exc:
        raise httpx.RemoteProtocolError(str(exc) or type(exc).__name__) from exc
    except (aiohttp.ClientPayloadError, aiohttp.ClientOSError) as exc:
        raise httpx.ReadError(str(exc) or type(exc).__name__) from exc
    except aiohttp.ClientError as exc:
        raise httpx.TransportError(f"{type(exc).__name__}: {exc}") from exc
    except ValueError as exc:  # aiohttp refuses a header with a newline before sending anything
        raise httpx.LocalProtocolError(str(exc)) from exc


def _client_timeout(extensions: Mapping[str, Any]) -> Any:
    import aiohttp

    timeout = extensions.get("timeout") or {}
    return aiohttp.ClientTimeout(
        total=None,
        connect=timeout.get("pool"),
        sock_connect=timeout.get("connect"),
        sock_read=timeout.get("read"),
    )


def _text(value: Any) -> str:
    """A query or form value as httpx writes it (``true``/``false``, ``None`` as empty)."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return "" if value is None else str(value)


def _pairs(values: Mapping[str, Any]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for key, value in values.items():
        if isinstance(value, list | tuple):
            out.extend((key, _text(v)) for v in value)
        else:
            out.append((key, _text(value)))
    return out


# What ``quote_plus`` leaves as it is: a key or value made only of these is written unchanged.
_PLAIN = re.compile(r"[A-Za-z0-9_.~-]*").fullmatch


def _quoted(text: str) -> str:
    return text if _PLAIN(text) is not None else quote_plus(text)


def _query(params: Mapping[str, Any]) -> str:
    """``urlencode(_pairs(params))`` without its per-character quoting of plain keys and values
    (``limit``, ``50``, ``from_token``): on every paged request's path."""
    return "&".join(f"{_quoted(str(key))}={_quoted(value)}" for key, value in _pairs(params))


def build_target(url: str, params: Mapping[str, Any] | None) -> str:
    """``url`` with ``params`` added the way httpx adds them (merged into a query it already has)."""
    if not params:
        return url
    if "?" in url:
        return str(httpx.URL(url).copy_merge_params(dict(params)))
    return f"{url}?{_query(params)}"


def build_body(
    content: bytes | str | None, data: Mapping[str, Any] | None, json: Any
) -> tuple[bytes | None, str | None]:
    """The body and its content type, encoded as httpx encodes them (content, then form, then JSON)."""
    if content is not None:
        return (content.encode() if isinstance(content, str) else content), None
    if data:
        return urlencode(_pairs(data)).encode(), "application/x-www-form-urlencoded"
    if json is not None:
        body = _json.dumps(json, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        return body.encode(), "application/json"
    return None, None


class AiohttpTransport(httpx.AsyncBaseTransport):
    """An httpx transport on one ``aiohttp.ClientSession`` (created on first use, in the running
    loop). ``limits``: the pool size and keep-alive expiry; ``ssl_context``: the TLS context
    (default: the system's trust store, certificates verified). HTTP/1.1 only, no proxies from the
    environment (pass ``transport=httpx.AsyncHTTPTransport()`` to the client for HTTP/2 or proxies).
    """

    def __init__(self, *, limits: Limits | None = None, ssl_context: ssl.SSLContext | None = None) -> None:
        self._limits = limits or Limits()
        self._ssl = ssl_context
        self._session: aiohttp.ClientSession | None = None
        self._closed = False

    def _open(self) -> aiohttp.ClientSession:
        import aiohttp

        if self._closed:
            raise httpx.ConnectError("the transport is closed")
        connector = aiohttp.TCPConnector(
            limit=self._limits.max_connections,
            limit_per_host=0,
            keepalive_timeout=self._limits.keepalive_expiry or None,
            ssl=self._ssl if self._ssl is not None else True,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            cookie_jar=aiohttp.DummyCookieJar(),  # the core is stateless between calls
            timeout=aiohttp.ClientTimeout(total=None),
        )
        # aiohttp re-sends an idempotent request once, at once, when a reused connection fails; the
        # core's RetryPolicy owns retries (attempt counts, backoff, deadline), so that is turned off
        # (the switch aiohttp's own test utilities use). A connection the server closed while idle
        # is dropped by the pool before reuse; one closed in flight is the policy's to retry.
        if hasattr(self._session, "_retry_connection"):
            self._session._retry_connection = False
        return self._session

    async def exchange(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str],
        content: bytes | str | None,
        data: Mapping[str, Any] | None,
        json: Any,
        timeout: httpx.Timeout,  # noqa: ASYNC109 - the socket timeouts of the attempt; total bounds it all
        total: float,
    ) -> Answer:
        """Send one request and read the whole answer (decompressed) within ``total`` seconds
        (:class:`TimeoutError` past it). Query, form and JSON bodies are encoded as httpx encodes
        them, so both transports put the same request on the wire."""
        import aiohttp

        session = self._session or self._open()
        target = build_target(url, params)
        body, content_type = build_body(content, data, json)
        if content_type is not None and "content-type" not in headers:
            headers = {**headers, "content-type": content_type}
        limits = aiohttp.ClientTimeout(
            total=None, connect=timeout.pool, sock_connect=timeout.connect, sock_read=timeout.read
        )
        async with asyncio.timeout(total):
            with _translated():
                async with session.request(
                    method, target, headers=headers, data=body, allow_redirects=False, timeout=limits
                ) as response:
                    answer = await response.read()
        return Answer(response.status, response.headers, target, answer)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """The httpx transport interface (body read at once, left compressed for httpx to decode)."""
        session = self._session or self._open()
        body = await request.aread() or None
        with _translated():
            async with session.request(
                request.method,
                str(request.url),
                headers=request.headers.multi_items(),
                data=body,
                allow_redirects=False,
                auto_decompress=False,
                timeout=_client_timeout(request.extensions),
            ) as response:
                content = await response.read()
        return httpx.Response(
            response.status,
            headers=response.raw_headers,
            content=content,
            request=request,
            extensions={"http_version": b"HTTP/1.1"},
        )

    async def aclose(self) -> None:
        """Close the pool. Idempotent."""
        self._closed = True
        session, self._session = self._session, None
        if session is not None:
            await session.close()
