"""Athena: typed executions and results, bound parameters, column conversion, the checks before I/O.

Shared by the async client (``_async/athena.py``) and its generated sync twin.

Athena answers every value as text (``VarCharValue``, absent for NULL); :func:`convert` reads it with
the column's type from ``ResultSetMetadata.ColumnInfo``: integers as ``int``, ``double``/``float``/
``real`` as ``float``, ``decimal`` as ``Decimal``, ``boolean`` as ``bool``, ``date`` as ``date``,
``timestamp`` as ``datetime``, ``json`` parsed; other types (``varchar``, ``array``, ``map``, ``row``,
``varbinary``...) stay the text Athena sent.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from verifiedfan.aws._errors import AwsError, AwsValidationError

__all__ = [
    "ATHENA_MAX_PAGE",
    "AthenaColumn",
    "AthenaQueryCancelledError",
    "AthenaQueryError",
    "AthenaResult",
    "QueryExecution",
    "QueryState",
    "check_query",
    "column_of",
    "convert",
    "execution_of",
    "literal",
    "parameters_of",
    "row_values",
]

ATHENA_MAX_PAGE = 1000  # GetQueryResults: rows per call
ATHENA_MAX_QUERY = 262_144  # StartQueryExecution: bytes of SQL

QueryState = Literal["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"]


class AthenaQueryError(AwsError):
    """The query ended ``FAILED``: ``reason`` is Athena's state-change reason, ``execution`` the rest."""

    default_status = 400

    def __init__(self, message: str, *, execution: QueryExecution, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.execution = execution
        self.reason = execution.reason


class AthenaQueryCancelledError(AthenaQueryError):
    """The query ended ``CANCELLED`` (by :meth:`Athena.cancel`, another caller, or the workgroup)."""


@dataclass(frozen=True, slots=True)
class AthenaColumn:
    """A result column: ``name`` and Athena's ``type`` (``varchar``, ``bigint``, ``decimal``...)."""

    name: str
    type: str
    nullable: str = "UNKNOWN"
    precision: int | None = None
    scale: int | None = None


@dataclass(frozen=True, kw_only=True, slots=True)
class QueryExecution:
    """A query execution as ``GetQueryExecution`` reports it."""

    execution_id: str
    query: str
    state: QueryState
    reason: str | None = None
    error_category: int | None = None
    error_type: int | None = None
    statement_type: str | None = None
    output_location: str | None = None
    database: str | None = None
    workgroup: str | None = None
    submitted: datetime | None = None
    completed: datetime | None = None
    data_scanned_bytes: int = 0
    engine_ms: int = 0

    @property
    def done(self) -> bool:
        return self.state in ("SUCCEEDED", "FAILED", "CANCELLED")


@dataclass(frozen=True, kw_only=True, slots=True)
class AthenaResult:
    """What :meth:`Athena.query` returns: typed rows as dicts (column order kept), and the execution."""

    execution: QueryExecution
    columns: list[AthenaColumn]
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def execution_id(self) -> str:
        return self.execution.execution_id


def check_query(sql: str) -> None:
    """Refuse an empty or oversized query before any I/O."""
    if not isinstance(sql, str) or not sql.strip():
        raise AwsValidationError("the query must be non-empty SQL text", service="athena")
    if len(sql.encode("utf-8")) > ATHENA_MAX_QUERY:
        raise AwsValidationError(f"the query is over Athena's {ATHENA_MAX_QUERY} bytes", service="athena")


def literal(value: Any, index: int) -> str:
    """One ``ExecutionParameters`` entry: a Python value as the SQL literal Athena binds to a ``?``.

    Athena takes parameters as literal text and binds them server-side; strings are quoted with
    embedded quotes doubled, so a value can never end its literal and run as SQL.
    """
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise AwsValidationError(f"parameter {index}: {value!r} has no SQL literal", service="athena")
        return repr(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise AwsValidationError(f"parameter {index}: {value!r} has no SQL literal", service="athena")
        return f"DECIMAL '{value}'"
    if isinstance(value, datetime):
        return f"TIMESTAMP '{value.replace(tzinfo=None).isoformat(sep=' ', timespec='milliseconds')}'"
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise AwsValidationError(
        f"parameter {index}: {type(value).__name__} is not a bindable value "
        "(str, int, float, Decimal, bool, date, datetime, None)",
        service="athena",
    )


_INTEGERS = frozenset({"tinyint", "smallint", "integer", "int", "bigint"})
_FLOATS = frozenset({"double", "float", "real"})


def _timestamp(text: str) -> datetime | str:
    cleaned = text.replace(" UTC", "+00:00")
    try:
        return datetime.fromisoformat(cleaned)
    except ValueError:
        return text


def convert(text: str | None, column: AthenaColumn) -> Any:
    """Athena's text for one value, read with ``column``'s type (``None`` for NULL)."""
    if text is None:
        return None
    kind = column.type.lower().split("(", 1)[0].strip()
    try:
        if kind in _INTEGERS:
            return int(text)
        if kind in _FLOATS:
            return float(text)
        if kind == "decimal":
            return Decimal(text)
        if kind == "boolean":
            return text.lower() == "true"
        if kind == "date":
            return date.fromisoformat(text)
        if kind.startswith("timestamp"):
            return _timestamp(text)
        if kind == "json":
            return json.loads(text)
    except ValueError:
        return text  # never lose a value over a format we did not expect
    return text


def column_of(info: Mapping[str, Any]) -> AthenaColumn:
    return AthenaColumn(
        name=info.get("Label") or info["Name"],
        type=info.get("Type", "varchar"),
        nullable=info.get("Nullable", "UNKNOWN"),
        precision=info.get("Precision"),
        scale=info.get("Scale"),
    )


def row_values(row: Mapping[str, Any]) -> list[str | None]:
    return [cell.get("VarCharValue") for cell in row.get("Data", [])]


def _when(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromtimestamp(float(value))


def execution_of(answer: Mapping[str, Any]) -> QueryExecution:
    """``GetQueryExecution``'s ``QueryExecution`` as a :class:`QueryExecution`."""
    status = answer.get("Status", {})
    error = status.get("AthenaError", {})
    stats = answer.get("Statistics", {})
    return QueryExecution(
        execution_id=answer["QueryExecutionId"],
        query=answer.get("Query", ""),
        state=status.get("State", "QUEUED"),
        reason=status.get("StateChangeReason"),
        error_category=error.get("ErrorCategory"),
        error_type=error.get("ErrorType"),
        statement_type=answer.get("StatementType"),
        output_location=(answer.get("ResultConfiguration") or {}).get("OutputLocation"),
        database=(answer.get("QueryExecutionContext") or {}).get("Database"),
        workgroup=answer.get("WorkGroup"),
        submitted=_when(status.get("SubmissionDateTime")),
        completed=_when(status.get("CompletionDateTime")),
        data_scanned_bytes=int(stats.get("DataScannedInBytes") or 0),
        engine_ms=int(stats.get("EngineExecutionTimeInMillis") or 0),
    )


def parameters_of(parameters: Sequence[Any] | None) -> list[str] | None:
    if parameters is None:
        return None
    if isinstance(parameters, str | bytes) or not isinstance(parameters, Sequence):
        raise AwsValidationError("parameters must be a list of values, one per '?'", service="athena")
    return [literal(value, index) for index, value in enumerate(parameters)]
