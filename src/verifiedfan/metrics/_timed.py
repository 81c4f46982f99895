"""``timed``: duration metrics for sync and async functions, client methods and HTTP calls.

The successor of ``TimedAsyncFn``, ``TimedSdk`` and ``TimedRequest``: a duration metric on success,
the same metric tagged ``Result=error`` (and the exception type) on failure, the exception re-raised.
"""

from __future__ import annotations

import functools
import inspect
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, ParamSpec, TypeVar, cast, overload

from verifiedfan._proxy import MethodProxy
from verifiedfan.metrics._model import Metric, MetricSink, Unit, validate_dimensions

__all__ = ["DimensionResolver", "get_default_sink", "put_metric", "set_default_sink", "timed", "timed_client"]

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")

#: Computes one dimension's value from a call: ``(args, kwargs) -> str``.
DimensionResolver = Callable[[tuple[Any, ...], Mapping[str, Any]], object]

_default_sink: MetricSink | None = None
_TIME_SCALE = {Unit.SECONDS: 1.0, Unit.MILLISECONDS: 1e3, Unit.MICROSECONDS: 1e6}


def get_default_sink() -> MetricSink:
    """The process-wide sink (EMF on stdout, flushed on each metric) unless one was set."""
    global _default_sink
    if _default_sink is None:
        from verifiedfan.metrics._emf import EmfSink

        _default_sink = EmfSink(auto_flush=True)
    return _default_sink


def set_default_sink(sink: MetricSink | None) -> None:
    """Replace the process-wide sink (``None`` restores the default on next use)."""
    global _default_sink
    _default_sink = sink


def put_metric(
    namespace: str,
    name: str,
    value: float,
    unit: Unit | str = Unit.NONE,
    dimensions: Mapping[str, object] | None = None,
    *,
    sink: MetricSink | None = None,
    timestamp_ms: int | None = None,
) -> Metric:
    """Record one metric (validated first: a bad metric raises ``ValidationError`` and records nothing)."""
    kwargs: dict[str, Any] = {}
    if timestamp_ms is not None:
        kwargs["timestamp_ms"] = timestamp_ms
    metric = Metric(
        namespace=namespace,
        name=name,
        value=value,
        unit=Unit(unit) if isinstance(unit, str) else unit,
        dimensions=validate_dimensions(dimensions),
        **kwargs,
    )
    (sink or get_default_sink()).record(metric)
    return metric


class _Timer:
    __slots__ = ("clock", "dimensions", "metric_name", "namespace", "resolvers", "scale", "sink", "unit")

    def __init__(
        self,
        namespace: str,
        metric_name: str,
        dimensions: Mapping[str, object] | None,
        resolvers: Mapping[str, DimensionResolver] | None,
        sink: MetricSink | None,
        unit: Unit,
        clock: Callable[[], float],
    ) -> None:
        # Validate the static parts once, at decoration time.
        Metric(
            namespace=namespace,
            name=metric_name,
            value=0.0,
            unit=unit,
            dimensions=validate_dimensions(dimensions),
        )
        self.namespace = namespace
        self.metric_name = metric_name
        self.dimensions = dict(validate_dimensions(dimensions))
        self.resolvers = dict(resolvers or {})
        self.sink = sink
        self.unit = unit
        self.scale = _TIME_SCALE.get(unit, 1.0)
        self.clock = clock

    def emit(
        self, start: float, args: tuple[Any, ...], kwargs: Mapping[str, Any], exc: BaseException | None
    ) -> None:
        value = (self.clock() - start) * self.scale
        dims = dict(self.dimensions)
        for key, resolver in self.resolvers.items():
            try:
                resolved = resolver(args, kwargs)
            except Exception:  # noqa: BLE001 - a resolver bug must not break the call
                resolved = "unknown"
            dims[key] = str(resolved) if resolved not in (None, "") else "unknown"
        dims["Result"] = "success" if exc is None else "error"
        if exc is not None:
            dims["ErrorType"] = type(exc).__name__
        try:  # noqa: SIM105 - a plain try is cheaper than contextlib.suppress on this hot path
            put_metric(self.namespace, self.metric_name, value, self.unit, dims, sink=self.sink)
        except Exception:  # noqa: BLE001, S110 - metrics never break the application
            pass


@overload
def timed(
    namespace: str,
    metric_name: str,
    *,
    dimensions: Mapping[str, object] | None = ...,
    dimension_resolvers: Mapping[str, DimensionResolver] | None = ...,
    sink: MetricSink | None = ...,
    unit: Unit = ...,
    clock: Callable[[], float] = ...,
) -> Callable[[Callable[P, R]], Callable[P, R]]: ...
@overload
def timed(
    namespace: str,
    metric_name: str,
    fn: Callable[P, R],
    *,
    dimensions: Mapping[str, object] | None = ...,
    dimension_resolvers: Mapping[str, DimensionResolver] | None = ...,
    sink: MetricSink | None = ...,
    unit: Unit = ...,
    clock: Callable[[], float] = ...,
) -> Callable[P, R]: ...
def timed(
    namespace: str,
    metric_name: str,
    fn: Callable[..., Any] | None = None,
    *,
    dimensions: Mapping[str, object] | None = None,
    dimension_resolvers: Mapping[str, DimensionResolver] | None = None,
    sink: MetricSink | None = None,
    unit: Unit = Unit.MILLISECONDS,
    clock: Callable[[], float] = time.perf_counter,
) -> Any:
    """Time a sync or async function: as a decorator ``@timed(ns, name)`` or ``timed(ns, name, fn)``.

    ``dimension_resolvers`` compute dimensions from each call's arguments (the original's
    ``customTagResolversMap``). Dimensions are validated when the wrapper is made.
    """
    timer = _Timer(namespace, metric_name, dimensions, dimension_resolvers, sink, unit, clock)

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        if inspect.iscoroutinefunction(func):
            afunc = cast(Callable[..., Awaitable[Any]], func)

            @functools.wraps(func)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                start = timer.clock()
                try:
                    result = await afunc(*args, **kwargs)
                except BaseException as exc:
                    timer.emit(start, args, kwargs, exc)
                    raise
                timer.emit(start, args, kwargs, None)
                return result

            return async_wrapper

        @functools.wraps(func)
        def sync_wrapper(*args: Any, **kwargs: Any) -> Any:
            start = timer.clock()
            try:
                result = func(*args, **kwargs)
            except BaseException as exc:
                timer.emit(start, args, kwargs, exc)
                raise
            timer.emit(start, args, kwargs, None)
            return result

        return sync_wrapper

    return decorate(fn) if fn is not None else decorate


def timed_client(
    client: T,
    methods: Iterable[str],
    *,
    namespace: str,
    metric_name: str | None = None,
    service_name: str | None = None,
    dimensions: Mapping[str, object] | None = None,
    sink: MetricSink | None = None,
    unit: Unit = Unit.MILLISECONDS,
    clock: Callable[[], float] = time.perf_counter,
) -> T:
    """Time selected methods of any client (the original's ``TimedSdk``).

    Every call reports its duration with a ``Service`` dimension. Without ``metric_name`` each method
    gets its own metric ``<service>.<method>``; with it, all methods share that metric and a ``Method``
    dimension tells them apart.
    """
    wrapped: dict[str, Callable[..., Any]] = {}
    service = service_name or type(client).__name__
    for method in methods:
        target = getattr(client, method, None)
        if not callable(target):
            from verifiedfan.errors import ConfigurationError

            raise ConfigurationError(f"{type(client).__name__} has no method {method!r} to time")
        dims = {"Service": service, **(dimensions or {})}
        name = metric_name or f"{service}.{method}"
        if metric_name:
            dims["Method"] = method
        wrapped[method] = timed(namespace, name, target, dimensions=dims, sink=sink, unit=unit, clock=clock)
    return cast(T, MethodProxy(client, wrapped, "timed"))
