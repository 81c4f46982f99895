"""The correlation id of the current unit of work, kept in a context variable.

It is created when absent, travels as the ``x-correlation-id`` request header (``verifiedfan.http``)
and appears in every log line written during the work (``verifiedfan.log``). Context variables follow
asyncio tasks, so concurrent requests never see each other's id.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

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
    """A fresh random correlation id: a version 4 UUID in hex (what ``uuid.uuid4().hex`` gives).

    Built from the integer directly: every HTTP call without a caller's id makes one, and
    ``uuid.uuid4()`` spends most of its time building the ``UUID`` object (benchmarks/bench_music.py).
    """
    n = int.from_bytes(os.urandom(16), "big")
    n = (n & _UUID4_CLEAR) | _UUID4_SET  # RFC 4122 variant bits and version 4, as uuid.uuid4() sets them
    return f"{n:032x}"


_UUID4_CLEAR = ~((0xC000 << 48) | (0xF000 << 64))
_UUID4_SET = (0x8000 << 48) | (4 << 76)


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


def enter_scope(correlation_id: str | None) -> tuple[str, Token[str | None]]:
    """The non-generator form of :func:`correlation_scope` for hot paths (the HTTP client's calls):
    sets ``correlation_id`` (a new one when ``None``) and returns it with the token that
    :func:`exit_scope` takes to restore the previous id."""
    cid = correlation_id or new_correlation_id()
    return cid, _correlation_id.set(cid)


def exit_scope(token: Token[str | None]) -> None:
    """Restore the correlation id that was current before :func:`enter_scope`."""
    _correlation_id.reset(token)


@contextmanager
def correlation_scope(correlation_id: str | None = None) -> Iterator[str]:
    """Run a block under ``correlation_id`` (a new one when ``None``), restoring the previous after."""
    cid, token = enter_scope(correlation_id)
    try:
        yield cid
    finally:
        exit_scope(token)
