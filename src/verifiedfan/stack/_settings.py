"""Settings of the local stack: the only place :mod:`verifiedfan.stack` reads the environment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import SettingsConfigDict

from verifiedfan.settings import VFSettings
from verifiedfan.stack._versions import DEFAULT_PORTS

__all__ = ["StackSettings"]


def _port(key: str) -> Any:
    return Field(default=DEFAULT_PORTS[key], ge=1, le=65535)


def _default_home() -> Path:
    return Path.home() / ".cache" / "verifiedfan" / "stack"


class StackSettings(VFSettings):
    """Where the servers are installed, which ports they use, and which existing servers to use.

    Every field reads ``VF_STACK_<FIELD>`` (``VF_STACK_HOME``, ``VF_STACK_KAFKA_PORT``...). The
    ``*_url``/``kafka_bootstrap``/``otlp_endpoint`` fields point at servers that already run
    elsewhere (what ``vf stack env`` prints): the pytest plugin then uses them instead of starting
    its own. ``ci`` also reads ``CI``: in CI a server that cannot start fails the test.
    """

    model_config = SettingsConfigDict(env_prefix="VF_STACK_", extra="ignore", frozen=True)

    home: Path = Field(default_factory=_default_home)
    run_dir: Path | None = None
    start_timeout: float = Field(default=180.0, gt=0)
    stop_timeout: float = Field(default=20.0, gt=0)

    kafka_port: int = _port("kafka")
    kafka_controller_port: int = _port("kafka_controller")
    registry_port: int = _port("registry")
    registry_management_port: int = _port("registry_management")
    redis_port: int = _port("redis")
    redis_replica_port: int = _port("redis_replica")
    mongo_port: int = _port("mongo")
    aws_port: int = _port("aws")
    otlp_port: int = _port("otlp")
    lambda_port: int = _port("lambda")

    java: str = "java"
    mvn: str = "mvn"
    go: str = "go"
    redis_server: str = "redis-server"
    kafka_heap: str = "512m"
    registry_heap: str = "384m"

    kafka_bootstrap: str | None = None
    registry_url: str | None = None
    redis_url: str | None = None
    redis_replica_url: str | None = None
    mongo_url: str | None = None
    aws_endpoint_url: str | None = None
    otlp_endpoint: str | None = None
    lambda_endpoint_url: str | None = None

    ci: bool = Field(default=False, validation_alias=AliasChoices("VF_STACK_CI", "CI"))

    @field_validator("ci", mode="before")
    @classmethod
    def _truthy(cls, value: object) -> object:
        if isinstance(value, str):
            return value.strip().lower() in {"1", "true", "yes", "on"}
        return value

    @property
    def state_dir(self) -> Path:
        """Runtime state (pid files, data, logs): ``run_dir``, or ``<home>/run``."""
        return self.run_dir if self.run_dir is not None else self.home / "run"
