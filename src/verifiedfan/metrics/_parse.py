"""Reading the Prometheus text exposition format (the original ``Metrics``), extra ``metrics``.

The parsing itself is ``prometheus_client.parser.text_string_to_metric_families``, the reference
client's own parser; this module only gives its answer a typed, immutable shape and turns its
``ValueError`` into :class:`PrometheusParseError`. Like the reference parser, a counter family is
named without its ``_total`` suffix (the samples keep it) and a family with no ``# TYPE`` line is
``"unknown"`` (the text format's ``untyped``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from verifiedfan._optional import require
from verifiedfan.errors import ValidationError

__all__ = ["PrometheusFamily", "PrometheusParseError", "PrometheusSample", "parse_prometheus_text"]

_EXCERPT = 80


class PrometheusParseError(ValidationError):
    """The text is not in the Prometheus text exposition format; ``line`` is the offending line."""

    def __init__(self, message: str, *, line: str | None = None) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True, slots=True)
class PrometheusSample:
    """One sample line: its full name (``x_bucket``, ``x_total``...), labels, value and timestamp.

    ``timestamp`` is in seconds since the epoch (the text carries milliseconds), ``None`` when absent.
    """

    name: str
    labels: Mapping[str, str] = field(hash=False)
    value: float
    timestamp: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "labels", MappingProxyType(dict(self.labels)))


@dataclass(frozen=True, slots=True)
class PrometheusFamily:
    """One metric family: the ``# HELP``/``# TYPE`` metadata and its samples, in text order."""

    name: str
    type: str
    help: str
    samples: tuple[PrometheusSample, ...]
    unit: str = ""

    def sample(self, name: str | None = None, **labels: str) -> PrometheusSample | None:
        """The first sample named ``name`` (any name when ``None``) carrying all ``labels``."""
        for s in self.samples:
            if (name is None or s.name == name) and all(s.labels.get(k) == v for k, v in labels.items()):
                return s
        return None


def _offending_line(parser: Any, text: str) -> str | None:
    # Parse line by line (each line alone is valid text) to name the first line the parser rejects.
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        try:
            list(parser.text_string_to_metric_families(line + "\n"))
        except (ValueError, IndexError, KeyError, TypeError):
            return line[:_EXCERPT]
    return None


def parse_prometheus_text(text: str | bytes) -> tuple[PrometheusFamily, ...]:
    """Parse a Prometheus text exposition (a ``/metrics`` body) into metric families.

    Raises :class:`PrometheusParseError` for text the reference parser rejects (a sample without a
    numeric value, an unknown ``# TYPE``, a broken label set...) or bytes that are not UTF-8.
    """
    parser = require("prometheus_client.parser", "metrics")
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PrometheusParseError("Prometheus text is not valid UTF-8") from exc
    if not isinstance(text, str):
        raise PrometheusParseError(f"expected str or bytes, got {type(text).__name__}")
    try:
        # The reference parser is a lazy generator: errors surface while iterating it.
        families: list[Any] = list(parser.text_string_to_metric_families(text))
    except (ValueError, IndexError, KeyError, TypeError) as exc:
        line = _offending_line(parser, text)
        where = f" in line {line!r}" if line else ""
        raise PrometheusParseError(f"malformed Prometheus text{where}: {exc}", line=line) from exc
    return tuple(_family(f) for f in families)


def _family(family: Any) -> PrometheusFamily:
    return PrometheusFamily(
        name=family.name,
        type=family.type,
        help=family.documentation,
        unit=family.unit,
        samples=tuple(
            PrometheusSample(
                name=s.name,
                labels=s.labels,
                value=float(s.value),
                timestamp=_timestamp(s.timestamp),
            )
            for s in family.samples
        ),
    )


def _timestamp(value: Any) -> float | None:
    if value is None:
        return None
    seconds = float(value)  # Timestamp objects (OpenMetrics) convert to float seconds too
    return seconds if math.isfinite(seconds) else None
