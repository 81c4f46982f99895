"""Shared output helpers for the CLI: tables with rich, or JSON with ``--json``."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from verifiedfan._optional import require


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, default=str, ensure_ascii=False) + "\n")


def print_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    rich_console = require("rich.console", "cli")
    rich_table = require("rich.table", "cli")
    table = rich_table.Table(title=title)
    for col in columns:
        table.add_column(col)
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    rich_console.Console().print(table)


def emit(title: str, rows: Sequence[Mapping[str, Any]], *, as_json: bool) -> None:
    """Print ``rows`` (dicts with the same keys) as a table, or as JSON when ``as_json``."""
    if as_json:
        print_json(list(rows))
        return
    columns = list(rows[0].keys()) if rows else []
    print_table(title, columns, ([r.get(c) for c in columns] for r in rows))
