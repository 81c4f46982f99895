"""``capture_logs()``: collect the exact lines the pipeline renders, for tests."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TextIO

import structlog

from verifiedfan.log import _pipeline
from verifiedfan.log._bridge import StdlibBridgeHandler
from verifiedfan.log._config import parse_level, route_structlog

__all__ = ["CapturedLogs", "capture_logs"]


@dataclass
class CapturedLogs:
    """The lines written while capturing, as rendered (already redacted) JSON text."""

    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """Every captured line, concatenated."""
        return "".join(self.lines)

    @property
    def entries(self) -> list[dict[str, Any]]:
        """Every captured line parsed back into a dict."""
        return [json.loads(line) for line in self.lines]


class _ListWriter:
    def __init__(self, captured: CapturedLogs) -> None:
        self.stream: TextIO | None = None
        self._captured = captured

    def write(self, line: str) -> None:
        self._captured.lines.append(line)

    def flush(self, timeout: float | None = None) -> bool:
        return True

    def close(self, timeout: float | None = None) -> None:
        return None

    def counters(self) -> tuple[int, int, int, int]:
        return len(self._captured.lines), 0, 0, 0


@contextmanager
def capture_logs(level: str | int = "debug") -> Iterator[CapturedLogs]:
    """Capture every line (application, structlog and standard-library) rendered inside the block.

    Lines go through the configured pipeline (same service name and redaction) but are collected
    instead of written. Standard-library records are captured even when :func:`configure` was not
    called.
    """
    captured = CapturedLogs()
    current = _pipeline.current_pipeline()
    number = parse_level(level)
    previous = _pipeline.set_pipeline(
        _pipeline.Pipeline(
            level=number, service=current.service, redactor=current.redactor, writer=_ListWriter(captured)
        )
    )
    root = logging.getLogger()
    bridged = any(isinstance(h, StdlibBridgeHandler) for h in root.handlers)
    handler = None if bridged else StdlibBridgeHandler()
    root_level = root.level
    if handler is not None:
        root.addHandler(handler)
    root.setLevel(number)
    structlog_config = structlog.get_config() if structlog.is_configured() else None
    route_structlog(number)
    try:
        yield captured
    finally:
        if structlog_config is None:
            structlog.reset_defaults()
        else:
            structlog.configure(**structlog_config)
        root.setLevel(root_level)
        if handler is not None:
            root.removeHandler(handler)
        _pipeline.set_pipeline(previous)
