"""Tracing on the OpenTelemetry SDK (extra ``tracing``): the successor of ``@verifiedfan/tracing``.

``configure_tracing`` sets up the provider and OTLP/HTTP export; ``traced`` and ``traced_client`` wrap
functions and client methods in spans; the propagation helpers carry W3C trace context through HTTP
and Kafka headers; ``TracingMiddleware`` (now in ``verifiedfan.web``, re-exported here) makes each
request of an ASGI app a server span; the ``*_instrument`` hooks make Mongo, Redis and
Kafka-producer operations spans.
"""

from verifiedfan._optional import require as _require

_require("opentelemetry.sdk", "tracing")

from verifiedfan.tracing._http import TracingHttpHook  # noqa: E402
from verifiedfan.tracing._propagation import (  # noqa: E402
    continue_trace,
    current_ids,
    extract_context,
    inject_headers,
    kafka_headers_to_dict,
)
from verifiedfan.tracing._setup import (  # noqa: E402
    ResilientExporter,
    TracingConfig,
    configure_tracing,
    get_tracer,
    is_configured,
    reset_tracing,
    shutdown_tracing,
)
from verifiedfan.tracing._stores import (  # noqa: E402
    kafka_send_instrument,
    mongo_instrument,
    redis_instrument,
    sync_mongo_instrument,
    sync_redis_instrument,
)
from verifiedfan.tracing._traced import AttributesSelector, traced, traced_client  # noqa: E402

__all__ = [
    "AttributesSelector",
    "ResilientExporter",
    "TracingConfig",
    "TracingHttpHook",
    "TracingMiddleware",
    "asgi_route",
    "configure_tracing",
    "continue_trace",
    "current_ids",
    "extract_context",
    "get_tracer",
    "inject_headers",
    "is_configured",
    "kafka_headers_to_dict",
    "kafka_send_instrument",
    "mongo_instrument",
    "redis_instrument",
    "reset_tracing",
    "shutdown_tracing",
    "sync_mongo_instrument",
    "sync_redis_instrument",
    "traced",
    "traced_client",
]


def __getattr__(name: str) -> object:
    # The ASGI middleware moved to verifiedfan.web (which imports this package's _state): imported
    # on first use, so importing either package first works.
    if name in ("TracingMiddleware", "asgi_route"):
        from verifiedfan.web import _tracing

        return getattr(_tracing, name)
    raise AttributeError(name)
