"""``Mongo``: a MongoDB database on pymongo's native clients, not Motor (``_sync.py`` is generated)."""

from __future__ import annotations

import asyncio
import logging

# unasync: sync-only
# import threading
# unasync: end
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from verifiedfan._optional import require
from verifiedfan.mongo._core import (
    AsyncInstrument,
    DeleteResult,
    Document,
    IndexSpec,
    UpdateResult,
    as_update,
    client_options,
    parse_object_id,
    translate,
)
from verifiedfan.mongo._errors import MongoNotConnectedError

if TYPE_CHECKING:
    from pymongo import AsyncMongoClient
    from pymongo.asynchronous.collection import AsyncCollection
    from pymongo.asynchronous.cursor import AsyncCursor

    from verifiedfan.mongo._settings import MongoSettings

__all__ = ["Mongo", "MongoCollection", "MongoCursor"]

logger = logging.getLogger(__name__)
T = TypeVar("T")


class Mongo:
    """A MongoDB database on pymongo's native client, created on first use; :meth:`aclose` when done.

    The async client is bound to the event loop it was first used in; used from another loop
    (pytest's per-test loops, a worker restarting its loop), a fresh client is made for that loop, and
    ``release()`` closes the running loop's client before that loop ends. The blocking twin's client
    is created once (thread-safe) and shared by threads. ``instrument`` wraps every operation:
    ``await instrument(op_name, collection, call)`` must return ``await call()``.
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
        instrument: AsyncInstrument | None = None,
        client_factory: Callable[..., AsyncMongoClient[Any]] | None = None,
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
        self._client: AsyncMongoClient[Any] | None = None
        self._closed = False
        # unasync: async-only
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stale: list[AsyncMongoClient[Any]] = []
        # unasync: end
        # unasync: sync-only
        # self._lock = threading.Lock()
        # unasync: end

    @classmethod
    def from_settings(cls, settings: MongoSettings, **overrides: Any) -> Mongo:
        """A client configured by :class:`MongoSettings` (``VF_MONGO_*``); keywords override."""
        return cls(**{**settings.client_kwargs(), **overrides})

    def client(self) -> AsyncMongoClient[Any]:
        """The pymongo client (created on first use; for the async one, the running loop's)."""
        if self._closed:
            raise MongoNotConnectedError("the Mongo client is closed")
        # unasync: sync-only
        # client = self._client
        # if client is None:
        #     with self._lock:
        #         if self._client is None:
        #             factory = self._factory or require("pymongo", "mongo").MongoClient
        #             self._client = factory(**self._options)
        #         client = self._client
        # return client
        # unasync: end
        # unasync: async-only
        loop = asyncio.get_running_loop()
        if self._client is None or self._loop is not loop:
            if self._client is not None:
                logger.debug("mongo: new event loop, creating a new client for it")
                self._stale.append(self._client)
            factory = self._factory or require("pymongo", "mongo").AsyncMongoClient
            self._client = factory(**self._options)
            self._loop = loop
        return self._client
        # unasync: end

    async def ensure_connected(self) -> None:
        """Ping the server; :class:`MongoNotConnectedError` when it cannot be reached."""
        px = require("pymongo.errors", "mongo")
        try:
            await self.client().admin.command("ping")
        except px.PyMongoError as exc:
            raise MongoNotConnectedError(
                f"mongo is not reachable: {translate(exc, 'ping', 'admin')}"
            ) from exc

    def collection(self, name: str) -> MongoCollection:
        """The wrapper of collection ``name`` in ``db_name``."""
        return MongoCollection(self, name)

    async def create_indexes(self, collection: str, specs: Sequence[IndexSpec]) -> list[str]:
        """Create ``specs`` on ``collection`` (idempotent: existing identical indexes are kept)."""
        return await self.collection(collection).create_indexes(specs)

    # unasync: async-only
    async def release(self) -> None:
        """Close the running loop's client but stay usable: the next operation creates a new one.

        Call it before an event loop ends (the teardown of a per-test loop, a worker restarting its
        loop) when the :class:`Mongo` object outlives the loop.
        """
        client = self._client
        if client is not None and self._loop is asyncio.get_running_loop():
            self._client, self._loop = None, None
            await client.close()

    async def close(self) -> None:
        """The same as :meth:`aclose` (the name it had before the async/sync naming convention)."""
        await self.aclose()

    # unasync: end
    async def aclose(self) -> None:
        """Close the client; later operations raise :class:`MongoNotConnectedError`."""
        self._closed = True
        # unasync: sync-only
        # client, self._client = self._client, None
        # if client is not None:
        #     client.close()
        # unasync: end
        # unasync: async-only
        clients, self._client, self._stale = [*self._stale, self._client], None, []
        for client in clients:
            if client is not None:
                try:
                    await client.close()
                except RuntimeError:  # bound to a loop that is gone: nothing left to close
                    logger.debug("mongo: client of a closed loop dropped")
        # unasync: end

    async def __aenter__(self) -> Mongo:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


class MongoCollection:
    """One collection; every operation goes through the ``instrument`` hook and typed errors."""

    def __init__(self, mongo: Mongo, name: str) -> None:
        self._mongo = mongo
        self.name = name
        self._px = require("pymongo.errors", "mongo")
        self._bson_errors = require("bson.errors", "mongo")
        self._cache: tuple[object, AsyncCollection[Any]] | None = None

    def raw(self) -> AsyncCollection[Any]:
        """The underlying pymongo collection (of the running loop's client, for the async one)."""
        client = self._mongo.client()
        if self._cache is None or self._cache[0] is not client:
            self._cache = (client, client[self._mongo.db_name][self.name])
        return self._cache[1]

    async def _op(self, op: str, fn: Callable[[], Awaitable[T]]) -> T:
        async def call() -> T:
            try:
                return await fn()
            except (self._px.PyMongoError, self._bson_errors.BSONError) as exc:
                raise translate(exc, op, self.name) from exc

        instrument = self._mongo.instrument
        if instrument is None:
            return await call()
        result: T = await instrument(op, self.name, call)
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
    ) -> MongoCursor:
        """A cursor to iterate (``for``/``async for``), or ``coll.find(...).to_list(limit)``."""
        return MongoCursor(
            self,
            lambda: self._target(use_primary).find(
                filter or {}, projection, skip=skip, limit=limit, sort=sort, batch_size=batch_size
            ),
        )

    def _target(self, use_primary: bool) -> AsyncCollection[Any]:
        raw = self.raw()
        if use_primary:
            from pymongo import ReadPreference

            return raw.with_options(read_preference=ReadPreference.PRIMARY)
        return raw

    async def find_one(
        self, filter: Document | None = None, *, projection: Document | None = None, use_primary: bool = False
    ) -> dict[str, Any] | None:
        """The first matching document, or ``None``."""
        return await self._op(
            "find_one", lambda: self._target(use_primary).find_one(filter or {}, projection)
        )

    async def find_by_id(self, id: object, *, use_primary: bool = False) -> dict[str, Any] | None:
        """The document whose ``_id`` is ``id`` (an ObjectId or its hex string), or ``None``."""
        oid = parse_object_id(id)
        return await self._op("find_by_id", lambda: self._target(use_primary).find_one({"_id": oid}))

    async def insert_one(self, document: Document) -> Any:
        """Insert ``document``; its ``_id``."""
        result = await self._op("insert_one", lambda: self.raw().insert_one(document))
        return result.inserted_id

    async def insert_many(self, documents: Sequence[Document], *, ordered: bool = True) -> list[Any]:
        """Insert ``documents``; their ``_id``s in order."""
        if not documents:
            return []
        result = await self._op("insert_many", lambda: self.raw().insert_many(documents, ordered=ordered))
        return list(result.inserted_ids)

    async def update_one(self, filter: Document, update: Document, *, upsert: bool = False) -> UpdateResult:
        """Update the first match (a plain document is applied with ``$set``)."""
        doc = as_update(update)
        r = await self._op("update_one", lambda: self.raw().update_one(filter, doc, upsert=upsert))
        return UpdateResult(r.matched_count, r.modified_count, r.upserted_id)

    async def update_many(self, filter: Document, update: Document) -> UpdateResult:
        """Update every match (a plain document is applied with ``$set``)."""
        doc = as_update(update)
        r = await self._op("update_many", lambda: self.raw().update_many(filter, doc))
        return UpdateResult(r.matched_count, r.modified_count, r.upserted_id)

    async def upsert(self, filter: Document, update: Document) -> UpdateResult:
        """Update the first match, or insert one built from ``filter`` and ``update``."""
        doc = as_update(update)
        r = await self._op("upsert", lambda: self.raw().update_one(filter, doc, upsert=True))
        return UpdateResult(r.matched_count, r.modified_count, r.upserted_id)

    async def delete_one(self, filter: Document) -> DeleteResult:
        """Delete the first match."""
        r = await self._op("delete_one", lambda: self.raw().delete_one(filter))
        return DeleteResult(r.deleted_count)

    async def delete_many(self, filter: Document) -> DeleteResult:
        """Delete every match (pass ``{}`` explicitly to empty the collection)."""
        r = await self._op("delete_many", lambda: self.raw().delete_many(filter))
        return DeleteResult(r.deleted_count)

    async def count(self, filter: Document | None = None) -> int:
        """The number of matching documents."""
        return await self._op("count", lambda: self.raw().count_documents(filter or {}))

    async def aggregate(self, pipeline: Sequence[Document]) -> list[dict[str, Any]]:
        """Run ``pipeline`` and return every result document."""

        async def run() -> list[dict[str, Any]]:
            cursor = await self.raw().aggregate(list(pipeline))
            return await cursor.to_list()

        return await self._op("aggregate", run)

    async def create_indexes(self, specs: Sequence[IndexSpec]) -> list[str]:
        """Create ``specs`` (idempotent: existing identical indexes are kept); the index names."""
        if not specs:
            return []
        models = [s.to_model() for s in specs]

        async def run() -> list[str]:
            # one index per command: FerretDB v1 drops the connection when a createIndexes with
            # several indexes meets existing ones, and one-by-one is idempotent everywhere
            names: list[str] = []
            for model in models:
                names.extend(await self.raw().create_indexes([model]))
            return names

        return await self._op("create_indexes", run)


class MongoCursor:
    """The result of :meth:`MongoCollection.find`: iterate it, or call :meth:`to_list`.

    The ``instrument`` hook wraps ``to_list`` and the first fetch of an iteration (the ``find``
    command itself); later batches are fetched inside the iteration.
    """

    def __init__(self, collection: MongoCollection, open_cursor: Callable[[], AsyncCursor[Any]]) -> None:
        self._collection = collection
        self._open = open_cursor
        self._cursor: AsyncCursor[Any] | None = None

    async def to_list(self, limit: int | None = None) -> list[dict[str, Any]]:
        """Every document (at most ``limit``)."""

        async def run() -> list[dict[str, Any]]:
            cursor = self._open()
            try:
                return await cursor.to_list(limit)
            finally:
                await cursor.close()

        return await self._collection._op("find", run)

    def __aiter__(self) -> MongoCursor:
        return self

    async def __anext__(self) -> dict[str, Any]:
        if self._cursor is None:
            cursor = self._cursor = self._open()
            return await self._collection._op("find", cursor.next)
        try:
            doc: dict[str, Any] = await self._cursor.next()
            return doc
        except StopAsyncIteration:
            raise
        except (self._collection._px.PyMongoError, self._collection._bson_errors.BSONError) as exc:
            raise translate(exc, "find", self._collection.name) from exc

    async def close(self) -> None:
        """Release the server-side cursor before the end of an iteration."""
        if self._cursor is not None:
            await self._cursor.close()
