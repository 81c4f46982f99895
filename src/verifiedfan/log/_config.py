"""``configure()``: the one place an application wires logging, and its lifecycle helpers."""

from __future__ import annotations

import atexit
import logging
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TextIO

import structlog
from pydantic_settings import SettingsConfigDict

from verifiedfan.errors import ConfigurationError
from verifiedfan.log import _pipeline
from verifiedfan.log._bridge import StdlibBridgeHandler, StructlogSink, route_structlog_event
from verifiedfan.log._redact import DEFAULT_SECRET_KEYS, Redactor
from verifiedfan.log._writer import DirectWriter, LineWriter, LogStats, QueueWriter
from verifiedfan.settings import VFSettings

__all__ = [
    "QUIET_LIBRARIES",
    "LogConfig",
    "LogSettings",
    "configure",
    "configure_from_settings",
    "flush",
    "parse_level",
    "reset",
    "route_structlog",
    "shutdown",
    "stats",
]

# Third-party loggers that log every request: kept at WARNING unless ``logger_levels`` names them
# (``logger_levels={"httpx": "info"}`` brings httpx's request lines back) or ``quiet_libraries=False``.
QUIET_LIBRARIES: Mapping[str, str] = {"httpx": "warning", "httpcore": "warning"}

_LEVELS = {"debug": 10, "info": 20, "warning": 30, "warn": 30, "error": 40, "critical": 50, "fatal": 50}


def parse_level(level: str | int) -> int:
    """A :mod:`logging` level number from ``"info"``/``"INFO"``/``20``; a clear error otherwise."""
    if isinstance(level, bool):
        raise ConfigurationError(f"unknown log level {level!r}")
    if isinstance(level, int):
        if level < 0:
            raise ConfigurationError(f"log level must be >= 0, got {level}")
        return level
    number = _LEVELS.get(str(level).strip().lower())
    if number is None:
        raise ConfigurationError(f"unknown log level {level!r}; use one of {sorted(set(_LEVELS))}")
    return number


@dataclass(frozen=True, kw_only=True)
class LogConfig:
    """What :func:`configure` installed."""

    level: int
    service_name: str | None
    secret_keys: tuple[str, ...]
    depth: int
    asynchronous: bool
    max_queue: int
    capture_stdlib: bool
    logger_levels: Mapping[str, int] = field(default_factory=dict)
    quiet_libraries: bool = True


class LogSettings(VFSettings):
    """Logging settings from ``VF_LOG_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="VF_LOG_", extra="ignore", frozen=True)

    level: str = "info"
    service_name: str | None = None
    depth: int = 8
    asynchronous: bool = True
    max_queue: int = 10_000
    quiet_libraries: bool = True


@dataclass
class _Installed:
    config: LogConfig
    writer: LineWriter
    handler: StdlibBridgeHandler | None
    root_level: int
    removed_handlers: list[logging.Handler]
    logger_levels: dict[str, int]


_lock = threading.RLock()
_installed: _Installed | None = None
_atexit_registered = False


def configure(
    *,
    level: str | int = "info",
    service_name: str | None = None,
    secret_keys: Iterable[str] | None = None,
    depth: int = 8,
    stream: TextIO | None = None,
    asynchronous: bool = True,
    max_queue: int = 10_000,
    capture_stdlib: bool = True,
    logger_levels: Mapping[str, str | int] | None = None,
    quiet_libraries: bool = True,
) -> LogConfig:
    """Wire logging for the whole process: JSON lines on ``stream`` (stdout when ``None``).

    ``secret_keys`` replaces :data:`DEFAULT_SECRET_KEYS` (extend with ``(*DEFAULT_SECRET_KEYS, "x")``).
    ``asynchronous`` writes from a background thread through a queue of ``max_queue`` lines (full:
    lines are dropped and counted). ``capture_stdlib`` installs one root handler so every
    standard-library logger comes out the same way; ``logger_levels`` sets per-logger levels such as
    ``{"botocore": "warning"}``. ``quiet_libraries`` keeps the request loggers of
    :data:`QUIET_LIBRARIES` (httpx, httpcore) at WARNING unless ``logger_levels`` names them: the
    library's own clients already log each call once, redacted. Third-party records go through the
    same redaction as application lines either way. ``structlog.get_logger()`` is routed through the
    same pipeline.
    Calling it again replaces the previous configuration (no duplicated lines).
    """
    global _atexit_registered
    if max_queue < 1:
        raise ConfigurationError(f"max_queue must be >= 1, got {max_queue}")
    levels: dict[str, str | int] = dict(QUIET_LIBRARIES) if quiet_libraries and capture_stdlib else {}
    levels.update(logger_levels or {})
    config = LogConfig(
        level=parse_level(level),
        service_name=service_name,
        secret_keys=tuple(DEFAULT_SECRET_KEYS if secret_keys is None else _names(secret_keys)),
        depth=depth,
        asynchronous=asynchronous,
        max_queue=max_queue,
        capture_stdlib=capture_stdlib,
        logger_levels={name: parse_level(lvl) for name, lvl in levels.items()},
        quiet_libraries=quiet_libraries,
    )
    redactor = Redactor(keys=config.secret_keys, depth=depth)
    with _lock:
        reset()
        writer: LineWriter = (
            QueueWriter(stream=stream, max_queue=max_queue) if asynchronous else DirectWriter(stream=stream)
        )
        _pipeline.set_pipeline(
            _pipeline.Pipeline(level=config.level, service=service_name, redactor=redactor, writer=writer)
        )
        root = logging.getLogger()
        installed = _Installed(config, writer, None, root.level, [], {})
        if capture_stdlib:
            for handler in list(root.handlers):
                if type(handler) is logging.StreamHandler:  # basicConfig's: would duplicate every line
                    root.removeHandler(handler)
                    installed.removed_handlers.append(handler)
            installed.handler = StdlibBridgeHandler()
            root.addHandler(installed.handler)
            root.setLevel(config.level)
        for name, lvl in config.logger_levels.items():
            lib = logging.getLogger(name)
            installed.logger_levels[name] = lib.level
            lib.setLevel(lvl)
        route_structlog(config.level)
        _set_installed(installed)
        if not _atexit_registered:
            atexit.register(_flush_at_exit)
            _atexit_registered = True
    return config


def route_structlog(level: int) -> None:
    """Configure structlog so that ``structlog.get_logger()`` writes through the pipeline."""
    structlog.configure(
        processors=[route_structlog_event],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=StructlogSink,
        cache_logger_on_first_use=False,
    )


def _names(keys: Iterable[str]) -> tuple[str, ...]:
    if isinstance(keys, str):
        raise ConfigurationError("secret_keys must be a collection of names, not one string")
    return tuple(keys)


def _set_installed(installed: _Installed | None) -> None:
    global _installed
    _installed = installed


def configure_from_settings(settings: LogSettings, *, stream: TextIO | None = None) -> LogConfig:
    """:func:`configure` from :class:`LogSettings` (``VF_LOG_LEVEL``, ``VF_LOG_SERVICE_NAME``...)."""
    return configure(
        level=settings.level,
        service_name=settings.service_name,
        depth=settings.depth,
        stream=stream,
        asynchronous=settings.asynchronous,
        max_queue=settings.max_queue,
        quiet_libraries=settings.quiet_libraries,
    )


def reset() -> None:
    """Undo :func:`configure`: remove the root handler, restore levels, stop the writer (tests)."""
    with _lock:
        installed = _installed
        if installed is None:
            return
        _set_installed(None)
        root = logging.getLogger()
        if installed.handler is not None:
            root.removeHandler(installed.handler)
            root.setLevel(installed.root_level)
        for handler in installed.removed_handlers:
            root.addHandler(handler)
        for name, lvl in installed.logger_levels.items():
            logging.getLogger(name).setLevel(lvl)
        structlog.reset_defaults()
        _pipeline.set_pipeline(None)
        installed.writer.close(timeout=1.0)


def flush(timeout: float | None = 5.0) -> bool:
    """Wait until every accepted line is written; ``False`` if ``timeout`` passed first."""
    return _pipeline.current_pipeline().writer.flush(timeout)


def shutdown(timeout: float | None = 5.0) -> None:
    """Flush and stop the background writer; later lines are written directly (blocking)."""
    with _lock:
        pipeline = _pipeline.current_pipeline()
        old = pipeline.writer
        pipeline.writer = DirectWriter(stream=old.stream)
        if _installed is not None:
            _installed.writer = pipeline.writer
    old.close(timeout)


def stats() -> LogStats:
    """Counters of the current configuration: written, dropped, write and render errors, queued."""
    pipeline = _pipeline.current_pipeline()
    written, dropped, errors, queued = pipeline.writer.counters()
    return LogStats(
        written=written,
        dropped=dropped,
        write_errors=errors,
        render_errors=pipeline.render_errors,
        queued=queued,
    )


def _flush_at_exit() -> None:
    flush(timeout=2.0)
