"""Step Functions: typed executions, task-token errors, and the checks made before any I/O.

Shared by the async client (``_async/stepfunctions.py``) and its generated sync twin.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from verifiedfan.aws._errors import AwsError, AwsNotFoundError, AwsValidationError, translate
from verifiedfan.errors import VFError

__all__ = [
    "SFN_MAX_CAUSE",
    "SFN_MAX_ERROR",
    "SFN_MAX_PAYLOAD",
    "SFN_MAX_TASK_TOKEN",
    "Execution",
    "ExecutionStarted",
    "ExecutionStatus",
    "InvalidTaskTokenError",
    "TaskDoesNotExistError",
    "TaskTimedOutError",
    "TaskTokenError",
    "check_arn",
    "check_name",
    "check_task_token",
    "check_text",
    "encode_json",
    "execution",
    "sfn_translating",
]

#: Largest ``input`` of an execution and ``output`` of a task: 256 KiB of UTF-8 (262,144).
SFN_MAX_PAYLOAD = 262_144
SFN_MAX_TASK_TOKEN = 2048
SFN_MAX_ERROR = 256
SFN_MAX_CAUSE = 32_768

ExecutionStatus = Literal["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"]


class TaskTokenError(AwsError):
    """A ``send_task_*`` call whose task token Step Functions does not accept (base class)."""


class InvalidTaskTokenError(TaskTokenError, AwsValidationError):
    """The token is not a task token Step Functions issued (``InvalidToken``)."""


class TaskTimedOutError(TaskTokenError):
    """The task's ``TimeoutSeconds`` or ``HeartbeatSeconds`` ran out (``TaskTimedOut``)."""

    default_status = 400


class TaskDoesNotExistError(TaskTokenError, AwsNotFoundError):
    """The task is over: already completed, failed, or its execution stopped (``TaskDoesNotExist``)."""


_TOKEN_ERRORS: dict[str, type[TaskTokenError]] = {
    "InvalidToken": InvalidTaskTokenError,
    "TaskTimedOut": TaskTimedOutError,
    "TaskDoesNotExist": TaskDoesNotExistError,
}


@contextlib.contextmanager
def sfn_translating(operation: str) -> Iterator[None]:
    """Translate what escapes the block into the :class:`AwsError` tree (task-token errors typed)."""
    try:
        yield
    except VFError:
        raise
    except Exception as exc:
        error = translate(exc, service="stepfunctions", operation=operation)
        cls = _TOKEN_ERRORS.get(error.code or "")
        if cls is not None:
            error = cls(
                str(error),
                code=error.code,
                status=error.status,
                request_id=error.request_id,
                service=error.service,
                operation=error.operation,
            )
        raise error from exc


@dataclass(frozen=True, kw_only=True, slots=True)
class ExecutionStarted:
    """A started execution: its ARN and start time."""

    execution_arn: str
    start_date: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class Execution:
    """An execution as ``DescribeExecution`` reports it; ``input``/``output`` parsed from JSON."""

    execution_arn: str
    state_machine_arn: str
    name: str
    status: ExecutionStatus
    start_date: datetime
    stop_date: datetime | None
    input: Any
    output: Any
    error: str | None
    cause: str | None

    @property
    def done(self) -> bool:
        """True once the execution stopped (any status but ``RUNNING``)."""
        return self.status != "RUNNING"


def _loads(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def execution(answer: dict[str, Any]) -> Execution:
    return Execution(
        execution_arn=answer["executionArn"],
        state_machine_arn=answer["stateMachineArn"],
        name=answer.get("name", ""),
        status=answer["status"],
        start_date=answer["startDate"],
        stop_date=answer.get("stopDate"),
        input=_loads(answer.get("input")),
        output=_loads(answer.get("output")),
        error=answer.get("error"),
        cause=answer.get("cause"),
    )


def check_task_token(token: str) -> str:
    if not isinstance(token, str) or not 1 <= len(token) <= SFN_MAX_TASK_TOKEN:
        raise AwsValidationError(f"a task token is 1 to {SFN_MAX_TASK_TOKEN} characters")
    return token


def check_arn(arn: str, kind: str) -> str:
    if not isinstance(arn, str) or not arn.startswith("arn:") or ":states:" not in arn or len(arn) > 256:
        raise AwsValidationError(f"{kind} {arn!r} is not a Step Functions ARN")
    return arn


def check_name(name: str | None) -> str | None:
    if name is not None and not 1 <= len(name) <= 80:
        raise AwsValidationError("an execution name is 1 to 80 characters")
    return name


def check_text(value: str | None, what: str, limit: int) -> str | None:
    if value is not None and len(value) > limit:
        raise AwsValidationError(f"{what} is {len(value)} characters, over {limit}")
    return value


def encode_json(value: Any, what: str) -> str:
    """``value`` as strict JSON (no NaN), within :data:`SFN_MAX_PAYLOAD` bytes."""
    try:
        text = json.dumps(value, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise AwsValidationError(f"{what} is not JSON: {exc}") from exc
    size = len(text.encode())
    if size > SFN_MAX_PAYLOAD:
        raise AwsValidationError(f"{what} is {size} bytes, over {SFN_MAX_PAYLOAD}")
    return text
