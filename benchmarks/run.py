"""Run every benchmark (or those named) and print one table of ratios.

python -m benchmarks.run [--quick] [--json] [NAME ...]
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
import traceback
from pathlib import Path

from benchmarks._harness import Comparison


def discover() -> list[str]:
    here = Path(__file__).parent
    return sorted(
        m.name[len("bench_") :] for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_")
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (default: all of {discover()})")
    parser.add_argument("--quick", action="store_true", help="fewer iterations, for a smoke run")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    results: list[tuple[str, Comparison]] = []
    failed = []
    for name in args.names or discover():
        print(f"running {name}...", file=sys.stderr, flush=True)
        try:
            module = importlib.import_module(f"benchmarks.bench_{name}")
            results.extend((name, c) for c in module.run(quick=args.quick))
        except Exception:
            failed.append(name)
            traceback.print_exc()
    if args.json:
        rows = [
            {
                "bench": b,
                "name": c.name,
                "ours": c.ours,
                "reference": c.reference,
                "reference_name": c.reference_name,
                "unit": c.unit,
                "ratio": c.ratio,
                "goal": c.goal,
            }
            for b, c in results
        ]
        print(json.dumps(rows, indent=2))
    else:
        cols = ("benchmark", "comparison", "ours", "reference", "unit", "ratio")
        header = "{:<10} {:<46} {:>12} {:>12} {:<8} {:>6}  goal".format(*cols)
        print(header)
        print("-" * len(header))
        for b, c in results:
            print(
                f"{b:<10} {c.name:<46} {c.ours:>12.2f} {c.reference:>12.2f} {c.unit:<8} {c.ratio:>6.2f}  "
                f"{c.goal} (vs {c.reference_name})"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
