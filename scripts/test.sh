#!/usr/bin/env bash
# The whole test suite: install, lint, type-check, start the local servers, run every test, stop them.
# Exits non-zero when anything fails, including when pytest ran no test at all (its exit code 5).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export PATH="$PWD/.venv/bin:$PATH"
echo "== ruff"; ruff check . && ruff format --check .
echo "== mypy --strict"; mypy
echo "== pytest"
set +e
pytest "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then echo "test.sh: pytest collected no tests: failing the run" >&2; exit 1; fi
exit "$rc"
