"""Sleeps longer than its timeout."""

import time
from typing import Any


def handler(event: Any, context: Any) -> str:
    time.sleep(float(event.get("seconds", 5)))
    return "woke up"
