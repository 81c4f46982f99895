"""Athena's literals for bound parameters and the typed reading of its text values."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from verifiedfan.aws import AthenaColumn, AwsValidationError
from verifiedfan.aws._athena_core import convert, execution_of, literal


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "NULL"),
        (True, "true"),
        (False, "false"),
        (42, "42"),
        (-1.5, "-1.5"),
        (Decimal("12.30"), "DECIMAL '12.30'"),
        ("O'Brien", "'O''Brien'"),
        ("'; DROP TABLE fans; --", "'''; DROP TABLE fans; --'"),
        (date(2026, 1, 2), "DATE '2026-01-02'"),
        (datetime(2026, 1, 2, 3, 4, 5, 678000), "TIMESTAMP '2026-01-02 03:04:05.678'"),
        (datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), "TIMESTAMP '2026-01-02 03:04:05.000'"),
    ],
)
def test_literal(value: object, expected: str) -> None:
    assert literal(value, 0) == expected


def test_a_quote_never_ends_the_literal() -> None:
    text = literal("a'b''c'", 0)
    inner = text[1:-1]
    assert text[0] == text[-1] == "'"
    assert inner.replace("''", "").count("'") == 0


@pytest.mark.parametrize("value", [float("inf"), Decimal("NaN"), b"bytes", [1]])
def test_unbindable(value: object) -> None:
    with pytest.raises(AwsValidationError, match="parameter 3"):
        literal(value, 3)


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("bigint", "9007199254740993", 9007199254740993),  # beyond a float's exact integers
        ("integer", "-3", -3),
        ("double", "NaN", None),  # compared below
        ("decimal(10,2)", "0.10", Decimal("0.10")),
        ("boolean", "TRUE", True),
        ("date", "2026-02-28", date(2026, 2, 28)),
        ("timestamp", "2026-02-28 10:00:00.000", datetime(2026, 2, 28, 10)),
        ("timestamp with time zone", "2026-02-28 10:00:00.000 UTC", datetime(2026, 2, 28, 10, tzinfo=UTC)),
        ("json", '{"a": [1]}', {"a": [1]}),
        ("varchar", "007", "007"),
        ("map", "{a=1}", "{a=1}"),
        ("bigint", "not a number", "not a number"),  # never lose a value
    ],
)
def test_convert(kind: str, text: str, expected: object) -> None:
    got = convert(text, AthenaColumn(name="c", type=kind))
    if kind == "double":
        assert got != got  # NaN
    else:
        assert got == expected
        assert type(got) is type(expected)
    assert convert(None, AthenaColumn(name="c", type=kind)) is None


def test_execution_of_a_failed_answer() -> None:
    found = execution_of(
        {
            "QueryExecutionId": "q-1",
            "Query": "SELECT 1",
            "Status": {
                "State": "FAILED",
                "StateChangeReason": "SYNTAX_ERROR",
                "AthenaError": {"ErrorCategory": 2, "ErrorType": 1004},
            },
            "Statistics": {"DataScannedInBytes": 10},
        }
    )
    assert (found.state, found.reason, found.error_type, found.done) == ("FAILED", "SYNTAX_ERROR", 1004, True)
    assert found.data_scanned_bytes == 10
