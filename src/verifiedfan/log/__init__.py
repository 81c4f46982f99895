"""Structured JSON logging with built-in secret redaction (successor of ``@verifiedfan/log``).

Wire it once, at application start::

    from verifiedfan import log

    log.configure(level="info", service_name="fan-verifier")
    logger = log.get_logger("fan-verifier/services/users")
    logger.info("user verified", user_id="u-1", score=0.93)

Each line is one JSON object on stdout: ``timestamp`` (UTC ISO-8601), ``level``, ``service``,
``context`` (abbreviated: ``f/services/users``), ``message``, ``correlation_id``, ``trace_id`` and
``span_id`` when an OpenTelemetry span is active, then the fields (including those bound with
``structlog.contextvars.bound_contextvars``). Secret keys and secret-looking strings (bearer tokens,
JWTs, ``password=...``) are masked everywhere, recursively to a depth limit, including messages and
tracebacks. Standard-library loggers (httpx, botocore, confluent_kafka...) and ``structlog.get_logger()``
come out through the same pipeline and the same redaction; httpx and httpcore, which log every
request, stay at WARNING unless asked for (``logger_levels={"httpx": "info"}``, see
:data:`QUIET_LIBRARIES`). Lines are written by a background thread through a bounded
queue: a slow stdout never blocks the application for long (full queue: lines are dropped and
counted) and logging never raises. :func:`redact` applies the same rules anywhere else.
"""

from verifiedfan.log._capture import CapturedLogs, capture_logs
from verifiedfan.log._config import (
    QUIET_LIBRARIES,
    LogConfig,
    LogSettings,
    configure,
    configure_from_settings,
    flush,
    parse_level,
    reset,
    shutdown,
    stats,
)
from verifiedfan.log._pipeline import Logger, abbreviate_context, get_logger
from verifiedfan.log._redact import (
    DEFAULT_SECRET_KEYS,
    REDACTED,
    TRUNCATED,
    Redactor,
    is_secret_key,
    redact,
    redact_text,
)
from verifiedfan.log._writer import LogStats

__all__ = [
    "DEFAULT_SECRET_KEYS",
    "QUIET_LIBRARIES",
    "REDACTED",
    "TRUNCATED",
    "CapturedLogs",
    "LogConfig",
    "LogSettings",
    "LogStats",
    "Logger",
    "Redactor",
    "abbreviate_context",
    "capture_logs",
    "configure",
    "configure_from_settings",
    "flush",
    "get_logger",
    "is_secret_key",
    "parse_level",
    "redact",
    "redact_text",
    "reset",
    "shutdown",
    "stats",
]
