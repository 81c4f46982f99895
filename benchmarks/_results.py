"""The latest figures as a file: ``benchmarks/results.json``, and the table rendered from it.

``python -m benchmarks.run --record NAME...`` keeps, per benchmark, the rows of its last recorded run
(ours, reference, ratio, unit, goal) with the command, the date (UTC) and the load average (1 min)
before and after it; benchmarks not run keep their earlier entry. ``python -m benchmarks.table``
renders the table between :data:`START` and :data:`END` in the README and the docs' benchmarks page
(the runner does it after ``--record``).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks._harness import Comparison

__all__ = ["END", "RESULTS", "START", "TABLE_FILES", "load", "record", "render", "replace_between"]

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results.json"
TABLE_FILES = (ROOT / "README.md", ROOT / "docs" / "benchmarks.md")
START = "<!-- bench-table:start (python -m benchmarks.table) -->"
END = "<!-- bench-table:end -->"


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def entry(command: str, rows: Sequence[Comparison], *, load_before: float, quick: bool) -> dict[str, Any]:
    """One benchmark's recorded run."""
    return {
        "command": command,
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "quick": quick,
        "load_average": [load_before, load_average()],
        "rows": [
            {
                "name": c.name,
                "ours": c.ours,
                "reference": c.reference,
                "reference_name": c.reference_name,
                "unit": c.unit,
                "ratio": None if math.isnan(c.ratio) else c.ratio,
                "higher_is_better": c.higher_is_better,
                "goal": c.goal,
            }
            for c in rows
        ],
    }


def load(path: Path = RESULTS) -> dict[str, Any]:
    if not path.exists():
        return {}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def record(entries: dict[str, dict[str, Any]], path: Path = RESULTS) -> dict[str, Any]:
    """Merge ``entries`` (benchmark name -> :func:`entry`) into ``path``; returns the whole file."""
    data = load(path)
    data.update(entries)
    data = dict(sorted(data.items()))
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return data


def _num(value: float) -> str:
    if value == 0 or abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 1:
        return f"{value:,.2f}"
    return f"{value:.3g}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render(data: dict[str, Any]) -> str:
    """The markdown table of every recorded row, benchmark by benchmark, then how each was measured."""
    lines = [
        "| benchmark | comparison | ours | reference | unit | ratio | goal |",
        "| --- | --- | ---: | ---: | --- | ---: | --- |",
    ]
    measured = []
    for bench, run in data.items():
        for row in run["rows"]:
            ratio = "n/a" if row["ratio"] is None else f"{row['ratio']:.2f}x"
            cells = (
                bench,
                row["name"],
                _num(row["ours"]),
                f"{_num(row['reference'])} ({row['reference_name']})",
                row["unit"],
                ratio,
                row["goal"],
            )
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
        before, after = run["load_average"]
        measured.append(
            f"- {bench}: `{run['command']}`, {run['date']}, load average {before:g} then {after:g}"
        )
    return "\n".join(
        [*lines, "", "Measured (load average: 1 min, before and after; 2 shared cores):", "", *measured]
    )


def replace_between(text: str, table: str, *, where: str = "") -> str:
    """``text`` with what lies between :data:`START` and :data:`END` replaced by ``table``."""
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"{where or 'the text'} has no {START!r} ... {END!r} markers")
    return text[: start + len(START)] + "\n\n" + table + "\n\n" + text[end:]


def write_tables(data: dict[str, Any], files: Iterable[Path] = TABLE_FILES) -> list[Path]:
    """Render ``data`` into each file's markers; the files that changed."""
    table = render(data)
    changed = []
    for path in files:
        old = path.read_text(encoding="utf-8")
        new = replace_between(old, table, where=str(path))
        if new != old:
            path.write_text(new, encoding="utf-8")
            changed.append(path)
    return changed
