"""``TracingMiddleware``: a server span around each HTTP request of an ASGI app.

The span continues the caller's trace (the incoming ``traceparent``), is the current span while the
app handles the request (so the app's own spans, HTTP calls, Mongo, Redis and Kafka spans are its
children), and is named ``METHOD route`` with the route template (``GET /fans/{fan_id}``) that
Starlette (and FastAPI) put in the scope, or ``METHOD`` alone when no route matched (a raw path
would give one span name per URL). A 5xx response or an exception sets status ERROR.

It lives in ``verifiedfan.web`` with the other middlewares (needs the ``tracing`` extra);
``verifiedfan.tracing`` re-exports it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from verifiedfan.tracing._state import get_tracer
from verifiedfan.web._asgi import ASGIApp, Message, Receive, Scope, Send, asgi_route

__all__ = ["TracingMiddleware", "asgi_route"]


def _header_carrier(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers") or ()}


class TracingMiddleware:
    """Wrap an ASGI app: ``app = TracingMiddleware(app)`` or ``app.add_middleware(TracingMiddleware)``.

    ``excluded_paths`` (default ``/health`` and ``/metrics``) are not traced. ``route_of(scope)``
    replaces :func:`asgi_route` for frameworks that record the matched route elsewhere.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        excluded_paths: Collection[str] = ("/health", "/metrics"),
        route_of: Callable[[Scope], str | None] = asgi_route,
        tracer_name: str = "verifiedfan.asgi",
    ) -> None:
        self.app = app
        self.excluded_paths = frozenset(excluded_paths)
        self.route_of = route_of
        self.tracer_name = tracer_name

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("type") != "http" or scope.get("path") in self.excluded_paths:
            await self.app(scope, receive, send)
            return
        method = str(scope.get("method", "GET"))
        parent = propagate.extract(_header_carrier(scope))
        attrs: dict[str, Any] = {
            "http.request.method": method,
            "url.path": str(scope.get("path", "")),
            "url.scheme": str(scope.get("scheme", "http")),
        }
        server = scope.get("server")
        if server and server[0]:
            attrs["server.address"] = str(server[0])
        span = get_tracer(self.tracer_name).start_span(
            method, context=parent, kind=SpanKind.SERVER, attributes=attrs
        )
        token = otel_context.attach(trace.set_span_in_context(span, parent))

        async def traced_send(message: Message) -> None:
            if message.get("type") == "http.response.start":
                code = int(message.get("status", 0))
                span.set_attribute("http.response.status_code", code)
                if code >= 500:
                    span.set_status(Status(StatusCode.ERROR, f"HTTP {code}"))
            await send(message)

        try:
            await self.app(scope, receive, traced_send)
        except BaseException as exc:
            span.record_exception(exc)
            span.set_status(Status(StatusCode.ERROR, f"{type(exc).__name__}: {exc}"[:300]))
            raise
        finally:
            route = self.route_of(scope)
            if route:
                span.set_attribute("http.route", route)
                span.update_name(f"{method} {route}")
            otel_context.detach(token)
            span.end()
