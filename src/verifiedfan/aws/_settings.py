"""``AwsSettings``: the ``VF_AWS_*`` environment variables, shared by every AWS client."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from verifiedfan.aws._errors import AwsCredentialsError
from verifiedfan.settings import VFSettings

__all__ = ["AwsSettings", "RetryMode"]

RetryMode = Literal["standard", "adaptive", "legacy"]


class AwsSettings(VFSettings):
    """Connection settings of every :mod:`verifiedfan.aws` client (``VF_AWS_REGION``...).

    Left unset, ``region`` and the credentials come from botocore's default chain (``AWS_*``
    variables, ``~/.aws``, the container or instance role). ``endpoint_url`` points every service at
    one emulator (the moto server of ``vf stack``). The timeouts, pool size and retry mode become a
    botocore ``Config``: ``max_pool_connections`` should be at least the concurrency of the batch
    helpers (``batch_concurrency``), else calls queue for a connection. ``parameter_validation=False``
    skips botocore's own check of every request against the service model: the classes here check
    their inputs before any I/O anyway, and on batch writes that check is a third of the client's CPU.
    """

    model_config = SettingsConfigDict(env_prefix="VF_AWS_")

    region: str | None = None
    endpoint_url: str | None = None
    access_key_id: str | None = None
    secret_access_key: SecretStr | None = None
    session_token: SecretStr | None = None
    profile: str | None = None
    connect_timeout: float = Field(default=5.0, gt=0)
    read_timeout: float = Field(default=30.0, gt=0)
    max_pool_connections: int = Field(default=32, gt=0)
    tcp_keepalive: bool = True
    retry_mode: RetryMode = "standard"
    max_attempts: int = Field(default=3, ge=1, le=20)
    batch_concurrency: int = Field(default=16, ge=1, le=256)
    parameter_validation: bool = True

    def credentials(self) -> dict[str, str]:
        """The explicit credentials as botocore keywords (empty: use the default chain)."""
        if (self.access_key_id is None) != (self.secret_access_key is None):
            raise AwsCredentialsError("give both access_key_id and secret_access_key, or neither")
        if self.access_key_id is None or self.secret_access_key is None:
            if self.session_token is not None:
                raise AwsCredentialsError("session_token needs access_key_id and secret_access_key")
            return {}
        out = {
            "aws_access_key_id": self.access_key_id,
            "aws_secret_access_key": self.secret_access_key.get_secret_value(),
        }
        if self.session_token is not None:
            out["aws_session_token"] = self.session_token.get_secret_value()
        return out

    def client_kwargs(self) -> dict[str, Any]:
        """The keywords of ``session.create_client(service, **kwargs)`` (without ``config``)."""
        out: dict[str, Any] = dict(self.credentials())
        if self.region:
            out["region_name"] = self.region
        if self.endpoint_url:
            out["endpoint_url"] = self.endpoint_url
        return out

    def config_kwargs(self, service: str | None = None) -> dict[str, Any]:
        """The keywords of botocore's ``Config`` (aiobotocore's ``AioConfig`` takes the same).

        S3 always signs with SigV4 (``s3v4``): botocore would otherwise presign some URLs with the
        legacy SigV2, whose expiry rules differ.
        """
        extra: dict[str, Any] = {"signature_version": "s3v4"} if service == "s3" else {}
        return {
            **extra,
            "connect_timeout": self.connect_timeout,
            "read_timeout": self.read_timeout,
            "max_pool_connections": self.max_pool_connections,
            "tcp_keepalive": self.tcp_keepalive,
            "retries": {"mode": self.retry_mode, "total_max_attempts": self.max_attempts},
            "parameter_validation": self.parameter_validation,
        }
