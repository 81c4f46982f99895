from __future__ import annotations

import json
import logging
import os
import socket
import threading
from collections.abc import Sequence
from pathlib import Path

import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

from verifiedfan.tracing import (
    ResilientExporter,
    configure_tracing,
    get_tracer,
    reset_tracing,
    shutdown_tracing,
)


class FailingExporter(SpanExporter):
    def __init__(self) -> None:
        self.calls = 0
        self.fail = True

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        self.calls += 1
        return SpanExportResult.FAILURE if self.fail else SpanExportResult.SUCCESS


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


def test_dead_collector_is_not_called_again_during_cooldown(caplog: pytest.LogCaptureFixture) -> None:
    inner, clock = FailingExporter(), Clock()
    exporter = ResilientExporter(inner, cooldown=5.0, clock=clock)
    with caplog.at_level(logging.INFO, logger="verifiedfan.tracing._setup"):
        for _ in range(10):
            exporter.export([object(), object()])  # type: ignore[list-item]
        assert inner.calls == 1
        assert exporter.dropped_spans == 20
        clock.now = 6.0
        inner.fail = False
        assert exporter.export([object()]) is SpanExportResult.SUCCESS  # type: ignore[list-item]
    messages = [r.getMessage() for r in caplog.records]
    assert sum("unreachable" in m for m in messages) == 1
    assert sum("reachable again" in m for m in messages) == 1


def test_an_exporter_that_raises_never_reaches_the_application() -> None:
    class Raising(SpanExporter):
        def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
            raise RuntimeError("exporter bug")

    assert ResilientExporter(Raising()).export([]) is SpanExportResult.FAILURE


def test_spans_are_exported_off_the_calling_thread() -> None:
    release = threading.Event()
    entered = threading.Event()

    class Blocking(SpanExporter):
        def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
            entered.set()
            release.wait(30)
            return SpanExportResult.SUCCESS

    configure_tracing(service_name="blocked", exporter=Blocking(), schedule_delay_ms=1)
    try:
        with get_tracer().start_as_current_span("first"):
            pass
        assert entered.wait(10)
        # The exporter is stuck; the application keeps creating spans without waiting for it.
        for i in range(100):
            with get_tracer().start_as_current_span(f"more-{i}"):
                pass
        assert not release.is_set()
    finally:
        release.set()
        reset_tracing()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unreachable_collector_drops_spans_with_one_warning(caplog: pytest.LogCaptureFixture) -> None:
    endpoint = f"http://127.0.0.1:{_closed_port()}"
    with caplog.at_level(logging.WARNING):
        provider = configure_tracing(service_name="down", collector_endpoint=endpoint, export_timeout=1.0)
        for batch in range(3):
            for i in range(5):
                with get_tracer().start_as_current_span(f"s{batch}-{i}"):
                    pass
            provider.force_flush()
        shutdown_tracing()
    from verifiedfan.tracing import _setup

    assert _setup._dropped_spans() == 15
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1
    assert "unreachable" in warnings[0].getMessage()
    reset_tracing()


class FileExporter(SpanExporter):
    """Appends span names and pids to a file: works across a fork."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        with self.path.open("a") as fh:
            for span in spans:
                fh.write(json.dumps({"name": span.name, "pid": os.getpid()}) + "\n")
        return SpanExportResult.SUCCESS


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_spans_from_a_forked_child_are_exported(tmp_path: Path) -> None:
    out = tmp_path / "spans.jsonl"
    configure_tracing(service_name="forky", exporter=FileExporter(out), schedule_delay_ms=5)
    try:
        with get_tracer().start_as_current_span("parent-before-fork"):
            pass
        pid = os.fork()
        if pid == 0:  # child
            code = 0
            try:
                with get_tracer().start_as_current_span("in-child"):
                    pass
                shutdown_tracing()
            except BaseException:
                code = 1
            os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        shutdown_tracing()
        rows = [json.loads(line) for line in out.read_text().splitlines()]
        by_name = {r["name"]: r["pid"] for r in rows}
        assert by_name["in-child"] == pid
        assert by_name["parent-before-fork"] == os.getpid()
    finally:
        reset_tracing()
