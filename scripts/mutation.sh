#!/usr/bin/env bash
# Mutation testing of the core modules (issue 22), on demand, NOT part of scripts/test.sh:
#   bash scripts/mutation.sh [--children N] [--list] [NAME...]
# Prints a table: module, mutants, killed, survived, score; then the surviving mutants.
set -euo pipefail
cd "$(dirname "$0")/.."
# bootstrap only when needed: two uv syncs at once in one .venv break it
[ -x .venv/bin/mutmut ] || bash scripts/bootstrap.sh >/dev/null
exec .venv/bin/python scripts/mutation.py "$@"
