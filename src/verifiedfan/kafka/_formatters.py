"""Formatters turn message values into bytes and back: Avro through the registry, JSON, or a callable.

The Avro formatter writes the Confluent wire format: magic byte ``0``, the 4-byte big-endian schema
id, then the Avro body (fastavro ``schemaless_writer`` with the parsed schema cached per id). The
schema id is the latest version of ``<topic>-value``, cached for ``cache_ttl`` seconds.
"""

from __future__ import annotations

import asyncio
import inspect
import io
import json
import logging
import struct
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from verifiedfan._optional import require
from verifiedfan.kafka._avro_issues import summary
from verifiedfan.kafka._errors import (
    FieldIssue,
    MessageDecodeError,
    RegistryUnavailableError,
    SchemaValidationError,
)
from verifiedfan.kafka._logical import has_ranged_logical, range_safe
from verifiedfan.kafka._registry import SchemaRegistryClient
from verifiedfan.kafka._validate import CompiledSchema, parse_avro_schema

__all__ = [
    "AvroFormatter",
    "CallableFormatter",
    "Decoded",
    "EncodedBatch",
    "Formatter",
    "JsonFormatter",
    "pack_wire",
    "parse_avro_schema",
    "unpack_wire",
]

logger = logging.getLogger(__name__)
_MAGIC = 0
_HEADER = struct.Struct(">bI")


def pack_wire(schema_id: int, body: bytes) -> bytes:
    """The Confluent wire format: magic byte, 4-byte big-endian schema id, body."""
    return _HEADER.pack(_MAGIC, schema_id) + body


def unpack_wire(data: bytes) -> tuple[int, memoryview]:
    """Split Confluent wire-format bytes into ``(schema_id, body)``."""
    if not isinstance(data, bytes | bytearray | memoryview) or len(data) < _HEADER.size:
        raise MessageDecodeError("not a Confluent wire-format message: shorter than 5 bytes")
    magic, schema_id = _HEADER.unpack_from(data)
    if magic != _MAGIC:
        raise MessageDecodeError(f"not a Confluent wire-format message: magic byte {magic}, expected 0")
    return schema_id, memoryview(data)[_HEADER.size :]


@dataclass(frozen=True, slots=True)
class EncodedBatch:
    """The encoded values of a batch and the schema id they were written with (if any)."""

    payloads: list[bytes]
    schema_id: int | None = None


@dataclass(frozen=True, slots=True)
class Decoded:
    value: Any
    schema_id: int | None = None


@runtime_checkable
class Formatter(Protocol):
    """What the producer and the consumer need from a formatter."""

    async def encode_many(self, values: Sequence[Any], *, topic: str) -> EncodedBatch: ...

    async def decode(self, data: bytes, *, topic: str) -> Decoded: ...


class JsonFormatter:
    """UTF-8 JSON (the original ``jsonFormat``)."""

    async def encode_many(self, values: Sequence[Any], *, topic: str) -> EncodedBatch:
        payloads: list[bytes] = []
        errors: list[FieldIssue] = []
        for index, value in enumerate(values):
            try:
                payloads.append(json.dumps(value, separators=(",", ":")).encode())
            except (TypeError, ValueError) as exc:
                errors.append(FieldIssue(index, "", str(exc)))
        if errors:
            raise SchemaValidationError(summary(errors), errors=errors)
        return EncodedBatch(payloads)

    async def decode(self, data: bytes, *, topic: str) -> Decoded:
        try:
            return Decoded(json.loads(data))
        except (TypeError, ValueError) as exc:
            raise MessageDecodeError(f"not JSON: {exc}") from exc


class CallableFormatter:
    """Any function ``value -> bytes`` (sync or async); ``decoder`` is optional."""

    def __init__(
        self,
        encoder: Callable[[Any], bytes | Awaitable[bytes]],
        decoder: Callable[[bytes], Any] | None = None,
    ) -> None:
        self._encoder = encoder
        self._decoder = decoder

    async def encode_many(self, values: Sequence[Any], *, topic: str) -> EncodedBatch:
        payloads: list[bytes] = []
        errors: list[FieldIssue] = []
        for index, value in enumerate(values):
            out: Any
            try:
                out = self._encoder(value)
                if inspect.isawaitable(out):
                    out = await out
            except (TypeError, ValueError) as exc:
                errors.append(FieldIssue(index, "", str(exc)))
                continue
            if not isinstance(out, bytes | bytearray):
                errors.append(FieldIssue(index, "", f"formatter returned {type(out).__name__}, not bytes"))
                continue
            payloads.append(bytes(out))
        if errors:
            raise SchemaValidationError(summary(errors), errors=errors)
        return EncodedBatch(payloads)

    async def decode(self, data: bytes, *, topic: str) -> Decoded:
        if self._decoder is None:
            return Decoded(data)
        try:
            return Decoded(self._decoder(data))
        except Exception as exc:  # user code: any failure is a decode failure
            raise MessageDecodeError(f"decoder failed: {exc}") from exc


@dataclass
class _Latest:
    schema_id: int
    parsed: Any
    fetched_at: float


class AvroFormatter:
    """Avro in the Confluent wire format, with schemas from the registry.

    Encoding uses the latest version of ``subject`` (default ``<topic>-value``), re-fetched after
    ``cache_ttl`` seconds (a stale schema is kept, with a warning, if the registry is down then).
    Every value of a batch is validated before any is returned; a key that no field of the schema
    names is refused too (fastavro would silently drop it: a misspelt optional field would vanish),
    unless ``allow_unknown_fields=True``. Decoding fetches the writer's schema by id; with
    ``reader_schema`` the value is resolved to it (defaults filled, new fields dropped).
    """

    def __init__(
        self,
        registry: SchemaRegistryClient,
        *,
        subject: str | None = None,
        cache_ttl: float = 300.0,
        reader_schema: str | dict[str, Any] | None = None,
        clock: Callable[[], float] = time.monotonic,
        allow_unknown_fields: bool = False,
    ) -> None:
        self.registry = registry
        self.allow_unknown_fields = allow_unknown_fields
        self.subject = subject
        self.cache_ttl = cache_ttl
        self._clock = clock
        self._latest: dict[str, _Latest] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self._writers: dict[int, Any] = {}
        self._compiled: dict[int, CompiledSchema] = {}
        self._safe: dict[int, tuple[Any, Any]] = {}
        self._reader = None if reader_schema is None else parse_avro_schema(reader_schema)
        self._fastavro = require("fastavro", "kafka")

    def subject_for(self, topic: str) -> str:
        return self.subject or f"{topic}-value"

    def invalidate(self, topic: str | None = None) -> None:
        """Forget the cached latest schema (of one topic's subject, or all)."""
        if topic is None:
            self._latest.clear()
        else:
            self._latest.pop(self.subject_for(topic), None)

    async def latest(self, topic: str) -> tuple[int, Any]:
        """The ``(schema_id, parsed_schema)`` used to encode for ``topic``."""
        subject = self.subject_for(topic)
        cached = self._latest.get(subject)
        if cached is not None and self._clock() - cached.fetched_at < self.cache_ttl:
            return cached.schema_id, cached.parsed
        lock = self._locks.setdefault(subject, asyncio.Lock())
        async with lock:
            cached = self._latest.get(subject)
            if cached is not None and self._clock() - cached.fetched_at < self.cache_ttl:
                return cached.schema_id, cached.parsed
            try:
                registered = await self.registry.get_latest(subject)
            except RegistryUnavailableError:
                if cached is None:
                    raise
                logger.warning("schema registry unavailable; keeping schema id %d", cached.schema_id)
                cached.fetched_at = self._clock()
                return cached.schema_id, cached.parsed
            parsed = self._writers.get(registered.id) or parse_avro_schema(registered.schema)
            self._writers[registered.id] = parsed
            self._latest[subject] = _Latest(registered.id, parsed, self._clock())
            return registered.id, parsed

    async def encode_many(self, values: Sequence[Any], *, topic: str) -> EncodedBatch:
        schema_id, parsed = await self.latest(topic)
        header = _HEADER.pack(_MAGIC, schema_id)
        compiled = self._compiled.get(schema_id) or self._compiled.setdefault(
            schema_id, CompiledSchema(parsed)
        )
        allow_unknown = self.allow_unknown_fields
        payloads: list[bytes] = []
        errors: list[FieldIssue] = []
        for index, value in enumerate(values):
            buf = io.BytesIO()
            buf.write(header)
            issues = compiled.write(index, value, buf, allow_unknown_fields=allow_unknown)
            if issues:
                errors.extend(issues)
            else:
                payloads.append(buf.getvalue())
        if errors:
            raise SchemaValidationError(summary(errors, f"schema id {schema_id}"), errors=errors)
        return EncodedBatch(payloads, schema_id)

    async def writer_schema(self, schema_id: int) -> Any:
        parsed = self._writers.get(schema_id)
        if parsed is None:
            parsed = parse_avro_schema(await self.registry.get_schema(schema_id))
            self._writers[schema_id] = parsed
        return parsed

    async def decode(self, data: bytes, *, topic: str) -> Decoded:
        """The value of Confluent wire-format bytes. A date or time value Python cannot hold (year 0,
        past 9999...) comes back as an :class:`OutOfRangeValue` (the raw number), never an error."""
        schema_id, body = unpack_wire(data)
        writer = await self.writer_schema(schema_id)
        read = self._fastavro.schemaless_reader
        try:
            value = read(io.BytesIO(body), writer, self._reader)
        except Exception as exc:  # corrupt body or unresolvable schemas: fastavro raises many types
            out_of_range = isinstance(exc, OverflowError | ValueError | OSError)
            safe = self._range_safe(schema_id, writer) if out_of_range else None
            if safe is None:
                raise MessageDecodeError(
                    f"cannot decode Avro body with schema id {schema_id}: {exc}"
                ) from exc
            try:  # a logical value out of Python's range: read it again, keeping such values raw
                value = read(io.BytesIO(body), *safe)
            except Exception as again:
                raise MessageDecodeError(
                    f"cannot decode Avro body with schema id {schema_id}: {exc}"
                ) from again
        return Decoded(value, schema_id)

    def _range_safe(self, schema_id: int, writer: Any) -> tuple[Any, Any] | None:
        if schema_id not in self._safe:
            reader = self._reader
            if not (has_ranged_logical(writer) or has_ranged_logical(reader)):
                return None
            self._safe[schema_id] = (
                parse_avro_schema(range_safe(writer)),
                None if reader is None else parse_avro_schema(range_safe(reader)),
            )
        return self._safe[schema_id]
