"""``Lambda.invoke`` runs real handlers on the stack's local Lambda (AWS's RIE + awslambdaric)."""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from verifiedfan.aws import (
    AwsClients,
    AwsNotFoundError,
    AwsSettings,
    AwsValidationError,
    Lambda,
    LambdaFunctionError,
)
from verifiedfan.metrics import Metric, MetricSink
from verifiedfan.stack import LambdaConnection
from verifiedfan.testing.aws import FaultyClient
from verifiedfan.testing.plugin import LambdaDeployer

HANDLERS = Path(__file__).parents[2] / "lambda_handlers"


class ListSink(MetricSink):
    def __init__(self) -> None:
        self.metrics: list[Metric] = []

    def record(self, metric: Metric) -> None:
        self.metrics.append(metric)


@pytest.fixture
def lambda_settings(vf_lambda: LambdaConnection) -> AwsSettings:
    return AwsSettings(
        endpoint_url=vf_lambda.endpoint_url,
        region=vf_lambda.region,
        access_key_id=vf_lambda.access_key_id,
        secret_access_key=vf_lambda.secret_access_key,  # type: ignore[arg-type]
        max_attempts=1,
    )


@pytest.fixture
async def lam(lambda_settings: AwsSettings) -> AsyncIterator[Lambda]:
    async with Lambda(settings=lambda_settings) as client:
        yield client


async def test_a_handler_returning_json(vf_lambda_function: LambdaDeployer, lam: Lambda) -> None:
    fn = vf_lambda_function(HANDLERS / "echo.py", environment={"GREETING": "hello"})
    result = await lam.invoke(fn.name, {"fan_id": "f-1", "score": 0.5}, log_tail=True)
    assert result.status_code == 200
    assert result.executed_version == "$LATEST"
    assert result.payload["event"] == {"fan_id": "f-1", "score": 0.5}
    assert result.payload["greeting"] == "hello"
    assert result.payload["function_name"] == fn.name
    assert json.loads(result.raw_payload) == result.payload
    assert result.log_tail is not None
    assert "echo handler got" in result.log_tail


async def test_a_raising_handler_raises_with_the_function_error_payload(
    vf_lambda_function: LambdaDeployer, lam: Lambda
) -> None:
    fn = vf_lambda_function(HANDLERS / "fails.py")
    with pytest.raises(LambdaFunctionError, match=r"ReportNotFoundError: no report for 'r\.csv'") as info:
        await lam.invoke(fn.arn, {"key": "r.csv"})
    error = info.value
    assert (error.function_error, error.error_type) == ("Unhandled", "ReportNotFoundError")
    assert error.error_message == "no report for 'r.csv'"
    assert any("fails.py" in line and "in handler" in line for line in error.stack_trace)
    assert error.payload["errorType"] == "ReportNotFoundError"
    assert (error.service, error.operation, error.function_name) == ("lambda", "Invoke", fn.arn)
    assert error.request_id


async def test_a_timeout_raises_a_function_error(vf_lambda_function: LambdaDeployer, lam: Lambda) -> None:
    fn = vf_lambda_function(HANDLERS / "slow.py", timeout=1)
    with pytest.raises(LambdaFunctionError, match=r"Task timed out after 1\.00 seconds") as info:
        await lam.invoke(fn.name, {"seconds": 3})
    assert info.value.error_type == "Sandbox.Timedout"


async def test_event_invocation_returns_202_and_the_handler_runs(
    vf_lambda_function: LambdaDeployer, lam: Lambda, tmp_path: Path
) -> None:
    fn = vf_lambda_function(HANDLERS / "record.py")
    out = tmp_path / "events.jsonl"
    result = await lam.invoke(fn.name, {"path": str(out), "n": 7}, invocation_type="Event")
    assert (result.status_code, result.payload, result.raw_payload) == (202, None, b"")
    for _ in range(200):
        if out.exists() and out.read_text():
            break
        await asyncio.sleep(0.05)
    assert json.loads(out.read_text())["event"] == {"path": str(out), "n": 7}


async def test_dry_run_returns_204_and_does_not_run(
    vf_lambda_function: LambdaDeployer, lam: Lambda, tmp_path: Path
) -> None:
    fn = vf_lambda_function(HANDLERS / "record.py")
    out = tmp_path / "never.jsonl"
    result = await lam.invoke(fn.name, {"path": str(out)}, invocation_type="DryRun")
    assert (result.status_code, result.payload) == (204, None)
    assert not out.exists()
    with pytest.raises(AwsNotFoundError, match="ResourceNotFoundException"):
        await lam.invoke("not-deployed", invocation_type="DryRun")


async def test_an_unknown_function_or_version_is_not_found(
    vf_lambda_function: LambdaDeployer, lam: Lambda
) -> None:
    with pytest.raises(AwsNotFoundError, match="Function not found") as info:
        await lam.invoke("not-deployed", {})
    assert info.value.__cause__ is not None
    fn = vf_lambda_function(HANDLERS / "echo.py")
    with pytest.raises(AwsNotFoundError, match=f"function:{fn.name}:7"):
        await lam.invoke(fn.name, {}, qualifier="7")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"function_name": ""}, "1 to 256"),
        ({"function_name": "has space"}, "not a function name"),
        ({"function_name": "f", "payload": {"x": float("nan")}}, "not JSON"),
        ({"function_name": "f", "payload": {"x": object()}}, "not JSON"),
        ({"function_name": "f", "payload": b"x" * (6 * 1024 * 1024 + 1)}, "over the 6291456 bytes"),
        (
            {"function_name": "f", "payload": "x" * (1024 * 1024), "invocation_type": "Event"},
            "over the 1048576",
        ),
        ({"function_name": "f", "invocation_type": "Async"}, "invocation_type"),
        ({"function_name": "f", "qualifier": "bad qualifier"}, "qualifier"),
        ({"function_name": "f", "log_tail": True, "invocation_type": "Event"}, "log_tail"),
        ({"function_name": "f", "client_context": {"x": "y" * 4000}}, "3,583"),
    ],
)
async def test_bad_input_is_refused_before_any_io(
    lambda_settings: AwsSettings, kwargs: dict[str, Any], message: str
) -> None:
    async with AwsClients(lambda_settings) as clients:
        faulty = FaultyClient(await clients.client("lambda"))
        lam = Lambda(clients=AwsClients(clients={"lambda": faulty}))
        with pytest.raises(AwsValidationError, match=message):
            await lam.invoke(**kwargs)
        assert faulty.calls == []


async def test_invocations_are_timed(
    vf_lambda_function: LambdaDeployer, lambda_settings: AwsSettings
) -> None:
    fn = vf_lambda_function(HANDLERS / "echo.py")
    sink = ListSink()
    async with AwsClients(lambda_settings, metrics_namespace="vf-test", metrics_sink=sink) as clients:
        await Lambda(clients=clients).invoke(fn.name, {})
    assert [(m.name, dict(m.dimensions)) for m in sink.metrics] == [
        ("aws.call", {"Service": "aws.lambda", "Method": "invoke", "Result": "success"})
    ]


async def test_invocations_are_client_spans(
    vf_lambda_function: LambdaDeployer, lambda_settings: AwsSettings
) -> None:
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    from opentelemetry.trace import SpanKind, StatusCode

    from verifiedfan.tracing import configure_tracing, reset_tracing, shutdown_tracing

    fn = vf_lambda_function(HANDLERS / "echo.py")
    exporter = InMemorySpanExporter()
    configure_tracing(service_name="lambda-test", exporter=exporter, schedule_delay_ms=10)
    try:
        async with AwsClients(lambda_settings, trace=True) as clients:
            lam = Lambda(clients=clients)
            await lam.invoke(fn.name, {"a": 1})
            with pytest.raises(
                AwsNotFoundError,
                match=r"lambda\.Invoke failed: ResourceNotFoundException: Function not found",
            ):
                await lam.invoke("not-deployed", {})
        shutdown_tracing()
        spans = list(exporter.get_finished_spans())
    finally:
        reset_tracing()
    assert [(s.name, s.kind) for s in spans] == [
        ("aws.lambda.invoke", SpanKind.CLIENT),
        ("aws.lambda.invoke", SpanKind.CLIENT),
    ]
    assert spans[0].status.status_code is not StatusCode.ERROR
    assert spans[1].status.status_code is StatusCode.ERROR


async def test_dry_run_and_event_answer_alike_on_moto(vf_aws_settings: AwsSettings, vf_aws: Any) -> None:
    """moto (which never runs the code) answers DryRun 204 and Event 202 as the local Lambda does
    (but echoes the payload in the Event answer, where AWS and the local Lambda send none)."""
    import io
    import zipfile

    import boto3

    kw = {
        "endpoint_url": vf_aws.endpoint_url,
        "region_name": vf_aws.region,
        "aws_access_key_id": vf_aws.access_key_id,
        "aws_secret_access_key": vf_aws.secret_access_key,
    }
    iam, raw = boto3.client("iam", **kw), boto3.client("lambda", **kw)
    name = f"dry-{os.getpid()}-{time.monotonic_ns()}"
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return 1\n")
    raw.create_function(
        FunctionName=name,
        Runtime="python3.11",
        Role=role,
        Handler="app.handler",
        Code={"ZipFile": code.getvalue()},
    )
    try:
        async with Lambda(settings=vf_aws_settings) as lam:
            dry = await lam.invoke(name, {"a": 1}, invocation_type="DryRun")
            event = await lam.invoke(name, {"a": 1}, invocation_type="Event")
        assert (dry.status_code, dry.payload) == (204, None)
        assert event.status_code == 202
    finally:
        raw.delete_function(FunctionName=name)
        iam.delete_role(RoleName=name)
