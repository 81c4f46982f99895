# Generated from src/verifiedfan/aws/_async/stepfunctions.py by scripts/unasync.py: do not edit.
# Change the async source, then run `python scripts/unasync.py`.
"""``StepFunctions``: start executions and complete callback tasks (``@verifiedfan/aws`` StepFunctions)."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from verifiedfan.aws._errors import AwsTimeoutError
from verifiedfan.aws._sfn_core import (
    SFN_MAX_CAUSE,
    SFN_MAX_ERROR,
    Execution,
    ExecutionStarted,
    check_arn,
    check_name,
    check_task_token,
    check_text,
    encode_json,
    execution,
    sfn_translating,
)
from verifiedfan.aws._sync.clients import SyncAwsClients, SyncAwsService

if TYPE_CHECKING:
    from verifiedfan.aws._settings import AwsSettings

__all__ = ["SyncStepFunctions"]

logger = logging.getLogger(__name__)


class SyncStepFunctions(SyncAwsService):
    """Step Functions executions and callback tasks (``.waitForTaskToken``), on aiobotocore.

    ``input``/``output`` are any JSON-serialisable value (sent as strict JSON, at most 256 KiB);
    bad input raises :class:`AwsValidationError` before any I/O. A task token that Step Functions
    refuses raises a :class:`TaskTokenError`: :class:`InvalidTaskTokenError`,
    :class:`TaskTimedOutError` or :class:`TaskDoesNotExistError`.
    """

    def __init__(self, *, clients: SyncAwsClients | None = None, settings: AwsSettings | None = None) -> None:
        super().__init__(clients=clients, settings=settings)

    @classmethod
    def from_settings(cls, settings: AwsSettings, **kwargs: Any) -> SyncStepFunctions:
        """A ``StepFunctions`` with its own clients built from ``settings``."""
        return cls(settings=settings, **kwargs)

    def _sfn(self) -> Any:
        return self._clients.client("stepfunctions")

    def start_execution(
        self,
        state_machine_arn: str,
        input: Any = None,
        *,
        name: str | None = None,
        trace_header: str | None = None,
    ) -> ExecutionStarted:
        """Start an execution of ``state_machine_arn`` with ``input`` (``{}`` when None).

        ``name`` makes the start idempotent: the same name and input return the same execution.
        """
        check_arn(state_machine_arn, "state_machine_arn")
        kwargs: dict[str, Any] = {
            "stateMachineArn": state_machine_arn,
            "input": encode_json({} if input is None else input, "input"),
        }
        if check_name(name) is not None:
            kwargs["name"] = name
        if check_text(trace_header, "trace_header", 256) is not None:
            kwargs["traceHeader"] = trace_header
        sfn = self._sfn()
        with sfn_translating("StartExecution"):
            answer = sfn.start_execution(**kwargs)
        logger.debug("started %s", answer["executionArn"])
        return ExecutionStarted(execution_arn=answer["executionArn"], start_date=answer["startDate"])

    def describe_execution(self, execution_arn: str) -> Execution:
        """The execution's status, input, and output or error once it stopped."""
        check_arn(execution_arn, "execution_arn")
        sfn = self._sfn()
        with sfn_translating("DescribeExecution"):
            answer = sfn.describe_execution(executionArn=execution_arn)
        return execution(answer)

    def wait_for_execution(
        self, execution_arn: str, *, max_wait: float = 60.0, interval: float = 0.2
    ) -> Execution:
        """Poll until the execution stops; :class:`AwsTimeoutError` after ``max_wait`` seconds."""
        deadline = time.monotonic() + max_wait
        while True:
            found = self.describe_execution(execution_arn)
            if found.done:
                return found
            if time.monotonic() >= deadline:
                raise AwsTimeoutError(
                    f"execution {execution_arn} still {found.status} after {max_wait:.0f}s",
                    service="stepfunctions",
                    operation="DescribeExecution",
                )
            time.sleep(interval)

    def send_task_success(self, task_token: str, output: Any = None) -> None:
        """Complete the task waiting on ``task_token`` with ``output`` (``{}`` when None)."""
        check_task_token(task_token)
        body = encode_json({} if output is None else output, "output")
        sfn = self._sfn()
        with sfn_translating("SendTaskSuccess"):
            sfn.send_task_success(taskToken=task_token, output=body)

    def send_task_failure(
        self, task_token: str, *, error: str | None = None, cause: str | None = None
    ) -> None:
        """Fail the task waiting on ``task_token`` with an error name (256) and cause (32,768)."""
        check_task_token(task_token)
        kwargs: dict[str, Any] = {"taskToken": task_token}
        if check_text(error, "error", SFN_MAX_ERROR) is not None:
            kwargs["error"] = error
        if check_text(cause, "cause", SFN_MAX_CAUSE) is not None:
            kwargs["cause"] = cause
        sfn = self._sfn()
        with sfn_translating("SendTaskFailure"):
            sfn.send_task_failure(**kwargs)

    def send_task_heartbeat(self, task_token: str) -> None:
        """Tell the task waiting on ``task_token`` that work goes on (resets ``HeartbeatSeconds``)."""
        check_task_token(task_token)
        sfn = self._sfn()
        with sfn_translating("SendTaskHeartbeat"):
            sfn.send_task_heartbeat(taskToken=task_token)
