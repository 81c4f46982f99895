#!/usr/bin/env bash
# Runs every benchmark and prints one table of ratios: bash scripts/bench.sh [--quick] [NAME...]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/python -m benchmarks.run "$@"
