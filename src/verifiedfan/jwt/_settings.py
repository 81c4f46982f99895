"""``VF_JWT_*`` settings for :class:`Signer` and :class:`Verifier`."""

from __future__ import annotations

from pydantic import SecretStr
from pydantic_settings import SettingsConfigDict

from verifiedfan.settings import VFSettings

__all__ = ["JwtSettings"]


class JwtSettings(VFSettings):
    """JWT configuration from the environment (``VF_JWT_PRIVATE_KEY``, ``VF_JWT_ISSUER``...).

    ``private_key`` is the PEM private key (or, for HS*, the shared secret) and is kept as a
    ``SecretStr`` so it never shows in a repr or a log line.
    """

    model_config = SettingsConfigDict(env_prefix="VF_JWT_", extra="ignore", frozen=True)

    private_key: SecretStr | None = None
    public_key: str | None = None
    jwks_url: str | None = None
    issuer: str = "titan-lib"
    audience: str | None = None
    algorithm: str = "RS256"
    algorithms: list[str] | None = None
    expires_in: str = "24h"
    key_id: str | None = None
    leeway: float = 10.0
    max_token_bytes: int = 8192
