"""Appends the event to the file it names: proves an asynchronous (Event) invocation ran."""

import json
from typing import Any


def handler(event: Any, context: Any) -> str:
    with open(event["path"], "a", encoding="utf-8") as fh:
        fh.write(json.dumps({"event": event, "request_id": context.aws_request_id}) + "\n")
    return "recorded"
