"""Request size limits (413, 431) and JSON bodies that are not JSON (400).

:class:`RequestLimitsMiddleware` refuses an oversized request before the app reads it: a declared
``Content-Length`` over the limit at once, a chunked body as soon as the bytes received pass it, and
headers whose total size passes ``max_header_bytes`` (431; production servers such as uvicorn refuse
far smaller headers themselves). :func:`read_body`, :func:`parse_json` and :func:`json_body` are the
helpers a handler uses to read a JSON body with the same errors.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

from verifiedfan.errors import ValidationError, VFError
from verifiedfan.web._asgi import ASGIApp, Message, Receive, Scope, Send, header, send_error
from verifiedfan.web._errors import PayloadTooLargeError, bad_request

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_MAX_HEADER_BYTES",
    "HasBody",
    "HeadersTooLargeError",
    "RequestLimitsMiddleware",
    "json_body",
    "parse_json",
    "read_body",
]

DEFAULT_MAX_BODY_BYTES = 1_000_000
DEFAULT_MAX_HEADER_BYTES = 64 * 1024


class HeadersTooLargeError(ValidationError):
    """The request's headers are larger than the service accepts (431)."""

    status = 431


def _too_large(limit: int) -> PayloadTooLargeError:
    return PayloadTooLargeError(f"request body too large: the limit is {limit} bytes")


def _declared_length(scope: Scope) -> int | None:
    raw = header(scope, b"content-length")
    if raw is None:
        return None
    if not raw.strip().isdigit():
        raise bad_request("invalid Content-Length header")
    return int(raw)


class RequestLimitsMiddleware:
    """Answer 413 for a body over ``max_body_bytes`` and 431 for headers over ``max_header_bytes``."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        max_header_bytes: int = DEFAULT_MAX_HEADER_BYTES,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_header_bytes = max_header_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_body_bytes
        try:
            header_size = sum(len(k) + len(v) for k, v in scope.get("headers") or ())
            if header_size > self.max_header_bytes:
                raise HeadersTooLargeError(
                    f"request headers too large: the limit is {self.max_header_bytes} bytes"
                )
            declared = _declared_length(scope)
            if declared is not None and declared > limit:
                raise _too_large(limit)
        except VFError as error:
            await send_error(send, error)
            return
        received = 0
        started = False
        exceeded: PayloadTooLargeError | None = None

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message.get("type") == "http.request":
                received += len(message.get("body") or b"")
                if received > limit:
                    exceeded = _too_large(limit)
                    raise exceeded
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if exceeded is not None and not started:
                # A framework caught the error and answers something else (FastAPI answers 400
                # "There was an error parsing the body"): the caller gets the 413 instead.
                started = True
                await send_error(send, exceeded)
                return
            if exceeded is not None:
                return  # the rest of the framework's answer is dropped
            if message.get("type") == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except PayloadTooLargeError as error:
            if started:
                return
            await send_error(send, error)


async def read_body(receive: Receive, *, max_bytes: int = DEFAULT_MAX_BODY_BYTES) -> bytes:
    """The whole request body from an ASGI ``receive``; over ``max_bytes`` raises 413."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message.get("type") == "http.disconnect":
            raise bad_request("client disconnected before sending the whole body")
        chunk = message.get("body") or b""
        size += len(chunk)
        if size > max_bytes:
            raise _too_large(max_bytes)
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


def parse_json(body: bytes | str, *, what: str = "request body") -> Any:
    """``body`` parsed as JSON; an empty or malformed body raises :class:`ValidationError` (400)
    naming the line and column (the body itself is not quoted: it may hold secrets)."""
    if not body or not body.strip():
        raise bad_request(f"{what} is empty: expected JSON")
    try:
        return json.loads(body)
    except UnicodeDecodeError as exc:
        raise bad_request(f"{what} is not UTF-8 text") from exc
    except json.JSONDecodeError as exc:
        raise bad_request(
            f"{what} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from exc
    except RecursionError as exc:
        raise bad_request(f"{what} is nested too deeply") from exc


class HasBody(Protocol):
    """A framework request object with an awaitable ``body()`` (Starlette, FastAPI, Litestar)."""

    async def body(self) -> bytes: ...


async def json_body(
    request: HasBody, *, max_bytes: int = DEFAULT_MAX_BODY_BYTES, object_only: bool = True
) -> Any:
    """The request's JSON body (a JSON object unless ``object_only=False``); 413 over ``max_bytes``,
    400 for anything that is not JSON."""
    body = await request.body()
    if len(body) > max_bytes:
        raise _too_large(max_bytes)
    value = parse_json(body)
    if object_only and not isinstance(value, dict):
        raise bad_request(f"request body must be a JSON object, not {type(value).__name__}")
    return value
