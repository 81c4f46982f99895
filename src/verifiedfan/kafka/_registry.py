"""A small async client for the Confluent Schema Registry API (also served by Apicurio's ``ccompat``).

Why not confluent-kafka's ``SchemaRegistryClient``: it is synchronous (every call would need a
thread), and its errors and retries are its own. This client is async on httpx, retries network
failures, 408/429 and 5xx with a :class:`RetryPolicy`, and translates every answer into the
:class:`KafkaError` family. Any ``httpx.AsyncClient`` can be injected (tests pass the in-memory fake
registry of :mod:`verifiedfan.testing.kafka` as its transport).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote

import httpx

from verifiedfan.kafka._errors import (
    InvalidSchemaError,
    RegistryUnavailableError,
    SchemaIncompatibleError,
    SchemaNotFoundError,
    SchemaRegistryError,
)
from verifiedfan.kafka._models import RetryPolicy

__all__ = ["Compatibility", "RegisteredSchema", "SchemaRegistryClient", "schema_text"]

logger = logging.getLogger(__name__)

Compatibility = Literal[
    "NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE"
]
_CONTENT_TYPE = "application/vnd.schemaregistry.v1+json"
_RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})


def schema_text(schema: str | dict[str, Any] | list[Any]) -> str:
    """The schema as compact JSON text (the registry stores text)."""
    if isinstance(schema, str):
        return schema
    return json.dumps(schema, separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class RegisteredSchema:
    """A schema version of a subject, as the registry returns it."""

    subject: str
    id: int
    version: int
    schema: str
    schema_type: str = "AVRO"


class SchemaRegistryClient:
    """Async client of the Confluent Schema Registry REST API.

    ``url`` is the API root (for Apicurio: ``http://host:port/apis/ccompat/v7``). Lookups by id are
    cached forever (ids are immutable); nothing else is cached here.
    """

    def __init__(
        self,
        *,
        url: str,
        retry: RetryPolicy | None = None,
        timeout: float = 10.0,
        http_client: httpx.AsyncClient | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.url = url.rstrip("/")
        self.retry = retry or RetryPolicy()
        self._owns_client = http_client is None
        self._timeout = timeout
        self._client = http_client or httpx.AsyncClient(timeout=timeout)
        self._sleep = sleep
        self._by_id: dict[int, tuple[str, str]] = {}

    async def __aenter__(self) -> SchemaRegistryClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    # -- requests ---------------------------------------------------------------------------------

    async def _request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        url = self.url + path
        if self._client.is_closed and self._owns_client:  # used again after aclose()
            self._client = httpx.AsyncClient(timeout=self._timeout)
        content = None if body is None else json.dumps(body).encode()
        headers = {"Accept": _CONTENT_TYPE, "Content-Type": _CONTENT_TYPE}
        last: str = ""
        cause: BaseException | None = None
        for attempt in range(self.retry.retries + 1):
            if attempt:
                delay = self.retry.delay(attempt - 1)
                logger.warning("schema registry retry %d after %.2fs: %s", attempt, delay, last)
                await self._sleep(delay)
            try:
                response = await self._client.request(method, url, content=content, headers=headers)
            except httpx.HTTPError as exc:  # connection refused, timeouts, protocol errors
                last, cause = f"{type(exc).__name__}: {exc}", exc
                continue
            if response.status_code in _RETRY_STATUS:
                last, cause = f"{method} {path} returned {response.status_code}", None
                continue
            return self._answer(method, path, response)
        err = RegistryUnavailableError(
            f"schema registry unavailable at {self.url} after {self.retry.retries + 1} attempts ({last})"
        )
        raise err from cause

    @staticmethod
    def _answer(method: str, path: str, response: httpx.Response) -> Any:
        try:
            data = response.json() if response.content else None
        except ValueError:
            data = response.text
        if response.is_success:
            return data
        error_code = data.get("error_code") if isinstance(data, dict) else None
        detail = data.get("message") if isinstance(data, dict) else data
        message = f"schema registry: {method} {path} returned {response.status_code}: {detail}"
        status = response.status_code
        if status == 404:
            raise SchemaNotFoundError(message, status=status, error_code=error_code)
        if status == 409:
            raise SchemaIncompatibleError(message, status=status, error_code=error_code)
        if status == 422:
            raise InvalidSchemaError(message, status=422)
        raise SchemaRegistryError(message, status=status, error_code=error_code)

    # -- API --------------------------------------------------------------------------------------

    async def register(self, subject: str, schema: str | dict[str, Any], *, schema_type: str = "AVRO") -> int:
        """Register ``schema`` under ``subject`` (idempotent: the same schema returns the same id)."""
        body: dict[str, Any] = {"schema": schema_text(schema)}
        if schema_type != "AVRO":
            body["schemaType"] = schema_type
        data = await self._request("POST", f"/subjects/{_q(subject)}/versions", body)
        return int(data["id"])

    async def get_latest(self, subject: str) -> RegisteredSchema:
        """The latest version of ``subject``."""
        return await self.get_version(subject, "latest")

    async def get_version(self, subject: str, version: int | str) -> RegisteredSchema:
        data = await self._request("GET", f"/subjects/{_q(subject)}/versions/{version}")
        registered = RegisteredSchema(
            subject=data.get("subject", subject),
            id=int(data["id"]),
            version=int(data["version"]),
            schema=data["schema"],
            schema_type=data.get("schemaType") or "AVRO",
        )
        self._by_id[registered.id] = (registered.schema, registered.schema_type)
        return registered

    async def get_schema(self, schema_id: int) -> str:
        """The schema text with global id ``schema_id`` (cached)."""
        cached = self._by_id.get(schema_id)
        if cached is None:
            data = await self._request("GET", f"/schemas/ids/{int(schema_id)}")
            cached = (data["schema"], data.get("schemaType") or "AVRO")
            self._by_id[schema_id] = cached
        return cached[0]

    async def list_subjects(self) -> list[str]:
        return [str(s) for s in await self._request("GET", "/subjects")]

    async def list_versions(self, subject: str) -> list[int]:
        return [int(v) for v in await self._request("GET", f"/subjects/{_q(subject)}/versions")]

    async def check_compatibility(
        self, subject: str, schema: str | dict[str, Any], *, schema_type: str = "AVRO"
    ) -> bool:
        """Whether ``schema`` could be registered under ``subject`` (``True`` when the subject is new)."""
        body: dict[str, Any] = {"schema": schema_text(schema)}
        if schema_type != "AVRO":
            body["schemaType"] = schema_type
        try:
            data = await self._request("POST", f"/compatibility/subjects/{_q(subject)}/versions/latest", body)
        except SchemaNotFoundError:
            return True
        return bool(data.get("is_compatible"))

    async def get_compatibility(self, subject: str | None = None) -> str:
        """The compatibility rule of ``subject`` (or the global one)."""
        path = "/config" if subject is None else f"/config/{_q(subject)}"
        try:
            data = await self._request("GET", path)
        except SchemaNotFoundError:
            if subject is None:
                raise
            return await self.get_compatibility(None)
        return str(data.get("compatibilityLevel") or data.get("compatibility"))

    async def set_compatibility(self, level: Compatibility, subject: str | None = None) -> None:
        path = "/config" if subject is None else f"/config/{_q(subject)}"
        await self._request("PUT", path, {"compatibility": level})

    async def delete_subject(self, subject: str, *, permanent: bool = False) -> list[int]:
        versions = await self._request("DELETE", f"/subjects/{_q(subject)}")
        if permanent:
            await self._request("DELETE", f"/subjects/{_q(subject)}?permanent=true")
        return [int(v) for v in versions]


def _q(part: str) -> str:
    return quote(part, safe="")
