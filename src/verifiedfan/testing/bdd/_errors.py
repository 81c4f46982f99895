"""The errors of the BDD step library: assertion failures carry a readable diff."""

from __future__ import annotations

from typing import Any

from verifiedfan.errors import ValidationError, VFError, VFTimeoutError

__all__ = ["BddAssertionError", "BddError", "BddUsageError", "CleanupError", "EventuallyTimeoutError"]


class BddError(VFError):
    """The root of the errors raised by :mod:`verifiedfan.testing.bdd`."""


class BddUsageError(BddError, ValidationError):
    """A step or helper was used wrongly (bad JSON in a docstring, unknown variable, bad name...)."""


class BddAssertionError(BddError, AssertionError):
    """An expectation did not hold; ``str(exc)`` is the report (mismatches and a diff)."""


class EventuallyTimeoutError(VFTimeoutError, AssertionError):
    """:func:`eventually` ran out of time; carries what it saw last.

    ``last_value`` is the last value the probe returned (``None`` when it never returned),
    ``last_error`` the last exception it raised (an assertion with its diff, usually).
    """

    def __init__(
        self,
        message: str,
        *,
        description: str,
        timeout: float,
        attempts: int,
        last_value: Any = None,
        last_error: BaseException | None = None,
    ) -> None:
        super().__init__(message)
        self.description = description
        self.timeout = timeout
        self.attempts = attempts
        self.last_value = last_value
        self.last_error = last_error


class CleanupError(BddError):
    """Some per-scenario resources could not be removed; ``problems`` lists each failure."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("scenario cleanup failed:\n  " + "\n  ".join(problems))
        self.problems = problems
