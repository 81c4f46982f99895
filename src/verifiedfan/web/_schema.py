"""JSON-schema validation of request bodies (the legacy ``SchemaValidator`` and ``schemaDefs``).

Draft 2020-12 through ``jsonschema``, with every schema in one ``referencing`` registry so ``$ref``
between them resolves (by ``$id``, or by file name relative to :data:`DEFAULT_BASE_URI` for schemas
without one), formats checked, and one compiled validator per schema, cached. A failure is a
:class:`SchemaValidationError` (400) listing each problem with its JSON path (``$.address.zip``);
the messages name the rule, never the rejected value (it may be a secret).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from verifiedfan._optional import require
from verifiedfan.errors import ConfigurationError, ValidationError

__all__ = ["DEFAULT_BASE_URI", "SchemaIssue", "SchemaValidationError", "SchemaValidator", "json_path"]

DEFAULT_BASE_URI = "https://schemas.verifiedfan.invalid/"
"""Where schemas without an ``$id`` live, so relative ``$ref`` (``"address.json"``) resolves."""

MAX_ISSUES = 20
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True, slots=True)
class SchemaIssue:
    """One problem: where (a JSON path), which rule (the JSON-schema keyword) and what is wrong."""

    path: str
    keyword: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class SchemaValidationError(ValidationError):
    """The document does not match its schema (400); ``issues`` lists every problem found."""

    status = 400

    def __init__(self, what: str, issues: list[SchemaIssue]) -> None:
        shown = "; ".join(str(i) for i in issues)
        super().__init__(f"invalid {what}: {shown}")
        self.issues = issues

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["errors"] = [{"path": i.path, "keyword": i.keyword, "message": i.message} for i in self.issues]
        return out


def json_path(parts: Iterable[Any]) -> str:
    """``["address", "lines", 0]`` -> ``$.address.lines[0]`` (odd names quoted: ``$['a b']``)."""
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _IDENTIFIER.fullmatch(str(part)):
            out += f".{part}"
        else:
            out += f"[{json.dumps(str(part))}]"
    return out


def _extras(error: Any) -> list[str]:
    instance = error.instance
    if not isinstance(instance, dict):
        return []
    props = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
    patterns = error.schema.get("patternProperties", {}) if isinstance(error.schema, dict) else {}
    return [k for k in instance if k not in props and not any(re.search(p, k) for p in patterns)]


_RULES = {
    "minLength": "must be at least {} characters long",
    "maxLength": "must be at most {} characters long",
    "minimum": "must be greater than or equal to {}",
    "maximum": "must be less than or equal to {}",
    "exclusiveMinimum": "must be greater than {}",
    "exclusiveMaximum": "must be less than {}",
    "minItems": "must have at least {} items",
    "maxItems": "must have at most {} items",
    "minProperties": "must have at least {} fields",
    "maxProperties": "must have at most {} fields",
    "pattern": "must match the pattern {}",
    "format": "must be a valid {}",
    "multipleOf": "must be a multiple of {}",
}


def _issues(error: Any) -> list[SchemaIssue]:
    path = list(error.absolute_path)
    keyword = str(error.validator)
    value = error.validator_value
    if keyword == "required" and isinstance(error.instance, dict):
        missing = [name for name in value if name not in error.instance]
        return [SchemaIssue(json_path([*path, name]), keyword, "is required") for name in missing]
    if keyword == "additionalProperties":
        return [SchemaIssue(json_path([*path, name]), keyword, "is not allowed") for name in _extras(error)]
    if keyword == "unevaluatedProperties":
        return [SchemaIssue(json_path(path), keyword, "has fields that are not allowed")]
    if keyword == "type":
        kinds = value if isinstance(value, list) else [value]
        message = f"must be of type {' or '.join(str(k) for k in kinds)}"
    elif keyword in ("enum", "const"):
        allowed = value if keyword == "enum" else [value]
        message = f"must be one of {json.dumps(allowed)[:200]}"
    elif keyword in ("oneOf", "anyOf"):
        message = "does not match any of the allowed shapes"
    elif keyword in _RULES:
        message = _RULES[keyword].format(value)
    else:
        message = f"fails the '{keyword}' rule"
    return [SchemaIssue(json_path(path), keyword, message)]


class SchemaValidator:
    """Validate documents against a set of JSON schemas that may ``$ref`` each other.

    ``schemas`` maps a name (``"registration"`` or ``"registration.json"``) to a schema; a schema with
    an ``$id`` is also found by it. :meth:`from_directory` loads every ``*.json`` file below a folder
    (names are the relative paths). Schemas are checked against the Draft 2020-12 metaschema when
    loaded, so a broken schema fails at start-up, not on the first request.
    """

    def __init__(
        self,
        schemas: Mapping[str, Mapping[str, Any]] = {},
        *,
        base_uri: str = DEFAULT_BASE_URI,
        check_formats: bool = True,
        max_issues: int = MAX_ISSUES,
    ) -> None:
        self._jsonschema = require("jsonschema", "web")
        referencing = require("referencing", "web")
        from referencing.jsonschema import DRAFT202012

        self._validator_class = self._jsonschema.Draft202012Validator
        self._format_checker = self._validator_class.FORMAT_CHECKER if check_formats else None
        self.max_issues = max_issues
        self._uris: dict[str, str] = {}
        resources = []
        for name, schema in schemas.items():
            try:
                self._validator_class.check_schema(schema)
            except self._jsonschema.SchemaError as exc:
                where = json_path(exc.absolute_path)
                raise ConfigurationError(f"schema {name!r} is not a valid JSON schema at {where}") from exc
            file_name = name if name.endswith(".json") else f"{name}.json"
            uri = schema.get("$id") or base_uri + file_name
            resource = referencing.Resource.from_contents(dict(schema), default_specification=DRAFT202012)
            resources.append((uri, resource))
            for alias in {name, name.removesuffix(".json"), file_name, uri}:
                self._uris[alias] = uri
            if base_uri + file_name != uri:
                resources.append((base_uri + file_name, resource))
        self.registry = referencing.Registry().with_resources(resources).crawl()
        self._compiled: dict[str, Any] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_directory(cls, directory: str | Path, **options: Any) -> SchemaValidator:
        """Every ``*.json`` schema below ``directory``, named by its relative path."""
        root = Path(directory)
        if not root.is_dir():
            raise ConfigurationError(f"schema directory not found: {root}")
        schemas: dict[str, Mapping[str, Any]] = {}
        for path in sorted(root.rglob("*.json")):
            try:
                schemas[path.relative_to(root).as_posix()] = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise ConfigurationError(f"cannot read schema {path}: {exc}") from exc
        return cls(schemas, **options)

    @property
    def names(self) -> list[str]:
        """Every name and URI a schema can be asked for by."""
        return sorted(self._uris)

    def _validator(self, schema: str) -> Any:
        uri = self._uris.get(schema)
        if uri is None:
            raise ConfigurationError(f"unknown schema {schema!r}")
        compiled = self._compiled.get(uri)
        if compiled is None:
            with self._lock:
                compiled = self._compiled.get(uri)
                if compiled is None:
                    compiled = self._validator_class(
                        {"$ref": uri}, registry=self.registry, format_checker=self._format_checker
                    )
                    self._compiled[uri] = compiled
        return compiled

    def issues(self, instance: Any, schema: str) -> list[SchemaIssue]:
        """Every problem of ``instance`` against ``schema`` (empty when it is valid), by path."""
        found: list[SchemaIssue] = []
        for error in self._validator(schema).iter_errors(instance):
            found.extend(_issues(error))
            if len(found) >= self.max_issues:
                break
        return sorted(found, key=lambda i: (i.path, i.keyword))[: self.max_issues]

    def is_valid(self, instance: Any, schema: str) -> bool:
        """Whether ``instance`` matches ``schema``."""
        return bool(self._validator(schema).is_valid(instance))

    def validate(self, instance: Any, schema: str, *, what: str = "request body") -> Any:
        """Return ``instance`` when it matches ``schema``; raise :class:`SchemaValidationError` (400)."""
        found = self.issues(instance, schema)
        if found:
            raise SchemaValidationError(what, found)
        return instance
