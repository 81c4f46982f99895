#!/usr/bin/env bash
# The whole test suite: install, lint, type-check, start the local servers, run every test, stop them.
# Exits non-zero when anything fails, including when pytest ran no test at all (its exit code 5).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export PATH="$PWD/.venv/bin:$PATH"
echo "== ruff"; ruff check . && ruff format --check .
echo "== mypy --strict"; mypy
echo "== unasync --check (generated sync twins match their async sources)"; python scripts/unasync.py --check
echo "== vf stack (local servers: installed on first use into ~/.cache/verifiedfan/stack)"
stack_started="$(mktemp)"
trap 'vf stack down --started-file "$stack_started" || true; rm -f "$stack_started"' EXIT
t0=$(date +%s%N); vf stack install
t1=$(date +%s%N); vf stack up --started-file "$stack_started"
t2=$(date +%s%N)
echo "vf stack: install $(( (t1 - t0) / 1000000 )) ms, start $(( (t2 - t1) / 1000000 )) ms"
# Issue 20, beside pytest (they mostly wait on uv and the disk), their log printed after the tests:
# the documentation site built in strict mode (its examples are run by tests/docs), and the release
# packaging: build the wheel and sdist, install the wheel with each extra into a clean venv, import every
# module of that extra, smoke-call it, run `vf --help`.
pkg_log="$(mktemp)"
(bash scripts/docs.sh build && python scripts/package_check.py) >"$pkg_log" 2>&1 &
pkg_pid=$!
echo "== pytest"
# CI mode for the plugin: a server that cannot start fails its tests, and an integration test that
# skips is reported as failed (this script starts every server, so a skip is a set-up failure).
export VF_STACK_CI=true
set +e
pytest "$@"
rc=$?
wait "$pkg_pid"
pkg_rc=$?
set -e
echo "== docs site and packaging (scripts/docs.sh build, scripts/package_check.py)"; cat "$pkg_log"; rm -f "$pkg_log"
if [ "$pkg_rc" -ne 0 ]; then echo "test.sh: the docs build or the packaging check failed" >&2; [ "$rc" -eq 0 ] && rc=1; fi
if [ "$rc" -eq 5 ]; then echo "test.sh: pytest collected no tests: failing the run" >&2; exit 1; fi
exit "$rc"
