"""Run every benchmark (or those named) and print one table of ratios.

python -m benchmarks.run [--quick] [--json] [--record] [NAME ...]

``--record`` keeps each benchmark's figures (with the command, the date and the load average) in
``benchmarks/results.json`` and renders the tables of the README and the docs from it
(``benchmarks/_results.py``).

The servers the selected benchmarks declare (``SERVERS`` in each module) are started through the
stack first, and those this run started are stopped at the end, even when a benchmark fails.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import pkgutil
import signal
import sys
import traceback
from pathlib import Path
from types import FrameType, ModuleType

from benchmarks import _results
from benchmarks._harness import Comparison
from benchmarks._servers import module_servers, stack_servers
from verifiedfan.stack import SERVER_NAMES


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
    parser.add_argument(
        "--record",
        action="store_true",
        help="keep the figures in benchmarks/results.json and refresh the README's and docs' tables",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    results: list[tuple[str, Comparison]] = []
    recorded: dict[str, dict[str, object]] = {}
    failed: list[str] = []
    modules: dict[str, ModuleType] = {}
    wanted: set[str] = set()
    for name in args.names or discover():
        try:
            modules[name] = importlib.import_module(f"benchmarks.bench_{name}")
            wanted.update(module_servers(modules[name]))
        except Exception:
            failed.append(name)
            modules.pop(name, None)
            traceback.print_exc()
    servers = [n for n in SERVER_NAMES if n in wanted]
    previous = signal.signal(signal.SIGTERM, _terminate)  # so that the servers started here are stopped
    try:
        if servers:
            print(f"servers: {', '.join(servers)} (through vf stack)", file=sys.stderr, flush=True)
        with stack_servers(servers):
            for name, module in modules.items():
                print(f"running {name}...", file=sys.stderr, flush=True)
                load_before = _results.load_average()
                try:
                    rows = module.run(quick=args.quick)
                    results.extend((name, c) for c in rows)
                    command = f"python -m benchmarks.run{' --quick' if args.quick else ''} {name}"
                    recorded[name] = _results.entry(command, rows, load_before=load_before, quick=args.quick)
                except Exception:
                    failed.append(name)
                    traceback.print_exc()
    except Exception:
        failed.extend(n for n in modules if n not in failed)
        traceback.print_exc()
    finally:
        signal.signal(signal.SIGTERM, previous)
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
    if args.record and recorded:
        _results.write_tables(_results.record(recorded))
        print(f"recorded {', '.join(recorded)} in {_results.RESULTS}", file=sys.stderr)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


if __name__ == "__main__":
    raise SystemExit(main())
