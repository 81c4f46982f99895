#!/usr/bin/env bash
# The constant sweep (issue 22), on demand, NOT part of scripts/test.sh:
#   bash scripts/constant_sweep.sh [--list] [--json FILE] [GROUP...]
# Replaces the body of every public function of the core modules by a constant of its return type
# and runs the unit tests that execute it; prints the replacements no test noticed. Runs niced.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || bash scripts/bootstrap.sh >/dev/null
exec nice -n 19 .venv/bin/python scripts/constant_sweep.py "$@"
