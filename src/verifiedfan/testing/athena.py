"""Seed the rows moto's Athena answers: moto runs no SQL, so a query's result is a fixture.

moto's ``GetQueryResults`` returns 0 rows unless results were queued through its documented endpoint
``POST /moto-api/static/athena/query-results`` (moto's ``athena`` docs, anchors-2 §1.6); each new
``QueryExecutionId`` takes the next queued result, first in first out, per account and region. The
queue is shared by everything using the server: seed right before starting the query it is for.

    seed_athena_results(vf_aws.endpoint_url, [("fan_id", "varchar"), ("score", "double")],
                        [["f-1", "0.5"], ["f-2", None]])
    result = await athena.query("SELECT fan_id, score FROM scores")   # typed rows from the seed
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

from verifiedfan.errors import ValidationError, VFError

__all__ = ["MOTO_ACCOUNT_ID", "athena_result_set", "seed_athena_results"]

MOTO_ACCOUNT_ID = "123456789012"  # moto's default account


def athena_result_set(
    columns: Sequence[tuple[str, str]], rows: Sequence[Sequence[Any]], *, header: bool = True
) -> dict[str, Any]:
    """Rows and column info in Athena's wire shape (``VarCharValue`` text; ``None`` is NULL, no value).

    ``header=True`` puts the column names first, as Athena does for a ``SELECT``.
    """
    width = len(columns)
    for index, row in enumerate(rows):
        if len(row) != width:
            raise ValidationError(f"row {index} has {len(row)} values for {width} columns")

    def cells(values: Sequence[Any]) -> dict[str, Any]:
        return {"Data": [{} if v is None else {"VarCharValue": str(v)} for v in values]}

    wire_rows = ([cells([name for name, _ in columns])] if header else []) + [cells(r) for r in rows]
    info = [
        {
            "CatalogName": "hive",
            "SchemaName": "",
            "TableName": "",
            "Name": name,
            "Label": name,
            "Type": kind,
            "Precision": 0,
            "Scale": 0,
            "Nullable": "UNKNOWN",
            "CaseSensitive": kind in ("varchar", "char", "string"),
        }
        for name, kind in columns
    ]
    return {"rows": wire_rows, "column_info": info}


def seed_athena_results(
    endpoint_url: str,
    columns: Sequence[tuple[str, str]],
    rows: Sequence[Sequence[Any]],
    *,
    header: bool = True,
    region: str = "us-east-1",
    account_id: str = MOTO_ACCOUNT_ID,
) -> None:
    """Queue one result on the moto server at ``endpoint_url``: the next query started gets it."""
    body = {
        "account_id": account_id,
        "region": region,
        "results": [athena_result_set(columns, rows, header=header)],
    }
    answer = httpx.post(
        f"{endpoint_url.rstrip('/')}/moto-api/static/athena/query-results", json=body, timeout=10
    )
    if answer.status_code != 201:
        raise VFError(f"moto refused the Athena seed: {answer.status_code} {answer.text[:200]}")
