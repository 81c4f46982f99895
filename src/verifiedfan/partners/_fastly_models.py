"""Fastly purge API: settings, results and the checks every purge passes before any I/O.

Wire shapes (Fastly API reference, "Purging"; the generated clients fastly-js ``PurgeApi.md`` and
fastly-api ``PurgeApi.md``), all relative to ``https://api.fastly.com`` with the API token in the
``Fastly-Key`` header:

* ``POST /service/{service_id}/purge/{surrogate_key}`` -> ``{"status": "ok", "id": "<purge id>"}``;
* ``POST /service/{service_id}/purge`` with ``{"surrogate_keys": [...]}`` (up to 256 keys per
  request) -> ``{"<key>": "<purge id>", ...}``;
* ``POST /service/{service_id}/purge_all`` -> ``{"status": "ok"}`` (never soft);
* ``Fastly-Soft-Purge: 1`` marks the objects stale instead of removing them (key purges only).

Errors are ``{"msg": ..., "detail": ...}`` with the HTTP status.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from verifiedfan.errors import ResponseFormatError, ValidationError
from verifiedfan.http import ApiSettings

__all__ = [
    "MAX_KEYS_PER_BATCH",
    "MAX_KEY_BYTES",
    "FastlySettings",
    "PurgeResult",
]

MAX_KEYS_PER_BATCH = 256  # "Up to 256 surrogate keys can be purged in one batch request"
MAX_KEY_BYTES = 1024  # Fastly's limit on one surrogate key
_SERVICE_ID = re.compile(r"^[A-Za-z0-9]{1,64}$")


@dataclass(frozen=True, slots=True)
class PurgeResult:
    """Fastly's answer to a purge: ``status`` (``"ok"``) and the purge ``id`` (``None`` for a
    purge-all, which has none)."""

    status: str
    id: str | None = None


class FastlySettings(ApiSettings):
    """``VF_FASTLY_*``: ``api_key`` (an API token with ``purge_select``/``purge_all``, a secret),
    ``service_id`` (the default service), ``soft_purge`` (default ``True``)."""

    model_config = SettingsConfigDict(env_prefix="VF_FASTLY_")

    service_name: str = "fastly"
    base_urls: dict[str, str] = Field(default_factory=lambda: {"prod": "https://api.fastly.com"})
    service_id: str | None = None
    soft_purge: bool = True


def check_service_id(value: object) -> str:
    if not isinstance(value, str) or not _SERVICE_ID.match(value):
        raise ValidationError(f"fastly: the service id must be alphanumeric, got {value!r}")
    return value


def check_key(value: object) -> str:
    """A surrogate key: non-empty, no whitespace (keys are space-separated on the wire), at most
    :data:`MAX_KEY_BYTES` bytes."""
    if not isinstance(value, str) or not value:
        raise ValidationError("fastly: a surrogate key must be a non-empty string")
    if any(c.isspace() for c in value):
        raise ValidationError(f"fastly: surrogate key {value[:64]!r} contains whitespace")
    size = len(value.encode())
    if size > MAX_KEY_BYTES:
        raise ValidationError(f"fastly: surrogate key is {size} bytes (at most {MAX_KEY_BYTES})")
    return value


def check_keys(keys: Iterable[str]) -> list[str]:
    """Every key checked, duplicates dropped (order kept); ValidationError for an empty list."""
    if isinstance(keys, str | bytes):
        raise ValidationError("fastly: purge_keys takes a list of keys, not one string")
    unique = list(dict.fromkeys(check_key(k) for k in keys))
    if not unique:
        raise ValidationError("fastly: purge_keys needs at least one key")
    return unique


def parse_purge(body: object, where: str, *, needs_id: bool) -> PurgeResult:
    if not isinstance(body, dict) or not isinstance(body.get("status"), str):
        raise ResponseFormatError(f"{where}: the answer has no 'status'")
    purge_id = body.get("id")
    if needs_id and not isinstance(purge_id, str):
        raise ResponseFormatError(f"{where}: the answer has no purge 'id'")
    return PurgeResult(status=body["status"], id=purge_id if isinstance(purge_id, str) else None)


def parse_batch(body: object, keys: list[str], where: str) -> dict[str, str]:
    if not isinstance(body, dict) or not all(isinstance(v, str) for v in body.values()):
        raise ResponseFormatError(f"{where}: the answer is not a map of key to purge id")
    missing = [k for k in keys if k not in body]
    if missing:
        raise ResponseFormatError(f"{where}: no purge id for {len(missing)} key(s), first {missing[0]!r}")
    return {k: body[k] for k in keys}
