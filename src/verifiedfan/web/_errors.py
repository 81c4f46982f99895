"""Error formatting (the original's ``ErrorFormatter``): every failure leaves as the library's error
shape, :meth:`VFError.to_dict`, with the error's status; nothing else ever reaches the caller.
"""

from __future__ import annotations

import logging

from verifiedfan.errors import ValidationError, VFError
from verifiedfan.web._asgi import ASGIApp, Message, Receive, Scope, Send, send_error

__all__ = ["INTERNAL_ERROR_MESSAGE", "ErrorFormatterMiddleware", "PayloadTooLargeError", "bad_request"]

logger = logging.getLogger(__name__)

INTERNAL_ERROR_MESSAGE = "internal server error"
"""The only thing a caller learns about an unexpected exception."""


class PayloadTooLargeError(ValidationError):
    """The request body is larger than the service accepts (413)."""

    status = 413


def bad_request(message: str, *, developer_message: str | None = None) -> ValidationError:
    """A :class:`ValidationError` answered as 400 (bad input from the caller)."""
    return ValidationError(message, status=400, developer_message=developer_message)


class ErrorFormatterMiddleware:
    """Turn exceptions into JSON responses in the error shape.

    A :class:`VFError` answers with its ``status`` (500 when it has none) and ``to_dict()``; a 5xx one
    is logged with its traceback. Any other exception answers 500 with :data:`INTERNAL_ERROR_MESSAGE`
    only, and is logged once (with the correlation id of the request, from the log pipeline) here,
    not re-raised, so the server does not log it a second time. An exception after the response has
    started cannot change the response: it is logged and re-raised, so the server drops the
    connection instead of passing a truncated body off as complete.

    With Starlette or FastAPI add it with ``app.add_middleware(ErrorFormatterMiddleware)``: the
    framework's own outermost error middleware would otherwise answer first.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message.get("type") == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except VFError as error:
            status = error.status if isinstance(error.status, int) else 500
            if status >= 500 or started:
                logger.exception(
                    "request failed: %s %s: %s",
                    scope.get("method"),
                    scope.get("path"),
                    type(error).__name__,
                )
            if started:
                raise
            await send_error(send, error)
        except Exception as exc:
            logger.exception(
                "unhandled error: %s %s: %s",
                scope.get("method"),
                scope.get("path"),
                type(exc).__name__,
            )
            if started:
                raise
            await send_error(send, VFError(INTERNAL_ERROR_MESSAGE, status=500))
