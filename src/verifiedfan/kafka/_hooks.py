"""Hook points for context propagation: correlation id and W3C trace context in message headers.

A producer calls its ``headers_hook`` once per outgoing message with the message's (mutable) headers.
A consumer enters ``message_context(message)`` around the handler of each message. The defaults
carry the correlation id (``x-correlation-id``) and, when OpenTelemetry is imported and a tracer
provider is configured, the W3C ``traceparent``/``tracestate`` headers (``opentelemetry.propagate``).
OpenTelemetry is never imported by this module: it is used only if the application imported it.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Awaitable, Callable, Iterator, Mapping, MutableMapping
from contextlib import AbstractContextManager
from typing import Any

from verifiedfan.correlation import CORRELATION_HEADER, correlation_scope, current_correlation_id

__all__ = [
    "HeadersHook",
    "MessageContext",
    "SendInstrument",
    "default_headers_hook",
    "default_message_context",
    "tracing_enabled",
]

HeadersHook = Callable[[MutableMapping[str, bytes]], None]
"""Called with each outgoing message's headers; adds or changes entries in place."""

MessageContext = Callable[[Any], AbstractContextManager[Any]]
"""Called with each :class:`ConsumedMessage`; the handler runs inside the returned context."""

SendInstrument = Callable[[str, int, Callable[[], Awaitable[Any]]], Awaitable[Any]]
"""``instrument(topic, message_count, call)`` wraps each ``send_messages`` batch (encoding, headers
and delivery); it must await ``call()`` once and return its result (``verifiedfan.tracing`` gives
one that opens a producer span, current while the headers are written)."""


def tracing_enabled() -> bool:
    """Whether OpenTelemetry was imported by the application and has a real tracer provider."""
    if "opentelemetry.trace" not in sys.modules:
        return False
    from opentelemetry import trace

    provider = trace.get_tracer_provider()
    return type(provider).__name__ not in {"ProxyTracerProvider", "NoOpTracerProvider"}


def default_headers_hook(headers: MutableMapping[str, bytes]) -> None:
    """Add the correlation id and (when tracing is configured) the W3C trace context."""
    cid = current_correlation_id()
    if cid is not None and CORRELATION_HEADER not in headers:
        headers[CORRELATION_HEADER] = cid.encode()
    if tracing_enabled():
        from opentelemetry import propagate

        carrier: dict[str, str] = {}
        propagate.inject(carrier)
        for name, value in carrier.items():
            headers[name] = value.encode()


@contextlib.contextmanager
def default_message_context(message: Any) -> Iterator[None]:
    """Run the handler under the message's correlation id and as a child of its trace context."""
    headers: Mapping[str, bytes] = getattr(message, "headers", {}) or {}
    raw_cid = headers.get(CORRELATION_HEADER)
    cid = raw_cid.decode("utf-8", errors="replace") if raw_cid else None
    with correlation_scope(cid):
        if not tracing_enabled():
            yield
            return
        from opentelemetry import propagate, trace

        carrier = {k: v.decode("utf-8", errors="replace") for k, v in headers.items()}
        parent = propagate.extract(carrier)
        tracer = trace.get_tracer("verifiedfan.kafka")
        with tracer.start_as_current_span(
            f"{getattr(message, 'topic', '')} process",
            context=parent,
            kind=trace.SpanKind.CONSUMER,
            attributes={
                "messaging.system": "kafka",
                "messaging.destination.name": str(getattr(message, "topic", "")),
                "messaging.kafka.destination.partition": int(getattr(message, "partition", -1)),
                "messaging.kafka.message.offset": int(getattr(message, "offset", -1)),
            },
        ):
            yield
