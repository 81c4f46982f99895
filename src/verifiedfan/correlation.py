"""The correlation id of the current unit of work, kept in a context variable.

It is created when absent, travels as the ``x-correlation-id`` request header (``verifiedfan.http``)
and appears in every log line written during the work (``verifiedfan.log``). Context variables follow
asyncio tasks, so concurrent requests never see each other's id.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = [
    "CORRELATION_HEADER",
    "correlation_scope",
    "current_correlation_id",
    "ensure_correlation_id",
    "new_correlation_id",
    "set_correlation_id",
]

CORRELATION_HEADER = "x-correlation-id"

_correlation_id: ContextVar[str | None] = ContextVar("vf_correlation_id", default=None)


def new_correlation_id() -> str:
    """A fresh random correlation id."""
    return uuid.uuid4().hex


def current_correlation_id() -> str | None:
    """The correlation id of the current context, or ``None`` when none was set."""
    return _correlation_id.get()


def ensure_correlation_id() -> str:
    """The current correlation id, creating and storing one when absent."""
    cid = _correlation_id.get()
    if cid is None:
        cid = new_correlation_id()
        _correlation_id.set(cid)
    return cid


def set_correlation_id(correlation_id: str | None) -> None:
    """Set (or clear, with ``None``) the correlation id of the current context."""
    _correlation_id.set(correlation_id)


@contextmanager
def correlation_scope(correlation_id: str | None = None) -> Iterator[str]:
    """Run a block under ``correlation_id`` (a new one when ``None``), restoring the previous after."""
    token = _correlation_id.set(correlation_id or new_correlation_id())
    try:
        yield _correlation_id.get() or ""
    finally:
        _correlation_id.reset(token)
