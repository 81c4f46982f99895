"""The I/O-free core shared by :class:`Mongo` and :class:`SyncMongo`.

Client options, ObjectId parsing, update documents, index specs, result models and the translation of
pymongo errors live here, so the async client and its sync twin behave identically.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from verifiedfan.mongo._errors import (
    DuplicateKeyError,
    InvalidObjectIdError,
    MongoConnectionError,
    MongoError,
    MongoNotConnectedError,
    MongoOperationError,
    MongoTimeoutError,
    MongoValidationError,
)

if TYPE_CHECKING:
    from bson import ObjectId

__all__ = [
    "AsyncInstrument",
    "DeleteResult",
    "Document",
    "IndexSpec",
    "SyncInstrument",
    "UpdateResult",
    "parse_object_id",
]

Document = Mapping[str, Any]
AsyncInstrument = Callable[[str, str, Callable[[], Awaitable[Any]]], Awaitable[Any]]
"""``instrument(op_name, collection, call)``: must await ``call()`` once and return its result."""
SyncInstrument = Callable[[str, str, Callable[[], Any]], Any]
"""The sync twin's hook: ``instrument(op_name, collection, call)`` returns ``call()``."""

ReadPreference = Literal["primary", "primaryPreferred", "secondary", "secondaryPreferred", "nearest"]


@dataclass(frozen=True)
class IndexSpec:
    """One index: ``keys`` as ``[("field", 1), ("other", -1)]`` (or a single field name)."""

    keys: str | Sequence[tuple[str, int | str]]
    unique: bool = False
    name: str | None = None
    sparse: bool = False
    expire_after_seconds: int | None = None

    def to_model(self) -> Any:
        from pymongo import IndexModel

        keys = [(self.keys, 1)] if isinstance(self.keys, str) else list(self.keys)
        if not keys:
            raise MongoValidationError("an index needs at least one key")
        options: dict[str, Any] = {"unique": self.unique}
        if self.name:
            options["name"] = self.name
        if self.sparse:
            options["sparse"] = True
        if self.expire_after_seconds is not None:
            options["expireAfterSeconds"] = self.expire_after_seconds
        return IndexModel(keys, **options)


@dataclass(frozen=True)
class UpdateResult:
    """What an update or upsert changed."""

    matched_count: int
    modified_count: int
    upserted_id: Any = None


@dataclass(frozen=True)
class DeleteResult:
    """How many documents a delete removed."""

    deleted_count: int


def parse_object_id(value: object) -> ObjectId:
    """``value`` as an ObjectId (an ObjectId, or its 24-hex-digit string); a typed error otherwise."""
    from bson import ObjectId

    if isinstance(value, ObjectId):
        return value
    if isinstance(value, str) and ObjectId.is_valid(value):
        return ObjectId(value)
    raise InvalidObjectIdError(f"not an ObjectId: {value!r}"[:120])


def as_update(update: Document) -> dict[str, Any]:
    """An update document: operators as given, or a plain document wrapped in ``$set``."""
    if not update:
        raise MongoValidationError("an update document must not be empty")
    operators = [k.startswith("$") for k in update]
    if all(operators):
        return dict(update)
    if any(operators):
        raise MongoValidationError("an update mixes $operators and plain fields")
    return {"$set": dict(update)}


def client_options(
    *,
    hosts: str | Sequence[str],
    port: int,
    username: str | None,
    password: str | None,
    replica_set: str | None,
    auth_source: str | None,
    read_preference: str | None,
    server_selection_timeout: float,
    connect_timeout: float,
    socket_timeout: float | None,
    max_pool_size: int,
    wait_queue_timeout: float | None,
    max_idle_time: float | None,
    app_name: str | None,
    direct_connection: bool | None,
) -> dict[str, Any]:
    """Keyword arguments for ``AsyncMongoClient``/``MongoClient``.

    ``hosts`` is ``"h1,h2:27019"``, a list of hosts, or one ``mongodb://`` URI (as ``vf stack env``
    prints it); ``username``/``password`` are passed as options, never spliced into a URI.
    """
    if isinstance(hosts, str):
        is_uri = hosts.startswith(("mongodb://", "mongodb+srv://"))
        hosts = [hosts] if is_uri else hosts.split(",")
    host_list = [h.strip() for h in hosts]
    host_list = [h for h in host_list if h]
    if not host_list:
        raise MongoValidationError("Mongo needs at least one host")
    options: dict[str, Any] = {
        "host": host_list,
        "port": port,
        "serverSelectionTimeoutMS": int(server_selection_timeout * 1000),
        "connectTimeoutMS": int(connect_timeout * 1000),
        "maxPoolSize": max_pool_size,
        "tz_aware": True,
    }
    optional = {
        "username": username,
        "password": password,
        "replicaSet": replica_set,
        "authSource": auth_source,
        "readPreference": read_preference,
        "socketTimeoutMS": None if socket_timeout is None else int(socket_timeout * 1000),
        "waitQueueTimeoutMS": None if wait_queue_timeout is None else int(wait_queue_timeout * 1000),
        "maxIdleTimeMS": None if max_idle_time is None else int(max_idle_time * 1000),
        "appname": app_name,
        "directConnection": direct_connection,
    }
    options.update({k: v for k, v in optional.items() if v is not None})
    return options


def translate(exc: BaseException, op: str, collection: str) -> MongoError:
    """The ``MongoError`` for a pymongo/bson exception (the caller chains it with ``from``)."""
    from bson.errors import BSONError
    from pymongo import errors as px

    where = f"mongo {op} on {collection!r}"
    if isinstance(exc, px.DuplicateKeyError):
        details = exc.details or {}
        return DuplicateKeyError(
            f"{where}: duplicate key", key_value=details.get("keyValue"), details=details
        )
    if isinstance(exc, px.BulkWriteError):
        errors = (exc.details or {}).get("writeErrors", [])
        dup = next((e for e in errors if e.get("code") == 11000), None)
        if dup is not None:
            return DuplicateKeyError(
                f"{where}: duplicate key ({len(errors)} write error(s), "
                f"{(exc.details or {}).get('nInserted', 0)} inserted)",
                key_value=dup.get("keyValue"),
                details=exc.details,
            )
        return MongoOperationError(f"{where}: bulk write failed", code=exc.code, details=exc.details)
    if isinstance(exc, px.ExecutionTimeout | px.NetworkTimeout | px.WaitQueueTimeoutError | px.WTimeoutError):
        return MongoTimeoutError(f"{where} timed out: {exc}")
    if isinstance(exc, px.ServerSelectionTimeoutError):
        return MongoTimeoutError(f"{where}: no server reachable in time: {str(exc).split(',')[0]}")
    if isinstance(exc, px.ConnectionFailure):
        return MongoConnectionError(f"{where}: connection failed: {exc}")
    if isinstance(exc, px.InvalidOperation) and "after close" in str(exc):
        return MongoNotConnectedError(f"{where}: the client is closed")
    if isinstance(exc, px.OperationFailure):
        return MongoOperationError(f"{where} failed: {exc}", code=exc.code, details=exc.details)
    if isinstance(exc, BSONError | px.InvalidOperation | TypeError):
        return MongoValidationError(f"{where}: invalid input: {exc}")
    return MongoError(f"{where} failed: {exc}")
