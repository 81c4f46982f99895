"""``RedisSettings``: the ``VF_REDIS_*`` environment variables."""

from __future__ import annotations

from typing import Any

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from verifiedfan.settings import VFSettings

__all__ = ["RedisSettings"]


class RedisSettings(VFSettings):
    """Settings of :class:`~verifiedfan.redis.Redis` and :class:`~verifiedfan.redis.SyncRedis`.

    ``VF_REDIS_URL`` (the primary), ``VF_REDIS_READ_ONLY_URL`` (the replica), ``VF_REDIS_PASSWORD``...
    URLs may carry credentials, so they are kept out of ``repr()``.
    """

    model_config = SettingsConfigDict(env_prefix="VF_REDIS_")

    url: str = Field(default="redis://127.0.0.1:6379/0", repr=False)
    read_only_url: str | None = Field(default=None, repr=False)
    username: str | None = None
    password: SecretStr | None = None
    namespace: str = ""
    connect_timeout: float = Field(default=2.0, gt=0)
    socket_timeout: float = Field(default=2.0, gt=0)
    client_name: str | None = None
    max_connections: int | None = Field(default=None, gt=0)
    replica_cooldown: float = Field(default=5.0, ge=0)

    def client_kwargs(self) -> dict[str, Any]:
        """The constructor keywords of the clients."""
        return {
            "url": self.url,
            "read_only_url": self.read_only_url or None,
            "username": self.username,
            "password": self.password.get_secret_value() if self.password else None,
            "namespace": self.namespace,
            "connect_timeout": self.connect_timeout,
            "socket_timeout": self.socket_timeout,
            "client_name": self.client_name,
            "max_connections": self.max_connections,
            "replica_cooldown": self.replica_cooldown,
        }
