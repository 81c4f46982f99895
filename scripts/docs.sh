#!/usr/bin/env bash
# The documentation site (issue 20): `bash scripts/docs.sh serve` serves it on 127.0.0.1:8000 with reload;
# `bash scripts/docs.sh build [DIR]` builds it in strict mode (a broken link, a missing page or a
# reference mkdocstrings cannot resolve fails) into DIR (default: a temporary directory, removed after).
# The Python blocks of the pages are run by the tests (tests/docs/test_docs_examples.py), not here.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/mkdocs ] || bash scripts/bootstrap.sh
export NO_MKDOCS_2_WARNING=1
case "${1:-build}" in
  serve) exec .venv/bin/mkdocs serve --strict -a 127.0.0.1:8000 ;;
  build)
    out="${2:-}"
    if [ -z "$out" ]; then out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT; fi
    t0=$(date +%s)
    .venv/bin/mkdocs build --strict --quiet -d "$out"
    echo "docs: built $(find "$out" -name index.html | wc -l) pages strictly in $(( $(date +%s) - t0 )) s"
    ;;
  *) echo "usage: scripts/docs.sh [build [DIR] | serve]" >&2; exit 2 ;;
esac
