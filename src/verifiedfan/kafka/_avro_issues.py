"""Validation messages of the Avro formatter: each names the message, the field, what the schema
expects and what was found, never the value (payloads carry personal data that must not reach logs).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from typing import Any

from verifiedfan.kafka._errors import FieldIssue

__all__: list[str] = []  # internal to the formatters


def explain(
    validate: Callable[..., Any], error: type[Exception], index: int, value: Any, parsed: Any
) -> list[FieldIssue]:
    """What is wrong with ``value`` (message ``index``), from fastavro's ``validate`` errors."""
    try:
        validate(value, parsed, raise_errors=True)
    except error as exc:  # carries ValidationErrorData items
        prefix = f"{parsed.get('name', '')}." if isinstance(parsed, dict) else ""
        expected: dict[str, list[str]] = {}
        got: dict[str, str] = {}
        for item in getattr(exc, "errors", ()):
            name = str(getattr(item, "field", "") or "").removeprefix(prefix)
            datum = getattr(item, "datum", None)
            schema = getattr(item, "schema", None)
            wanted = _describe(schema)
            expected.setdefault(name, []).append(wanted)  # union branches: one entry each
            if datum is None:
                found = "null" if _present(value, name) else "nothing (the field is missing)"
            elif isinstance(schema, dict) and schema.get("type") == "enum" and isinstance(datum, str):
                found = "a str that is not one of the symbols"
            else:
                found = type(datum).__name__
            if isinstance(datum, int) and wanted in {"int", "long"}:
                found = f"{found} out of range"
            got[name] = found
        if expected:
            return [
                FieldIssue(index, name, f"expected {' | '.join(kinds)}, got {got[name]}")
                for name, kinds in expected.items()
            ]
    return [FieldIssue(index, "", "value does not match the schema")]


def _describe(schema: Any) -> str:
    if isinstance(schema, dict):
        if schema.get("type") == "enum":
            symbols = ", ".join(repr(s) for s in schema.get("symbols", ()))
            return f"enum {str(schema.get('name')).rpartition('.')[2]} (one of {symbols})"
        return str(schema.get("name") or schema.get("type"))
    if isinstance(schema, list):
        return " | ".join(_describe(s) for s in schema)
    return str(schema)


def _present(value: Any, path: str) -> bool:
    """Whether ``path`` names a key present in ``value`` (whatever its value). fastavro names a field
    of a nested record ``<record full name>.<field>``: that one is looked for anywhere in ``value``."""
    found: Any = value
    for part in path.split(".") if path else ():
        if not isinstance(found, dict) or part not in found:
            return "." in path and _holds_key(value, path.rpartition(".")[2])
        found = found[part]
    return True


def _holds_key(value: Any, key: str) -> bool:
    if isinstance(value, dict):
        return key in value or any(_holds_key(v, key) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_holds_key(v, key) for v in value)
    return False


def range_issues(index: int, outside: list[tuple[str, str]]) -> list[FieldIssue]:
    issues = []
    for path, logical in outside:
        span = "one day" if logical.startswith("time-") else "the years 1-9999"
        issues.append(
            FieldIssue(
                index,
                path,
                f"expected {logical} within {span}, got int out of range (a consumer could not read it "
                "back as a date or time; a microsecond count in a millisecond field?)",
            )
        )
    return issues


def unknown_issues(index: int, found: list[tuple[str, frozenset[str]]]) -> list[FieldIssue]:
    issues = []
    for path, known in found:
        close = difflib.get_close_matches(path.rpartition(".")[2], sorted(known), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        issues.append(
            FieldIssue(
                index,
                path,
                f"unknown field, not in the schema{hint}; pass allow_unknown_fields=True to drop "
                "unknown fields instead of refusing them",
            )
        )
    return issues


def summary(errors: Sequence[FieldIssue], where: str = "") -> str:
    shown = "; ".join(
        f"message {e.index}: {e.field + ': ' if e.field else ''}{e.problem}" for e in errors[:5]
    )
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    suffix = f" [{where}]" if where else ""
    return f"batch refused, nothing sent: {shown}{more}{suffix}"
