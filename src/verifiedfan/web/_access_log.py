"""One access-log line per request (the ``access-log`` package and the ``AccessLog`` middleware).

The line is a ``verifiedfan.log`` JSON line (context ``verifiedfan.web.access``, level info) with:
``method``, ``path`` (its query string redacted by :func:`verifiedfan.http.redact_url`), ``route``
(the template, e.g. ``/fans/{fan_id}``), ``status``, ``duration_ms``, ``bytes`` (response body),
``user_agent``, ``client_ip`` (``Fastly-Client-IP``, else the first ``X-Forwarded-For`` address,
else the peer), ``protocol``, and the ``correlation_id``, ``trace_id`` and ``span_id`` the log
pipeline adds. Every field goes through the log redaction as well.

It is written through :func:`verifiedfan.log.get_logger`, not a standard-library logger: the line is
this middleware's product (not a diagnostic), and the structured logger writes it at about a third of
the cost of a ``logging`` record through the bridge (``benchmarks/bench_web.py``).
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import sys
import time
from collections.abc import Collection, Iterator
from typing import Any

from verifiedfan.correlation import correlation_scope, current_correlation_id
from verifiedfan.http import redact_url
from verifiedfan.log import get_logger
from verifiedfan.web._asgi import ASGIApp, Message, Receive, Scope, Send, asgi_route, header, state_of

__all__ = ["ACCESS_LOGGER", "AccessLogMiddleware", "client_ip"]

ACCESS_LOGGER = "verifiedfan.web.access"
_MAX_UA = 512
_MAX_PATH = 2048

access_logger = get_logger(ACCESS_LOGGER)


def _ip(raw: bytes | str | None) -> str | None:
    if raw is None:
        return None
    text = raw.decode("latin-1") if isinstance(raw, bytes) else raw
    text = text.strip()
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def client_ip(scope: Scope) -> str | None:
    """The caller's address: ``Fastly-Client-IP``, else the first ``X-Forwarded-For`` entry, else the
    peer. Header values that are not IP addresses are ignored (they are caller-controlled text)."""
    fastly = _ip(header(scope, b"fastly-client-ip"))
    if fastly:
        return fastly
    forwarded = header(scope, b"x-forwarded-for")
    if forwarded:
        first = _ip(forwarded.split(b",", 1)[0])
        if first:
            return first
    peer = scope.get("client")
    return str(peer[0]) if peer else None


def _current_span_context() -> Any:
    trace = sys.modules.get("opentelemetry.trace")
    if trace is None:
        return None
    ctx = trace.get_current_span().get_span_context()
    return ctx if ctx.is_valid else None


@contextlib.contextmanager
def _in_request_context(scope: Scope, span_context: Any) -> Iterator[None]:
    """Make the request's correlation id and span current again while the line is written, when the
    middlewares that set them sit inside this one (their scopes have ended by then)."""
    with contextlib.ExitStack() as stack:
        cid = state_of(scope).get("correlation_id")
        if current_correlation_id() is None and isinstance(cid, str):
            stack.enter_context(correlation_scope(cid))
        if span_context is not None and _current_span_context() is None:
            trace = sys.modules["opentelemetry.trace"]
            stack.enter_context(trace.use_span(trace.NonRecordingSpan(span_context), end_on_exit=False))
        yield


class AccessLogMiddleware:
    """Write one JSON access line per HTTP request (``excluded_paths`` are not logged).

    Put it outside the error formatter, so the status logged is the one the caller got; an exception
    that escapes the app is logged as status 500 and re-raised.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        excluded_paths: Collection[str] = ("/health", "/metrics"),
        level: int = logging.INFO,
    ) -> None:
        self.app = app
        self.excluded_paths = frozenset(excluded_paths)
        self.level = level
        self._write = {
            logging.DEBUG: access_logger.debug,
            logging.INFO: access_logger.info,
            logging.WARNING: access_logger.warning,
        }.get(level, access_logger.info)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http" or scope.get("path") in self.excluded_paths:
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500
        size = 0
        span_context: Any = None

        async def logging_send(message: Message) -> None:
            nonlocal status, size, span_context
            kind = message.get("type")
            if kind == "http.response.start":
                status = int(message.get("status", 500))
                span_context = _current_span_context()
            elif kind == "http.response.body":
                size += len(message.get("body") or b"")
            await send(message)

        try:
            await self.app(scope, receive, logging_send)
        finally:
            if access_logger.is_enabled_for(self.level):
                fields = self._fields(scope, status, size, time.perf_counter() - start)
                message = f"{fields['method']} {fields['path']} {status}"
                if current_correlation_id() is not None and (span_context is None or _current_span_context()):
                    self._write(message, **fields)  # the common case: both still current
                else:
                    with _in_request_context(scope, span_context):
                        self._write(message, **fields)

    @staticmethod
    def _fields(scope: Scope, status: int, size: int, elapsed: float) -> dict[str, Any]:
        path = str(scope.get("path", ""))
        query = scope.get("query_string") or b""
        if query:
            path = redact_url(f"{path}?{query.decode('latin-1')}")
        if len(path) > _MAX_PATH:  # a scanner's URL must not make a megabyte line
            path = path[:_MAX_PATH] + "..."
        agent = header(scope, b"user-agent")
        return {
            "method": str(scope.get("method", "")),
            "path": path,
            "route": asgi_route(scope),
            "status": status,
            "duration_ms": round(elapsed * 1000, 3),
            "bytes": size,
            "user_agent": agent[:_MAX_UA].decode("latin-1") if agent else None,
            "client_ip": client_ip(scope),
            "protocol": f"HTTP/{scope.get('http_version', '1.1')}",
        }
