"""Mutation testing of the core modules, one module at a time against its own unit tests (issue 22).

Run on demand (it takes minutes per module), not from scripts/test.sh:

    bash scripts/mutation.sh                 # every module below
    bash scripts/mutation.sh http-config     # one or more by name
    bash scripts/mutation.sh --list          # the names
    bash scripts/mutation.sh --survivors NAME   # re-check only the last run's survivors (new tests)

Each module runs mutmut in its own scratch directory `.mutmut/<name>/` (symlinks to src/ and tests/ plus a
copy of pyproject.toml whose [tool.mutmut] table is narrowed to that module and its tests), so the runs
do not share mutmut's cache and a run only executes the tests of that module. The shared mutmut settings
(forkserver isolation, pytest arguments) stay in pyproject.toml's [tool.mutmut]; this script only
overrides `only_mutate` and `pytest_add_cli_args_test_selection`.

The table at the end has the benchmark-style columns: module, mutants, killed, survived, score.
Score = killed / (mutants - skipped); a timeout counts as killed (the mutant made the tests hang, which
the run noticed), "no tests" counts as survived (nothing noticed it).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRATCH = ROOT / ".mutmut"


@dataclass(frozen=True)
class Target:
    module: str
    tests: tuple[str, ...]


TARGETS: dict[str, Target] = {
    "http-config": Target("src/verifiedfan/http/_config.py", ("tests/unit/http",)),
    "http-errormap": Target("src/verifiedfan/http/_api/_errormap.py", ("tests/unit/http",)),
    "log-redact": Target("src/verifiedfan/log/_redact.py", ("tests/unit/log",)),
    "kafka-avro-compat": Target("src/verifiedfan/kafka/_avro_compat.py", ("tests/unit/kafka",)),
    "jwt-verifier": Target("src/verifiedfan/jwt/_verifier.py", ("tests/unit/jwt",)),
    "normalizers-contact": Target("src/verifiedfan/normalizers/_contact.py", ("tests/unit/normalizers",)),
    # the retry and deadline logic and the shared request policy; the async sources only (the _sync
    # twins are generated from them by scripts/unasync.py)
    "http-core": Target("src/verifiedfan/http/_core.py", ("tests/unit/http",)),
    "http-async": Target("src/verifiedfan/http/_async.py", ("tests/unit/http",)),
    # the API-client base and its auth/token helpers
    "http-api-client": Target("src/verifiedfan/http/_api/_async/client.py", ("tests/unit/http",)),
    "http-api-auth": Target("src/verifiedfan/http/_api/_async/auth.py", ("tests/unit/http",)),
    "http-api-tokens": Target("src/verifiedfan/http/_api/_async/tokens.py", ("tests/unit/http",)),
    # the Avro pre-send check the producer runs on every value before encoding
    "kafka-fastcheck": Target(
        "src/verifiedfan/kafka/_fastcheck.py",
        (
            "tests/unit/kafka/test_fastcheck_rules.py",
            "tests/unit/kafka/test_kafka_fastcheck.py",
            "tests/unit/kafka/test_kafka_validate_record.py",
            "tests/unit/kafka/test_kafka_formatters.py",
        ),
    ),
}

KILLED = {"killed", "timeout", "segfault"}
SURVIVED = {"survived", "no tests", "suspicious"}
SKIPPED = {"skipped", "check was interrupted by user", "not checked"}


def _pyproject_for(target: Target) -> str:
    """The repo's pyproject.toml with [tool.mutmut] narrowed to one module and its tests."""
    text = (ROOT / "pyproject.toml").read_text("utf-8")
    base = tomllib.loads(text).get("tool", {}).get("mutmut", {})
    base.update(only_mutate=[target.module], pytest_add_cli_args_test_selection=list(target.tests))
    # drop the original table (up to the next table header), append the narrowed one
    text = re.sub(r"(?ms)^\[tool\.mutmut\]\n.*?(?=^\[|\Z)", "", text)
    lines = ["", "[tool.mutmut]"] + [f"{key} = {json.dumps(value)}" for key, value in base.items()]
    return text.rstrip("\n") + "\n" + "\n".join(lines) + "\n"


def _prepare(name: str, target: Target) -> Path:
    work = SCRATCH / name
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    for entry in ("src", "tests"):
        (work / entry).symlink_to(ROOT / entry)
    (work / "pyproject.toml").write_text(_pyproject_for(target), "utf-8")
    return work


def _statuses(work: Path, env: dict[str, str]) -> dict[str, str]:
    out = subprocess.run(
        [sys.executable, "-m", "mutmut", "results", "--all", "true"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found: dict[str, str] = {}
    for line in out.splitlines():
        mutant, sep, status = line.strip().rpartition(": ")
        if sep:
            found[mutant] = status
    return found


def run(name: str, children: int, survivors_only: bool = False) -> tuple[str, int, int, int, int, list[str]]:
    target = TARGETS[name]
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    again: list[str] = []
    if survivors_only and (SCRATCH / name / "mutants").is_dir():
        # Re-check only the mutants that survived the last run, with the tests as they are now (mutmut
        # collects the stats of new tests incrementally). A killed mutant stays killed when only tests
        # were added; after a change to the module itself run it in full.
        work = SCRATCH / name
        again = sorted(m for m, status in _statuses(work, env).items() if status in SURVIVED)
        print(f"== {name}: re-checking {len(again)} survivors of the last run", flush=True)
    else:
        work = _prepare(name, target)
        print(f"== {name}: mutating {target.module} against {' '.join(target.tests)}", flush=True)
    if again or not survivors_only:
        subprocess.run(
            [sys.executable, "-m", "mutmut", "run", "--max-children", str(children), *again],
            cwd=work,
            env=env,
            check=False,
        )
    statuses = _statuses(work, env)
    killed = sum(status in KILLED for status in statuses.values())
    survivors = sorted(m for m, status in statuses.items() if status in SURVIVED)
    skipped = sum(status in SKIPPED for status in statuses.values())
    return target.module, len(statuses), killed, len(survivors), skipped, survivors


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("names", nargs="*", help="modules to mutate (default: all)")
    parser.add_argument("--list", action="store_true", help="print the module names and exit")
    parser.add_argument("--children", type=int, default=2, help="mutmut workers (default 2)")
    parser.add_argument(
        "--survivors",
        action="store_true",
        help="keep the last run's results and re-check only its survivors (after adding tests)",
    )
    args = parser.parse_args()
    if args.list:
        for name, target in TARGETS.items():
            print(f"{name:22} {target.module}  <- {' '.join(target.tests)}")
        return 0
    unknown = [n for n in args.names if n not in TARGETS]
    if unknown:
        parser.error(f"unknown module(s) {unknown}; known: {sorted(TARGETS)}")
    rows = [run(name, args.children, args.survivors) for name in (args.names or list(TARGETS))]
    print()
    print(f"{'module':45} {'mutants':>8} {'killed':>7} {'survived':>9} {'score':>7}")
    for module, total, killed, survived, skipped, _ in rows:
        counted = total - skipped
        score = f"{100 * killed / counted:.1f}%" if counted else "n/a"
        print(f"{module:45} {total:>8} {killed:>7} {survived:>9} {score:>7}")
    for module, *_, survivors in rows:
        if survivors:
            print(f"\nsurvivors in {module} (see them with `cd .mutmut/<name> && mutmut show NAME`):")
            for mutant in survivors:
                print(f"  {mutant}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
