"""An in-memory MongoDB for tests of code that uses :class:`verifiedfan.mongo.Mongo` or ``SyncMongo``.

:class:`FakeMongoServer` keeps its databases in memory with `mongomock
<https://pypi.org/project/mongomock/>`_, which implements MongoDB's query language (filters, update
operators, upserts, unique indexes, sorts, projections, the common aggregation stages) and raises
pymongo's own exceptions. Its clients go into the client's existing injection point,
``client_factory=``, so every line of :class:`~verifiedfan.mongo.Mongo` above pymongo runs as in
production: ObjectId parsing, update documents, index specs, the ``instrument`` hook, the
translation of errors into the ``MongoError`` family::

    from verifiedfan.testing.mongo import FakeMongoServer

    server = FakeMongoServer()
    async with server.mongo(db_name="registration") as mongo:
        await mongo.collection("users").insert_one({"email": "fan@example.com"})
    assert server.documents("registration", "users")[0]["email"] == "fan@example.com"

mongomock is synchronous and has no counterpart of pymongo's native ``AsyncMongoClient`` (the
``mongomock-motor`` package fakes Motor's API, whose cursors and ``aggregate`` differ), so the async
client gets a thin adapter here: each operation runs on the in-memory store and yields to the event
loop once, as a network round trip would. One store serves every client, async and sync, of every
event loop.

``tests/integration/mongo/test_mongo_contract.py`` runs one suite against this fake and against the
MongoDB wire server of ``vf stack`` (FerretDB). Needs ``verifiedfan[testing,mongo]``.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from verifiedfan._optional import require

if TYPE_CHECKING:
    from verifiedfan.mongo import Mongo, SyncMongo

__all__ = ["FakeMongoServer"]


class FakeMongoServer:
    """One in-memory MongoDB; hands out pymongo-shaped clients and verifiedfan ``Mongo`` objects."""

    def __init__(self) -> None:
        mongomock = require("mongomock", "testing")
        require("pymongo", "mongo")  # mongomock raises pymongo's exceptions only when it is installed
        self.store: Any = mongomock.MongoClient(tz_aware=True)  # tz_aware: as Mongo's own options

    # -- client factories (what Mongo's client_factory= receives) ---------------------------------

    def async_client(self, **options: Any) -> Any:
        """A stand-in for ``pymongo.AsyncMongoClient`` on this store (``options`` are ignored)."""
        return _AsyncClient(self.store)

    def sync_client(self, **options: Any) -> Any:
        """A stand-in for ``pymongo.MongoClient`` on this store (``options`` are ignored)."""
        return _SyncClient(self.store)

    # -- verifiedfan clients -----------------------------------------------------------------------

    def mongo(self, *, db_name: str = "test", **options: Any) -> Mongo:
        """A :class:`~verifiedfan.mongo.Mongo` on this store (``instrument=`` and the like pass on)."""
        from verifiedfan.mongo import Mongo

        return Mongo(hosts="fake-mongo", db_name=db_name, client_factory=self.async_client, **options)

    def sync_mongo(self, *, db_name: str = "test", **options: Any) -> SyncMongo:
        """The blocking twin of :meth:`mongo`."""
        from verifiedfan.mongo import SyncMongo

        return SyncMongo(hosts="fake-mongo", db_name=db_name, client_factory=self.sync_client, **options)

    # -- inspection (for assertions) ---------------------------------------------------------------

    def documents(self, db_name: str, collection: str) -> list[dict[str, Any]]:
        """Every document of ``collection``, in insertion order."""
        return list(self.store[db_name][collection].find({}))

    def index_names(self, db_name: str, collection: str) -> list[str]:
        """The names of the indexes of ``collection`` (``_id_`` included once it exists)."""
        return sorted(self.store[db_name][collection].index_information())

    def drop_database(self, db_name: str) -> None:
        self.store.drop_database(db_name)


def _run(method: Any, *args: Any, **kwargs: Any) -> Any:
    """Call a mongomock method; its ``TypeError`` for a type mismatch becomes the server's answer.

    mongomock raises a bare ``TypeError`` where MongoDB answers a write error with code 14
    (``TypeMismatch``: ``$inc`` on a string, ``$push`` on a number...).
    """
    try:
        return method(*args, **kwargs)
    except TypeError as exc:
        from pymongo.errors import WriteError

        raise WriteError(f"type mismatch: {exc}", 14, {"code": 14, "errmsg": str(exc)}) from exc


# -- the blocking client: mongomock, with pymongo 4.9's Cursor.to_list ------------------------------


class _SyncCursor:
    def __init__(self, cursor: Any) -> None:
        self._it: Iterator[dict[str, Any]] = iter(cursor)

    def to_list(self, length: int | None = None) -> list[dict[str, Any]]:
        return list(itertools.islice(self._it, length or None))

    def next(self) -> dict[str, Any]:
        return next(self._it)

    __next__ = next

    def __iter__(self) -> _SyncCursor:
        return self

    def close(self) -> None:
        self._it = iter(())


class _SyncCollection:
    def __init__(self, collection: Any) -> None:
        self._coll = collection

    def __getattr__(self, name: str) -> Any:  # insert_one, update_many, count_documents...
        method = getattr(self._coll, name)
        return lambda *args, **kwargs: _run(method, *args, **kwargs)

    def with_options(self, **options: Any) -> _SyncCollection:
        return _SyncCollection(self._coll.with_options(**options))

    def find(self, *args: Any, **kwargs: Any) -> _SyncCursor:
        return _SyncCursor(self._coll.find(*args, **kwargs))

    def aggregate(self, pipeline: Sequence[Any], **kwargs: Any) -> _SyncCursor:
        return _SyncCursor(self._coll.aggregate(list(pipeline), **kwargs))


class _SyncDatabase:
    def __init__(self, database: Any) -> None:
        self._db = database

    def __getitem__(self, name: str) -> _SyncCollection:
        return _SyncCollection(self._db[name])

    def command(self, *args: Any, **kwargs: Any) -> Any:
        return self._db.command(*args, **kwargs)


class _SyncClient:
    def __init__(self, store: Any) -> None:
        self._store = store

    def __getitem__(self, name: str) -> _SyncDatabase:
        return _SyncDatabase(self._store[name])

    @property
    def admin(self) -> _SyncDatabase:
        return _SyncDatabase(self._store.admin)

    def close(self) -> None:
        """The store outlives its clients (a closed ``Mongo`` refuses calls by itself)."""


# -- the async client: the same store behind pymongo's asynchronous API -----------------------------


class _AsyncCursor:
    def __init__(self, cursor: Any) -> None:
        self._it: Iterator[dict[str, Any]] = iter(cursor)

    async def to_list(self, length: int | None = None) -> list[dict[str, Any]]:
        await asyncio.sleep(0)
        return list(itertools.islice(self._it, length or None))

    async def next(self) -> dict[str, Any]:
        await asyncio.sleep(0)
        try:
            return next(self._it)
        except StopIteration:
            raise StopAsyncIteration from None

    def __aiter__(self) -> _AsyncCursor:
        return self

    __anext__ = next

    async def close(self) -> None:
        self._it = iter(())


class _AsyncCollection:
    def __init__(self, collection: Any) -> None:
        self._coll = collection

    async def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(0)  # a round trip: other tasks run, as they would during real I/O
        return _run(getattr(self._coll, name), *args, **kwargs)

    def with_options(self, **options: Any) -> _AsyncCollection:
        return _AsyncCollection(self._coll.with_options(**options))

    def find(self, *args: Any, **kwargs: Any) -> _AsyncCursor:
        return _AsyncCursor(self._coll.find(*args, **kwargs))

    async def aggregate(self, pipeline: Sequence[Any], **kwargs: Any) -> _AsyncCursor:
        return _AsyncCursor(await self._call("aggregate", list(pipeline), **kwargs))

    async def find_one(self, *args: Any, **kwargs: Any) -> Any:
        return await self._call("find_one", *args, **kwargs)

    async def insert_one(self, *args: Any, **kwargs: Any) -> Any:
        return await self._call("insert_one", *args, **kwargs)

    async def insert_many(self, *args: Any, **kwargs: Any) -> Any:
        return await self._call("insert_many", *args, **kwargs)

    async def update_one(self, *args: Any, **kwargs: Any) -> Any:
        return await self._call("update_one", *args, **kwargs)

    async def update_many(self, *args: Any, **kwargs: Any) -> Any:
        return await self._call("update_many", *args, **kwargs)

    async def delete_one(self, *args: Any, **kwargs: Any) -> Any:
        return await self._call("delete_one", *args, **kwargs)

    async def delete_many(self, *args: Any, **kwargs: Any) -> Any:
        return await self._call("delete_many", *args, **kwargs)

    async def count_documents(self, *args: Any, **kwargs: Any) -> Any:
        return await self._call("count_documents", *args, **kwargs)

    async def create_indexes(self, *args: Any, **kwargs: Any) -> Any:
        return await self._call("create_indexes", *args, **kwargs)


class _AsyncDatabase:
    def __init__(self, database: Any) -> None:
        self._db = database

    def __getitem__(self, name: str) -> _AsyncCollection:
        return _AsyncCollection(self._db[name])

    async def command(self, *args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(0)
        return self._db.command(*args, **kwargs)


class _AsyncClient:
    def __init__(self, store: Any) -> None:
        self._store = store

    def __getitem__(self, name: str) -> _AsyncDatabase:
        return _AsyncDatabase(self._store[name])

    @property
    def admin(self) -> _AsyncDatabase:
        return _AsyncDatabase(self._store.admin)

    async def close(self) -> None:
        """The store outlives its clients (a closed ``Mongo`` refuses calls by itself)."""
