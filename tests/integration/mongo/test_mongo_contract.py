"""The Mongo contract, run against the in-memory fake and against the MongoDB wire server of ``vf stack``.

One set of test bodies, two backends (the ``backend`` fixture): ``fake`` is
:class:`verifiedfan.testing.mongo.FakeMongoServer` and needs no server; ``real`` is the stack's
FerretDB (the plugin's ``vf_mongo``), each test in its own database (``vf_mongo_db``), marked
``integration`` and ``mongo``. What one backend does and the other does not fails here.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from bson import ObjectId

from verifiedfan.errors import VFError
from verifiedfan.mongo import (
    DuplicateKeyError,
    IndexSpec,
    InvalidObjectIdError,
    Mongo,
    MongoNotConnectedError,
    MongoOperationError,
    MongoValidationError,
    SyncMongo,
)
from verifiedfan.testing.mongo import FakeMongoServer


class Backend:
    name: str
    db_name: str

    def mongo(self, **options: Any) -> Mongo:
        raise NotImplementedError

    def sync_mongo(self, **options: Any) -> SyncMongo:
        raise NotImplementedError


class FakeBackend(Backend):
    name = "fake"

    def __init__(self) -> None:
        self.server = FakeMongoServer()
        self.db_name = f"contract_{uuid.uuid4().hex[:12]}"

    def mongo(self, **options: Any) -> Mongo:
        return self.server.mongo(db_name=self.db_name, **options)

    def sync_mongo(self, **options: Any) -> SyncMongo:
        return self.server.sync_mongo(db_name=self.db_name, **options)


class RealBackend(Backend):
    name = "real"

    def __init__(self, url: str, db_name: str) -> None:
        self.url, self.db_name = url, db_name

    def mongo(self, **options: Any) -> Mongo:
        return Mongo(hosts=self.url, db_name=self.db_name, server_selection_timeout=10, **options)

    def sync_mongo(self, **options: Any) -> SyncMongo:
        return SyncMongo(hosts=self.url, db_name=self.db_name, server_selection_timeout=10, **options)


@pytest.fixture(params=["fake", pytest.param("real", marks=[pytest.mark.integration, pytest.mark.mongo])])
def backend(request: pytest.FixtureRequest) -> Backend:
    if request.param == "fake":
        return FakeBackend()
    return RealBackend(request.getfixturevalue("vf_mongo").url, request.getfixturevalue("vf_mongo_db"))


@pytest.fixture
async def mongo(backend: Backend) -> AsyncIterator[Mongo]:
    client = backend.mongo()
    await client.ensure_connected()
    yield client
    await client.aclose()


@pytest.fixture
def sync_mongo(backend: Backend) -> Iterator[SyncMongo]:
    with backend.sync_mongo() as client:
        client.ensure_connected()
        yield client


async def test_insert_find_update_delete_round_trip(mongo: Mongo) -> None:
    users = mongo.collection("users")
    doc = {"email": "zoë@example.com", "name": {"first": "Zoë", "tags": ["vip", "早期"]}, "n": 1}
    oid = await users.insert_one(doc)
    assert isinstance(oid, ObjectId)
    assert await users.find_by_id(oid) == {"_id": oid, **doc}
    assert await users.find_by_id(str(oid)) == {"_id": oid, **doc}
    assert await users.find_one({"email": "zoë@example.com"}, projection={"name.first": 1, "_id": 0}) == {
        "name": {"first": "Zoë"}
    }
    result = await users.update_one({"_id": oid}, {"$set": {"verified": True}, "$inc": {"n": 2}})
    assert (result.matched_count, result.modified_count, result.upserted_id) == (1, 1, None)
    await users.update_one({"_id": oid}, {"$unset": {"name": ""}})
    assert await users.find_one({"_id": oid}) == {
        "_id": oid,
        "email": "zoë@example.com",
        "n": 3,
        "verified": True,
    }
    plain = await users.update_one({"_id": oid}, {"n": 10})  # a plain document is applied with $set
    assert plain.modified_count == 1
    assert (await users.find_by_id(oid) or {})["email"] == "zoë@example.com"
    assert (await users.delete_one({"_id": oid})).deleted_count == 1
    assert await users.find_by_id(oid) is None
    assert (await users.delete_one({"_id": oid})).deleted_count == 0


async def test_an_update_that_matches_nothing_changes_nothing(mongo: Mongo) -> None:
    result = await mongo.collection("users").update_one({"email": "nobody"}, {"$set": {"x": 1}})
    assert (result.matched_count, result.modified_count, result.upserted_id) == (0, 0, None)
    assert await mongo.collection("users").count() == 0


async def test_a_datetime_comes_back_aware_and_cut_to_milliseconds(mongo: Mongo) -> None:
    events = mongo.collection("events")
    at = datetime(2026, 11, 25, 23, 59, 58, 123456, tzinfo=UTC)
    oid = await events.insert_one({"at": at})
    got = (await events.find_by_id(oid) or {})["at"]
    assert got == at.replace(microsecond=123000)  # BSON dates are UTC milliseconds
    assert got.utcoffset().total_seconds() == 0


async def test_insert_many_update_many_delete_many_and_counts(mongo: Mongo) -> None:
    fans = mongo.collection("fans")
    ids = await fans.insert_many([{"artist": "a1" if i % 3 else "a2", "score": i} for i in range(9)])
    assert len(ids) == 9
    assert len(set(ids)) == 9
    assert await fans.insert_many([]) == []
    assert await fans.count() == 9
    assert await fans.count({"artist": "a2"}) == 3
    assert await fans.count({"score": {"$gte": 5}}) == 4
    updated = await fans.update_many({"artist": "a1"}, {"$set": {"tier": "gold"}})
    assert (updated.matched_count, updated.modified_count) == (6, 6)
    assert await fans.count({"tier": "gold"}) == 6
    again = await fans.update_many({"artist": "a1"}, {"$set": {"tier": "gold"}})
    assert (again.matched_count, again.modified_count) == (6, 0)  # nothing changed: nothing modified
    assert (await fans.delete_many({"tier": "gold"})).deleted_count == 6
    assert await fans.count() == 3


async def test_upsert_inserts_from_the_filter_then_updates(mongo: Mongo) -> None:
    fans = mongo.collection("fans")
    first = await fans.upsert({"user_id": "u1", "artist": "a1"}, {"$inc": {"visits": 1}})
    assert (first.matched_count, first.modified_count) == (0, 0)
    assert isinstance(first.upserted_id, ObjectId)
    second = await fans.upsert({"user_id": "u1", "artist": "a1"}, {"$inc": {"visits": 1}})
    assert (second.matched_count, second.modified_count, second.upserted_id) == (1, 1, None)
    assert await fans.find_one({"user_id": "u1"}, projection={"_id": 0}) == {
        "user_id": "u1",
        "artist": "a1",
        "visits": 2,
    }
    third = await fans.update_one({"user_id": "u2"}, {"name": "plain"}, upsert=True)
    assert third.upserted_id is not None
    assert await fans.find_by_id(third.upserted_id) == {
        "_id": third.upserted_id,
        "user_id": "u2",
        "name": "plain",
    }


async def test_a_unique_index_refuses_a_duplicate_with_a_typed_error(mongo: Mongo) -> None:
    users = mongo.collection("users")
    assert await users.create_indexes([IndexSpec("email", unique=True)]) == ["email_1"]
    await users.insert_one({"email": "a@example.com"})
    with pytest.raises(DuplicateKeyError, match="duplicate key") as caught:
        await users.insert_one({"email": "a@example.com"})
    assert caught.value.code == 11000
    assert isinstance(caught.value, MongoOperationError)
    assert isinstance(caught.value, VFError)
    assert caught.value.__cause__ is not None  # pymongo's error, chained
    with pytest.raises(DuplicateKeyError, match=r"1 inserted"):
        await users.insert_many([{"email": "b@example.com"}, {"email": "a@example.com"}, {"email": "c@x"}])
    assert sorted([d["email"] async for d in users.find()]) == ["a@example.com", "b@example.com"]
    # An update into a duplicate: MongoDB and the fake answer 11000 (DuplicateKeyError); FerretDB 1.24
    # answers InternalError (code 1) from SQLite's constraint. Both are refused, typed, and change nothing.
    with pytest.raises(MongoOperationError, match=r"^mongo update_one on 'users'"):
        await users.update_one({"email": "b@example.com"}, {"$set": {"email": "a@example.com"}})
    with pytest.raises(MongoOperationError, match=r"^mongo upsert on 'users'"):
        await users.upsert({"email": "new@example.com"}, {"$set": {"email": "a@example.com"}})
    assert await users.count() == 2


async def test_create_indexes_is_idempotent_and_names_the_indexes_like_mongodb(mongo: Mongo) -> None:
    specs = [
        IndexSpec([("user_id", 1), ("artist", -1)], unique=True),
        IndexSpec("score"),
        IndexSpec("campaign", name="by_campaign"),
    ]
    coll = mongo.collection("fans")
    assert await coll.create_indexes(specs) == ["user_id_1_artist_-1", "score_1", "by_campaign"]
    assert await coll.create_indexes(specs) == ["user_id_1_artist_-1", "score_1", "by_campaign"]
    assert await coll.create_indexes([]) == []
    await coll.insert_one({"user_id": "u", "artist": "a"})
    await coll.insert_one({"user_id": "u", "artist": "b"})  # the compound key differs
    with pytest.raises(DuplicateKeyError, match=r"^mongo insert_one on 'fans': duplicate key"):
        await coll.insert_one({"user_id": "u", "artist": "a"})
    with pytest.raises(MongoValidationError, match="at least one key"):
        await coll.create_indexes([IndexSpec([])])


async def test_cursor_sort_skip_limit_projection_and_iteration(mongo: Mongo) -> None:
    coll = mongo.collection("scores")
    order = [3, 9, 0, 7, 1, 8, 2, 6, 4, 5]
    await coll.insert_many([{"n": n, "even": n % 2 == 0} for n in order])
    page = await coll.find(sort=[("n", -1)], skip=2, limit=3, projection={"n": 1, "_id": 0}).to_list()
    assert page == [{"n": 7}, {"n": 6}, {"n": 5}]
    evens = [d["n"] async for d in coll.find({"even": True}, sort=[("n", 1)], batch_size=2)]
    assert evens == [0, 2, 4, 6, 8]
    assert len(await coll.find().to_list(4)) == 4
    two_keys = await coll.find(sort=[("even", 1), ("n", -1)], projection=["n"], limit=3).to_list()
    assert [d["n"] for d in two_keys] == [9, 7, 5]
    assert set(two_keys[0]) == {"_id", "n"}
    assert await coll.find(
        {"n": {"$in": [1, 4]}}, sort=[("n", 1)], projection={"_id": 0, "n": 1}
    ).to_list() == [
        {"n": 1},
        {"n": 4},
    ]
    assert await coll.find({"n": 99}).to_list() == []
    assert await coll.find_one({"n": 99}) is None


async def test_a_cursor_closed_early_releases_it(mongo: Mongo) -> None:
    coll = mongo.collection("scores")
    await coll.insert_many([{"n": n} for n in range(5)])
    cursor = coll.find(sort=[("n", 1)], batch_size=2)
    seen = []
    async for doc in cursor:
        seen.append(doc["n"])
        if len(seen) == 3:
            break
    await cursor.close()
    assert seen == [0, 1, 2]


async def test_aggregate_match_group_sum_sort_limit_project_unwind(mongo: Mongo) -> None:
    # The stages and accumulators FerretDB 1.24 runs correctly: one accumulator per $group (a second
    # {"$sum": 1} beside {"$sum": "$field"} comes back 0 there), $project by inclusion/exclusion only.
    coll = mongo.collection("plays")
    rows = [("a1", 5, "US"), ("a2", 7, "US"), ("a1", 3, "US"), ("a3", 9, "CA"), ("a2", 1, "US")]
    await coll.insert_many([{"artist": a, "plays": p, "country": c} for a, p, c in rows])
    result = await coll.aggregate(
        [
            {"$match": {"country": "US"}},
            {"$group": {"_id": "$artist", "total": {"$sum": "$plays"}}},
            {"$sort": {"total": -1, "_id": 1}},
            {"$limit": 2},
            {"$project": {"total": 1}},
        ]
    )
    assert result == [{"_id": "a1", "total": 8}, {"_id": "a2", "total": 8}]
    by_country = await coll.aggregate(
        [{"$group": {"_id": "$country", "n": {"$sum": 1}}}, {"$sort": {"_id": 1}}]
    )
    assert by_country == [{"_id": "CA", "n": 1}, {"_id": "US", "n": 4}]
    await coll.insert_one({"artist": "a4", "tags": ["x", "y"]})
    unwound = await coll.aggregate(
        [{"$match": {"artist": "a4"}}, {"$unwind": "$tags"}, {"$project": {"_id": 0, "tags": 1}}]
    )
    assert unwound == [{"tags": "x"}, {"tags": "y"}]


@pytest.mark.parametrize("bad", ["nope", "12345", "g" * 24, 123, None, b"x" * 12], ids=repr)
async def test_an_id_that_is_not_an_object_id_is_refused_before_io(mongo: Mongo, bad: Any) -> None:
    with pytest.raises(InvalidObjectIdError, match="not an ObjectId"):
        await mongo.collection("users").find_by_id(bad)


@pytest.mark.parametrize(
    ("update", "match"),
    [({}, "must not be empty"), ({"$set": {"a": 1}, "b": 2}, "mixes")],
    ids=["empty", "mixed"],
)
async def test_a_bad_update_document_is_refused_before_io(mongo: Mongo, update: Any, match: str) -> None:
    users = mongo.collection("users")
    await users.insert_one({"k": 1})
    for call in (users.update_one, users.upsert):
        with pytest.raises(MongoValidationError, match=match):
            await call({"k": 1}, update)
    with pytest.raises(MongoValidationError, match=match):
        await users.update_many({"k": 1}, update)
    assert await users.find_one({"k": 1}, projection={"_id": 0}) == {"k": 1}


async def test_an_update_the_server_refuses_is_a_typed_operation_error(mongo: Mongo) -> None:
    users = mongo.collection("users")
    await users.insert_one({"k": 1, "name": "x"})
    with pytest.raises(MongoOperationError, match=r"^mongo update_one on 'users' failed: ") as caught:
        await users.update_one({"k": 1}, {"$inc": {"name": 1}})  # $inc on a string
    assert not isinstance(caught.value, DuplicateKeyError)
    assert caught.value.code is not None
    assert await users.find_one({"k": 1}, projection={"_id": 0}) == {"k": 1, "name": "x"}


async def test_the_instrument_hook_wraps_every_operation(backend: Backend) -> None:
    seen: list[tuple[str, str]] = []

    async def instrument(op: str, collection: str, call: Any) -> Any:
        seen.append((op, collection))
        return await call()

    async with backend.mongo(instrument=instrument) as mongo:
        coll = mongo.collection("hooked")
        oid = await coll.insert_one({"a": 1})
        await coll.find_by_id(oid)
        await coll.find().to_list()
        await coll.count()
        with pytest.raises(InvalidObjectIdError, match="not an ObjectId: 'bad'"):
            await coll.find_by_id("bad")  # refused before the hook: no operation
    assert seen == [
        ("insert_one", "hooked"),
        ("find_by_id", "hooked"),
        ("find", "hooked"),
        ("count", "hooked"),
    ]


async def test_a_closed_client_refuses_operations(backend: Backend) -> None:
    mongo = backend.mongo()
    await mongo.collection("users").insert_one({"a": 1})
    await mongo.aclose()
    with pytest.raises(MongoNotConnectedError, match="closed"):
        await mongo.collection("users").find_one({})


async def test_concurrent_operations_do_not_interfere(mongo: Mongo) -> None:
    # Concurrent $inc on one document is not in the contract: FerretDB 1.24 loses updates there
    # (25 concurrent increments left n at 3), where MongoDB and the fake apply all 25.
    coll = mongo.collection("counters")
    ids = await asyncio.gather(*(coll.insert_one({"i": i}) for i in range(25)))
    assert len(set(ids)) == 25
    counts = await asyncio.gather(*(coll.count({"i": {"$lt": n}}) for n in (5, 25)))
    assert counts == [5, 25]


def test_the_sync_twin_keeps_the_same_contract(sync_mongo: SyncMongo) -> None:
    users = sync_mongo.collection("users")
    sync_mongo.create_indexes("users", [IndexSpec("email", unique=True)])
    oid = users.insert_one({"email": "s@example.com", "n": 1})
    assert users.find_by_id(str(oid)) == {"_id": oid, "email": "s@example.com", "n": 1}
    with pytest.raises(DuplicateKeyError, match="duplicate key"):
        users.insert_one({"email": "s@example.com"})
    assert users.upsert({"email": "t@example.com"}, {"$set": {"n": 2}}).upserted_id is not None
    assert [d["email"] for d in users.find(sort=[("email", -1)])] == ["t@example.com", "s@example.com"]
    assert users.find(sort=[("email", 1)], limit=1).to_list() == [
        {"_id": oid, "email": "s@example.com", "n": 1}
    ]
    assert users.aggregate([{"$group": {"_id": None, "total": {"$sum": "$n"}}}]) == [
        {"_id": None, "total": 3}
    ]
    assert users.count() == 2
    assert users.delete_many({}).deleted_count == 2
    with pytest.raises(InvalidObjectIdError, match="not an ObjectId: 'nope'"):
        users.find_by_id("nope")
