"""A proxy that replaces selected methods of an object: shared by ``timed_client`` and ``traced_client``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["MethodProxy"]


class MethodProxy:
    """Serves the ``wrapped`` callables by name; every other attribute comes from ``target``.

    Proxies nest, so ``traced_client(timed_client(client, ...), ...)`` composes as the original's
    ``TracedSdk(TimedSdk(client))`` did.
    """

    def __init__(self, target: object, wrapped: dict[str, Callable[..., Any]], label: str) -> None:
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_wrapped", wrapped)
        object.__setattr__(self, "_label", label)

    def __getattr__(self, name: str) -> Any:
        wrapped: dict[str, Callable[..., Any]] = object.__getattribute__(self, "_wrapped")
        if name in wrapped:
            return wrapped[name]
        return getattr(object.__getattribute__(self, "_target"), name)

    def __repr__(self) -> str:
        label = object.__getattribute__(self, "_label")
        return f"{label}({object.__getattribute__(self, '_target')!r})"
