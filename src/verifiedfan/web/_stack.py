"""The whole middleware stack in its order, added in one call."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any

from verifiedfan.web._access_log import AccessLogMiddleware
from verifiedfan.web._asgi import ASGIApp
from verifiedfan.web._body import DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_HEADER_BYTES, RequestLimitsMiddleware
from verifiedfan.web._correlation import CorrelationMiddleware
from verifiedfan.web._errors import ErrorFormatterMiddleware
from verifiedfan.web._jwt import JwtMiddleware

if TYPE_CHECKING:
    from verifiedfan.jwt import Verifier, WorkerTokenVerifier
    from verifiedfan.metrics import MetricSink

__all__ = ["with_middlewares"]


def with_middlewares(
    app: Any,
    *,
    verifier: Verifier | None = None,
    worker_verifier: WorkerTokenVerifier | None = None,
    jwt_required: bool = True,
    exempt_paths: Collection[str] = ("/health", "/metrics"),
    metrics_sink: MetricSink | None = None,
    tracing: bool = False,
    access_log: bool = True,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    max_header_bytes: int = DEFAULT_MAX_HEADER_BYTES,
) -> Any:
    """Add the standard stack to ``app``, outermost first: correlation, tracing (``tracing=True``,
    extra ``tracing``), access log, request metrics (with ``metrics_sink``), error formatter, size
    limits, JWT (with ``verifier`` and/or ``worker_verifier``).

    An app with ``add_middleware`` (Starlette, FastAPI) gets them through it, inside the framework's
    own error middleware, and is returned; any other ASGI app is wrapped and the wrapper returned.
    """
    layers: list[tuple[Callable[..., ASGIApp], dict[str, Any]]] = [(CorrelationMiddleware, {})]
    if tracing:
        from verifiedfan.web._tracing import TracingMiddleware

        layers.append((TracingMiddleware, {"excluded_paths": exempt_paths}))
    if access_log:
        layers.append((AccessLogMiddleware, {"excluded_paths": exempt_paths}))
    if metrics_sink is not None:
        from verifiedfan.web._metrics import RequestMetricsMiddleware

        layers.append((RequestMetricsMiddleware, {"sink": metrics_sink}))
    layers.append((ErrorFormatterMiddleware, {}))
    layers.append(
        (RequestLimitsMiddleware, {"max_body_bytes": max_body_bytes, "max_header_bytes": max_header_bytes})
    )
    if verifier is not None or worker_verifier is not None:
        layers.append(
            (
                JwtMiddleware,
                {
                    "verifier": verifier,
                    "worker_verifier": worker_verifier,
                    "required": jwt_required,
                    "exempt_paths": exempt_paths,
                },
            )
        )
    add = getattr(app, "add_middleware", None)
    if callable(add):
        for factory, options in reversed(layers):  # Starlette: the last added is the outermost
            add(factory, **options)
        return app
    wrapped: Any = app
    for factory, options in reversed(layers):
        wrapped = factory(wrapped, **options)
    return wrapped
