"""``eventually``: poll a probe until it succeeds, reporting what it saw last on timeout.

The probe returns a value; the poll succeeds when ``until(value)`` is true (default: the value is
truthy). A probe may also raise one of ``retry_on`` (default ``AssertionError``) to mean "not yet":
the last such error (an assertion with its diff, usually) is part of the timeout report. Any other
exception propagates at once. The clock and the sleep are injectable, so tests never wait.
"""

from __future__ import annotations

import asyncio
import inspect
import reprlib
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from verifiedfan.errors import ValidationError
from verifiedfan.testing.bdd._errors import EventuallyTimeoutError

__all__ = ["aeventually", "eventually"]

T = TypeVar("T")

_repr = reprlib.Repr()
_repr.maxstring = 400
_repr.maxother = 400
_repr.maxlist = 20
_repr.maxdict = 20
_repr.maxlevel = 4


def _check(timeout: float, interval: float) -> None:
    if timeout < 0:
        raise ValidationError(f"timeout must be >= 0, not {timeout}")
    if interval <= 0:
        raise ValidationError(f"interval must be > 0, not {interval}")


def _truthy(value: Any) -> bool:
    return bool(value)


def _name(probe: Callable[..., Any], description: str | None) -> str:
    return description or getattr(probe, "__qualname__", None) or repr(probe)


def _timeout_error(
    description: str,
    timeout: float,
    attempts: int,
    seen_value: bool,
    last_value: Any,
    last_error: BaseException | None,
) -> EventuallyTimeoutError:
    lines = [f"timed out after {timeout:g}s ({attempts} attempts) waiting for: {description}"]
    if seen_value:
        lines.append(f"last observed value: {_repr.repr(last_value)}")
    elif last_error is None:
        lines.append("no value observed")
    if last_error is not None:
        lines.append(f"last error: {type(last_error).__name__}: {last_error}")
    return EventuallyTimeoutError(
        "\n".join(lines),
        description=description,
        timeout=timeout,
        attempts=attempts,
        last_value=last_value,
        last_error=last_error,
    )


def eventually(
    probe: Callable[[], T],
    *,
    until: Callable[[T], object] = _truthy,
    timeout: float = 10.0,
    interval: float = 0.2,
    description: str | None = None,
    retry_on: tuple[type[BaseException], ...] = (AssertionError,),
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], object] = time.sleep,
) -> T:
    """Call ``probe`` every ``interval`` s until ``until(value)`` holds; return that value.

    Raises :class:`EventuallyTimeoutError` (an ``AssertionError`` and a ``TimeoutError``) after
    ``timeout`` seconds, naming ``description``, the last value observed and the last error. The
    probe always runs at least once, and once more at the deadline.
    """
    __tracebackhide__ = True
    _check(timeout, interval)
    deadline = clock() + timeout
    attempts, seen, last_value, last_error = 0, False, None, None
    while True:
        attempts += 1
        try:
            value = probe()
        except retry_on as exc:
            last_error = exc
        else:
            seen, last_value, last_error = True, value, None
            if until(value):
                return value
        remaining = deadline - clock()
        if remaining <= 0:
            raise _timeout_error(_name(probe, description), timeout, attempts, seen, last_value, last_error)
        sleep(min(interval, remaining))


async def aeventually(
    probe: Callable[[], Awaitable[T] | T],
    *,
    until: Callable[[T], object] = _truthy,
    timeout: float = 10.0,  # noqa: ASYNC109 - the poll's deadline, reported with the last value
    interval: float = 0.2,
    description: str | None = None,
    retry_on: tuple[type[BaseException], ...] = (AssertionError,),
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> T:
    """The async twin of :func:`eventually`: ``probe`` may be sync or async; sleeps without blocking."""
    __tracebackhide__ = True
    _check(timeout, interval)
    deadline = clock() + timeout
    attempts, seen, last_value, last_error = 0, False, None, None
    while True:
        attempts += 1
        try:
            result = probe()
            value: T = await result if inspect.isawaitable(result) else result
        except retry_on as exc:
            last_error = exc
        else:
            seen, last_value, last_error = True, value, None
            if until(value):
                return value
        remaining = deadline - clock()
        if remaining <= 0:
            raise _timeout_error(_name(probe, description), timeout, attempts, seen, last_value, last_error)
        await sleep(min(interval, remaining))
