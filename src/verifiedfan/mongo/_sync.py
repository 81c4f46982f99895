# Generated from src/verifiedfan/mongo/_async.py by scripts/unasync.py: do not edit.
# Change the async source, then run `python scripts/unasync.py`.
"""``SyncMongo``: a MongoDB database on pymongo's native clients, not Motor (``_sync.py`` is generated)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from verifiedfan._optional import require
from verifiedfan.mongo._core import (
    DeleteResult,
    Document,
    IndexSpec,
    SyncInstrument,
    UpdateResult,
    as_update,
    client_options,
    parse_object_id,
    translate,
)
from verifiedfan.mongo._errors import MongoNotConnectedError

if TYPE_CHECKING:
    from pymongo import MongoClient
    from pymongo.synchronous.collection import Collection
    from pymongo.synchronous.cursor import Cursor

    from verifiedfan.mongo._settings import MongoSettings

__all__ = ["SyncMongo", "SyncMongoCollection", "SyncMongoCursor"]

logger = logging.getLogger(__name__)
T = TypeVar("T")


class SyncMongo:
    """A MongoDB database on pymongo's native client, created on first use; :meth:`close` when done.

    The async client is bound to the event loop it was first used in; used from another loop
    (pytest's per-test loops, a worker restarting its loop), a fresh client is made for that loop, and
    ``release()`` closes the running loop's client before that loop ends. The blocking twin's client
    is created once (thread-safe) and shared by threads. ``instrument`` wraps every operation:
    ``instrument(op_name, collection, call)`` must return ``call()``.
    """

    def __init__(
        self,
        *,
        hosts: str | Sequence[str],
        db_name: str,
        port: int = 27017,
        username: str | None = None,
        password: str | None = None,
        replica_set: str | None = None,
        auth_source: str | None = None,
        read_preference: str | None = None,
        server_selection_timeout: float = 5.0,
        connect_timeout: float = 5.0,
        socket_timeout: float | None = None,
        max_pool_size: int = 100,
        wait_queue_timeout: float | None = None,
        max_idle_time: float | None = None,
        app_name: str | None = None,
        direct_connection: bool | None = None,
        instrument: SyncInstrument | None = None,
        client_factory: Callable[..., MongoClient[Any]] | None = None,
    ) -> None:
        self._options = client_options(
            hosts=hosts,
            port=port,
            username=username,
            password=password,
            replica_set=replica_set,
            auth_source=auth_source,
            read_preference=read_preference,
            server_selection_timeout=server_selection_timeout,
            connect_timeout=connect_timeout,
            socket_timeout=socket_timeout,
            max_pool_size=max_pool_size,
            wait_queue_timeout=wait_queue_timeout,
            max_idle_time=max_idle_time,
            app_name=app_name,
            direct_connection=direct_connection,
        )
        self.db_name = db_name
        self.instrument = instrument
        self._factory = client_factory
        self._client: MongoClient[Any] | None = None
        self._closed = False
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: MongoSettings, **overrides: Any) -> SyncMongo:
        """A client configured by :class:`MongoSettings` (``VF_MONGO_*``); keywords override."""
        return cls(**{**settings.client_kwargs(), **overrides})

    def client(self) -> MongoClient[Any]:
        """The pymongo client (created on first use; for the async one, the running loop's)."""
        if self._closed:
            raise MongoNotConnectedError("the SyncMongo client is closed")
        client = self._client
        if client is None:
            with self._lock:
                if self._client is None:
                    factory = self._factory or require("pymongo", "mongo").MongoClient
                    self._client = factory(**self._options)
                client = self._client
        return client

    def ensure_connected(self) -> None:
        """Ping the server; :class:`MongoNotConnectedError` when it cannot be reached."""
        px = require("pymongo.errors", "mongo")
        try:
            self.client().admin.command("ping")
        except px.PyMongoError as exc:
            raise MongoNotConnectedError(
                f"mongo is not reachable: {translate(exc, 'ping', 'admin')}"
            ) from exc

    def collection(self, name: str) -> SyncMongoCollection:
        """The wrapper of collection ``name`` in ``db_name``."""
        return SyncMongoCollection(self, name)

    def create_indexes(self, collection: str, specs: Sequence[IndexSpec]) -> list[str]:
        """Create ``specs`` on ``collection`` (idempotent: existing identical indexes are kept)."""
        return self.collection(collection).create_indexes(specs)

    def close(self) -> None:
        """Close the client; later operations raise :class:`MongoNotConnectedError`."""
        self._closed = True
        client, self._client = self._client, None
        if client is not None:
            client.close()

    def __enter__(self) -> SyncMongo:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class SyncMongoCollection:
    """One collection; every operation goes through the ``instrument`` hook and typed errors."""

    def __init__(self, mongo: SyncMongo, name: str) -> None:
        self._mongo = mongo
        self.name = name
        self._px = require("pymongo.errors", "mongo")
        self._bson_errors = require("bson.errors", "mongo")
        self._cache: tuple[object, Collection[Any]] | None = None

    def raw(self) -> Collection[Any]:
        """The underlying pymongo collection (of the running loop's client, for the async one)."""
        client = self._mongo.client()
        if self._cache is None or self._cache[0] is not client:
            self._cache = (client, client[self._mongo.db_name][self.name])
        return self._cache[1]

    def _op(self, op: str, fn: Callable[[], T]) -> T:
        def call() -> T:
            try:
                return fn()
            except (self._px.PyMongoError, self._bson_errors.BSONError) as exc:
                raise translate(exc, op, self.name) from exc

        instrument = self._mongo.instrument
        if instrument is None:
            return call()
        result: T = instrument(op, self.name, call)
        return result

    def find(
        self,
        filter: Document | None = None,
        *,
        projection: Document | Sequence[str] | None = None,
        sort: Sequence[tuple[str, int]] | None = None,
        skip: int = 0,
        limit: int = 0,
        batch_size: int = 0,
        use_primary: bool = False,
    ) -> SyncMongoCursor:
        """A cursor to iterate (``for``/``for``), or ``coll.find(...).to_list(limit)``."""
        return SyncMongoCursor(
            self,
            lambda: self._target(use_primary).find(
                filter or {}, projection, skip=skip, limit=limit, sort=sort, batch_size=batch_size
            ),
        )

    def _target(self, use_primary: bool) -> Collection[Any]:
        raw = self.raw()
        if use_primary:
            from pymongo import ReadPreference

            return raw.with_options(read_preference=ReadPreference.PRIMARY)
        return raw

    def find_one(
        self, filter: Document | None = None, *, projection: Document | None = None, use_primary: bool = False
    ) -> dict[str, Any] | None:
        """The first matching document, or ``None``."""
        return self._op("find_one", lambda: self._target(use_primary).find_one(filter or {}, projection))

    def find_by_id(self, id: object, *, use_primary: bool = False) -> dict[str, Any] | None:
        """The document whose ``_id`` is ``id`` (an ObjectId or its hex string), or ``None``."""
        oid = parse_object_id(id)
        return self._op("find_by_id", lambda: self._target(use_primary).find_one({"_id": oid}))

    def insert_one(self, document: Document) -> Any:
        """Insert ``document``; its ``_id``."""
        result = self._op("insert_one", lambda: self.raw().insert_one(document))
        return result.inserted_id

    def insert_many(self, documents: Sequence[Document], *, ordered: bool = True) -> list[Any]:
        """Insert ``documents``; their ``_id``s in order."""
        if not documents:
            return []
        result = self._op("insert_many", lambda: self.raw().insert_many(documents, ordered=ordered))
        return list(result.inserted_ids)

    def update_one(self, filter: Document, update: Document, *, upsert: bool = False) -> UpdateResult:
        """Update the first match (a plain document is applied with ``$set``)."""
        doc = as_update(update)
        r = self._op("update_one", lambda: self.raw().update_one(filter, doc, upsert=upsert))
        return UpdateResult(r.matched_count, r.modified_count, r.upserted_id)

    def update_many(self, filter: Document, update: Document) -> UpdateResult:
        """Update every match (a plain document is applied with ``$set``)."""
        doc = as_update(update)
        r = self._op("update_many", lambda: self.raw().update_many(filter, doc))
        return UpdateResult(r.matched_count, r.modified_count, r.upserted_id)

    def upsert(self, filter: Document, update: Document) -> UpdateResult:
        """Update the first match, or insert one built from ``filter`` and ``update``."""
        doc = as_update(update)
        r = self._op("upsert", lambda: self.raw().update_one(filter, doc, upsert=True))
        return UpdateResult(r.matched_count, r.modified_count, r.upserted_id)

    def delete_one(self, filter: Document) -> DeleteResult:
        """Delete the first match."""
        r = self._op("delete_one", lambda: self.raw().delete_one(filter))
        return DeleteResult(r.deleted_count)

    def delete_many(self, filter: Document) -> DeleteResult:
        """Delete every match (pass ``{}`` explicitly to empty the collection)."""
        r = self._op("delete_many", lambda: self.raw().delete_many(filter))
        return DeleteResult(r.deleted_count)

    def count(self, filter: Document | None = None) -> int:
        """The number of matching documents."""
        return self._op("count", lambda: self.raw().count_documents(filter or {}))

    def aggregate(self, pipeline: Sequence[Document]) -> list[dict[str, Any]]:
        """Run ``pipeline`` and return every result document."""

        def run() -> list[dict[str, Any]]:
            cursor = self.raw().aggregate(list(pipeline))
            return cursor.to_list()

        return self._op("aggregate", run)

    def create_indexes(self, specs: Sequence[IndexSpec]) -> list[str]:
        """Create ``specs`` (idempotent: existing identical indexes are kept); the index names."""
        if not specs:
            return []
        models = [s.to_model() for s in specs]

        def run() -> list[str]:
            # one index per command: FerretDB v1 drops the connection when a createIndexes with
            # several indexes meets existing ones, and one-by-one is idempotent everywhere
            names: list[str] = []
            for model in models:
                names.extend(self.raw().create_indexes([model]))
            return names

        return self._op("create_indexes", run)


class SyncMongoCursor:
    """The result of :meth:`SyncMongoCollection.find`: iterate it, or call :meth:`to_list`.

    The ``instrument`` hook wraps ``to_list`` and the first fetch of an iteration (the ``find``
    command itself); later batches are fetched inside the iteration.
    """

    def __init__(self, collection: SyncMongoCollection, open_cursor: Callable[[], Cursor[Any]]) -> None:
        self._collection = collection
        self._open = open_cursor
        self._cursor: Cursor[Any] | None = None

    def to_list(self, limit: int | None = None) -> list[dict[str, Any]]:
        """Every document (at most ``limit``)."""

        def run() -> list[dict[str, Any]]:
            cursor = self._open()
            try:
                return cursor.to_list(limit)
            finally:
                cursor.close()

        return self._collection._op("find", run)

    def __iter__(self) -> SyncMongoCursor:
        return self

    def __next__(self) -> dict[str, Any]:
        if self._cursor is None:
            cursor = self._cursor = self._open()
            return self._collection._op("find", cursor.next)
        try:
            doc: dict[str, Any] = self._cursor.next()
            return doc
        except StopIteration:
            raise
        except (self._collection._px.PyMongoError, self._collection._bson_errors.BSONError) as exc:
            raise translate(exc, "find", self._collection.name) from exc

    def close(self) -> None:
        """Release the server-side cursor before the end of an iteration."""
        if self._cursor is not None:
            self._cursor.close()
