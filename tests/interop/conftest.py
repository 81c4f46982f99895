"""The Node libraries the ``@verifiedfan`` services used, installed from npm once per checkout.

``node_libs`` (session) runs ``npm ci`` into ``tests/interop/node_modules`` when the lock file changed
since the last install (a stamp file holds its digest), so a second run costs nothing; install
scripts are not run. Without ``node``/``npm`` the suite is skipped (failed under ``VF_STACK_CI``).
Each check runs one script of ``js/`` with a JSON document on stdin and reads one on stdout.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).parent
MODULES = HERE / "node_modules"
STAMP = MODULES / ".vf-lock-sha256"
_CI = os.environ.get("VF_STACK_CI", os.environ.get("CI", "")).lower() in ("1", "true", "yes")


@dataclass(frozen=True)
class NodeLibs:
    """Runs ``js/<script>`` under Node with the installed libraries."""

    node: str

    def run(self, script: str, payload: Any, *, timeout: float = 180.0) -> Any:
        env = {**os.environ, "KAFKAJS_NO_PARTITIONER_WARNING": "1", "NODE_PATH": str(MODULES)}
        done = subprocess.run(
            [self.node, str(HERE / "js" / script)],
            input=json.dumps(payload),
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=HERE,
            env=env,
            check=False,
        )
        if done.returncode != 0:
            raise AssertionError(f"node {script} failed ({done.returncode}):\n{done.stderr[-4000:]}")
        return json.loads(done.stdout)


def _digest() -> str:
    data = (HERE / "package.json").read_bytes() + (HERE / "package-lock.json").read_bytes()
    return hashlib.sha256(data).hexdigest()


def install(npm: str) -> None:
    """``npm ci`` unless ``node_modules`` already matches the lock file (idempotent, concurrency-safe)."""
    digest = _digest()
    if STAMP.exists() and STAMP.read_text() == digest:
        return
    with (HERE / ".npm-install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # parallel test processes install once
        if STAMP.exists() and STAMP.read_text() == digest:
            return
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"],
            cwd=HERE,
            check=True,
            timeout=600,
        )
        STAMP.write_text(digest)


@pytest.fixture(scope="session")
def node_libs() -> NodeLibs:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        message = "node and npm are needed for the Node interop suite"
        if _CI:
            pytest.fail(message)
        pytest.skip(message)
    install(npm)
    return NodeLibs(node)
