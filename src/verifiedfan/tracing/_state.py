"""The tracing state shared by the modules of ``verifiedfan.tracing``: the configured provider, and
``get_tracer``, which every span-making module reads. It imports none of them, so there is no
import cycle between the set-up (``_setup``) and the instrumentation (``_http``, ``_asgi``...).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

if TYPE_CHECKING:
    from verifiedfan.tracing._setup import ResilientExporter, TracingConfig

__all__ = ["TRACER_NAME", "get_tracer", "is_configured"]

TRACER_NAME = "verifiedfan"


class _State:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.provider: TracerProvider | None = None
        self.config: TracingConfig | None = None
        self.exporter: ResilientExporter | None = None
        self.processor: BatchSpanProcessor | None = None
        self.global_set = False
        self.http_hook: Any = None
        self.tracers: dict[str, tuple[TracerProvider, trace.Tracer]] = {}


_state = _State()


def is_configured() -> bool:
    """Whether :func:`configure_tracing` has set up a provider (and not been reset since)."""
    return _state.provider is not None


def get_tracer(name: str = TRACER_NAME) -> trace.Tracer:
    """A tracer from the configured provider (a no-op tracer when tracing is not configured)."""
    provider = _state.provider
    if provider is None:
        return trace.get_tracer(name)
    cached = _state.tracers.get(name)
    if cached is not None and cached[0] is provider:
        return cached[1]
    tracer = provider.get_tracer(name)
    _state.tracers[name] = (provider, tracer)
    return tracer
