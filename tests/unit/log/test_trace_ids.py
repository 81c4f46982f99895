from __future__ import annotations

import sys
import types
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tests.unit.log.conftest import Output
from verifiedfan import log

Make = Callable[..., Output]


@dataclass
class _Context:
    trace_id: int
    span_id: int
    is_valid: bool


class _Span:
    def __init__(self, ctx: _Context) -> None:
        self._ctx = ctx

    def get_span_context(self) -> _Context:
        return self._ctx


def _fake_trace(ctx: _Context) -> types.ModuleType:
    module = types.ModuleType("opentelemetry.trace")
    module.get_current_span = lambda: _Span(ctx)  # type: ignore[attr-defined]
    return module


def test_trace_and_span_ids_come_from_the_active_span(output: Make, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "opentelemetry.trace", _fake_trace(_Context(0xABC, 0x12, True)))
    out = output()
    log.get_logger("a").info("m", k=1)
    (entry,) = out.entries
    assert entry["trace_id"] == f"{0xABC:032x}"
    assert entry["span_id"] == f"{0x12:016x}"
    assert list(entry)[5:] == ["correlation_id", "trace_id", "span_id", "k"]


def test_no_ids_when_the_span_is_invalid(output: Make, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "opentelemetry.trace", _fake_trace(_Context(0, 0, False)))
    out = output()
    log.get_logger("a").info("m")
    assert "trace_id" not in out.entries[0]


def test_no_ids_without_opentelemetry(output: Make, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "opentelemetry.trace", raising=False)
    out = output()
    log.get_logger("a").info("m")
    assert "span_id" not in out.entries[0]


def test_a_broken_tracing_module_does_not_break_logging(
    output: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = types.ModuleType("opentelemetry.trace")
    module.get_current_span = lambda: 1 / 0  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "opentelemetry.trace", module)
    out = output()
    log.get_logger("a").info("still written")
    assert out.entries[0]["message"] == "still written"


def test_ids_of_a_real_sdk_span(output: Make) -> None:
    from opentelemetry.sdk.trace import TracerProvider

    tracer = TracerProvider().get_tracer("test")
    out = output()
    with tracer.start_as_current_span("work") as span:
        log.get_logger("a").info("in span")
    ctx = span.get_span_context()
    (entry,) = out.entries
    assert entry["trace_id"] == format(ctx.trace_id, "032x")
    assert entry["span_id"] == format(ctx.span_id, "016x")
