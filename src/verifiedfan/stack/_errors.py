"""Errors raised by :mod:`verifiedfan.stack`."""

from __future__ import annotations

from verifiedfan.errors import VFError

__all__ = ["StackError", "StackInstallError", "StackPrerequisiteError", "StackStartError"]


class StackError(VFError):
    """A local server could not be installed, started, stopped or reached.

    ``server`` names the server (``kafka``, ``redis``...) when one is concerned, and ``log_tail``
    holds the last lines of its own log, which usually say why.
    """

    def __init__(self, message: str, *, server: str | None = None, log_tail: str = "") -> None:
        full = f"{message}\n--- last lines of the {server} log ---\n{log_tail}" if log_tail else message
        super().__init__(full, developer_message=message)
        self.server = server
        self.log_tail = log_tail


class StackPrerequisiteError(StackError):
    """A tool needed to install or run a server (java, mvn, go, redis-server) is absent.

    The message says exactly what to install.
    """


class StackInstallError(StackError):
    """Installing a server into the cache failed (download or build)."""


class StackStartError(StackError):
    """A server did not start, or did not answer before the time limit."""
