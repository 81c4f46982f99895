"""Assertions with readable failures: partial field matching and JSON Schema validation.

Both report every difference by JSON path (``$.fan.email``) and add a unified diff, so a failing
scenario says what was expected and what arrived without re-running it under a debugger.
Documents are made JSON-shaped first (:func:`jsonable`: ObjectId and datetimes become strings).
"""

from __future__ import annotations

import base64
import datetime as dt
import difflib
import json
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from verifiedfan._optional import require
from verifiedfan.testing.bdd._errors import BddAssertionError, BddUsageError

__all__ = [
    "FieldMismatch",
    "SchemaIssue",
    "assert_fields",
    "assert_matches_schema",
    "field_mismatches",
    "jsonable",
    "parse_json",
    "render",
    "schema_issues",
]

_MAX_DOC = 3000
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


MISSING: Any = _Missing()


def jsonable(value: Any) -> Any:
    """``value`` with only JSON types: ObjectId/UUID/Decimal -> str, datetime -> ISO 8601, bytes -> base64."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    return str(value)  # ObjectId, Int64, enums...


def render(text: str, variables: Mapping[str, Any]) -> str:
    """Replace ``${name}`` with ``variables[name]`` (``$gt`` and other ``$`` words are left alone)."""

    def repl(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in variables:
            known = ", ".join(sorted(variables)) or "none"
            raise BddUsageError(f"unknown variable ${{{name}}} (known: {known})")
        return str(variables[name])

    return _VAR.sub(repl, text)


def parse_json(text: str, *, what: str = "docstring") -> Any:
    """JSON text (a step's docstring) as a value, with the position of a syntax error."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BddUsageError(
            f"{what} is not valid JSON: {exc.msg} at line {exc.lineno} col {exc.colno}"
        ) from exc


@dataclass(frozen=True, slots=True)
class FieldMismatch:
    """One difference between an expected partial document and the actual one."""

    path: str
    expected: Any
    actual: Any

    def __str__(self) -> str:
        if self.actual is MISSING:
            return f"{self.path}: missing (expected {self.expected!r})"
        return f"{self.path}: expected {self.expected!r}, got {self.actual!r}"


def _same(expected: Any, actual: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    return bool(expected == actual)


def field_mismatches(actual: Any, expected: Any, path: str = "$") -> list[FieldMismatch]:
    """The differences between ``actual`` and the partial ``expected``.

    Objects match when every expected key matches (extra keys are ignored); lists match element by
    element and must have the same length; scalars must be equal (``True`` is not ``1``).
    """
    if isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            return [FieldMismatch(path, dict(expected), actual)]
        out: list[FieldMismatch] = []
        for key, want in expected.items():
            sub = f"{path}.{key}"
            if key not in actual:
                out.append(FieldMismatch(sub, want, MISSING))
            else:
                out.extend(field_mismatches(actual[key], want, sub))
        return out
    if isinstance(expected, list):
        if (
            not isinstance(actual, Sequence)
            or isinstance(actual, str | bytes)
            or len(actual) != len(expected)
        ):
            return [FieldMismatch(path, expected, actual)]
        return [
            m
            for i, (a, e) in enumerate(zip(actual, expected, strict=True))
            for m in field_mismatches(a, e, f"{path}[{i}]")
        ]
    return [] if _same(expected, actual) else [FieldMismatch(path, expected, actual)]


def _project(actual: Any, expected: Any) -> Any:
    """The part of ``actual`` that ``expected`` talks about (for a focused diff)."""
    if isinstance(expected, Mapping) and isinstance(actual, Mapping):
        return {k: _project(actual[k], v) for k, v in expected.items() if k in actual}
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        return [_project(a, e) for a, e in zip(actual, expected, strict=True)]
    return actual


def _pretty(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=str)


def _clip(text: str) -> str:
    return (
        text if len(text) <= _MAX_DOC else text[:_MAX_DOC] + f"\n... ({len(text) - _MAX_DOC} more characters)"
    )


def assert_fields(actual: Any, expected: Any, *, what: str = "value") -> None:
    """Raise :class:`BddAssertionError` listing each mismatch and a unified diff (expected vs actual)."""
    actual = jsonable(actual)
    mismatches = field_mismatches(actual, expected)
    if not mismatches:
        return
    diff = difflib.unified_diff(
        _pretty(expected).splitlines(),
        _pretty(_project(actual, expected)).splitlines(),
        fromfile="expected",
        tofile="actual",
        lineterm="",
    )
    lines = [f"{what} does not match ({len(mismatches)} difference{'s' * (len(mismatches) > 1)}):"]
    lines += [f"  {m}" for m in mismatches]
    lines += ["", *diff]
    raise BddAssertionError("\n".join(lines))


@dataclass(frozen=True, slots=True)
class SchemaIssue:
    """One JSON Schema violation: where (``$.a[0].b``), the keyword that failed, and the message."""

    path: str
    keyword: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}   [{self.keyword}]"


def _json_path(parts: Sequence[Any]) -> str:
    return "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)


def schema_issues(instance: Any, schema: Mapping[str, Any]) -> list[SchemaIssue]:
    """Every violation of ``schema`` by ``instance`` (made JSON-shaped first), sorted by path.

    The schema's ``$schema`` picks the draft (default 2020-12); an invalid schema raises
    :class:`BddUsageError`.
    """
    jsonschema = require("jsonschema", "bdd")
    validator_cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    try:
        validator_cls.check_schema(schema)
    except jsonschema.exceptions.SchemaError as exc:
        raise BddUsageError(f"invalid JSON schema: {exc.message}") from exc
    errors = validator_cls(schema, format_checker=validator_cls.FORMAT_CHECKER).iter_errors(
        jsonable(instance)
    )
    issues = [
        SchemaIssue(_json_path(list(e.absolute_path)), str(e.validator), _short(e.message)) for e in errors
    ]
    return sorted(issues, key=lambda i: (i.path, i.keyword, i.message))


def _short(message: str) -> str:
    return message if len(message) <= 300 else message[:300] + "..."


def assert_matches_schema(
    instance: Any, schema: Mapping[str, Any], *, what: str = "value", schema_name: str = ""
) -> None:
    """Raise :class:`BddAssertionError` listing every violation by path, followed by the document."""
    issues = schema_issues(instance, schema)
    if not issues:
        return
    name = f" {schema_name!r}" if schema_name else ""
    lines = [f"{what} does not match the JSON schema{name} ({len(issues)} problem{'s' * (len(issues) > 1)}):"]
    lines += [f"  {i}" for i in issues]
    lines += ["", f"{what}:", _clip(_pretty(jsonable(instance)))]
    raise BddAssertionError("\n".join(lines))
