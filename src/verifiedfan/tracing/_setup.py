"""``configure_tracing``: one call that sets up the OpenTelemetry SDK the way the platform needs it.

The successor of ``GlobalTracer``: the same resource attributes, an OTLP/HTTP exporter with batching,
and what the original lacked: calling it twice is harmless, tests can reset it, spans are flushed on
shutdown (explicitly and at exit), the batch processor keeps working in a forked child, and a
collector that is down never blocks, slows or breaks the application: spans are dropped with one
warning until it answers again.
"""

from __future__ import annotations

import atexit
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.sdk.trace.sampling import Sampler

from verifiedfan.tracing._http import TracingHttpHook
from verifiedfan.tracing._state import _state, get_tracer, is_configured

__all__ = [
    "ResilientExporter",
    "TracingConfig",
    "configure_tracing",
    "get_tracer",
    "is_configured",
    "reset_tracing",
    "shutdown_tracing",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TracingConfig:
    service_name: str
    service_namespace: str | None = None
    product_group: str | None = None
    product_code: str | None = None
    env: str | None = None
    region: str | None = None
    collector_endpoint: str | None = None


class ResilientExporter(SpanExporter):
    """Wraps an exporter so a dead collector costs nothing.

    After a failed export the exporter is "open" for ``cooldown`` seconds: batches are dropped at once
    (counted in ``dropped_spans``) without touching the network. One warning is logged when the
    collector goes down and one info line when it comes back; export errors never propagate.
    """

    def __init__(
        self,
        exporter: SpanExporter,
        *,
        cooldown: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._exporter = exporter
        self._cooldown = cooldown
        self._clock = clock
        self._open_until = 0.0
        self._down = False
        self.dropped_spans = 0
        self.exported_spans = 0

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        if self._clock() < self._open_until:
            self.dropped_spans += len(spans)
            return SpanExportResult.FAILURE
        try:
            result = self._exporter.export(spans)
        except Exception:  # noqa: BLE001 - an exporter bug must not reach the application
            result = SpanExportResult.FAILURE
        if result is SpanExportResult.SUCCESS:
            self.exported_spans += len(spans)
            if self._down:
                self._down = False
                logger.info("trace collector reachable again; exporting spans")
            return result
        self.dropped_spans += len(spans)
        self._open_until = self._clock() + self._cooldown
        if not self._down:
            self._down = True
            logger.warning(
                "trace collector unreachable; dropping spans until it answers (checked every %.0f s)",
                self._cooldown,
            )
        return result

    def shutdown(self) -> None:
        self._exporter.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self._exporter.force_flush(timeout_millis)


def _resource(config: TracingConfig) -> Resource:
    attrs: dict[str, str] = {"service.name": config.service_name}
    optional = {
        "service.namespace": config.service_namespace,
        "tm.product_group": config.product_group,
        "tm.product_code": config.product_code,
        "tm.env": config.env,
        "deployment.environment": config.env,
        "aws.region": config.region,
        "cloud.region": config.region,
    }
    attrs.update({k: v for k, v in optional.items() if v})
    return Resource.create(attrs)


def _silence_exporter_logs() -> None:
    """The OTLP exporter logs every failed export; our ResilientExporter already says it once."""
    for name in (
        "opentelemetry.exporter.otlp.proto.http.trace_exporter",
        "opentelemetry.exporter.otlp.proto.http._common",
        "opentelemetry.sdk._shared_internal",
    ):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def configure_tracing(
    *,
    service_name: str,
    service_namespace: str | None = None,
    product_group: str | None = None,
    product_code: str | None = None,
    env: str | None = None,
    region: str | None = None,
    collector_endpoint: str | None = None,
    sampler: Sampler | None = None,
    exporter: SpanExporter | None = None,
    export_timeout: float = 3.0,
    schedule_delay_ms: int = 500,
    max_queue_size: int = 4096,
    collector_cooldown: float = 5.0,
    set_global: bool = True,
    trace_http: bool = True,
) -> TracerProvider:
    """Set up tracing for this process and return the provider.

    ``collector_endpoint`` is the OTLP/HTTP base URL (``http://collector:4318``; ``/v1/traces`` is
    appended). ``exporter`` replaces the OTLP exporter (tests pass an in-memory one). Calling it again
    with the same settings returns the existing provider; with different settings it raises
    ``ConfigurationError`` (call :func:`reset_tracing` first). With ``trace_http`` (the default) every
    call of every ``verifiedfan.http`` client becomes a client span, with no hook to pass.
    """
    from verifiedfan.errors import ConfigurationError

    config = TracingConfig(
        service_name=service_name,
        service_namespace=service_namespace,
        product_group=product_group,
        product_code=product_code,
        env=env,
        region=region,
        collector_endpoint=collector_endpoint,
    )
    with _state.lock:
        if _state.provider is not None:
            if _state.config == config:
                return _state.provider
            raise ConfigurationError(
                "tracing is already configured with other settings; call reset_tracing() first"
            )
        if exporter is None:
            if not collector_endpoint:
                raise ConfigurationError("configure_tracing needs collector_endpoint or exporter")
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            exporter = OTLPSpanExporter(
                endpoint=collector_endpoint.rstrip("/") + "/v1/traces", timeout=export_timeout
            )
            _silence_exporter_logs()
        resilient = ResilientExporter(exporter, cooldown=collector_cooldown)
        provider_kwargs: dict[str, Any] = {"resource": _resource(config), "shutdown_on_exit": False}
        if sampler is not None:
            provider_kwargs["sampler"] = sampler
        provider = TracerProvider(**provider_kwargs)
        processor = BatchSpanProcessor(
            resilient,
            max_queue_size=max_queue_size,
            schedule_delay_millis=schedule_delay_ms,
            export_timeout_millis=export_timeout * 1000,
        )
        provider.add_span_processor(processor)
        _state.provider, _state.config = provider, config
        _state.exporter, _state.processor = resilient, processor
        if trace_http:
            from verifiedfan.http import add_default_hook

            _state.http_hook = TracingHttpHook()
            add_default_hook(_state.http_hook)
        if set_global and not _state.global_set:
            trace.set_tracer_provider(_GlobalProxyProvider())
            _state.global_set = True
        return provider


class _GlobalProxyProvider(trace.TracerProvider):
    """Installed once as OpenTelemetry's global provider; delegates to whatever is configured now.

    OpenTelemetry refuses to replace its global provider, so this indirection is what makes
    :func:`reset_tracing` (and reconfiguring in tests) possible.
    """

    def get_tracer(
        self,
        instrumenting_module_name: str,
        instrumenting_library_version: str | None = None,
        schema_url: str | None = None,
        attributes: Any = None,
    ) -> trace.Tracer:
        provider = _state.provider
        if provider is None:
            return trace.NoOpTracer()
        return provider.get_tracer(
            instrumenting_module_name, instrumenting_library_version, schema_url, attributes
        )


def shutdown_tracing(timeout: float = 5.0) -> None:
    """Flush and stop the exporter, waiting at most ``timeout`` seconds. Safe to call twice."""
    with _state.lock:
        provider, processor = _state.provider, _state.processor
    if provider is None or processor is None:
        return
    processor.force_flush(int(timeout * 1000))
    processor.shutdown()  # type: ignore[no-untyped-call]  # bounded: exports time out, a dead collector is skipped


def reset_tracing() -> None:
    """Shut down and forget the current configuration (for tests and re-configuration)."""
    shutdown_tracing()
    with _state.lock:
        if _state.http_hook is not None:
            from verifiedfan.http import remove_default_hook

            remove_default_hook(_state.http_hook)
            _state.http_hook = None
        _state.provider = _state.config = None
        _state.exporter = _state.processor = None
        _state.tracers = {}


def _dropped_spans() -> int:
    return _state.exporter.dropped_spans if _state.exporter else 0


atexit.register(shutdown_tracing)
