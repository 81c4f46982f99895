"""The pytest plugin: light to load, skip-or-fail when a server cannot start, markers by fixture use."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from verifiedfan.testing.plugin import unavailable_outcome

_HEAVY = [
    "confluent_kafka",
    "redis",
    "pymongo",
    "boto3",
    "botocore",
    "opentelemetry",
    "verifiedfan.stack",
    "httpx",
    "pydantic_settings",
]


def test_loading_the_plugin_imports_no_client_library() -> None:
    code = "import sys, verifiedfan.testing.plugin; print(','.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    loaded = set(out.strip().split(","))
    assert [m for m in _HEAVY if m in loaded] == []


@pytest.mark.parametrize(("ci", "outcome"), [(True, "fail"), (False, "skip")])
def test_unavailable_server_fails_in_ci_and_skips_elsewhere(ci: bool, outcome: str) -> None:
    assert unavailable_outcome(ci=ci) == outcome


_INNER = """
def test_needs_kafka(vf_kafka):
    pass

def test_needs_kafka_too(vf_kafka):
    pass
"""


def _run_inner(
    tmp_path: Path, *args: str, ci: str, autoload: bool = False
) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_inner.py").write_text(_INNER)
    env = {k: v for k, v in os.environ.items() if not k.startswith("VF_STACK_") and k != "CI"}
    if not autoload:  # faster: load only this plugin
        env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
        args = ("-p", "verifiedfan.testing.plugin", *args)
    # an empty cache and no Maven: Kafka cannot be installed, without any network or socket
    env.update(VF_STACK_HOME=str(tmp_path / "home"), VF_STACK_MVN="/nonexistent/mvn", CI=ci)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rs", "-q", *args, str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
        timeout=120,
    )


def test_a_server_that_cannot_start_skips_with_the_reason(tmp_path: Path) -> None:
    result = _run_inner(tmp_path, ci="")
    assert "2 skipped" in result.stdout
    assert "apt-get install -y maven" in result.stdout


def test_a_server_that_cannot_start_fails_under_ci(tmp_path: Path) -> None:
    result = _run_inner(tmp_path, ci="true")
    assert result.returncode == 1
    assert "2 errors" in result.stdout or "2 failed" in result.stdout


def test_tests_get_the_marker_of_the_server_fixture_they_use(tmp_path: Path) -> None:
    result = _run_inner(tmp_path, "--collect-only", "-m", "kafka and integration", ci="", autoload=True)
    assert "2 tests collected" in result.stdout
