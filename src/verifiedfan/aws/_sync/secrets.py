# Generated from src/verifiedfan/aws/_async/secrets.py by scripts/unasync.py: do not edit.
# Change the async source, then run `python scripts/unasync.py`.
"""``SecretsManager``: one secret, cached for a TTL (successor of ``@verifiedfan/aws`` SecretsManager)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from verifiedfan._primitives import Flights
from verifiedfan.aws._errors import AwsError, AwsValidationError
from verifiedfan.aws._s3_core import translating
from verifiedfan.aws._sync.clients import SyncAwsClients, SyncAwsService

if TYPE_CHECKING:
    from verifiedfan.aws._settings import AwsSettings

__all__ = ["SyncSecretsManager"]


class SyncSecretsManager(SyncAwsService):
    """The value of one secret, read at most once per ``ttl`` seconds (per version asked for).

    Concurrent readers of an expired value share one ``GetSecretValue`` call. ``ttl=0`` reads on
    every call. Values never appear in ``repr()``, logs or error messages.
    """

    def __init__(
        self,
        secret_id: str,
        *,
        clients: SyncAwsClients | None = None,
        settings: AwsSettings | None = None,
        ttl: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not isinstance(secret_id, str) or not secret_id:
            raise AwsValidationError("secret_id must be a non-empty string")
        if ttl < 0:
            raise AwsValidationError("ttl must not be negative")
        self.secret_id = secret_id
        self.ttl = ttl
        super().__init__(clients=clients, settings=settings)
        self._clock = clock
        self._cache: dict[str, tuple[float, str | bytes]] = {}
        self._flights = Flights()

    @classmethod
    def from_settings(cls, secret_id: str, settings: AwsSettings, **kwargs: Any) -> SyncSecretsManager:
        """A ``SecretsManager`` with its own clients built from ``settings``."""
        return cls(secret_id, settings=settings, **kwargs)

    def __repr__(self) -> str:
        return f"SyncSecretsManager(secret_id={self.secret_id!r}, ttl={self.ttl})"

    def invalidate(self) -> None:
        """Forget the cached values: the next read asks AWS."""
        self._cache.clear()

    def get_secret(
        self, *, version_id: str | None = None, version_stage: str | None = None, force: bool = False
    ) -> str | bytes:
        """The secret's ``SecretString`` (or ``SecretBinary``), from the cache while it is fresh."""
        slot = f"{version_id or ''}|{version_stage or ''}"
        cached = self._cache.get(slot)
        if cached is not None and not force and self._clock() - cached[0] < self.ttl:
            return cached[1]

        def fetch() -> str | bytes:
            args: dict[str, Any] = {"SecretId": self.secret_id}
            if version_id:
                args["VersionId"] = version_id
            if version_stage:
                args["VersionStage"] = version_stage
            client = self._clients.secretsmanager()
            with translating("secretsmanager", "GetSecretValue"):
                answer = client.get_secret_value(**args)
            value: str | bytes | None = answer.get("SecretString")
            if value is None:
                value = answer.get("SecretBinary")
            if value is None:
                raise AwsError(f"secret {self.secret_id!r} has no value", service="secretsmanager")
            self._cache[slot] = (self._clock(), value)
            return value

        return self._flights.run(slot, fetch)

    def get_secret_json(
        self, *, version_id: str | None = None, version_stage: str | None = None, force: bool = False
    ) -> dict[str, Any]:
        """The secret parsed as a JSON object (``AwsError`` when it is not one; the value is not shown)."""
        raw = self.get_secret(version_id=version_id, version_stage=version_stage, force=force)
        try:
            value = json.loads(raw)
        except ValueError:
            # not chained: json's error keeps the document (the secret) in its ``doc`` attribute
            raise AwsError(f"secret {self.secret_id!r} is not JSON", service="secretsmanager") from None
        if not isinstance(value, dict):
            raise AwsError(f"secret {self.secret_id!r} is not a JSON object", service="secretsmanager")
        return value
