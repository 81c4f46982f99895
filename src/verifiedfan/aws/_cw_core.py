"""What CloudWatch and SyncCloudWatch share: datum checks before any I/O, and chunking to the limits."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import quote

from verifiedfan.aws._errors import AwsValidationError
from verifiedfan.aws._limits import CLOUDWATCH_MAX_BYTES_PER_CALL, CLOUDWATCH_MAX_METRICS_PER_CALL
from verifiedfan.errors import ValidationError
from verifiedfan.metrics import MAX_DIMENSIONS, Metric, Unit, validate_dimensions

__all__ = ["chunk_data", "datum_from", "encoded_size"]

_MAX_MAGNITUDE = 2.0**360  # CloudWatch rejects values outside [-2^360, 2^360]
_MAX_VALUES = 150  # Values/Counts per datum
_REQUEST_OVERHEAD = 200  # Action, Version, Namespace...


def _check_value(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise AwsValidationError(f"{where}: a metric value must be a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise AwsValidationError(f"{where}: CloudWatch refuses NaN and infinity, got {value!r}")
    if abs(number) > _MAX_MAGNITUDE:
        raise AwsValidationError(f"{where}: CloudWatch values must be within ±2^360, got {value!r}")
    return number


def datum_from(entry: Metric | Mapping[str, Any], index: int) -> dict[str, Any]:
    """A checked ``MetricData`` entry from a :class:`Metric` or a datum mapping (botocore's shape)."""
    where = f"metrics[{index}]"
    if isinstance(entry, Metric):
        datum = entry.to_cloudwatch_datum()
    elif isinstance(entry, Mapping):
        datum = dict(entry)
    else:
        raise AwsValidationError(f"{where} is {type(entry).__name__}, not a Metric or a datum mapping")
    name = datum.get("MetricName")
    if not isinstance(name, str) or not name.strip():
        raise AwsValidationError(f"{where}: MetricName must be a non-empty string")
    if "Value" in datum:
        datum["Value"] = _check_value(datum["Value"], where)
    values = datum.get("Values")
    if values is not None:
        if len(values) > _MAX_VALUES:
            raise AwsValidationError(f"{where}: at most {_MAX_VALUES} Values per datum")
        datum["Values"] = [_check_value(v, where) for v in values]
    if "Value" not in datum and not values and "StatisticValues" not in datum:
        raise AwsValidationError(f"{where}: a datum needs Value, Values or StatisticValues")
    dimensions = datum.get("Dimensions") or []
    if len(dimensions) > MAX_DIMENSIONS:
        raise AwsValidationError(f"{where}: at most {MAX_DIMENSIONS} dimensions per metric")
    return datum


def _flatten(prefix: str, value: Any) -> Iterator[tuple[str, str]]:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            yield from _flatten(f"{prefix}.{key}", inner)
    elif isinstance(value, list | tuple):
        for number, inner in enumerate(value, start=1):
            yield from _flatten(f"{prefix}.member.{number}", inner)
    else:
        yield prefix, str(value)


def encoded_size(datum: Mapping[str, Any]) -> int:
    """An upper bound of the datum's size in a form-encoded request (the widest wire format)."""
    return sum(
        len(key) + len(quote(text, safe="")) + 2 for key, text in _flatten("MetricData.member.1000", datum)
    )


def chunk_data(data: Iterable[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    """Calls of at most 1,000 data and 1 MB each."""
    chunk: list[dict[str, Any]] = []
    size = _REQUEST_OVERHEAD
    for datum in data:
        datum_size = encoded_size(datum)
        if datum_size + _REQUEST_OVERHEAD > CLOUDWATCH_MAX_BYTES_PER_CALL:
            raise AwsValidationError(f"the datum {datum['MetricName']!r} alone exceeds 1 MB")
        if chunk and (
            len(chunk) >= CLOUDWATCH_MAX_METRICS_PER_CALL or size + datum_size > CLOUDWATCH_MAX_BYTES_PER_CALL
        ):
            yield chunk
            chunk, size = [], _REQUEST_OVERHEAD
        chunk.append(datum)
        size += datum_size
    if chunk:
        yield chunk


def metric(
    namespace: str, metric_name: str, value: float, dimensions: Mapping[str, object] | None, unit: str
) -> Metric:
    """A validated :class:`Metric` (the metrics package's ``ValidationError`` becomes ours)."""
    try:
        return Metric(
            namespace=namespace,
            name=metric_name,
            value=value,
            unit=Unit(unit),
            dimensions=validate_dimensions(dimensions),
        )
    except ValidationError as exc:
        raise AwsValidationError(str(exc)) from exc
    except ValueError as exc:
        raise AwsValidationError(f"unknown CloudWatch unit {unit!r}") from exc
