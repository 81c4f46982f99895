"""Kept so that ``verifiedfan.tracing._asgi`` imports still work: the middleware lives in
:mod:`verifiedfan.web` now (``verifiedfan.web._tracing``)."""

from verifiedfan.web._tracing import TracingMiddleware, asgi_route

__all__ = ["TracingMiddleware", "asgi_route"]
