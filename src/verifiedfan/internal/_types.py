"""What the internal-service client needs from a worker-token minter (kept free of the jwt extra)."""

from __future__ import annotations

import re
from typing import Protocol, runtime_checkable

from verifiedfan.errors import ConfigurationError

__all__ = ["METHODS", "WorkerTokenSource", "check_service"]

METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"})
_SERVICE = re.compile(r"[a-z0-9][a-z0-9._-]{0,62}")


@runtime_checkable
class WorkerTokenSource(Protocol):
    """A :class:`verifiedfan.jwt.WorkerTokenMinter`, or anything minting worker tokens like it."""

    worker_id: str

    def token(self) -> str:
        """A valid worker token (cached until it is due for renewal)."""
        ...

    def forget(self, token: str | None) -> None:
        """Drop ``token`` from the cache: a receiver refused it."""
        ...


def check_service(service: str) -> str:
    """The internal service's name: lower-case letters, digits, ``.``, ``_`` and ``-``."""
    if not isinstance(service, str) or not _SERVICE.fullmatch(service):
        raise ConfigurationError(f"titan: bad service name {service!r} (lower-case letters, digits, . _ -)")
    return service
