"""The generated blocking twins of Lambda and StepFunctions (boto3) on the same servers."""

from __future__ import annotations

from pathlib import Path

import pytest

from verifiedfan.aws import (
    AwsSettings,
    InvalidTaskTokenError,
    LambdaFunctionError,
    SyncAwsClients,
    SyncLambda,
    SyncStepFunctions,
)
from verifiedfan.stack import LambdaConnection
from verifiedfan.testing.plugin import LambdaDeployer
from verifiedfan.testing.stepfunctions import CallbackStateMachine

HANDLERS = Path(__file__).parents[2] / "lambda_handlers"


def test_sync_lambda_invokes_real_handlers(
    vf_lambda: LambdaConnection, vf_lambda_function: LambdaDeployer
) -> None:
    settings = AwsSettings(
        endpoint_url=vf_lambda.endpoint_url,
        region=vf_lambda.region,
        access_key_id=vf_lambda.access_key_id,
        secret_access_key=vf_lambda.secret_access_key,  # type: ignore[arg-type]
        max_attempts=1,
    )
    echo = vf_lambda_function(HANDLERS / "echo.py")
    fails = vf_lambda_function(HANDLERS / "fails.py")
    with SyncLambda(settings=settings) as lam:
        result = lam.invoke(echo.name, {"n": 1})
        assert (result.status_code, result.payload["event"]) == (200, {"n": 1})
        assert lam.invoke(echo.name, {}, invocation_type="DryRun").status_code == 204
        with pytest.raises(LambdaFunctionError, match="ReportNotFoundError") as info:
            lam.invoke(fails.name, {"key": "k"})
        assert info.value.error_message == "no report for 'k'"


def test_sync_step_functions_complete_a_task(
    vf_aws_settings: AwsSettings, vf_state_machine: CallbackStateMachine
) -> None:
    with SyncAwsClients(vf_aws_settings) as clients:
        sfn = SyncStepFunctions(clients=clients)
        started = sfn.start_execution(vf_state_machine.arn, {"a": 1})
        task = vf_state_machine.wait_for_task()
        sfn.send_task_heartbeat(task.token)
        sfn.send_task_success(task.token, {"ok": True})
        done = sfn.wait_for_execution(started.execution_arn, max_wait=20)
        assert (done.status, done.output) == ("SUCCEEDED", {"ok": True})
        with pytest.raises(
            InvalidTaskTokenError, match=r"^stepfunctions\.SendTaskFailure failed: InvalidToken"
        ):
            sfn.send_task_failure("no-such-token", error="E")
