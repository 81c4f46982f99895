"""The I/O-free core: ObjectIds, update documents, options, index specs and error translation."""

from __future__ import annotations

from typing import Any

import pytest
from bson import ObjectId
from pymongo import errors as px

from verifiedfan.errors import NetworkError, ValidationError, VFTimeoutError
from verifiedfan.mongo import (
    DuplicateKeyError,
    IndexSpec,
    InvalidObjectIdError,
    MongoConnectionError,
    MongoError,
    MongoNotConnectedError,
    MongoOperationError,
    MongoTimeoutError,
    MongoValidationError,
    parse_object_id,
)
from verifiedfan.mongo._core import as_update, client_options, translate


def test_parse_object_id_accepts_an_object_id_and_its_string() -> None:
    oid = ObjectId()
    assert parse_object_id(oid) is oid
    assert parse_object_id(str(oid)) == oid


@pytest.mark.parametrize("value", ["nope", "", "z" * 24, 12, None, b"123456789012"])
def test_parse_object_id_rejects_anything_else_with_a_typed_error(value: Any) -> None:
    with pytest.raises(InvalidObjectIdError, match=r"^not an ObjectId: ") as info:
        parse_object_id(value)
    assert isinstance(info.value, ValidationError)
    assert isinstance(info.value, MongoError)


def test_a_plain_update_document_is_applied_with_set() -> None:
    assert as_update({"a": 1}) == {"$set": {"a": 1}}


def test_an_operator_update_is_kept() -> None:
    assert as_update({"$inc": {"n": 1}, "$set": {"a": 1}}) == {"$inc": {"n": 1}, "$set": {"a": 1}}


@pytest.mark.parametrize("update", [{}, {"$set": {"a": 1}, "b": 2}])
def test_empty_or_mixed_updates_are_rejected(update: dict[str, Any]) -> None:
    with pytest.raises(
        MongoValidationError,
        match=r"update document must not be empty|update mixes \$operators and plain fields",
    ):
        as_update(update)


def _options(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "hosts": "a, b:27019",
        "port": 27017,
        "username": None,
        "password": None,
        "replica_set": None,
        "auth_source": None,
        "read_preference": None,
        "server_selection_timeout": 5.0,
        "connect_timeout": 2.0,
        "socket_timeout": None,
        "max_pool_size": 10,
        "wait_queue_timeout": None,
        "max_idle_time": None,
        "app_name": None,
        "direct_connection": None,
    }
    return client_options(**{**base, **overrides})


def test_client_options_split_hosts_and_convert_seconds_to_ms() -> None:
    options = _options(replica_set="rs0", read_preference="secondaryPreferred", wait_queue_timeout=1.5)
    assert options["host"] == ["a", "b:27019"]
    assert options["serverSelectionTimeoutMS"] == 5000
    assert options["waitQueueTimeoutMS"] == 1500
    assert options["replicaSet"] == "rs0"
    assert options["readPreference"] == "secondaryPreferred"
    assert "username" not in options


def test_credentials_are_passed_as_options_never_in_a_uri() -> None:
    options = _options(username="svc", password="hunter2", auth_source="admin")
    assert options["password"] == "hunter2"
    assert all("hunter2" not in h for h in options["host"])


def test_a_mongodb_uri_is_kept_whole() -> None:
    assert _options(hosts="mongodb://a:1,b:2/?replicaSet=rs")["host"] == ["mongodb://a:1,b:2/?replicaSet=rs"]


def test_no_host_is_rejected() -> None:
    with pytest.raises(MongoValidationError, match="needs at least one host"):
        _options(hosts=" , ")


def test_index_spec_builds_the_index_model() -> None:
    model = IndexSpec(keys=[("email", 1), ("at", -1)], unique=True, name="by_email").to_model()
    assert model.document["key"] == {"email": 1, "at": -1}
    assert model.document["unique"] is True
    assert model.document["name"] == "by_email"
    assert IndexSpec(keys="email").to_model().document["key"] == {"email": 1}


def test_an_index_without_keys_is_rejected() -> None:
    with pytest.raises(MongoValidationError, match="an index needs at least one key"):
        IndexSpec(keys=[]).to_model()


def test_duplicate_key_is_translated_with_its_key_value() -> None:
    exc = px.DuplicateKeyError("E11000", 11000, {"code": 11000, "keyValue": {"email": "a@b.c"}})
    error = translate(exc, "insert_one", "users")
    assert isinstance(error, DuplicateKeyError)
    assert error.key_value == {"email": "a@b.c"}
    assert error.code == 11000


def test_a_bulk_write_with_a_duplicate_is_a_duplicate_key_error() -> None:
    exc = px.BulkWriteError({"writeErrors": [{"code": 11000, "keyValue": {"e": 1}}], "nInserted": 1})
    error = translate(exc, "insert_many", "users")
    assert isinstance(error, DuplicateKeyError)
    assert "1 inserted" in str(error)


@pytest.mark.parametrize(
    ("exc", "expected", "family"),
    [
        (px.ServerSelectionTimeoutError("a:27017: refused"), MongoTimeoutError, VFTimeoutError),
        (px.NetworkTimeout("slow"), MongoTimeoutError, VFTimeoutError),
        (px.ExecutionTimeout("maxTimeMS", 50), MongoTimeoutError, VFTimeoutError),
        (px.AutoReconnect("reset"), MongoConnectionError, NetworkError),
        (px.InvalidOperation("Cannot use MongoClient after close"), MongoNotConnectedError, MongoError),
        (px.OperationFailure("bad", 2), MongoOperationError, MongoError),
    ],
)
def test_pymongo_errors_are_translated(
    exc: Exception, expected: type[Exception], family: type[Exception]
) -> None:
    error = translate(exc, "find", "users")
    assert type(error) is expected
    assert isinstance(error, family)
    assert "users" in str(error)


def test_operation_failures_keep_the_server_code() -> None:
    error = translate(px.OperationFailure("not implemented", 238), "create_indexes", "c")
    assert isinstance(error, MongoOperationError)
    assert error.code == 238
