#!/usr/bin/env bash
# The README's main command: installs the project (./.venv) and the local servers it needs (first
# run only), then runs `vf demo` (workflow 1 end to end). Arguments go to `vf demo` (--fans N,
# --json). Safe to run twice: every step skips what is already done. Set-up output goes to stderr,
# so `scripts/demo.sh --json` prints only the JSON summary on stdout.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh >&2
.venv/bin/vf stack install kafka schema-registry redis >&2
exec .venv/bin/vf demo "$@"
