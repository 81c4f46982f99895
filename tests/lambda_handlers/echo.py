"""Returns the event with what the Lambda context and environment say."""

import os
from typing import Any


def handler(event: Any, context: Any) -> dict[str, Any]:
    print(f"echo handler got {event!r}")
    return {
        "event": event,
        "function_name": context.function_name,
        "request_id": context.aws_request_id,
        "arn": context.invoked_function_arn,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "greeting": os.environ.get("GREETING"),
        "task_root": os.environ.get("LAMBDA_TASK_ROOT"),
    }
