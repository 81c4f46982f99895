"""The ASGI vocabulary shared by the middlewares: types, header access, the error response.

Nothing here imports a web framework, so the middlewares wrap any ASGI 3 app (Starlette, FastAPI,
Litestar, a bare function).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

from verifiedfan.errors import VFError

__all__ = [
    "ASGIApp",
    "Message",
    "Receive",
    "Scope",
    "Send",
    "asgi_route",
    "error_body",
    "header",
    "send_error",
    "send_json",
    "state_of",
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def asgi_route(scope: Scope) -> str | None:
    """The route template the framework matched, if any: Starlette and FastAPI put the route in
    ``scope["route"]``, Litestar the template in ``scope["path_template"]``; others may record it
    under its semantic-convention name ``http.route``."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str) and path:
        return path
    for key in ("path_template", "http.route"):
        path = scope.get(key)
        if isinstance(path, str) and path:
            return path
    return None


def header(scope: Scope, name: bytes) -> bytes | None:
    """The first value of request header ``name`` (lower-case bytes), or ``None``."""
    for key, value in scope.get("headers") or ():
        if key.lower() == name:
            return bytes(value)
    return None


def state_of(scope: Scope) -> dict[str, Any]:
    """The request's state mapping (Starlette's ``request.state`` reads ``scope["state"]``)."""
    state = scope.get("state")
    if not isinstance(state, dict):
        state = {} if state is None else dict(state)
        scope["state"] = state
    return state


def error_body(error: VFError, status: int) -> dict[str, Any]:
    """``error.to_dict()`` with the status the response carries."""
    body = error.to_dict()
    body["status"] = status
    body["statusCode"] = status
    return body


async def send_json(send: Send, status: int, body: Any, headers: Iterable[tuple[bytes, bytes]] = ()) -> None:
    """Send a complete JSON response."""
    payload = json.dumps(body, separators=(",", ":"), default=str).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


async def send_error(send: Send, error: VFError, *, default_status: int = 500) -> int:
    """Send ``error`` in the library's error shape; returns the status sent."""
    status = error.status if isinstance(error.status, int) and 400 <= error.status <= 599 else default_status
    extra: list[tuple[bytes, bytes]] = []
    if status == 401:
        extra.append((b"www-authenticate", b'Bearer realm="api"'))
    await send_json(send, status, error_body(error, status), extra)
    return status
