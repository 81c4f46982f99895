"""W3C trace context in and out of carriers (HTTP headers, Kafka message headers)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from contextlib import contextmanager

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace

__all__ = ["continue_trace", "current_ids", "extract_context", "inject_headers", "kafka_headers_to_dict"]


def inject_headers(carrier: MutableMapping[str, str] | None = None) -> MutableMapping[str, str]:
    """Write ``traceparent`` (and ``tracestate``) for the current span into ``carrier`` and return it."""
    out: MutableMapping[str, str] = {} if carrier is None else carrier
    propagate.inject(out)
    return out


def kafka_headers_to_dict(
    headers: Sequence[tuple[str, bytes | str | None]] | Mapping[str, object] | None,
) -> dict[str, str]:
    """Kafka headers (a list of ``(key, bytes)`` or a mapping) as a ``str -> str`` dict."""
    if not headers:
        return {}
    items = headers.items() if isinstance(headers, Mapping) else headers
    out: dict[str, str] = {}
    for key, value in items:
        if isinstance(value, bytes):
            out[key] = value.decode("utf-8", errors="replace")
        elif value is not None:
            out[key] = str(value)
    return out


def extract_context(carrier: Mapping[str, str]) -> otel_context.Context:
    """The OpenTelemetry context carried by ``carrier`` (empty when it carries none)."""
    return propagate.extract(dict(carrier))


@contextmanager
def continue_trace(carrier: Mapping[str, str]) -> Iterator[otel_context.Context]:
    """Attach the context carried by ``carrier`` for the duration of the block (consumer side)."""
    ctx = extract_context(carrier)
    token = otel_context.attach(ctx)
    try:
        yield ctx
    finally:
        otel_context.detach(token)


def current_ids() -> tuple[str, str] | None:
    """``(trace_id, span_id)`` in hex of the current span, or ``None`` outside a valid span."""
    span_context = trace.get_current_span().get_span_context()
    if not span_context.is_valid:
        return None
    return format(span_context.trace_id, "032x"), format(span_context.span_id, "016x")
