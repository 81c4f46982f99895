"""What ``Stack.up`` and ``Stack.status`` return."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

__all__ = ["ServerState", "ServerStatus", "UpResult"]

ServerState = Literal["running", "stopped", "crashed"]


@dataclass(frozen=True, kw_only=True, slots=True)
class ServerStatus:
    """What ``status`` knows about one server."""

    name: str
    state: ServerState
    healthy: bool
    pids: tuple[int, ...]
    ports: tuple[int, ...]
    rss_mb: float | None
    uptime_s: float | None
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, kw_only=True, slots=True)
class UpResult:
    """What ``up`` did: the servers it started, those already running, and seconds per server."""

    started: tuple[str, ...]
    already_running: tuple[str, ...]
    seconds: dict[str, float]
