# Generated from src/verifiedfan/partners/_async/fastly.py by scripts/unasync.py: do not edit.
# Change the async source, then run `python scripts/unasync.py`.
"""The Fastly purge client: purge by surrogate key (soft or hard), many keys, or a whole service.

Keys and the service id are checked before any I/O; ``purge_keys`` drops duplicates and sends
batches of :data:`MAX_KEYS_PER_BATCH` (Fastly's limit). A purge is idempotent (purging twice leaves
the cache as purging once), so every purge is retried on 429, 5xx and network errors. The API token
travels in the ``Fastly-Key`` header, registered with the HTTP core's redaction: it never appears
in a log line, span, error or ``repr``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from verifiedfan.errors import ConfigurationError
from verifiedfan.http import ApiSettings, SyncApiClient, SyncApiKey
from verifiedfan.partners._fastly_models import (
    MAX_KEYS_PER_BATCH,
    FastlySettings,
    PurgeResult,
    check_key,
    check_keys,
    check_service_id,
    parse_batch,
    parse_purge,
)

__all__ = ["SyncFastly"]

PURGE_KEY = "/service/{service_id}/purge/{key}"
PURGE_BATCH = "/service/{service_id}/purge"
PURGE_ALL = "/service/{service_id}/purge_all"
FASTLY_KEY_HEADER = "fastly-key"
SOFT_PURGE_HEADER = "fastly-soft-purge"


class SyncFastly(SyncApiClient):
    """Fastly's purge API::

        with SyncFastly(api_key=token, service_id="SU1Z0isxPaozGVKXdv0eY") as fastly:
            fastly.purge_key("event-123")                 # soft by default
            ids = fastly.purge_keys(["artist-9", "venue-4"], soft=False)
            fastly.purge_all()

    ``service_id`` is the default service (each call may name another); ``soft_purge`` the default
    mode of key purges. Other keyword arguments are those of :class:`~verifiedfan.http.SyncApiClient`.
    """

    service_name: ClassVar[str] = "fastly"
    settings_class = FastlySettings

    def __init__(
        self,
        *,
        api_key: str,
        service_id: str | None = None,
        soft_purge: bool = True,
        base_url: str = "https://api.fastly.com",
        **options: Any,
    ) -> None:
        if not isinstance(api_key, str) or not api_key:
            raise ConfigurationError("fastly: api_key (a Fastly API token) is required")
        super().__init__(base_url=base_url, auth=SyncApiKey(api_key, header=FASTLY_KEY_HEADER), **options)
        self.service_id = check_service_id(service_id) if service_id is not None else None
        self.soft_purge = soft_purge

    @classmethod
    def settings_kwargs(cls, settings: ApiSettings) -> dict[str, Any]:
        if not isinstance(settings, FastlySettings):
            raise ConfigurationError(f"{cls.__name__}.from_settings takes a FastlySettings")
        return {
            "api_key": settings.api_key.get_secret_value(),
            "service_id": settings.service_id,
            "soft_purge": settings.soft_purge,
            "base_url": settings.resolved_base_url(),
            "timeouts": settings.timeouts(),
            "limits": settings.limits(),
            "retry": settings.retry_policy(),
            "headers": settings.default_headers or None,
            "max_in_flight": settings.max_in_flight,
        }

    def __repr__(self) -> str:  # never the API token
        return f"{type(self).__name__}(base_url={self.base_url!r}, service_id={self.service_id!r})"

    def _service(self, service_id: str | None) -> str:
        chosen = service_id if service_id is not None else self.service_id
        if chosen is None:
            raise ConfigurationError("fastly: no service_id given and no default service_id set")
        return check_service_id(chosen)

    def _mode(self, soft: bool | None) -> dict[str, str] | None:
        return {SOFT_PURGE_HEADER: "1"} if (self.soft_purge if soft is None else soft) else None

    def purge_key(self, key: str, *, service_id: str | None = None, soft: bool | None = None) -> PurgeResult:
        """Purge every object tagged with surrogate ``key`` (soft: marked stale, served while
        revalidating; hard: removed). Returns Fastly's ``{"status", "id"}``."""
        service = self._service(service_id)
        checked = check_key(key)
        headers = self._mode(soft)
        self._log("purge_key", fastly_service=service, soft=headers is not None)
        body = self._call_json(
            "POST",
            PURGE_KEY,
            path={"service_id": service, "key": checked},
            headers=headers,
            retry_non_idempotent=True,
        )
        return parse_purge(body, f"fastly {PURGE_KEY}", needs_id=True)

    def purge_keys(
        self, keys: Iterable[str], *, service_id: str | None = None, soft: bool | None = None
    ) -> dict[str, str]:
        """Purge many surrogate keys with the batch endpoint, :data:`MAX_KEYS_PER_BATCH` per request
        (duplicates dropped). Returns every key's purge id. A failure raises after the batches
        already sent (purging again is harmless: call it again)."""
        service = self._service(service_id)
        unique = check_keys(keys)
        headers = self._mode(soft)
        ids: dict[str, str] = {}
        for start in range(0, len(unique), MAX_KEYS_PER_BATCH):
            batch = unique[start : start + MAX_KEYS_PER_BATCH]
            self._log("purge_keys", fastly_service=service, keys=len(batch), soft=headers is not None)
            body = self._call_json(
                "POST",
                PURGE_BATCH,
                path={"service_id": service},
                json={"surrogate_keys": batch},
                headers=headers,
                retry_non_idempotent=True,
            )
            ids.update(parse_batch(body, batch, f"fastly {PURGE_BATCH}"))
        return ids

    def purge_all(self, *, service_id: str | None = None) -> PurgeResult:
        """Purge everything cached for the service (always hard: Fastly has no soft purge-all)."""
        service = self._service(service_id)
        self._log("purge_all", fastly_service=service)
        body = self._call_json("POST", PURGE_ALL, path={"service_id": service}, retry_non_idempotent=True)
        return parse_purge(body, f"fastly {PURGE_ALL}", needs_id=False)
