from __future__ import annotations

import json
from pathlib import Path

import pytest

from verifiedfan.errors import ConfigurationError
from verifiedfan.web import SchemaValidationError, SchemaValidator, json_path

ADDRESS = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {"zip": {"type": "string", "pattern": "^[0-9]{5}$"}, "country": {"enum": ["US", "CA"]}},
    "required": ["zip"],
    "additionalProperties": False,
}
REGISTRATION = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "email": {"type": "string", "format": "email"},
        "age": {"type": "integer", "minimum": 13},
        "address": {"$ref": "address.json"},
        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 3},
        "password": {"type": "string", "minLength": 12},
    },
    "required": ["email", "address"],
    "additionalProperties": False,
}


@pytest.fixture
def schemas(tmp_path: Path) -> Path:
    (tmp_path / "address.json").write_text(json.dumps(ADDRESS))
    (tmp_path / "registration.json").write_text(json.dumps(REGISTRATION))
    return tmp_path


def test_a_valid_document_is_returned(schemas: Path) -> None:
    validator = SchemaValidator.from_directory(schemas)
    doc = {"email": "fan@example.com", "age": 20, "address": {"zip": "10001", "country": "US"}}
    assert validator.validate(doc, "registration") is doc
    assert validator.is_valid(doc, "registration.json")


def test_every_problem_is_listed_with_its_json_path_across_refs(schemas: Path) -> None:
    validator = SchemaValidator.from_directory(schemas)
    doc = {
        "email": "not-an-email",
        "age": "twenty",
        "address": {"zip": "1", "country": "FR", "street": "x"},
        "tags": ["a", 2],
        "admin": True,
        "password": "hunter2",
    }
    with pytest.raises(SchemaValidationError, match=r"\$\.age: must be of type integer") as caught:
        validator.validate(doc, "registration")
    found = {(i.path, i.keyword) for i in caught.value.issues}
    assert found == {
        ("$.email", "format"),
        ("$.age", "type"),
        ("$.address.zip", "pattern"),
        ("$.address.country", "enum"),
        ("$.address.street", "additionalProperties"),
        ("$.tags[1]", "type"),
        ("$.admin", "additionalProperties"),
        ("$.password", "minLength"),
    }
    error = caught.value
    assert error.status == 400
    body = error.to_dict()
    assert {"path": "$.admin", "keyword": "additionalProperties", "message": "is not allowed"} in body[
        "errors"
    ]
    for secret in ("hunter2", "twenty", "not-an-email"):
        assert secret not in json.dumps(body)


def test_missing_required_fields_are_named_by_path(schemas: Path) -> None:
    validator = SchemaValidator.from_directory(schemas)
    issues = validator.issues({"address": {}}, "registration")
    assert [(i.path, i.message) for i in issues] == [
        ("$.address.zip", "is required"),
        ("$.email", "is required"),
    ]


def test_compiled_validators_are_cached(schemas: Path) -> None:
    validator = SchemaValidator.from_directory(schemas)
    first = validator._validator("registration")
    assert validator._validator("registration.json") is first
    assert validator._validator("https://schemas.verifiedfan.invalid/registration.json") is first


def test_schemas_with_an_id_are_found_by_it_and_resolve_relative_refs() -> None:
    base = "https://schemas.example.com/fans/"
    validator = SchemaValidator(
        {
            "fan": {
                "$id": base + "fan.json",
                "type": "object",
                "properties": {"a": {"$ref": "address.json"}},
            },
            "address": {"$id": base + "address.json", **{k: v for k, v in ADDRESS.items() if k != "$schema"}},
        }
    )
    assert validator.issues({"a": {"zip": "x"}}, base + "fan.json")[0].path == "$.a.zip"


def test_a_broken_schema_or_unknown_name_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="not a valid JSON schema"):
        SchemaValidator({"bad": {"type": "no-such-type"}})
    with pytest.raises(ConfigurationError, match="unknown schema 'nope'"):
        SchemaValidator({}).validate({}, "nope")
    (tmp_path / "x.json").write_text("{not json")
    with pytest.raises(ConfigurationError, match="cannot read schema"):
        SchemaValidator.from_directory(tmp_path)


def test_json_paths() -> None:
    assert json_path([]) == "$"
    assert json_path(["a", 0, "b c", "d"]) == '$.a[0]["b c"].d'


def test_the_official_json_schema_test_suite_case_for_ref_to_a_sibling() -> None:
    # JSON-Schema-Test-Suite draft2020-12 refRemote.json "base URI change": $id changes the base for $ref
    validator = SchemaValidator(
        {
            "root": {
                "$id": "http://localhost:1234/draft2020-12/",
                "items": {"$id": "baseUriChange/", "items": {"$ref": "folderInteger.json"}},
            },
            "folderInteger": {
                "$id": "http://localhost:1234/draft2020-12/baseUriChange/folderInteger.json",
                "type": "integer",
            },
        }
    )
    assert validator.is_valid([[1]], "root")
    assert not validator.is_valid([["a"]], "root")
