"""The local servers the selected benchmarks need, started through the stack and stopped after.

Each ``benchmarks/bench_<name>.py`` declares ``SERVERS``: the ``vf stack`` names it talks to (a
module without it needs none). The runner starts the union for the selected benchmarks with
:func:`stack_servers`, which leases each server the way the pytest plugin does: a server this run
started is stopped at the end (by the pids the stack recorded, never by name), unless another
session still uses it; one that was already running (``vf stack up``, another session) is left alone.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
from collections.abc import Iterable, Iterator
from types import ModuleType

from verifiedfan.stack import SERVER_NAMES, Stack, StackSettings, connection_for
from verifiedfan.stack._servers import server

__all__ = ["module_servers", "servers_for", "stack_servers"]

logger = logging.getLogger(__name__)


def module_servers(module: ModuleType) -> tuple[str, ...]:
    """The ``SERVERS`` a benchmark module declares, checked against the stack's names."""
    declared = getattr(module, "SERVERS", ())
    if isinstance(declared, str) or not all(isinstance(n, str) for n in declared):
        raise TypeError(f"{module.__name__}.SERVERS must be a tuple of server names, got {declared!r}")
    unknown = [n for n in declared if n not in SERVER_NAMES]
    if unknown:
        raise ValueError(f"{module.__name__}.SERVERS names unknown servers {unknown} (known: {SERVER_NAMES})")
    return tuple(declared)


def servers_for(names: Iterable[str]) -> tuple[str, ...]:
    """The union of the servers the named benchmarks need, in the stack's start order."""
    wanted: set[str] = set()
    for name in names:
        wanted.update(module_servers(importlib.import_module(f"benchmarks.bench_{name}")))
    return tuple(n for n in SERVER_NAMES if n in wanted)


@contextlib.contextmanager
def stack_servers(
    names: Iterable[str], *, settings: StackSettings | None = None
) -> Iterator[tuple[str, ...]]:
    """Lease and start ``names`` for the block; yields those this run started.

    On the way out (a benchmark that failed, Ctrl-C, SIGTERM turned into SystemExit by the runner)
    each lease is released: the stack stops a server only when this run started it and no other
    session still holds a lease on it. External servers (``VF_STACK_*_URL``) are only checked.
    """
    settings = settings or StackSettings()
    stack = Stack(settings=settings)
    leased: list[str] = []
    started: list[str] = []
    try:
        for name in names:
            if connection_for(settings, name).external:
                server(name, settings).health(10.0)
                continue
            stack.lease(name)  # before up: no other session stops it meanwhile
            leased.append(name)
            started.extend(stack.up([name]).started)
        if started:
            logger.info("bench: started %s", ", ".join(started))
        yield tuple(started)
    finally:
        for name in reversed(leased):
            try:
                if stack.release(name, started_here=name in started):
                    logger.info("bench: stopped %s", name)
            except Exception:
                logger.exception("bench: could not release %s", name)
