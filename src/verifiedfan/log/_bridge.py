"""Bridges: standard-library records and structlog events into the same pipeline.

One :class:`StdlibBridgeHandler` on the root logger renders every record of every library (httpx,
botocore, confluent_kafka, ...) through :class:`~verifiedfan.log._pipeline.Pipeline`, with the same
fields and redaction as application lines. ``structlog.get_logger()`` is routed the same way by
:func:`route_structlog_event`, the last structlog processor.
"""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from typing import Any

import structlog

from verifiedfan.log import _pipeline
from verifiedfan.log._pipeline import abbreviate_context

__all__ = ["StdlibBridgeHandler", "StructlogSink", "route_structlog_event"]

_STRUCTLOG_LEVELS = {"warn": "warning", "exception": "error", "fatal": "critical", "msg": "info"}


class StdlibBridgeHandler(logging.Handler):
    """A root handler that writes records as verifiedfan JSON lines (never raises)."""

    def handle(self, record: logging.LogRecord) -> bool:
        # No handler lock: the pipeline is thread-safe and the writer never blocks.
        if record.levelno < self.level or not self.filter(record):
            return False
        self.emit(record)
        return True

    def emit(self, record: logging.LogRecord) -> None:
        _pipeline.current_pipeline().emit_record(record)


class StructlogSink:
    """What ``structlog.get_logger(name)`` wraps: only its name is used (as the context)."""

    __slots__ = ("name",)

    def __init__(self, *args: Any) -> None:
        self.name = str(args[0]) if args else ""


def route_structlog_event(
    logger: Any, method_name: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """The final structlog processor: write the event through the pipeline, then drop it."""
    pipeline = _pipeline.current_pipeline()
    try:
        fields = dict(event_dict)
        message = fields.pop("event", "")
        context = fields.pop("context", None) or fields.pop("logger", None) or getattr(logger, "name", "")
        exc_info = fields.pop("exc_info", method_name == "exception")
        level = _STRUCTLOG_LEVELS.get(method_name, method_name)
        pipeline.emit(level, abbreviate_context(str(context)), message, fields, exc_info)
    except Exception:  # noqa: BLE001 - logging never raises into the caller
        pipeline.render_errors += 1
    raise structlog.DropEvent
