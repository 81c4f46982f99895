"""Render ``benchmarks/results.json`` into the README's and the docs' benchmark tables.

python -m benchmarks.table [--check]

``--check`` changes nothing and exits 1 when a table is not the rendering of the file.
"""

from __future__ import annotations

import argparse
import sys

from benchmarks._results import RESULTS, TABLE_FILES, load, render, replace_between, write_tables


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 when a table is out of date")
    args = parser.parse_args(argv)
    data = load()
    if not data:
        print(f"{RESULTS} is missing or empty: run python -m benchmarks.run --record NAME", file=sys.stderr)
        return 1
    if args.check:
        table = render(data)
        stale = [
            p
            for p in TABLE_FILES
            if replace_between(p.read_text(encoding="utf-8"), table) != p.read_text(encoding="utf-8")
        ]
        for path in stale:
            print(f"{path}: the benchmark table is not the rendering of {RESULTS.name}", file=sys.stderr)
        return 1 if stale else 0
    for path in write_tables(data):
        print(f"updated {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
