"""A skipped integration test cannot hide in CI mode (issue 22): it is reported as failed."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

_TESTS = """
import pytest

@pytest.mark.integration
def test_needs_a_server():
    pytest.skip("vf stack: kafka is not available")

def test_plain_unit_skip():
    pytest.skip("not on this platform")

@pytest.mark.integration
@pytest.mark.xfail(reason="known")
def test_expected_failure():
    raise AssertionError
"""


@pytest.mark.parametrize("variable", ["CI", "VF_STACK_CI"])
def test_a_skipped_integration_test_fails_in_ci_mode(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("VF_STACK_CI", raising=False)
    monkeypatch.setenv(variable, "true")
    pytester.makepyfile(_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-W", "default")
    result.assert_outcomes(failed=1, skipped=1, xfailed=1)
    result.stdout.fnmatch_lines(["*integration test skipped in CI mode (vf stack: kafka is not available)*"])


def test_outside_ci_mode_a_skip_stays_a_skip(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("VF_STACK_CI", raising=False)
    pytester.makepyfile(_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-W", "default")
    result.assert_outcomes(skipped=2, xfailed=1)
