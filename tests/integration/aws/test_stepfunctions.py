"""``StepFunctions`` against the stack's moto server, which interprets the state machine."""

from __future__ import annotations

from typing import Any

import pytest

from verifiedfan.aws import (
    AwsClients,
    AwsNotFoundError,
    AwsValidationError,
    InvalidTaskTokenError,
    StepFunctions,
    TaskDoesNotExistError,
    TaskTimedOutError,
    TaskTokenError,
)
from verifiedfan.testing.aws import FaultyClient
from verifiedfan.testing.stepfunctions import CallbackStateMachine


@pytest.fixture
def sfn(aws_clients: AwsClients) -> StepFunctions:
    return StepFunctions(clients=aws_clients)


async def test_a_task_token_completes_the_execution(
    sfn: StepFunctions, vf_state_machine: CallbackStateMachine
) -> None:
    started = await sfn.start_execution(vf_state_machine.arn, {"report": "r.csv", "rows": 3})
    task = vf_state_machine.wait_for_task()
    assert task.input == {"report": "r.csv", "rows": 3}
    running = await sfn.describe_execution(started.execution_arn)
    assert (running.status, running.done, running.input) == ("RUNNING", False, {"report": "r.csv", "rows": 3})
    await sfn.send_task_heartbeat(task.token)
    await sfn.send_task_success(task.token, {"url": "https://example.test/r.csv", "rows": 3})
    done = await sfn.wait_for_execution(started.execution_arn, max_wait=20)
    assert done.status == "SUCCEEDED"
    assert done.output == {"url": "https://example.test/r.csv", "rows": 3}
    assert done.stop_date is not None
    # the token is spent: Step Functions no longer knows it
    with pytest.raises(InvalidTaskTokenError, match="InvalidToken") as info:
        await sfn.send_task_success(task.token, {})
    assert isinstance(info.value, TaskTokenError)
    assert isinstance(info.value, AwsValidationError)


async def test_send_task_failure_fails_the_execution_with_its_error(
    aws_clients: AwsClients, vf_state_machine: CallbackStateMachine
) -> None:
    recorder = FaultyClient(await aws_clients.client("stepfunctions"))  # no faults: it records the calls
    sfn = StepFunctions(clients=AwsClients(clients={"stepfunctions": recorder}))
    started = await sfn.start_execution(vf_state_machine.arn, name="run-1")
    task = vf_state_machine.wait_for_task()
    assert task.input == {}
    await sfn.send_task_failure(task.token, error="ReportFailed", cause="no rows for 2026-11-25")
    done = await sfn.wait_for_execution(started.execution_arn, max_wait=20)
    assert (done.status, done.error, done.name) == ("FAILED", "ReportFailed", "run-1")
    # moto keeps the error but drops the cause (its TaskFailed event has none): check what was sent
    sent = [kwargs for method, kwargs in recorder.calls if method == "send_task_failure"]
    assert sent == [{"taskToken": task.token, "error": "ReportFailed", "cause": "no rows for 2026-11-25"}]


async def test_an_unknown_token_is_an_invalid_task_token(sfn: StepFunctions, vf_aws: Any) -> None:
    for call in (
        sfn.send_task_success("not-a-token", {}),
        sfn.send_task_heartbeat("not-a-token"),
    ):
        with pytest.raises(InvalidTaskTokenError, match=r"stepfunctions\.Send"):
            await call


@pytest.mark.parametrize(
    ("code", "cls"), [("TaskTimedOut", TaskTimedOutError), ("TaskDoesNotExist", TaskDoesNotExistError)]
)
async def test_timed_out_and_finished_tasks_are_typed(
    aws_clients: AwsClients, code: str, cls: type[TaskTokenError]
) -> None:
    # moto answers InvalidToken once a task timed out (its execution is no longer running), so the
    # codes AWS documents for SendTaskSuccess/Heartbeat/Failure are injected in front of it.
    faulty = FaultyClient(await aws_clients.client("stepfunctions"))
    sfn = StepFunctions(clients=AwsClients(clients={"stepfunctions": faulty}))
    for method, call in (
        ("send_task_success", lambda: sfn.send_task_success("t", {})),
        ("send_task_failure", lambda: sfn.send_task_failure("t", error="E")),
        ("send_task_heartbeat", lambda: sfn.send_task_heartbeat("t")),
    ):
        faulty.fail(method, code)
        with pytest.raises(cls, match=code) as info:
            await call()
        assert info.value.code == code
        assert info.value.__cause__ is not None
    assert issubclass(TaskDoesNotExistError, AwsNotFoundError)


async def test_an_unknown_state_machine_is_not_found(sfn: StepFunctions) -> None:
    arn = "arn:aws:states:us-east-1:123456789012:stateMachine:no-such-machine"
    with pytest.raises(AwsNotFoundError, match="StateMachineDoesNotExist"):
        await sfn.start_execution(arn, {})


@pytest.mark.parametrize(
    ("method", "args", "kwargs", "message"),
    [
        ("send_task_success", ("",), {}, "task token"),
        ("send_task_success", ("t" * 2049,), {}, "task token"),
        ("send_task_success", ("t", {"x": float("inf")}), {}, "not JSON"),
        ("send_task_success", ("t", "x" * 262_144), {}, "over 262144"),
        ("send_task_failure", ("t",), {"error": "e" * 257}, "error is 257"),
        ("send_task_failure", ("t",), {"cause": "c" * 32_769}, "cause is 32769"),
        ("send_task_heartbeat", (None,), {}, "task token"),
        ("start_execution", ("not-an-arn", {}), {}, "not a Step Functions ARN"),
        ("start_execution", ("arn:aws:states:us-east-1:1:stateMachine:m", {}), {"name": "n" * 81}, "1 to 80"),
        ("start_execution", ("arn:aws:states:us-east-1:1:stateMachine:m", {1, 2}), {}, "not JSON"),
        ("describe_execution", ("arn:aws:lambda:us-east-1:1:function:f",), {}, "not a Step Functions ARN"),
    ],
)
async def test_bad_input_is_refused_before_any_io(
    aws_clients: AwsClients, method: str, args: tuple[Any, ...], kwargs: dict[str, Any], message: str
) -> None:
    faulty = FaultyClient(await aws_clients.client("stepfunctions"))
    sfn = StepFunctions(clients=AwsClients(clients={"stepfunctions": faulty}))
    with pytest.raises(AwsValidationError, match=message):
        await getattr(sfn, method)(*args, **kwargs)
    assert faulty.calls == []


async def test_calls_are_client_spans(vf_aws_settings: Any, vf_state_machine: CallbackStateMachine) -> None:
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    from opentelemetry.trace import SpanKind, StatusCode

    from verifiedfan.tracing import configure_tracing, reset_tracing, shutdown_tracing

    exporter = InMemorySpanExporter()
    configure_tracing(service_name="sfn-test", exporter=exporter, schedule_delay_ms=10)
    try:
        async with AwsClients(vf_aws_settings, trace=True) as clients:
            sfn = StepFunctions(clients=clients)
            await sfn.start_execution(vf_state_machine.arn, {})
            task = vf_state_machine.wait_for_task()
            await sfn.send_task_success(task.token, {})
            with pytest.raises(
                InvalidTaskTokenError, match=r"^stepfunctions\.SendTaskHeartbeat failed: InvalidToken"
            ):
                await sfn.send_task_heartbeat("not-a-token")
        shutdown_tracing()
        spans = list(exporter.get_finished_spans())
    finally:
        reset_tracing()
    assert [(s.name, s.kind) for s in spans] == [
        ("aws.stepfunctions.start_execution", SpanKind.CLIENT),
        ("aws.stepfunctions.send_task_success", SpanKind.CLIENT),
        ("aws.stepfunctions.send_task_heartbeat", SpanKind.CLIENT),
    ]
    assert spans[2].status.status_code is StatusCode.ERROR
