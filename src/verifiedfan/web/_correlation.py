"""The correlation id of each request (the original's ``Correlation`` middleware).

A sane incoming id (the gateway's) is kept, anything else is replaced by a fresh one; the request
runs in :func:`verifiedfan.correlation.correlation_scope`, so log lines and outgoing calls
(``verifiedfan.http`` sends ``x-correlation-id``) carry it, and the response echoes it.
"""

from __future__ import annotations

import re

from verifiedfan.correlation import CORRELATION_HEADER, correlation_scope, new_correlation_id
from verifiedfan.web._asgi import ASGIApp, Message, Receive, Scope, Send, header, state_of

__all__ = ["MAX_CORRELATION_ID_LENGTH", "CorrelationMiddleware", "sane_correlation_id"]

MAX_CORRELATION_ID_LENGTH = 128
_SANE = re.compile(rb"[\x21-\x7e]{1,128}")  # visible ASCII: no spaces, no control characters


def sane_correlation_id(raw: bytes | None) -> str | None:
    """``raw`` as text when it is an acceptable correlation id (1–128 visible ASCII characters)."""
    if raw is None or not _SANE.fullmatch(raw):
        return None
    return raw.decode("ascii")


class CorrelationMiddleware:
    """Run each request under its correlation id and echo the id in the response header.

    ``header`` is the request and response header name (``x-correlation-id``). An id that is
    missing, longer than 128 characters, or holds spaces, control or non-ASCII characters is
    replaced by a new one (the caller's value is not logged). The id is also stored in the request
    state as ``correlation_id``.
    """

    def __init__(self, app: ASGIApp, *, header: str = CORRELATION_HEADER) -> None:
        self.app = app
        self.header = header.lower().encode("latin-1")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        correlation_id = sane_correlation_id(header(scope, self.header)) or new_correlation_id()
        state_of(scope)["correlation_id"] = correlation_id
        echoed = (self.header, correlation_id.encode("ascii"))

        async def echoing_send(message: Message) -> None:
            if message.get("type") == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers") or () if k.lower() != self.header]
                headers.append(echoed)
                message["headers"] = headers
            await send(message)

        with correlation_scope(correlation_id):
            await self.app(scope, receive, echoing_send)
