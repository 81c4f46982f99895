"""The cost per call of ``traced`` and ``timed`` vs the bare OpenTelemetry SDK and a hand-written timer.

Every traced variant runs on the same kind of pipeline: an SDK ``TracerProvider`` with a
``BatchSpanProcessor`` (same queue size and delay) in front of an exporter that drops every batch,
so what is measured is the span's life in the caller's thread, not the network. The bare SDK
reference is what a service would write by hand: ``tracer.start_as_current_span(...)`` around the
call (which records an exception and sets status ERROR, as ``traced`` does).

``timed`` is compared with ``perf_counter`` plus ``put_metric`` written by hand (success and error
dimensions, the same ``EmfSink`` writing to ``os.devnull``). The undecorated call is shown too.

Measurements alternate between the variants (``ROUNDS`` rounds) and keep each one's median, so a
neighbour's load on the shared machine hits every variant alike.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult

from benchmarks._harness import Comparison
from verifiedfan.metrics import EmfSink, Unit, put_metric, timed
from verifiedfan.tracing import configure_tracing, reset_tracing, traced

GOAL = "<= 1.2x bare SDK"
TIMED_GOAL = "<= 1.2x hand-written"
QUEUE, DELAY_MS = 4096, 500


class _DropExporter(SpanExporter):
    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        return SpanExportResult.SUCCESS


def _interleaved(variants: dict[str, Callable[[], object]], n: int, rounds: int) -> dict[str, float]:
    runs: dict[str, list[float]] = {name: [] for name in variants}
    for fn in variants.values():
        for _ in range(min(n, 500)):
            fn()
    for _ in range(rounds):
        for name, fn in variants.items():
            start = time.perf_counter()
            for _ in range(n):
                fn()
            runs[name].append((time.perf_counter() - start) / n * 1e6)
    return {name: statistics.median(r) for name, r in runs.items()}


def _interleaved_async(
    variants: dict[str, Callable[[], Awaitable[object]]], n: int, rounds: int
) -> dict[str, float]:
    async def body() -> dict[str, float]:
        runs: dict[str, list[float]] = {name: [] for name in variants}
        for fn in variants.values():
            for _ in range(min(n, 500)):
                await fn()
        for _ in range(rounds):
            for name, fn in variants.items():
                start = time.perf_counter()
                for _ in range(n):
                    await fn()
                runs[name].append((time.perf_counter() - start) / n * 1e6)
        return {name: statistics.median(r) for name, r in runs.items()}

    return asyncio.run(body())


def _work(x: int = 1) -> int:
    return x + 1


async def _awork(x: int = 1) -> int:
    return x + 1


def _tracing(n: int, rounds: int) -> list[Comparison]:
    bare_provider = TracerProvider(
        resource=Resource.create({"service.name": "bench"}), shutdown_on_exit=False
    )
    bare_processor = BatchSpanProcessor(_DropExporter(), max_queue_size=QUEUE, schedule_delay_millis=DELAY_MS)
    bare_provider.add_span_processor(bare_processor)
    tracer = bare_provider.get_tracer("bench")
    configure_tracing(
        service_name="bench",
        exporter=_DropExporter(),
        max_queue_size=QUEUE,
        schedule_delay_ms=DELAY_MS,
        set_global=False,
    )
    try:
        ours = traced("op")(_work)
        ours_async = traced("op")(_awork)

        def bare() -> int:
            with tracer.start_as_current_span("op"):
                return _work()

        async def bare_async() -> int:
            with tracer.start_as_current_span("op"):
                return await _awork()

        sync = _interleaved({"plain": _work, "ours": ours, "bare": bare}, n, rounds)
        asyn = _interleaved_async({"plain": _awork, "ours": ours_async, "bare": bare_async}, n, rounds)
    finally:
        reset_tracing()
        bare_provider.shutdown()
    return [
        Comparison(
            "traced, sync function", sync["ours"], sync["bare"], "bare OTel SDK", "us/call", False, GOAL
        ),
        Comparison(
            "traced, async function", asyn["ours"], asyn["bare"], "bare OTel SDK", "us/call", False, GOAL
        ),
        Comparison(
            "traced, sync vs undecorated", sync["ours"], sync["plain"], "no wrapper", "us/call", False, "info"
        ),
        Comparison(
            "traced, async vs undecorated",
            asyn["ours"],
            asyn["plain"],
            "no wrapper",
            "us/call",
            False,
            "info",
        ),
    ]


def _timing(n: int, rounds: int) -> list[Comparison]:
    with open(os.devnull, "w") as devnull:
        sink = EmfSink(stream=devnull, max_buffered=1000)
        dims = {"Service": "bench"}
        ours = timed("Bench", "op", _work, dimensions=dims, sink=sink)
        ours_async = timed("Bench", "op", _awork, dimensions=dims, sink=sink)
        clock = time.perf_counter

        def _emit(start: float, exc: BaseException | None) -> None:
            result = (
                {"Result": "success"} if exc is None else {"Result": "error", "ErrorType": type(exc).__name__}
            )
            put_metric(
                "Bench", "op", (clock() - start) * 1e3, Unit.MILLISECONDS, {**dims, **result}, sink=sink
            )

        def bare() -> int:
            start = clock()
            try:
                value = _work()
            except BaseException as exc:
                _emit(start, exc)
                raise
            _emit(start, None)
            return value

        async def bare_async() -> int:
            start = clock()
            try:
                value = await _awork()
            except BaseException as exc:
                _emit(start, exc)
                raise
            _emit(start, None)
            return value

        sync = _interleaved({"plain": _work, "ours": ours, "bare": bare}, n, rounds)
        asyn = _interleaved_async({"plain": _awork, "ours": ours_async, "bare": bare_async}, n, rounds)
        sink.flush()
    ref = "perf_counter + put_metric"
    return [
        Comparison("timed, sync function", sync["ours"], sync["bare"], ref, "us/call", False, TIMED_GOAL),
        Comparison("timed, async function", asyn["ours"], asyn["bare"], ref, "us/call", False, TIMED_GOAL),
        Comparison(
            "timed, sync vs undecorated", sync["ours"], sync["plain"], "no wrapper", "us/call", False, "info"
        ),
        Comparison(
            "timed, async vs undecorated", asyn["ours"], asyn["plain"], "no wrapper", "us/call", False, "info"
        ),
    ]


def run(quick: bool) -> list[Comparison]:
    n, rounds = (2_000, 3) if quick else (20_000, 7)
    out: list[Any] = []
    out += _tracing(n, rounds)
    out += _timing(n, rounds)
    return out
