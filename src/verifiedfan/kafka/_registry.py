"""A small async client for the Confluent Schema Registry API (also served by Apicurio's ``ccompat``).

Why not confluent-kafka's ``SchemaRegistryClient``: it is synchronous (every call would need a
thread), and its errors and retries are its own. This client is an
:class:`~verifiedfan.http.ApiClient`: the HTTP core retries network failures, 429 and 5xx (with the
``Retry-After`` cap), correlation ids, hooks (tracing, metrics) and redaction come with it, and the
error map translates every answer into the :class:`KafkaError` family. ``transport=`` injects an
httpx transport (tests pass the in-memory fake registry of :mod:`verifiedfan.testing.kafka`),
``http=`` a configured :class:`~verifiedfan.http.HttpClient`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import httpx

from verifiedfan.errors import (
    HTTPStatusError,
    RateLimitedError,
    ServerError,
    TransportError,
    VFError,
    VFTimeoutError,
)
from verifiedfan.http import ApiClient, ErrorMap, ErrorRule, HttpClient, HttpHook, Timeouts, body_field
from verifiedfan.http import RetryPolicy as HttpRetryPolicy
from verifiedfan.kafka._errors import (
    InvalidSchemaError,
    RegistryUnavailableError,
    RegistryUrlError,
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
_HEADERS = {"accept": _CONTENT_TYPE, "content-type": _CONTENT_TYPE}


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


def _message(error: HTTPStatusError) -> str:
    detail = body_field(error, "message") or error.body
    return f"schema registry: {error.method} {error.url} returned {error.status_code}: {detail}"


def _code(error: HTTPStatusError) -> int | None:
    code = body_field(error, "error_code")
    return code if isinstance(code, int) and not isinstance(code, bool) else None


def _factory(cls: type[SchemaRegistryError]) -> Callable[[HTTPStatusError, str], VFError]:
    def build(error: HTTPStatusError, message: str) -> VFError:
        return cls(_message(error), status=error.status_code, error_code=_code(error))

    return build


def _not_confluent(error: HTTPStatusError, message: str) -> VFError:
    root = (error.url or "").split("/subjects")[0].split("/schemas")[0].split("/config")[0]
    return RegistryUrlError(
        f"schema registry: {root} answered 404 without a Confluent error_code: it is not the root of a "
        "Confluent Schema Registry API (for Apicurio Registry the root ends with /apis/ccompat/v7)",
        status=404,
    )


def _retry_policy(
    retry: HttpRetryPolicy | None, sleep: Callable[[float], Awaitable[None]]
) -> HttpRetryPolicy:
    """``retry`` (default: the registry's schedule), waiting with the client's ``sleep`` if one is given."""
    policy = retry if retry is not None else RetryPolicy()
    return policy if sleep is asyncio.sleep else dataclasses.replace(policy, sleep=sleep)


class SchemaRegistryClient(ApiClient):
    """Async client of the Confluent Schema Registry REST API.

    ``url`` is the API root (for Apicurio: ``http://host:port/apis/ccompat/v7``; a root without it
    raises :class:`RegistryUrlError` at the first call instead of a misleading
    :class:`SchemaNotFoundError`). ``retry`` is any :class:`verifiedfan.http.RetryPolicy` (default
    :class:`verifiedfan.kafka.RegistryRetryPolicy`); after the last retry the call raises
    :class:`RegistryUnavailableError`. Lookups by id are cached forever (ids are immutable); nothing
    else is cached here.
    """

    service_name = "schema_registry"
    error_map = ErrorMap(
        {
            404: [
                ErrorRule(_factory(SchemaNotFoundError), when=lambda e: _code(e) is not None),
                ErrorRule(_not_confluent),
            ],
            409: ErrorRule(_factory(SchemaIncompatibleError)),
            422: ErrorRule(lambda e, m: InvalidSchemaError(_message(e), status=422)),
        },
        default=ErrorRule(
            _factory(SchemaRegistryError), when=lambda e: not isinstance(e, RateLimitedError | ServerError)
        ),
    )

    def __init__(
        self,
        *,
        url: str,
        retry: HttpRetryPolicy | None = None,
        timeout: float = 10.0,
        http: HttpClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        hooks: Sequence[HttpHook] = (),
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._options: dict[str, Any] = {
            "retry": _retry_policy(retry, sleep),
            "timeouts": Timeouts(total=timeout, connect=min(5.0, timeout)),
            "transport": transport,
            "hooks": hooks,
        }
        super().__init__(base_url=url, http=http, **(self._options if http is None else {}))
        self.url = self.base_url
        self._by_id: dict[int, tuple[str, str]] = {}

    # -- requests ---------------------------------------------------------------------------------

    async def _request(
        self,
        method: str,
        route: str,
        body: dict[str, Any] | None = None,
        params: dict[str, str] | None = None,
        **path: Any,
    ) -> Any:
        if self._owns_http and self._http.closed:  # used again after aclose(): open a new pool
            self._http = ApiClient(base_url=self.base_url, **self._options).http
        content = None if body is None else json.dumps(body).encode()
        try:
            return await self._call_json(
                method,
                route,
                path=path,
                params=params,
                data=content,
                headers=_HEADERS,
                retry_non_idempotent=True,
            )
        except (TransportError, VFTimeoutError, ServerError, RateLimitedError) as exc:
            notes = "; ".join(getattr(exc, "__notes__", ()))
            raise RegistryUnavailableError(
                f"schema registry unavailable at {self.url} ({exc}{'; ' + notes if notes else ''})"
            ) from exc

    # -- API --------------------------------------------------------------------------------------

    async def register(self, subject: str, schema: str | dict[str, Any], *, schema_type: str = "AVRO") -> int:
        """Register ``schema`` under ``subject`` (idempotent: the same schema returns the same id)."""
        body: dict[str, Any] = {"schema": schema_text(schema)}
        if schema_type != "AVRO":
            body["schemaType"] = schema_type
        data = await self._request("POST", "/subjects/{subject}/versions", body, subject=subject)
        return int(data["id"])

    async def get_latest(self, subject: str) -> RegisteredSchema:
        """The latest version of ``subject``."""
        return await self.get_version(subject, "latest")

    async def get_version(self, subject: str, version: int | str) -> RegisteredSchema:
        data = await self._request(
            "GET", "/subjects/{subject}/versions/{version}", subject=subject, version=version
        )
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
            data = await self._request("GET", "/schemas/ids/{id}", id=int(schema_id))
            cached = (data["schema"], data.get("schemaType") or "AVRO")
            self._by_id[schema_id] = cached
        return cached[0]

    async def list_subjects(self) -> list[str]:
        return [str(s) for s in await self._request("GET", "/subjects")]

    async def list_versions(self, subject: str) -> list[int]:
        return [int(v) for v in await self._request("GET", "/subjects/{subject}/versions", subject=subject)]

    async def check_compatibility(
        self, subject: str, schema: str | dict[str, Any], *, schema_type: str = "AVRO"
    ) -> bool:
        """Whether ``schema`` could be registered under ``subject`` (``True`` when the subject is new)."""
        body: dict[str, Any] = {"schema": schema_text(schema)}
        if schema_type != "AVRO":
            body["schemaType"] = schema_type
        try:
            data = await self._request(
                "POST", "/compatibility/subjects/{subject}/versions/latest", body, subject=subject
            )
        except RegistryUrlError:
            raise
        except SchemaNotFoundError:
            return True
        return bool(data.get("is_compatible"))

    async def get_compatibility(self, subject: str | None = None) -> str:
        """The compatibility rule of ``subject`` (or the global one)."""
        try:
            if subject is None:
                data = await self._request("GET", "/config")
            else:
                data = await self._request("GET", "/config/{subject}", subject=subject)
        except RegistryUrlError:
            raise
        except SchemaNotFoundError:
            if subject is None:
                raise
            return await self.get_compatibility(None)
        return str(data.get("compatibilityLevel") or data.get("compatibility"))

    async def set_compatibility(self, level: Compatibility, subject: str | None = None) -> None:
        if subject is None:
            await self._request("PUT", "/config", {"compatibility": level})
        else:
            await self._request("PUT", "/config/{subject}", {"compatibility": level}, subject=subject)

    async def delete_subject(self, subject: str, *, permanent: bool = False) -> list[int]:
        versions = await self._request("DELETE", "/subjects/{subject}", subject=subject)
        if permanent:
            await self._request(
                "DELETE", "/subjects/{subject}", params={"permanent": "true"}, subject=subject
            )
        return [int(v) for v in versions]
