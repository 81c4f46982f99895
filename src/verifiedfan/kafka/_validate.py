"""The Avro check the producer runs before sending, per value, and its public face ``validate_record``.

``AvroFormatter.encode_many`` and :func:`validate_record` share :class:`CompiledSchema`: one pipeline
(fast pre-check, fastavro's ``validate`` to name the fields, unknown fields, logical ranges, then the
writer itself), so a record this function passes is a record the producer sends.
"""

from __future__ import annotations

import functools
import io
import json
from collections.abc import Callable
from typing import Any

from verifiedfan._optional import require
from verifiedfan.errors import ValidationError
from verifiedfan.kafka._avro_issues import explain, range_issues, unknown_issues
from verifiedfan.kafka._errors import FieldIssue, InvalidSchemaError
from verifiedfan.kafka._fastcheck import Check, UnknownFields, compile_check, compile_unknown_fields
from verifiedfan.kafka._logical import RangeCheck, compile_range_check

__all__ = ["validate_record"]  # CompiledSchema is internal to the formatter


class CompiledSchema:
    """The checks of one parsed Avro schema, compiled once."""

    __slots__ = ("_unknown", "_validate", "_validation_error", "_writer", "check", "parsed", "ranges")

    def __init__(self, parsed: Any) -> None:
        self.parsed = parsed
        self._writer: Callable[..., Any] = require("fastavro", "kafka").schemaless_writer
        validation = require("fastavro.validation", "kafka")
        self._validate: Callable[..., Any] = validation.validate
        self._validation_error: type[Exception] = validation.ValidationError
        self.check: Check = compile_check(parsed)
        self.ranges: RangeCheck | None = compile_range_check(parsed)
        self._unknown: UnknownFields | None = None

    def unknown(self) -> UnknownFields:
        if self._unknown is None:
            self._unknown = compile_unknown_fields(self.parsed)
        return self._unknown

    def explain(self, index: int, value: Any) -> list[FieldIssue]:
        return explain(self._validate, self._validation_error, index, value, self.parsed)

    def write(
        self, index: int, value: Any, buf: io.BytesIO, *, allow_unknown_fields: bool
    ) -> list[FieldIssue]:
        """Write ``value`` into ``buf``; or, without writing it, what is wrong with it."""
        if not self.check(value) and not self._validate(value, self.parsed, raise_errors=False):
            return self.explain(index, value)
        if not allow_unknown_fields and (extra := self.unknown()(value, "")):
            return unknown_issues(index, extra)
        if self.ranges is not None and (outside := self.ranges(value, "")):
            return range_issues(index, outside)
        try:
            self._writer(buf, self.parsed, value)
        except (TypeError, ValueError, AttributeError, KeyError):
            return self.explain(index, value)
        return []


def parse_avro_schema(schema: str | dict[str, Any] | list[Any]) -> Any:
    """Parse an Avro schema with fastavro, raising :class:`InvalidSchemaError` when it is not valid."""
    fastavro = require("fastavro", "kafka")
    try:
        loaded = json.loads(schema) if isinstance(schema, str) else schema
        return fastavro.parse_schema(loaded)
    except Exception as exc:  # fastavro raises several unrelated types for a bad schema
        raise InvalidSchemaError(f"invalid Avro schema: {exc}") from exc


@functools.lru_cache(maxsize=64)
def _compiled(schema_json: str) -> CompiledSchema:
    return CompiledSchema(parse_avro_schema(schema_json))


def validate_record(
    schema: str | dict[str, Any] | list[Any], record: Any, *, allow_unknown_fields: bool = False
) -> list[FieldIssue]:
    """The issues of ``record`` against the Avro ``schema`` (JSON text or its parsed JSON): empty
    when valid, i.e. when the producer would send it. Each :class:`FieldIssue` (index ``0``) names the
    field and what the schema expects, never the value. A key no field names is an issue unless
    ``allow_unknown_fields``. The schema is compiled once and cached (64 schemas).

    Raises :class:`~verifiedfan.kafka.InvalidSchemaError` for a schema that is not valid Avro.
    """
    if isinstance(schema, str):
        text = schema
    else:
        try:
            text = json.dumps(schema, sort_keys=True)
        except (TypeError, ValueError) as exc:
            raise ValidationError(f"schema must be Avro JSON, got {type(schema).__name__}") from exc
    compiled = _compiled(text)
    return compiled.write(0, record, io.BytesIO(), allow_unknown_fields=allow_unknown_fields)
