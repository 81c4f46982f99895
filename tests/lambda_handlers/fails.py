"""Raises: the runtime reports the error to the caller as a function error."""

from typing import Any


class ReportNotFoundError(Exception):
    pass


def handler(event: Any, context: Any) -> None:
    raise ReportNotFoundError(f"no report for {event.get('key')!r}")
