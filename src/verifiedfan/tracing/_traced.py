"""``traced`` and ``traced_client``: spans around functions and client methods.

The successors of ``TracedAsyncFn`` and ``TracedSdk``. A span is a child of the current span; an
exception is recorded with status ERROR and re-raised; ``background=True`` starts fire-and-forget
work in its own trace, *linked* to (not owned by) the caller's span.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from typing import Any, TypeVar, cast

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import Link, SpanKind, Status, StatusCode

from verifiedfan._proxy import MethodProxy
from verifiedfan.tracing._state import get_tracer

__all__ = ["AttributesSelector", "traced", "traced_client"]

T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

#: ``selector(args, kwargs, result) -> attributes`` called after a successful call.
AttributesSelector = Callable[[tuple[Any, ...], Mapping[str, Any], Any], Mapping[str, Any]]

_ALLOWED = (str, bool, int, float)


def _clean_attributes(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """Attribute values OpenTelemetry accepts, with secrets redacted by key."""
    from verifiedfan.tracing._redact import redact_attributes

    out: dict[str, Any] = {}
    for key, value in redact_attributes(attrs).items():
        if isinstance(value, _ALLOWED):
            out[key] = value
        elif isinstance(value, list | tuple) and all(isinstance(v, _ALLOWED) for v in value):
            out[key] = list(value)
        elif value is not None:
            out[key] = str(value)
    return out


class _SpanRunner:
    __slots__ = ("attributes", "background", "kind", "name", "selector", "tracer_name")

    def __init__(
        self,
        name: str,
        attributes: Mapping[str, Any] | None,
        selector: AttributesSelector | None,
        background: bool,
        kind: SpanKind,
        tracer_name: str,
    ) -> None:
        self.name = name
        self.attributes = _clean_attributes(attributes or {})
        self.selector = selector
        self.background = background
        self.kind = kind
        self.tracer_name = tracer_name

    def start(self) -> tuple[trace.Span, object]:
        tracer = get_tracer(self.tracer_name)
        if self.background:
            parent = trace.get_current_span().get_span_context()
            links = [Link(parent)] if parent.is_valid else []
            span = tracer.start_span(
                self.name,
                context=otel_context.Context(),
                kind=self.kind,
                attributes=self.attributes,
                links=links,
            )
        else:
            span = tracer.start_span(self.name, kind=self.kind, attributes=self.attributes)
        token = otel_context.attach(trace.set_span_in_context(span))
        return span, token

    def finish_ok(
        self, span: trace.Span, args: tuple[Any, ...], kwargs: Mapping[str, Any], result: Any
    ) -> None:
        if self.selector is not None:
            try:
                span.set_attributes(_clean_attributes(self.selector(args, kwargs, result)))
            except Exception as exc:  # noqa: BLE001 - a selector bug must not fail the call
                span.set_attribute("vf.attributes_selector_error", type(exc).__name__)

    @staticmethod
    def finish_error(span: trace.Span, exc: BaseException) -> None:
        span.record_exception(exc)
        span.set_status(Status(StatusCode.ERROR, f"{type(exc).__name__}: {exc}"[:300]))

    @staticmethod
    def end(span: trace.Span, token: object) -> None:
        otel_context.detach(token)  # type: ignore[arg-type]
        span.end()


def traced(
    operation_name: str | None = None,
    *,
    attributes: Mapping[str, Any] | None = None,
    attributes_selector: AttributesSelector | None = None,
    background: bool = False,
    kind: SpanKind = SpanKind.INTERNAL,
    tracer_name: str = "verifiedfan",
) -> Callable[[F], F]:
    """Decorate a sync function, coroutine function or async generator function with a span.

    ``operation_name`` defaults to the function's qualified name. ``attributes_selector(args, kwargs,
    result)`` adds attributes after success (the original's ``attributesSelector``). Attribute values
    under secret-looking keys are redacted.
    """

    def decorate(func: F) -> F:
        runner = _SpanRunner(
            operation_name or func.__qualname__,
            attributes,
            attributes_selector,
            background,
            kind,
            tracer_name,
        )
        if inspect.isasyncgenfunction(func):

            @functools.wraps(func)
            async def agen_wrapper(*args: Any, **kwargs: Any) -> AsyncIterator[Any]:
                span, token = runner.start()
                try:
                    async for item in func(*args, **kwargs):
                        yield item
                except BaseException as exc:
                    runner.finish_error(span, exc)
                    raise
                finally:
                    runner.end(span, token)

            return cast(F, agen_wrapper)

        if inspect.iscoroutinefunction(func):
            afunc = cast(Callable[..., Awaitable[Any]], func)

            @functools.wraps(func)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                span, token = runner.start()
                try:
                    result = await afunc(*args, **kwargs)
                    runner.finish_ok(span, args, kwargs, result)
                    return result
                except BaseException as exc:
                    runner.finish_error(span, exc)
                    raise
                finally:
                    runner.end(span, token)

            return cast(F, async_wrapper)

        @functools.wraps(func)
        def sync_wrapper(*args: Any, **kwargs: Any) -> Any:
            span, token = runner.start()
            try:
                result = func(*args, **kwargs)
                runner.finish_ok(span, args, kwargs, result)
                return result
            except BaseException as exc:
                runner.finish_error(span, exc)
                raise
            finally:
                runner.end(span, token)

        return cast(F, sync_wrapper)

    return decorate


def traced_client(
    client: T,
    methods: Iterable[str],
    *,
    service_name: str | None = None,
    attributes: Mapping[str, Any] | None = None,
    kind: SpanKind = SpanKind.CLIENT,
) -> T:
    """Wrap selected methods of any client in spans named ``<service>.<method>`` (``TracedSdk``)."""
    from verifiedfan.errors import ConfigurationError

    service = service_name or type(client).__name__
    wrapped: dict[str, Callable[..., Any]] = {}
    for method in methods:
        target = getattr(client, method, None)
        if not callable(target):
            raise ConfigurationError(f"{type(client).__name__} has no method {method!r} to trace")
        attrs = {"vf.service": service, "vf.method": method, **(attributes or {})}
        wrapped[method] = traced(f"{service}.{method}", attributes=attrs, kind=kind)(target)
    return cast(T, MethodProxy(client, wrapped, "traced"))
