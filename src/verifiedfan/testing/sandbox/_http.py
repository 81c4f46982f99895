"""The sandboxes' HTTP/1.1 server on asyncio (keep-alive, Content-Length bodies).

It exists because the sandboxes must answer thousands of requests per second on one core for the
benchmarks and the demo: measured with ``python -m benchmarks.run sandbox`` (the same Spotify app on
both servers), uvicorn with its pure-Python h11 protocol, as installed, answers between a quarter
and half as many requests per second; and the sandbox needs transport faults (a TCP reset, a close without an
answer, a body dripped byte by byte) that an ASGI server does not expose to the app.

Handlers are plain functions from :class:`Request` to :class:`Response`; a response may be delayed
(latency knob) without blocking the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import socket
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from ssl import SSLContext
from typing import Any, Literal
from urllib.parse import parse_qsl, unquote

import msgspec

__all__ = ["Fault", "Handler", "Request", "Response", "dumps", "serve", "shutdown"]

logger = logging.getLogger(__name__)

_REASONS = {
    200: "OK",
    201: "Created",
    204: "No Content",
    302: "Found",
    303: "See Other",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    411: "Length Required",
    422: "Unprocessable Content",
    429: "Too Many Requests",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
_MAX_HEAD = 64 * 1024


@dataclass(slots=True)
class Request:
    """One parsed request. Header names are lower-cased; ``query`` keeps the last value of a key.

    ``route`` is the template of the route that matched (``"/v1/users/{id}"``, ``None`` when none
    did) and ``params`` its path parameters, both set by the app before the handler runs.
    """

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes = b""
    route: str | None = None
    params: dict[str, str] = field(default_factory=dict)
    query_string: str = ""  # the raw query, for a repeated key (``query`` keeps its last value)

    def json(self) -> Any:
        """The body parsed as JSON (``ValueError`` when it is not JSON)."""
        return json.loads(self.body) if self.body else None

    def form(self) -> dict[str, str]:
        """The body parsed as ``application/x-www-form-urlencoded`` (last value of a key)."""
        return dict(parse_qsl(self.body.decode("utf-8", errors="replace"), keep_blank_values=True))


Fault = Literal["reset", "close"]


@dataclass(slots=True)
class Response:
    """A response. ``delay`` (seconds) postpones sending it without blocking other connections;
    ``drip`` sends the body one byte at a time, that many seconds apart; ``fault`` replaces the answer
    by a transport failure: ``"reset"`` (TCP RST) or ``"close"`` (closed without an answer)."""

    status: int = 200
    body: bytes = b""
    content_type: str | None = "application/json; charset=utf-8"  # None: no Content-Type header
    headers: list[tuple[str, str]] = field(default_factory=list)
    delay: float = 0.0
    drip: float = 0.0
    fault: Fault | None = None

    @classmethod
    def json(cls, data: Any, status: int = 200, headers: list[tuple[str, str]] | None = None) -> Response:
        """A JSON answer (compact, UTF-8)."""
        return cls(status, dumps(data), headers=headers or [])

    def head(self, *, keep_alive: bool) -> bytes:
        """The status line and headers, with the blank line that ends them."""
        reason = _REASONS.get(self.status, "Status")
        lines = [f"HTTP/1.1 {self.status} {reason}", f"Content-Length: {len(self.body)}"]
        if self.content_type is not None:
            lines.append(f"Content-Type: {self.content_type}")
        if not keep_alive:
            lines.append("Connection: close")
        lines.extend(f"{k}: {v}" for k, v in self.headers)
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def encode(self, *, keep_alive: bool) -> bytes:
        """The whole response as bytes."""
        return self.head(keep_alive=keep_alive) + self.body


def dumps(data: Any) -> bytes:
    """Compact UTF-8 JSON, as the sandboxes send it: msgspec's encoder (a core dependency), the bytes
    ``json.dumps(data, separators=(",", ":"), ensure_ascii=False)`` gives (floats in exponent form
    aside: ``1e-7`` for ``1e-07``) at a fraction of its CPU, which every first answer of a crowd
    user pays."""
    return _encode(data)


_encode = msgspec.json.Encoder().encode


Handler = Callable[[Request], Response]


class _Connection(asyncio.Protocol):
    __slots__ = ("_buffer", "_busy", "_handler", "_live", "_loop", "_transport")

    def __init__(self, handler: Handler, live: set[_Connection]) -> None:
        self._handler = handler
        self._live = live
        self._buffer = bytearray()
        self._transport: asyncio.Transport | None = None
        self._busy = False
        self._loop = asyncio.get_running_loop()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]
        self._live.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self._transport = None
        self._live.discard(self)

    def abort(self) -> None:
        """Drop the connection now (the server is stopping; delayed answers are never sent)."""
        if self._transport is not None:
            self._transport.abort()
            self._transport = None

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        if not self._busy:
            self._process()

    def _process(self) -> None:
        while self._transport is not None and not self._busy:
            end = self._buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self._buffer) > _MAX_HEAD:
                    self._fail(431)
                return
            try:
                request, keep_alive, length = self._parse(bytes(self._buffer[:end]))
            except ValueError:
                self._fail(400)
                return
            if length < 0:
                self._fail(411)
                return
            if len(self._buffer) < end + 4 + length:
                return
            request.body = bytes(self._buffer[end + 4 : end + 4 + length])
            del self._buffer[: end + 4 + length]
            try:
                response = self._handler(request)
            except Exception:  # a handler bug must not kill the server: answer 500
                logger.exception("sandbox handler failed for %s %s", request.method, request.path)
                response = Response(500, b'{"error":"sandbox handler failed"}')
            if response.delay > 0:
                self._busy = True
                self._loop.call_later(response.delay, self._send_later, response, keep_alive)
                return
            self._send(response, keep_alive)

    def _send_later(self, response: Response, keep_alive: bool) -> None:
        self._busy = False
        self._send(response, keep_alive)
        if self._buffer and not self._busy:
            self._process()

    def _send(self, response: Response, keep_alive: bool) -> None:
        transport = self._transport
        if transport is None:
            return
        if response.fault is not None:
            self._break(transport, response.fault)
            return
        if response.drip > 0 and response.body:
            transport.write(response.head(keep_alive=keep_alive))
            self._busy = True
            self._loop.call_later(response.drip, self._drip, response, 0, keep_alive)
            return
        body = response.body
        if len(body) > 4096:  # two writes rather than a copy of a large body
            transport.write(response.head(keep_alive=keep_alive))
            transport.write(body)
        else:
            transport.write(response.encode(keep_alive=keep_alive))
        if not keep_alive:
            transport.close()
            self._transport = None

    def _drip(self, response: Response, sent: int, keep_alive: bool) -> None:
        transport = self._transport
        if transport is None:
            return
        transport.write(response.body[sent : sent + 1])
        if sent + 1 < len(response.body):
            self._loop.call_later(response.drip, self._drip, response, sent + 1, keep_alive)
            return
        self._busy = False
        if not keep_alive:
            transport.close()
            self._transport = None
        elif self._buffer:
            self._process()

    def _break(self, transport: asyncio.Transport, fault: Fault) -> None:
        self._transport = None
        if fault == "reset":  # SO_LINGER 0: close() sends a RST instead of a FIN
            sock = transport.get_extra_info("socket")
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            transport.abort()
            return
        transport.close()

    def _fail(self, status: int) -> None:
        self._send(Response(status, b""), keep_alive=False)

    @staticmethod
    def _parse(head: bytes) -> tuple[Request, bool, int]:
        lines = head.decode("latin-1").split("\r\n")
        method, target, version = lines[0].split(" ", 2)
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if not sep:
                raise ValueError("bad header line")
            headers[name.strip().lower()] = value.strip()
        path, _, query_string = target.partition("?")
        query = dict(parse_qsl(query_string, keep_blank_values=True)) if query_string else {}
        connection = headers.get("connection", "").lower()
        keep_alive = connection != "close" and (version == "HTTP/1.1" or connection == "keep-alive")
        if headers.get("transfer-encoding", "").lower() == "chunked":
            length = -1
        else:
            length = int(headers.get("content-length", "0") or "0")
        request = Request(method.upper(), unquote(path), query, headers, query_string=query_string)
        return request, keep_alive, length


_LIVE: dict[asyncio.Server, set[_Connection]] = {}


async def serve(
    handler: Handler, *, host: str = "127.0.0.1", port: int = 0, ssl: SSLContext | None = None
) -> asyncio.Server:
    """Start serving ``handler`` on ``host:port`` (0 = a free port) in the running loop; with
    ``ssl``, over TLS. Stop it with :func:`shutdown`."""
    loop = asyncio.get_running_loop()
    live: set[_Connection] = set()
    server = await loop.create_server(
        lambda: _Connection(handler, live), host, port, reuse_address=True, ssl=ssl
    )
    _LIVE[server] = live
    with contextlib.suppress(AttributeError):
        await server.start_serving()
    return server


async def shutdown(server: asyncio.Server) -> None:
    """Stop listening and drop every open connection (a client waiting on a delayed answer gets a
    closed connection at once, not a hang until its timeout)."""
    server.close()
    for connection in list(_LIVE.pop(server, ())):
        connection.abort()
    await server.wait_closed()
