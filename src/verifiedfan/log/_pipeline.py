"""The rendering pipeline and the application logger.

Every log line, whether it comes from :class:`Logger`, from ``structlog.get_logger()`` or from a
standard-library logger (httpx, botocore, confluent_kafka...), goes through :meth:`Pipeline.emit`:
standard fields in a fixed order, bound and call fields redacted, one JSON object per line, handed to
a writer. Any failure while rendering is counted and swallowed.
"""

from __future__ import annotations

import json
import logging
import sys
import time
import traceback
from collections.abc import Mapping
from types import TracebackType
from typing import Any, TypeAlias

from structlog.contextvars import get_contextvars

from verifiedfan.correlation import current_correlation_id
from verifiedfan.log._redact import Redactor
from verifiedfan.log._writer import DirectWriter, LineWriter

__all__ = ["ExcInfo", "Logger", "Pipeline", "abbreviate_context", "get_logger"]

ExcInfo: TypeAlias = (
    bool
    | BaseException
    | tuple[type[BaseException], BaseException, TracebackType | None]
    | tuple[None, None, None]
    | None
)
_ExcTuple: TypeAlias = tuple[type[BaseException], BaseException, TracebackType | None]

DEBUG, INFO, WARNING, ERROR, CRITICAL = 10, 20, 30, 40, 50

_ENCODE = json.JSONEncoder(separators=(",", ":"), default=str).encode
_second_cache: tuple[int, str] = (-1, "")


def _timestamp(now: float) -> str:
    """UTC ISO-8601 with microseconds and ``Z``; the date part is computed once per second."""
    global _second_cache
    second = int(now)
    cached = _second_cache
    if cached[0] != second:
        cached = (second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second)))
        _second_cache = cached
    return f"{cached[1]}.{min(int((now - second) * 1_000_000), 999_999):06d}Z"


def abbreviate_context(context: str) -> str:
    """The original's context abbreviation: ``my-app/services/users`` -> ``m/services/users``.

    The last two ``/``-separated segments stay whole; earlier ones are cut to their first letter.
    """
    parts = context.split("/")
    if len(parts) <= 2:
        return context
    return "/".join([p[:1] for p in parts[:-2]] + parts[-2:])


def _exc_tuple(exc_info: ExcInfo) -> _ExcTuple | None:
    if exc_info is None or exc_info is False:
        return None
    if exc_info is True:
        current = sys.exc_info()
        return None if current[1] is None else current
    if isinstance(exc_info, BaseException):
        return (type(exc_info), exc_info, exc_info.__traceback__)
    if isinstance(exc_info, tuple) and exc_info[1] is not None:
        return exc_info
    return None


class Pipeline:
    """Renders events to JSON lines (standard fields, redaction) and hands them to a writer."""

    __slots__ = ("level", "redactor", "render_errors", "service", "writer")

    def __init__(self, *, level: int, service: str | None, redactor: Redactor, writer: LineWriter) -> None:
        self.level = level
        self.service = service
        self.redactor = redactor
        self.writer = writer
        self.render_errors = 0

    def emit(
        self,
        level: str,
        context: str,
        message: object,
        fields: Mapping[str, Any] | None,
        exc_info: ExcInfo = None,
        created: float | None = None,
    ) -> None:
        """Render one event and write it; never raises (failures are counted)."""
        try:
            self.writer.write(self.render(level, context, message, fields, exc_info, created))
        except Exception:  # noqa: BLE001 - logging never raises into the caller
            self.render_errors += 1

    def render(
        self,
        level: str,
        context: str,
        message: object,
        fields: Mapping[str, Any] | None,
        exc_info: ExcInfo = None,
        created: float | None = None,
    ) -> str:
        """One JSON line (with its newline) for the event."""
        redactor = self.redactor
        text = message if type(message) is str else str(redactor.redact(message))
        out: dict[str, Any] = {
            "timestamp": _timestamp(time.time() if created is None else created),
            "level": level,
            "service": self.service,
            "context": context,
            "message": redactor.redact_text(text),
            "correlation_id": current_correlation_id(),
        }
        trace = sys.modules.get("opentelemetry.trace")
        if trace is not None:
            _add_trace_ids(trace, out)
        bound = get_contextvars()
        if bound:
            if fields:
                bound.update(fields)
            fields = bound
        if fields:
            redactor.redact_fields(fields, out)
        exc = _exc_tuple(exc_info)
        if exc is not None:
            rendered = "".join(traceback.format_exception(*exc))
            out["exception_" if "exception" in out else "exception"] = redactor.redact_text(rendered)
        return _ENCODE(out) + "\n"

    def emit_record(self, record: logging.LogRecord) -> None:
        """Render a standard-library record: its args and ``extra=`` fields are redacted too."""
        try:
            msg = record.msg
            message = msg if isinstance(msg, str) else str(self.redactor.redact(msg))
            args = record.args
            if args:
                redact = self.redactor.redact
                safe_args = tuple(redact(a) for a in args) if isinstance(args, tuple) else redact(args)
                try:
                    message = message % safe_args
                except Exception:  # noqa: BLE001 - a bad format string still logs
                    message = f"{message} {safe_args!r}"
            extra = {k: v for k, v in record.__dict__.items() if k not in _RECORD_ATTRS}
            if record.stack_info:
                extra["stack"] = record.stack_info
            self.writer.write(
                self.render(
                    record.levelname.lower(), record.name, message, extra, record.exc_info, record.created
                )
            )
        except Exception:  # noqa: BLE001 - logging never raises into the caller
            self.render_errors += 1


_RECORD_ATTRS = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
    "taskName",
}


def _add_trace_ids(trace: Any, out: dict[str, Any]) -> None:
    try:
        ctx = trace.get_current_span().get_span_context()
        if ctx.is_valid:
            out["trace_id"] = format(ctx.trace_id, "032x")
            out["span_id"] = format(ctx.span_id, "016x")
    except Exception:  # noqa: BLE001 - tracing must never break logging
        return


_default = Pipeline(level=INFO, service=None, redactor=Redactor(), writer=DirectWriter())
_current: Pipeline = _default


def current_pipeline() -> Pipeline:
    """The pipeline every logger writes through right now."""
    return _current


def set_pipeline(pipeline: Pipeline | None) -> Pipeline:
    """Install ``pipeline`` (``None``: the unconfigured default) and return the previous one."""
    global _current
    previous = _current
    _current = pipeline if pipeline is not None else _default
    return previous


class Logger:
    """A context-named logger: ``info("message", key=value, ...)`` writes one JSON line.

    The level threshold, service name, redaction and output are read from the current configuration
    at each call, so loggers created at import time follow a later :func:`configure`.
    """

    __slots__ = ("_fields", "context", "name")

    def __init__(self, name: str, *, fields: Mapping[str, Any] | None = None) -> None:
        self.name = name
        self.context = abbreviate_context(name)
        self._fields: dict[str, Any] = dict(fields) if fields else {}

    def __repr__(self) -> str:
        return f"Logger({self.name!r})"

    def bind(self, **fields: Any) -> Logger:
        """A logger that adds ``fields`` to every line."""
        return Logger(self.name, fields={**self._fields, **fields})

    def _emit(self, level: str, message: object, fields: dict[str, Any], exc_info: ExcInfo) -> None:
        if self._fields:
            fields = {**self._fields, **fields}
        _current.emit(level, self.context, message, fields, exc_info)

    def debug(self, message: object, /, *, exc_info: ExcInfo = None, **fields: Any) -> None:
        if _current.level <= DEBUG:
            self._emit("debug", message, fields, exc_info)

    def info(self, message: object, /, *, exc_info: ExcInfo = None, **fields: Any) -> None:
        if _current.level <= INFO:
            self._emit("info", message, fields, exc_info)

    def warning(self, message: object, /, *, exc_info: ExcInfo = None, **fields: Any) -> None:
        if _current.level <= WARNING:
            self._emit("warning", message, fields, exc_info)

    warn = warning

    def error(self, message: object, /, *, exc_info: ExcInfo = None, **fields: Any) -> None:
        if _current.level <= ERROR:
            self._emit("error", message, fields, exc_info)

    def exception(self, message: object, /, *, exc_info: ExcInfo = True, **fields: Any) -> None:
        """An ``error`` line with the current exception's traceback (redacted) under ``exception``."""
        if _current.level <= ERROR:
            self._emit("error", message, fields, exc_info)

    def critical(self, message: object, /, *, exc_info: ExcInfo = None, **fields: Any) -> None:
        if _current.level <= CRITICAL:
            self._emit("critical", message, fields, exc_info)

    def is_enabled_for(self, level: int) -> bool:
        """Whether a line at ``level`` (a :mod:`logging` number) would be written."""
        return _current.level <= level


def get_logger(context: str = "") -> Logger:
    """A logger for ``context`` (a ``/``-separated path such as ``my-app/services/users``)."""
    return Logger(context)
