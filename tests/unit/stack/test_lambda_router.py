"""The local Lambda router's pure parts: telling a function error from a result, names and ARNs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from verifiedfan.stack._lambda import FunctionRegistry, LambdaRouterError, function_arn, is_function_error

# What awslambdaric posts to the Runtime API's error endpoint (awslambdaric/bootstrap.py, make_error)
RUNTIME_ERROR = {
    "errorMessage": "no report",
    "errorType": "KeyError",
    "requestId": "rid-1",
    "stackTrace": ['  File "/var/task/app.py", line 3, in handler\n'],
}


def test_the_runtime_error_payload_of_this_invocation_is_a_function_error() -> None:
    assert is_function_error(json.dumps(RUNTIME_ERROR).encode(), "rid-1")


@pytest.mark.parametrize(
    "body",
    [
        json.dumps({**RUNTIME_ERROR, "requestId": "another"}).encode(),  # a handler returning an old error
        json.dumps({"errorMessage": "x", "errorType": "Y"}).encode(),  # a result in that shape
        b'"errorMessage"',
        b"not json",
        b"",
    ],
)
def test_results_are_not_function_errors(body: bytes) -> None:
    assert not is_function_error(body, "rid-1")


def _registry(tmp_path: Path) -> FunctionRegistry:
    return FunctionRegistry(rie="/nonexistent/aws-lambda-rie", python="python3", log_dir=tmp_path)


def test_an_unknown_function_or_qualifier_is_not_found(tmp_path: Path) -> None:
    registry = _registry(tmp_path)
    with pytest.raises(
        LambdaRouterError, match="Function not found: arn:aws:lambda:us-east-1:000000000000:function:x"
    ):
        registry.get("x", None)
    with pytest.raises(LambdaRouterError, match=r"function:x:7$"):
        registry.get(function_arn("x") + ":7", None)


@pytest.mark.parametrize(
    ("name", "spec", "message"),
    [
        ("bad name", {"handler": "a.b", "code_dir": "/"}, "invalid function name"),
        ("ok", {"handler": "nodot", "code_dir": "/"}, "not module.function"),
        ("ok", {"handler": "a.b", "code_dir": "relative"}, "absolute directory"),
        ("ok", {"handler": "a.b", "code_dir": "/", "environment": {"A": 1}}, "map names to strings"),
        ("ok", {"handler": "a.b", "code_dir": "/", "timeout": 901}, "1..900"),
    ],
)
def test_a_bad_deployment_is_refused_before_any_process_starts(
    tmp_path: Path, name: str, spec: dict[str, object], message: str
) -> None:
    registry = _registry(tmp_path)
    with pytest.raises(LambdaRouterError, match=message) as info:
        registry.deploy(name, spec)
    assert (info.value.status, info.value.code) == (400, "InvalidParameterValueException")
    assert registry.list() == []
