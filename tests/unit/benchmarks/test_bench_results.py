"""``benchmarks/results.json`` and the table rendered from it into the README and the docs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from benchmarks import _results, table
from benchmarks._harness import Comparison

ROWS = [
    Comparison("send, batches of 100", 1100.0, 1000.0, "raw client", "msg/s", True, ">= 1.0x"),
    Comparison("hit | get", 5.0, 250.0, "redis-py", "µs", False, "report"),
]


def _doc(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_text(
        f"# Title\n\nbefore\n\n{_results.START}\nold table\n{_results.END}\n\nafter\n", encoding="utf-8"
    )
    return path


def test_an_entry_keeps_the_command_the_date_the_load_and_each_row() -> None:
    entry = _results.entry("python -m benchmarks.run --quick kafka", ROWS, load_before=1.5, quick=True)
    assert entry["command"] == "python -m benchmarks.run --quick kafka"
    assert entry["date"].endswith(" UTC")
    assert entry["load_average"][0] == 1.5
    assert len(entry["load_average"]) == 2
    first = entry["rows"][0]
    assert (first["ours"], first["reference"], first["unit"]) == (1100.0, 1000.0, "msg/s")
    assert first["ratio"] == pytest.approx(1.1)


def test_recording_replaces_the_benchmarks_run_and_keeps_the_others(tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    _results.record({"kafka": _results.entry("a", ROWS[:1], load_before=1.0, quick=True)}, path)
    _results.record({"redis": _results.entry("b", ROWS[1:], load_before=2.0, quick=True)}, path)
    _results.record({"kafka": _results.entry("c", ROWS, load_before=3.0, quick=False)}, path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert list(data) == ["kafka", "redis"]
    assert data["kafka"]["command"] == "c"
    assert len(data["kafka"]["rows"]) == 2
    assert data["redis"]["command"] == "b"


def test_the_table_has_a_row_per_comparison_and_says_how_each_was_measured() -> None:
    data = {"kafka": _results.entry("python -m benchmarks.run kafka", ROWS, load_before=4.0, quick=False)}
    text = _results.render(data)
    assert "| kafka | send, batches of 100 | 1,100 | 1,000 (raw client) | msg/s | 1.10x | >= 1.0x |" in text
    assert "| kafka | hit \\| get | 5.00 | 250 (redis-py) | µs | 0.02x | report |" in text  # a | is escaped
    assert "- kafka: `python -m benchmarks.run kafka`" in text
    assert "load average 4 then" in text


def test_the_table_goes_between_the_markers_and_nothing_else_changes(tmp_path: Path) -> None:
    doc = _doc(tmp_path, "README.md")
    data = {"kafka": _results.entry("cmd", ROWS, load_before=1.0, quick=True)}
    assert _results.write_tables(data, [doc]) == [doc]
    text = doc.read_text(encoding="utf-8")
    assert text.startswith("# Title\n\nbefore\n\n")
    assert text.endswith(f"{_results.END}\n\nafter\n")
    assert "old table" not in text
    assert _results.write_tables(data, [doc]) == []  # rendering again changes nothing


def test_a_file_without_markers_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.md"
    path.write_text("no markers\n", encoding="utf-8")
    with pytest.raises(ValueError, match="has no"):
        _results.write_tables({}, [path])


def test_check_fails_on_a_stale_table_and_passes_once_rendered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    results = tmp_path / "results.json"
    _results.record({"kafka": _results.entry("cmd", ROWS, load_before=1.0, quick=True)}, results)
    doc = _doc(tmp_path, "README.md")
    monkeypatch.setattr(table, "RESULTS", results)
    monkeypatch.setattr(table, "TABLE_FILES", (doc,))
    monkeypatch.setattr(table, "load", lambda: _results.load(results))
    monkeypatch.setattr(table, "write_tables", lambda data: _results.write_tables(data, [doc]))
    assert table.main(["--check"]) == 1
    assert table.main([]) == 0
    assert table.main(["--check"]) == 0


def test_the_committed_tables_are_the_rendering_of_the_committed_results() -> None:
    assert table.main(["--check"]) == 0
