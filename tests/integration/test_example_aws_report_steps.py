"""Workflow 4 steps 6-7: the example invokes a real Lambda handler (on the stack's local Lambda)
that reads the report back from moto's S3, then completes a Step Functions task with its answer."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import boto3
import pytest

from verifiedfan.aws import AwsSettings, Lambda, LambdaFunctionError, StepFunctions
from verifiedfan.stack import AwsConnection, LambdaConnection
from verifiedfan.testing.plugin import LambdaDeployer
from verifiedfan.testing.stepfunctions import CallbackStateMachine

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "aws_report.py"
PROCESSOR = ROOT / "examples" / "handlers" / "report_processor.py"


def load_example() -> Any:
    spec = importlib.util.spec_from_file_location("aws_report_steps", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["aws_report_steps"] = module
    spec.loader.exec_module(module)
    return module


def _function_env(vf_aws: AwsConnection) -> dict[str, str]:
    """What the function needs to reach moto's S3, as a deployed function gets it: its environment."""
    return {
        "AWS_ENDPOINT_URL": vf_aws.endpoint_url,
        "AWS_ACCESS_KEY_ID": vf_aws.access_key_id,
        "AWS_SECRET_ACCESS_KEY": vf_aws.secret_access_key,
    }


def _boto(vf_aws: AwsConnection, service: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=vf_aws.endpoint_url,
        region_name=vf_aws.region,
        aws_access_key_id=vf_aws.access_key_id,
        aws_secret_access_key=vf_aws.secret_access_key,
    )


def _lambda_settings(settings: AwsSettings, vf_lambda: LambdaConnection) -> AwsSettings:
    return settings.model_copy(update={"endpoint_url": vf_lambda.endpoint_url})


async def test_the_function_reads_the_report_and_the_task_completes(
    vf_aws: AwsConnection,
    vf_aws_settings: AwsSettings,
    vf_lambda: LambdaConnection,
    vf_lambda_function: LambdaDeployer,
    vf_state_machine: CallbackStateMachine,
    vf_s3_bucket: str,
    vf_dynamodb_table: str,
) -> None:
    example = load_example()
    fn = vf_lambda_function(PROCESSOR, environment=_function_env(vf_aws))
    async with (
        Lambda(settings=_lambda_settings(vf_aws_settings, vf_lambda)) as lam,
        StepFunctions(settings=vf_aws_settings) as sfn,
    ):
        started = await sfn.start_execution(vf_state_machine.arn, {"report": "r/steps.csv"})
        task = vf_state_machine.wait_for_task()
        answers: list[dict[str, Any]] = []
        report = await example.run(
            vf_aws_settings,
            bucket=vf_s3_bucket,
            table=vf_dynamodb_table,
            key="r/steps.csv",
            rows=25_000,
            after_upload=[
                example.invoke_processor(lam, fn.name, answers),
                example.mark_task_done(sfn, task.token, answers),
            ],
        )
        done = await sfn.wait_for_execution(started.execution_arn, max_wait=30)
    (processed,) = answers
    assert (processed["rows"], processed["bytes"], processed["sha256"]) == (
        25_000,
        report.size,
        report.sha256,
    )
    assert processed["key"] == "r/steps.csv"
    assert done.status == "SUCCEEDED"
    assert done.output == {"key": "r/steps.csv", "sha256": report.sha256, "size": report.size, "rows": 25_000}


async def test_a_function_that_finds_another_object_fails_the_step(
    vf_aws: AwsConnection,
    vf_aws_settings: AwsSettings,
    vf_lambda: LambdaConnection,
    vf_lambda_function: LambdaDeployer,
    vf_s3_bucket: str,
) -> None:
    fn = vf_lambda_function(PROCESSOR, environment=_function_env(vf_aws))
    s3: Any = _boto(vf_aws, "s3")
    s3.put_object(Bucket=vf_s3_bucket, Key="r/x.csv", Body=b"h\n1\n")
    async with Lambda(settings=_lambda_settings(vf_aws_settings, vf_lambda)) as lam:
        with pytest.raises(LambdaFunctionError, match="ChecksumMismatchError") as info:
            await lam.invoke(fn.name, {"bucket": vf_s3_bucket, "key": "r/x.csv", "sha256": "0" * 64})
    assert "is not the expected" in (info.value.error_message or "")


def test_the_example_runs_all_seven_steps_as_a_script(
    vf_aws: AwsConnection,
    vf_lambda: LambdaConnection,
    vf_lambda_function: LambdaDeployer,
    vf_state_machine: CallbackStateMachine,
    vf_s3_bucket: str,
    vf_dynamodb_table: str,
) -> None:
    fn = vf_lambda_function(PROCESSOR, environment=_function_env(vf_aws))
    sfn: Any = _boto(vf_aws, "stepfunctions")
    execution_arn = sfn.start_execution(stateMachineArn=vf_state_machine.arn, input="{}")["executionArn"]
    task = vf_state_machine.wait_for_task()
    env = {
        **os.environ,
        "VF_AWS_ENDPOINT_URL": vf_aws.endpoint_url,
        "VF_AWS_REGION": vf_aws.region,
        "VF_AWS_ACCESS_KEY_ID": vf_aws.access_key_id,
        "VF_AWS_SECRET_ACCESS_KEY": vf_aws.secret_access_key,
    }
    argv = [sys.executable, str(EXAMPLE), "--bucket", vf_s3_bucket, "--table", vf_dynamodb_table]
    argv += ["--rows", "1000", "--function", fn.name, "--lambda-endpoint-url", vf_lambda.endpoint_url]
    argv += ["--task-token", task.token]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=180, check=False, env=env)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout.strip().splitlines()[-1])
    body = _boto(vf_aws, "s3").get_object(Bucket=vf_s3_bucket, Key="users/report.csv")["Body"].read()
    assert out["processed"]["sha256"] == hashlib.sha256(body).hexdigest() == out["sha256"]
    assert out["processed"]["rows"] == 1000
    assert out["task_completed"] is True
    assert task.token not in done.stdout
    for _ in range(100):
        described = sfn.describe_execution(executionArn=execution_arn)
        if described["status"] != "RUNNING":
            break
        time.sleep(0.1)
    assert described["status"] == "SUCCEEDED"
    assert json.loads(described["output"])["rows"] == 1000
