"""A lean HTTP/1.1 keep-alive transport for httpx, used by the music clients by default.

httpx's default transport (httpcore over anyio) costs about a millisecond of CPU per request on this
project's machines, mostly in pool bookkeeping; verifying tens of thousands of fans means hundreds of
thousands of small GETs, so the music clients plug this transport under the HTTP core instead.
Everything above the transport (retries, Retry-After cap, errors, correlation, logging, hooks) is
still :mod:`verifiedfan.http`. Scope: HTTP/1.1 over TCP or TLS, Content-Length, chunked and
read-until-close bodies, no proxies and no HTTP/2 (pass ``transport=httpx.AsyncHTTPTransport()`` to
the client for those).
"""

from __future__ import annotations

import asyncio
import ssl
from collections import defaultdict

import httpx

__all__ = ["LeanTransport"]

_NO_BODY = frozenset({204, 304})
_MAX_HEAD = 256 * 1024


class _Connection(asyncio.Protocol):
    """One TCP/TLS connection; parses one response at a time."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future[None] | None = None
        self.eof = False
        self.error: BaseException | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        self._wake()

    def eof_received(self) -> bool | None:
        self.eof = True
        self._wake()
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        self.eof = True
        self.error = exc
        self.transport = None
        self._wake()

    def _wake(self) -> None:
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    @property
    def usable(self) -> bool:
        return self.transport is not None and not self.eof and not self.buffer

    async def _more(self) -> None:
        if self.eof:
            raise httpx.RemoteProtocolError("the server closed the connection mid-response")
        self.waiter = asyncio.get_running_loop().create_future()
        try:
            await self.waiter
        finally:
            self.waiter = None

    async def read_response(self, method: str) -> tuple[int, list[tuple[bytes, bytes]], bytes, bool]:
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end >= 0:
                break
            if len(self.buffer) > _MAX_HEAD:
                raise httpx.RemoteProtocolError("response head too large")
            if self.eof and not self.buffer:
                raise httpx.RemoteProtocolError("the server closed the connection without a response")
            await self._more()
        lines = bytes(self.buffer[:end]).split(b"\r\n")
        del self.buffer[: end + 4]
        try:
            version, status_text = lines[0].split(b" ", 2)[:2]
            status = int(status_text)
        except ValueError as exc:
            raise httpx.RemoteProtocolError(f"bad status line {lines[0][:80]!r}") from exc
        headers: list[tuple[bytes, bytes]] = []
        length: int | None = None
        chunked = False
        close = version == b"HTTP/1.0"
        for line in lines[1:]:
            name, sep, value = line.partition(b":")
            if not sep:
                raise httpx.RemoteProtocolError("bad header line")
            name, value = name.strip(), value.strip()
            headers.append((name, value))
            lower = name.lower()
            if lower == b"content-length":
                length = int(value)
            elif lower == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
            elif lower == b"connection":
                close = value.lower() == b"close" or (close and value.lower() != b"keep-alive")
        if method == "HEAD" or status in _NO_BODY or 100 <= status < 200:
            return status, headers, b"", not close
        if chunked:
            body = await self._read_chunked()
            headers = [h for h in headers if h[0].lower() != b"transfer-encoding"]
            headers.append((b"content-length", str(len(body)).encode()))
        elif length is not None:
            while len(self.buffer) < length:
                await self._more()
            body = bytes(self.buffer[:length])
            del self.buffer[:length]
        else:
            while not self.eof:
                await self._more()
            body, close = bytes(self.buffer), True
            self.buffer.clear()
        return status, headers, body, not close

    async def _read_chunked(self) -> bytes:
        out = bytearray()
        while True:
            while (end := self.buffer.find(b"\r\n")) < 0:
                await self._more()
            size = int(bytes(self.buffer[:end]).split(b";", 1)[0], 16)
            del self.buffer[: end + 2]
            if size == 0:
                while (end := self.buffer.find(b"\r\n")) != 0:  # trailers, then the final CRLF
                    if end > 0:
                        del self.buffer[: end + 2]
                    else:
                        await self._more()
                del self.buffer[:2]
                return bytes(out)
            while len(self.buffer) < size + 2:
                await self._more()
            out += self.buffer[:size]
            del self.buffer[: size + 2]


class LeanTransport(httpx.AsyncBaseTransport):
    """Pooled HTTP/1.1 connections per origin; at most ``max_idle`` kept alive per origin."""

    def __init__(self, *, max_idle: int = 128, ssl_context: ssl.SSLContext | None = None) -> None:
        self._max_idle = max_idle
        self._ssl = ssl_context
        self._idle: defaultdict[tuple[str, str, int], list[_Connection]] = defaultdict(list)
        self._closed = False

    def _context(self) -> ssl.SSLContext:
        if self._ssl is None:
            self._ssl = ssl.create_default_context()
        return self._ssl

    async def _connect(self, scheme: str, host: str, port: int) -> _Connection:
        loop = asyncio.get_running_loop()
        try:
            if scheme == "https":
                _, conn = await loop.create_connection(
                    _Connection, host, port, ssl=self._context(), server_hostname=host
                )
            else:
                _, conn = await loop.create_connection(_Connection, host, port)
        except OSError as exc:
            raise httpx.ConnectError(f"cannot connect to {host}:{port}: {exc}") from exc
        return conn

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._closed:
            raise httpx.ConnectError("the transport is closed")
        url = request.url
        scheme = url.scheme
        if scheme not in ("http", "https"):
            raise httpx.UnsupportedProtocol(f"unsupported scheme {scheme!r}")
        key = (scheme, url.host, url.port or (443 if scheme == "https" else 80))
        body = await request.aread()
        target = url.raw_path or b"/"
        head = [request.method.encode() + b" " + target + b" HTTP/1.1"]
        head.extend(name + b": " + value for name, value in request.headers.raw)
        payload = b"\r\n".join(head) + b"\r\n\r\n" + body
        idle = self._idle[key]
        while idle:
            conn = idle.pop()
            if conn.usable:
                try:
                    return await self._exchange(conn, key, request, payload)
                except (httpx.RemoteProtocolError, httpx.ReadError):
                    if conn.buffer or not conn.eof:
                        raise
                    # a kept-alive connection the server had closed: try a fresh one
            elif conn.transport is not None:
                conn.transport.close()
        conn = await self._connect(*key)
        return await self._exchange(conn, key, request, payload)

    async def _exchange(
        self, conn: _Connection, key: tuple[str, str, int], request: httpx.Request, payload: bytes
    ) -> httpx.Response:
        done = False
        try:
            if conn.transport is None:
                raise httpx.ReadError("the connection is closed")
            conn.transport.write(payload)
            status, headers, content, keep_alive = await conn.read_response(request.method)
            done = True
        finally:
            if not done and conn.transport is not None:
                conn.transport.close()
        if keep_alive and conn.usable and not self._closed and len(self._idle[key]) < self._max_idle:
            self._idle[key].append(conn)
        elif conn.transport is not None:
            conn.transport.close()
        return httpx.Response(status, headers=headers, content=content, request=request)

    async def aclose(self) -> None:
        self._closed = True
        for conns in self._idle.values():
            for conn in conns:
                if conn.transport is not None:
                    conn.transport.close()
        self._idle.clear()
