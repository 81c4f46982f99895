"""One log line with a few fields: verifiedfan.log vs structlog's JSON pipeline vs stdlib + JSON formatter.

Every logger writes to the same kind of sink (a text file on os.devnull, flushed per line). The
structlog reference is its documented fast setup: add_log_level, TimeStamper(fmt="iso", utc=True),
JSONRenderer, make_filtering_bound_logger, WriteLoggerFactory, cached loggers.

verifiedfan.log does more per line (context abbreviation, correlation and trace ids, recursive redaction
of every field and of the message) and, by default, hands the rendered line to a background writer
thread. So it is measured three ways:

* caller cost, asynchronous writer (the default): what the application thread pays per call;
* full cost, asynchronous writer: N calls plus ``flush()`` (the writer thread's writes included);
* full cost, synchronous writer: rendering and writing on the caller's thread.
"""

from __future__ import annotations

import json
import logging
import os
import statistics
import time
from collections.abc import Callable
from typing import Any, TextIO

import structlog

from benchmarks._harness import Comparison, time_per_call_us
from verifiedfan import log

GOAL = "<= 1.3x structlog"


class _JsonFormatter(logging.Formatter):
    """The usual hand-written stdlib JSON formatter (timestamp, level, logger, message, extra)."""

    _skip = frozenset(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "taskName"}

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "timestamp": self.formatTime(record),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        out.update((k, v) for k, v in record.__dict__.items() if k not in self._skip)
        return json.dumps(out, default=str)


def _structlog_call(sink: TextIO) -> Callable[[], None]:
    # wrap_logger: the bound logger itself, without the lazy proxy (the strictest reference).
    logger = structlog.wrap_logger(
        structlog.WriteLogger(sink),
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.INFO),
    )

    def call() -> None:
        logger.info("user signed in", user_id="u-123", plan="premium", attempt=3)

    return call


def _stdlib_call(sink: TextIO) -> tuple[Callable[[], None], Callable[[], None]]:
    logger = logging.getLogger("bench.stdlib.json")
    handler = logging.StreamHandler(sink)
    handler.setFormatter(_JsonFormatter())
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    extra = {"user_id": "u-123", "plan": "premium", "attempt": 3}

    def call() -> None:
        logger.info("user signed in", extra=extra)

    def undo() -> None:
        logger.removeHandler(handler)

    return call, undo


def _ours_call() -> Callable[[], None]:
    logger = log.get_logger("my-app/services/users")

    def call() -> None:
        logger.info("user signed in", user_id="u-123", plan="premium", attempt=3)

    return call


def _full_async_us(call: Callable[[], None], *, n: int, repeat: int) -> float:
    for _ in range(min(n, 200)):
        call()
    log.flush(timeout=60)
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(n):
            call()
        log.flush(timeout=60)
        runs.append((time.perf_counter() - start) / n * 1e6)
    return statistics.median(runs)


def _one_round(sink: TextIO, *, n: int, repeat: int) -> dict[str, float]:
    out: dict[str, float] = {"structlog": time_per_call_us(_structlog_call(sink), n=n, repeat=repeat)}
    stdlib_call, undo = _stdlib_call(sink)
    try:
        out["stdlib"] = time_per_call_us(stdlib_call, n=n, repeat=repeat)
    finally:
        undo()
    ours = _ours_call()
    try:
        log.configure(level="info", service_name="bench", stream=sink, max_queue=10_000_000)
        out["caller"] = time_per_call_us(ours, n=n, repeat=repeat)
        log.flush(timeout=60)
        out["full_async"] = _full_async_us(ours, n=n, repeat=repeat)
        if log.stats().dropped:
            raise RuntimeError("the benchmark dropped lines: the queue was too small")
        log.configure(level="info", service_name="bench", stream=sink, asynchronous=False)
        out["full_sync"] = time_per_call_us(ours, n=n, repeat=repeat)
        library = logging.getLogger("bench.lib")
        out["library"] = time_per_call_us(lambda: library.info("library line"), n=n, repeat=repeat)
    finally:
        log.reset()
    return out


def run(quick: bool) -> list[Comparison]:
    """Interleaved rounds (load on a shared machine drifts); the best round of each figure is kept."""
    n, repeat, rounds = (2_000, 3, 1) if quick else (10_000, 3, 3)
    with open(os.devnull, "w") as sink:
        results = [_one_round(sink, n=n, repeat=repeat) for _ in range(rounds)]
    best = {key: min(r[key] for r in results) for key in results[0]}
    structlog_us, stdlib_us = best["structlog"], best["stdlib"]

    def cmp(name: str, ours_us: float, ref_us: float, ref: str, goal: str = GOAL) -> Comparison:
        return Comparison(name, ours_us, ref_us, ref, "us/op", False, goal)

    return [
        cmp("log line, caller cost (async writer)", best["caller"], structlog_us, "structlog JSONRenderer"),
        cmp(
            "log line, full cost incl. write (async+flush)",
            best["full_async"],
            structlog_us,
            "structlog JSONRenderer",
        ),
        cmp("log line, full cost (sync writer)", best["full_sync"], structlog_us, "structlog JSONRenderer"),
        cmp(
            "log line, caller cost (async) vs stdlib",
            best["caller"],
            stdlib_us,
            "stdlib + JSON formatter",
            "info",
        ),
        cmp(
            "stdlib record via root bridge (sync)",
            best["library"],
            stdlib_us,
            "stdlib + JSON formatter",
            "info",
        ),
    ]
