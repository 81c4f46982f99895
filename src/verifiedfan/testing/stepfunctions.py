"""A Step Functions state machine for tests: one callback task that hands its token to an SQS queue.

The ``vf_state_machine`` fixture of the pytest plugin creates one per test on the stack's moto
server (which interprets the state machine: ``execute_state_machine``) and deletes it afterwards::

    started = await sfn.start_execution(vf_state_machine.arn, {"report": "r.csv"})
    task = vf_state_machine.wait_for_task()          # the token and input the task sent to SQS
    await sfn.send_task_success(task.token, {"done": True})

The machine is ``Wait`` (``arn:aws:states:::sqs:sendMessage.waitForTaskToken``, message body
``{"token": $$.Task.Token, "input": $}``, ``TimeoutSeconds`` and ``HeartbeatSeconds`` as given),
then ``End``: the execution's output is the task's output.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

__all__ = ["CallbackStateMachine", "CallbackTask", "callback_definition"]

_ROLE = "arn:aws:iam::123456789012:role/vf-test-state-machine"


def callback_definition(
    queue_url: str, *, timeout_seconds: int = 60, heartbeat_seconds: int = 30
) -> dict[str, Any]:
    """The Amazon States Language of the callback machine (one ``.waitForTaskToken`` task)."""
    return {
        "Comment": "verifiedfan test: hands the task token to SQS and waits for send_task_*",
        "StartAt": "Wait",
        "States": {
            "Wait": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {
                    "QueueUrl": queue_url,
                    "MessageBody": {"token.$": "$$.Task.Token", "input.$": "$"},
                },
                "TimeoutSeconds": timeout_seconds,
                "HeartbeatSeconds": heartbeat_seconds,
                "End": True,
            }
        },
    }


@dataclass(frozen=True, kw_only=True, slots=True)
class CallbackTask:
    """What a waiting task sent: its ``token`` and the execution's ``input``."""

    token: str
    input: Any


class CallbackStateMachine:
    """A callback state machine and its SQS queue, created on a Step Functions endpoint (boto3)."""

    def __init__(
        self,
        *,
        sfn: Any,
        sqs: Any,
        timeout_seconds: int = 60,
        heartbeat_seconds: int = 30,
    ) -> None:
        self._sfn, self._sqs = sfn, sqs
        name = f"test-{uuid.uuid4().hex[:12]}"
        self.queue_url: str = sqs.create_queue(QueueName=name)["QueueUrl"]
        definition = callback_definition(
            self.queue_url, timeout_seconds=timeout_seconds, heartbeat_seconds=heartbeat_seconds
        )
        self.arn: str = sfn.create_state_machine(name=name, definition=json.dumps(definition), roleArn=_ROLE)[
            "stateMachineArn"
        ]

    def wait_for_task(self, timeout: float = 10.0) -> CallbackTask:
        """The next token a task of this machine sent; ``TimeoutError`` when none came in time."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            messages = self._sqs.receive_message(
                QueueUrl=self.queue_url, MaxNumberOfMessages=1, WaitTimeSeconds=0
            ).get("Messages", [])
            if messages:
                self._sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=messages[0]["ReceiptHandle"])
                body = json.loads(messages[0]["Body"])
                return CallbackTask(token=body["token"], input=body["input"])
            time.sleep(0.05)
        raise TimeoutError(f"no task token reached {self.queue_url} within {timeout}s")

    def delete(self) -> None:
        """Stop its running executions, then delete the machine and the queue."""
        for page in self._sfn.get_paginator("list_executions").paginate(
            stateMachineArn=self.arn, statusFilter="RUNNING"
        ):
            for execution in page["executions"]:
                self._sfn.stop_execution(executionArn=execution["executionArn"])
        self._sfn.delete_state_machine(stateMachineArn=self.arn)
        self._sqs.delete_queue(QueueUrl=self.queue_url)
