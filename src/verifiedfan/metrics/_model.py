"""The metric model shared by every sink (EMF on stdout, Prometheus, the CloudWatch API)."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from verifiedfan.errors import ValidationError

__all__ = [
    "MAX_DIMENSIONS",
    "MAX_METRICS_PER_DOCUMENT",
    "MAX_VALUES_PER_METRIC",
    "Metric",
    "MetricSink",
    "Unit",
    "validate_dimensions",
]

MAX_DIMENSIONS = 30  # per dimension set (EMF and PutMetricData)
MAX_METRICS_PER_DOCUMENT = 100  # metric definitions in one EMF document
MAX_VALUES_PER_METRIC = 100  # values of one metric in one EMF document
_MAX_NAME = 255
_MAX_DIMENSION_NAME = 250
_MAX_DIMENSION_VALUE = 1024


class Unit(StrEnum):
    """CloudWatch units."""

    SECONDS = "Seconds"
    MICROSECONDS = "Microseconds"
    MILLISECONDS = "Milliseconds"
    BYTES = "Bytes"
    KILOBYTES = "Kilobytes"
    MEGABYTES = "Megabytes"
    GIGABYTES = "Gigabytes"
    TERABYTES = "Terabytes"
    BITS = "Bits"
    KILOBITS = "Kilobits"
    MEGABITS = "Megabits"
    GIGABITS = "Gigabits"
    TERABITS = "Terabits"
    PERCENT = "Percent"
    COUNT = "Count"
    BYTES_PER_SECOND = "Bytes/Second"
    KILOBYTES_PER_SECOND = "Kilobytes/Second"
    MEGABYTES_PER_SECOND = "Megabytes/Second"
    GIGABYTES_PER_SECOND = "Gigabytes/Second"
    TERABYTES_PER_SECOND = "Terabytes/Second"
    BITS_PER_SECOND = "Bits/Second"
    KILOBITS_PER_SECOND = "Kilobits/Second"
    MEGABITS_PER_SECOND = "Megabits/Second"
    GIGABITS_PER_SECOND = "Gigabits/Second"
    TERABITS_PER_SECOND = "Terabits/Second"
    COUNT_PER_SECOND = "Count/Second"
    NONE = "None"


def _check_name(kind: str, value: object, limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{kind} must be a non-empty string, got {value!r}")
    if len(value) > limit:
        raise ValidationError(f"{kind} is longer than {limit} characters: {value[:40]!r}...")
    if not value.isascii():
        raise ValidationError(f"{kind} must be ASCII: {value!r}")
    return value


def validate_dimensions(dimensions: Mapping[str, object] | None) -> Mapping[str, str]:
    """Check dimensions against CloudWatch's rules and return them as an immutable str->str map.

    At most 30; names 1–250 ASCII characters not starting with ``:``; values non-empty strings of at
    most 1024 characters (numbers and booleans are converted to strings).
    """
    if dimensions is None:
        return MappingProxyType({})
    if not isinstance(dimensions, Mapping):
        raise ValidationError(f"dimensions must be a mapping, got {type(dimensions).__name__}")
    if len(dimensions) > MAX_DIMENSIONS:
        raise ValidationError(f"at most {MAX_DIMENSIONS} dimensions are allowed, got {len(dimensions)}")
    out: dict[str, str] = {}
    for name, raw in dimensions.items():
        _check_name("dimension name", name, _MAX_DIMENSION_NAME)
        if name.startswith(":"):
            raise ValidationError(f"dimension name may not start with ':': {name!r}")
        if isinstance(raw, bool | int | float) and not (isinstance(raw, float) and not math.isfinite(raw)):
            value = str(raw)
        elif isinstance(raw, str):
            value = raw
        else:
            raise ValidationError(f"dimension {name!r} has a value that is not a string: {raw!r}")
        if not value.strip():
            raise ValidationError(f"dimension {name!r} has an empty value")
        if len(value) > _MAX_DIMENSION_VALUE:
            raise ValidationError(
                f"dimension {name!r} value is longer than {_MAX_DIMENSION_VALUE} characters"
            )
        out[name] = value
    return MappingProxyType(out)


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass(frozen=True, slots=True)
class Metric:
    """One metric observation: validated on creation, so a bad metric never reaches a sink."""

    namespace: str
    name: str
    value: float
    unit: Unit = Unit.NONE
    dimensions: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    timestamp_ms: int = field(default_factory=_now_ms)
    storage_resolution: int = 60

    def __post_init__(self) -> None:
        _check_name("namespace", self.namespace, _MAX_NAME)
        _check_name("metric name", self.name, _MAX_NAME)
        if isinstance(self.value, bool) or not isinstance(self.value, int | float):
            raise ValidationError(f"metric value must be a number, got {self.value!r}")
        if not math.isfinite(self.value):
            raise ValidationError(f"metric value must be finite, got {self.value!r}")
        try:
            object.__setattr__(self, "unit", Unit(self.unit))
        except ValueError as exc:
            raise ValidationError(f"unknown CloudWatch unit {self.unit!r}") from exc
        object.__setattr__(self, "dimensions", validate_dimensions(self.dimensions))
        if self.storage_resolution not in (1, 60):
            raise ValidationError("storage_resolution must be 1 (high resolution) or 60")

    def to_cloudwatch_datum(self) -> dict[str, Any]:
        """This metric as a ``PutMetricData`` ``MetricData`` entry (for the CloudWatch API)."""
        return {
            "MetricName": self.name,
            "Dimensions": [{"Name": k, "Value": v} for k, v in self.dimensions.items()],
            "Timestamp": self.timestamp_ms / 1000,
            "Value": float(self.value),
            "Unit": self.unit.value,
            "StorageResolution": self.storage_resolution,
        }


class MetricSink:
    """Where metrics go. Subclasses implement :meth:`record` (and :meth:`flush` when they buffer)."""

    def record(self, metric: Metric) -> None:
        raise NotImplementedError

    def flush(self) -> None:
        """Write out anything buffered (no-op by default)."""
