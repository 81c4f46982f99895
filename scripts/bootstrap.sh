#!/usr/bin/env bash
# Installs everything the project needs into ./.venv (and uv into ./.tools). Safe to run twice.
set -euo pipefail
cd "$(dirname "$0")/.."
export UV_PYTHON_DOWNLOADS=never UV_LINK_MODE=copy
if [ ! -x .tools/bin/uv ]; then
  echo "bootstrap: installing uv into .tools/" >&2
  python3 -m venv .tools
  .tools/bin/pip install --quiet --disable-pip-version-check "uv==0.13.8"
fi
# --frozen: install exactly what uv.lock pins; all extras plus the dev group.
.tools/bin/uv sync --quiet --frozen --all-extras --python "$(command -v python3)"
