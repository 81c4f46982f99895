"""``MongoSettings``: the ``VF_MONGO_*`` environment variables."""

from __future__ import annotations

from typing import Any

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from verifiedfan.settings import VFSettings

__all__ = ["MongoSettings"]


class MongoSettings(VFSettings):
    """Settings of :class:`~verifiedfan.mongo.Mongo` and :class:`~verifiedfan.mongo.SyncMongo`.

    ``VF_MONGO_HOSTS`` is a comma-separated list of hosts (``host`` or ``host:port``) or one
    ``mongodb://`` URI; keep credentials in ``VF_MONGO_USERNAME``/``VF_MONGO_PASSWORD``.
    """

    model_config = SettingsConfigDict(env_prefix="VF_MONGO_")

    hosts: str = Field(default="127.0.0.1", repr=False)
    port: int = Field(default=27017, gt=0, lt=65536)
    db_name: str = "verifiedfan"
    username: str | None = None
    password: SecretStr | None = None
    replica_set: str | None = None
    auth_source: str | None = None
    read_preference: str | None = None
    server_selection_timeout: float = Field(default=5.0, gt=0)
    connect_timeout: float = Field(default=5.0, gt=0)
    max_pool_size: int = Field(default=100, gt=0)
    wait_queue_timeout: float | None = None
    max_idle_time: float | None = None
    app_name: str | None = None

    def client_kwargs(self) -> dict[str, Any]:
        """The constructor keywords of the clients."""
        return {
            "hosts": self.hosts,
            "port": self.port,
            "db_name": self.db_name,
            "username": self.username,
            "password": self.password.get_secret_value() if self.password else None,
            "replica_set": self.replica_set,
            "auth_source": self.auth_source,
            "read_preference": self.read_preference,
            "server_selection_timeout": self.server_selection_timeout,
            "connect_timeout": self.connect_timeout,
            "max_pool_size": self.max_pool_size,
            "wait_queue_timeout": self.wait_queue_timeout,
            "max_idle_time": self.max_idle_time,
            "app_name": self.app_name,
        }
