"""``SnowflakeSettings``: the ``VF_SNOWFLAKE_*`` environment variables."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from verifiedfan.settings import VFSettings

__all__ = ["SnowflakeSettings"]


class SnowflakeSettings(VFSettings):
    """Connection settings of :class:`~verifiedfan.snowflake.Snowflake` (``VF_SNOWFLAKE_ACCOUNT``...).

    Give ``password`` or ``private_key`` (PEM text, key-pair authentication; ``private_key_passphrase``
    when it is encrypted). Both are ``SecretStr``: never in a repr, a log line or an error message.
    ``statement_timeout`` (seconds) becomes the session's ``STATEMENT_TIMEOUT_IN_SECONDS`` and the
    client-side timeout of every statement. ``host``/``port``/``protocol`` point the connector at
    another endpoint (a local stand-in in tests); left unset it derives the host from ``account``.
    """

    model_config = SettingsConfigDict(env_prefix="VF_SNOWFLAKE_")

    account: str | None = None
    user: str | None = None
    password: SecretStr | None = None
    private_key: SecretStr | None = None
    private_key_passphrase: SecretStr | None = None
    warehouse: str | None = None
    database: str | None = None
    schema_name: str | None = None  # VF_SNOWFLAKE_SCHEMA_NAME
    role: str | None = None
    statement_timeout: float = Field(default=300.0, gt=0)
    login_timeout: float = Field(default=30.0, gt=0)
    network_timeout: float | None = Field(default=None, gt=0)  # the connector's budget for retrying a request
    host: str | None = None
    port: int | None = None
    protocol: str | None = None
