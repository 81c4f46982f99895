"""The local Lambda runs real handlers; boto3's own Lambda client (the reference) talks to it."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path
from typing import Any

import pytest

from verifiedfan.stack import LambdaConnection, LocalLambda, StackError
from verifiedfan.testing.plugin import LambdaDeployer

pytestmark = pytest.mark.integration

HANDLERS = Path(__file__).parents[2] / "lambda_handlers"


@pytest.fixture
def boto_lambda(vf_lambda: LambdaConnection) -> Any:
    import boto3  # type: ignore[import-untyped]
    from botocore.config import Config  # type: ignore[import-untyped]

    client = boto3.client(
        "lambda",
        endpoint_url=vf_lambda.endpoint_url,
        region_name=vf_lambda.region,
        aws_access_key_id=vf_lambda.access_key_id,
        aws_secret_access_key=vf_lambda.secret_access_key,
        config=Config(retries={"max_attempts": 1}),
    )
    yield client
    client.close()


def test_a_handler_returns_json_with_the_lambda_context(
    vf_lambda_function: LambdaDeployer, boto_lambda: Any
) -> None:
    fn = vf_lambda_function(HANDLERS / "echo.py", environment={"GREETING": "hi"})
    resp = boto_lambda.invoke(FunctionName=fn.name, Payload=json.dumps({"fan": 42}), LogType="Tail")
    body = json.loads(resp["Payload"].read())
    assert resp["StatusCode"] == 200
    assert "FunctionError" not in resp
    assert resp["ExecutedVersion"] == "$LATEST"
    assert body["event"] == {"fan": 42}
    assert body["function_name"] == fn.name
    assert body["arn"].endswith(f":function:{fn.name}")
    assert body["greeting"] == "hi"
    assert body["task_root"] == str(HANDLERS)
    assert 0 < body["remaining_ms"] <= 30_000
    log = base64.b64decode(resp["LogResult"]).decode()
    assert "echo handler got {'fan': 42}" in log
    assert f"END RequestId: {body['request_id']}" in log


def test_an_arn_names_the_function_too(vf_lambda_function: LambdaDeployer, boto_lambda: Any) -> None:
    fn = vf_lambda_function(HANDLERS / "echo.py")
    resp = boto_lambda.invoke(FunctionName=fn.arn, Payload=b"[1, 2]")
    assert json.loads(resp["Payload"].read())["event"] == [1, 2]


def test_a_raising_handler_is_a_function_error_with_the_runtime_payload(
    vf_lambda_function: LambdaDeployer, boto_lambda: Any
) -> None:
    fn = vf_lambda_function(HANDLERS / "fails.py")
    resp = boto_lambda.invoke(FunctionName=fn.name, Payload=json.dumps({"key": "r.csv"}))
    error = json.loads(resp["Payload"].read())
    assert resp["StatusCode"] == 200
    assert resp["FunctionError"] == "Unhandled"
    assert error["errorType"] == "ReportNotFoundError"
    assert error["errorMessage"] == "no report for 'r.csv'"
    assert any("fails.py" in line for line in error["stackTrace"])
    # the function still works afterwards
    again = boto_lambda.invoke(FunctionName=fn.name, Payload=json.dumps({"key": "x"}))
    assert json.loads(again["Payload"].read())["errorMessage"] == "no report for 'x'"


def test_an_import_error_is_a_function_error(vf_lambda_function: LambdaDeployer, boto_lambda: Any) -> None:
    fn = vf_lambda_function(HANDLERS / "broken_import.py")
    resp = boto_lambda.invoke(FunctionName=fn.name, Payload=b"{}")
    error = json.loads(resp["Payload"].read())
    assert resp["FunctionError"] == "Unhandled"
    assert "cannot be imported" in error["errorMessage"]


def test_a_timeout_is_a_function_error(vf_lambda_function: LambdaDeployer, boto_lambda: Any) -> None:
    fn = vf_lambda_function(HANDLERS / "slow.py", timeout=1)
    resp = boto_lambda.invoke(FunctionName=fn.name, Payload=json.dumps({"seconds": 3}))
    error = json.loads(resp["Payload"].read())
    assert resp["FunctionError"] == "Unhandled"
    assert error["errorType"] == "Sandbox.Timedout"
    assert "Task timed out after 1.00 seconds" in error["errorMessage"]
    quick = boto_lambda.invoke(FunctionName=fn.name, Payload=json.dumps({"seconds": 0}))
    assert json.loads(quick["Payload"].read()) == "woke up"


def test_event_invocation_answers_202_then_runs(
    vf_lambda_function: LambdaDeployer, boto_lambda: Any, tmp_path: Path
) -> None:
    fn = vf_lambda_function(HANDLERS / "record.py")
    out = tmp_path / "events.jsonl"
    resp = boto_lambda.invoke(
        FunctionName=fn.name, InvocationType="Event", Payload=json.dumps({"path": str(out), "n": 1})
    )
    assert resp["StatusCode"] == 202
    assert resp["Payload"].read() == b""
    for _ in range(200):
        if out.exists() and out.read_text():
            break
        time.sleep(0.05)
    (line,) = out.read_text().splitlines()
    assert json.loads(line)["event"] == {"path": str(out), "n": 1}


def test_dry_run_checks_the_function_without_running_it(
    vf_lambda_function: LambdaDeployer, boto_lambda: Any, tmp_path: Path
) -> None:
    fn = vf_lambda_function(HANDLERS / "record.py")
    out = tmp_path / "never.jsonl"
    resp = boto_lambda.invoke(
        FunctionName=fn.name, InvocationType="DryRun", Payload=json.dumps({"path": str(out)})
    )
    assert resp["StatusCode"] == 204
    assert not out.exists()


def test_an_unknown_function_is_resource_not_found(vf_lambda: LambdaConnection, boto_lambda: Any) -> None:
    with pytest.raises(boto_lambda.exceptions.ResourceNotFoundException, match="Function not found"):
        boto_lambda.invoke(FunctionName="no-such-function", Payload=b"{}")
    with pytest.raises(boto_lambda.exceptions.ResourceNotFoundException):
        boto_lambda.invoke(FunctionName="no-such-function", InvocationType="DryRun")


def test_a_payload_that_is_not_json_is_refused(vf_lambda_function: LambdaDeployer, boto_lambda: Any) -> None:
    fn = vf_lambda_function(HANDLERS / "echo.py")
    with pytest.raises(boto_lambda.exceptions.InvalidRequestContentException, match="parse request body"):
        boto_lambda.invoke(FunctionName=fn.name, Payload=b"{not json")


def test_a_removed_function_is_gone_and_its_emulator_stopped(vf_lambda: LambdaConnection) -> None:
    import os

    with LocalLambda(vf_lambda) as local:
        fn = local.deploy(f"gone-{os.getpid()}", HANDLERS / "echo.py")
        (info,) = [f for f in local.functions() if f["name"] == fn.name]
        local.remove(fn.name)
        assert fn.name not in {f["name"] for f in local.functions()}
        assert not Path(f"/proc/{info['pid']}").exists() or "Z" in _state(info["pid"])
        with pytest.raises(StackError, match="ResourceNotFoundException"):
            local.remove(fn.name)


def test_bad_deployments_are_refused_before_anything_starts(
    vf_lambda: LambdaConnection, tmp_path: Path
) -> None:
    with LocalLambda(vf_lambda) as local:
        with pytest.raises(StackError, match="does not exist"):
            local.deploy("x", tmp_path / "missing.py")
        with pytest.raises(StackError, match=r"module\.function"):
            local.deploy("x", HANDLERS)
        with pytest.raises(StackError, match="invalid function name"):
            local.deploy("bad name!", HANDLERS / "echo.py")


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


def test_killing_the_router_leaves_no_emulator_behind(vf_stack_settings: Any, tmp_path: Path) -> None:
    import os
    import signal
    import socket

    from verifiedfan.stack import Stack

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = vf_stack_settings.model_copy(
        update={"run_dir": tmp_path / "run", "lambda_port": port, "lambda_endpoint_url": None}
    )
    stack = Stack(settings=settings)
    stack.up(["lambda"])
    try:
        with LocalLambda(stack.connection("lambda")) as local:  # type: ignore[arg-type]
            fn = local.deploy("orphan-check", HANDLERS / "echo.py")
            (info,) = local.functions()
        (router,) = stack.records("lambda")
        os.kill(router.pid, signal.SIGKILL)  # the router this test started, by its pid
        for _ in range(100):
            if _state(info["pid"]) in {"gone", "Z"}:
                break
            time.sleep(0.05)
        assert _state(info["pid"]) in {"gone", "Z"}, f"emulator of {fn.name} outlived its router"
    finally:
        stack.down(["lambda"])
