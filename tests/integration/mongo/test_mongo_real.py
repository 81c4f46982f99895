"""The Mongo wrapper against the MongoDB wire server of the stack (FerretDB)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest
from bson import ObjectId

from tests.integration.mongo.conftest import Recorder
from verifiedfan.mongo import (
    DuplicateKeyError,
    IndexSpec,
    InvalidObjectIdError,
    Mongo,
    MongoNotConnectedError,
    MongoOperationError,
    SyncMongo,
)

if TYPE_CHECKING:
    from verifiedfan.stack import MongoConnection

pytestmark = [pytest.mark.integration, pytest.mark.mongo]


async def test_insert_find_update_delete_round_trip(mongo: Mongo) -> None:
    users = mongo.collection("users")
    oid = await users.insert_one({"email": "fan@example.com", "visits": 1})
    assert isinstance(oid, ObjectId)
    assert (await users.find_one({"email": "fan@example.com"}) or {})["visits"] == 1
    result = await users.update_one({"_id": oid}, {"$inc": {"visits": 2}})
    assert (result.matched_count, result.modified_count) == (1, 1)
    assert (await users.find_by_id(oid) or {})["visits"] == 3
    assert (await users.delete_one({"_id": oid})).deleted_count == 1
    assert await users.find_by_id(oid) is None


async def test_insert_many_update_many_delete_many_and_count(mongo: Mongo) -> None:
    users = mongo.collection("users")
    ids = await users.insert_many([{"n": i, "group": "a" if i < 3 else "b"} for i in range(5)])
    assert len(ids) == 5
    assert await users.count({"group": "a"}) == 3
    assert (await users.update_many({"group": "a"}, {"flag": True})).modified_count == 3
    assert await users.count({"flag": True}) == 3
    assert (await users.delete_many({"group": "b"})).deleted_count == 2
    assert await users.count() == 3


async def test_upsert_inserts_then_updates(mongo: Mongo) -> None:
    users = mongo.collection("users")
    first = await users.upsert({"email": "new@example.com"}, {"name": "New"})
    assert first.upserted_id is not None
    assert first.matched_count == 0
    second = await users.upsert({"email": "new@example.com"}, {"name": "Renamed"})
    assert second.upserted_id is None
    assert second.matched_count == 1
    docs = await users.find({"email": "new@example.com"}).to_list()
    assert [d["name"] for d in docs] == ["Renamed"]


async def test_find_by_id_accepts_the_hex_string(mongo: Mongo) -> None:
    users = mongo.collection("users")
    oid = await users.insert_one({"a": 1})
    assert (await users.find_by_id(str(oid)) or {})["_id"] == oid


async def test_find_by_id_with_an_invalid_string_is_a_typed_error(mongo: Mongo, recorder: Recorder) -> None:
    with pytest.raises(InvalidObjectIdError, match="not an ObjectId: 'not-an-object-id'"):
        await mongo.collection("users").find_by_id("not-an-object-id")
    assert ("find_by_id", "users") not in recorder.ops  # rejected before anything was sent


async def test_a_unique_index_violation_is_a_duplicate_key_error(mongo: Mongo) -> None:
    await mongo.create_indexes("users", [IndexSpec(keys="email", unique=True)])
    users = mongo.collection("users")
    await users.insert_one({"email": "dup@example.com"})
    with pytest.raises(DuplicateKeyError, match=r"^mongo insert_one on 'users': duplicate key") as info:
        await users.insert_one({"email": "dup@example.com"})
    assert info.value.code == 11000
    with pytest.raises(
        DuplicateKeyError,
        match=r"^mongo insert_many on 'users': duplicate key \(1 write error\(s\), 1 inserted\)",
    ):
        await users.insert_many([{"email": "other@example.com"}, {"email": "dup@example.com"}])


async def test_create_indexes_is_idempotent(mongo: Mongo) -> None:
    specs = [
        IndexSpec(keys="email", unique=True),
        IndexSpec(keys=[("last", 1), ("first", 1)], name="by_name"),
    ]
    first = await mongo.create_indexes("users", specs)
    second = await mongo.create_indexes("users", specs)
    assert first == second == ["email_1", "by_name"]
    indexes = await mongo.collection("users").raw().index_information()
    assert set(indexes) == {"_id_", "email_1", "by_name"}


async def test_cursor_iterates_every_document_across_batches(mongo: Mongo, recorder: Recorder) -> None:
    users = mongo.collection("users")
    await users.insert_many([{"n": i} for i in range(25)])
    recorder.ops.clear()
    seen = [doc["n"] async for doc in users.find({}, sort=[("n", 1)], batch_size=4)]
    assert seen == list(range(25))
    assert recorder.ops == [("find", "users")]


async def test_to_list_honours_the_limit(mongo: Mongo) -> None:
    users = mongo.collection("users")
    await users.insert_many([{"n": i} for i in range(10)])
    docs = await users.find({"n": {"$gte": 5}}, sort=[("n", -1)]).to_list(3)
    assert [d["n"] for d in docs] == [9, 8, 7]


async def test_aggregate_match_group_sum_sort_limit(mongo: Mongo) -> None:
    orders = mongo.collection("orders")
    await orders.insert_many(
        [
            {"artist": "a", "qty": 2, "ok": True},
            {"artist": "a", "qty": 3, "ok": True},
            {"artist": "b", "qty": 10, "ok": True},
            {"artist": "c", "qty": 1, "ok": True},
            {"artist": "b", "qty": 100, "ok": False},
        ]
    )
    result = await orders.aggregate(
        [
            {"$match": {"ok": True}},
            {"$group": {"_id": "$artist", "total": {"$sum": "$qty"}}},
            {"$sort": {"total": -1}},
            {"$limit": 2},
        ]
    )
    assert result == [{"_id": "b", "total": 10}, {"_id": "a", "total": 5}]


async def test_the_instrument_hook_sees_every_operation(mongo: Mongo, recorder: Recorder) -> None:
    recorder.ops.clear()
    users = mongo.collection("users")
    oid = await users.insert_one({"a": 1})
    await users.insert_many([{"a": 2}])
    await users.find_one({"a": 1})
    await users.find_by_id(oid)
    await users.find({}).to_list()
    await users.update_one({"a": 1}, {"b": 1})
    await users.update_many({}, {"c": 1})
    await users.upsert({"a": 3}, {"d": 1})
    await users.count()
    await users.aggregate([{"$match": {}}])
    await users.delete_one({"a": 2})
    await users.delete_many({})
    await mongo.create_indexes("users", [IndexSpec(keys="a")])
    assert [op for op, _ in recorder.ops] == [
        "insert_one",
        "insert_many",
        "find_one",
        "find_by_id",
        "find",
        "update_one",
        "update_many",
        "upsert",
        "count",
        "aggregate",
        "delete_one",
        "delete_many",
        "create_indexes",
    ]
    assert {c for _, c in recorder.ops} == {"users"}


async def test_the_instrument_hook_sees_typed_errors(mongo: Mongo) -> None:
    errors: list[BaseException] = []

    async def instrument(op: str, collection: str, call):  # type: ignore[no-untyped-def]
        try:
            return await call()
        except Exception as exc:
            errors.append(exc)
            raise

    mongo.instrument = instrument
    await mongo.create_indexes("users", [IndexSpec(keys="email", unique=True)])
    users = mongo.collection("users")
    await users.insert_one({"email": "x@example.com"})
    with pytest.raises(DuplicateKeyError, match=r"^mongo insert_one on 'users': duplicate key"):
        await users.insert_one({"email": "x@example.com"})
    assert isinstance(errors[-1], DuplicateKeyError)


async def test_ttl_indexes_are_not_supported_by_ferretdb_and_fail_with_a_typed_error(mongo: Mongo) -> None:
    """FerretDB v1 lacks ``expireAfterSeconds`` (documented in the README); the error stays typed."""
    with pytest.raises(
        MongoOperationError, match=r"^mongo create_indexes on 'sessions' failed: .*expireAfterSeconds"
    ):
        await mongo.create_indexes("sessions", [IndexSpec(keys="at", expire_after_seconds=60)])


def test_sync_twin_crud_and_instrument(sync_mongo: SyncMongo, recorder: Recorder) -> None:
    users = sync_mongo.collection("users")
    sync_mongo.create_indexes("users", [IndexSpec(keys="email", unique=True)])
    oid = users.insert_one({"email": "s@example.com"})
    assert (users.find_by_id(str(oid)) or {})["email"] == "s@example.com"
    with pytest.raises(DuplicateKeyError, match=r"^mongo insert_one on 'users': duplicate key"):
        users.insert_one({"email": "s@example.com"})
    assert [d["email"] for d in users.find({})] == ["s@example.com"]
    assert users.upsert({"email": "t@example.com"}, {"n": 1}).upserted_id is not None
    assert users.count() == 2
    assert [op for op, _ in recorder.ops][:3] == ["create_indexes", "insert_one", "find_by_id"]


async def test_a_closed_client_is_not_connected(mongo: Mongo) -> None:
    await mongo.close()
    with pytest.raises(MongoNotConnectedError, match="the Mongo client is closed"):
        await mongo.collection("users").count()


def test_one_client_serves_several_event_loops(vf_mongo: MongoConnection, vf_mongo_db: str) -> None:
    """pytest's per-test loops and restarted workers: a fresh AsyncMongoClient per loop, no error."""
    mongo = Mongo(hosts=vf_mongo.url, db_name=vf_mongo_db)

    async def use(n: int) -> int:
        try:
            await mongo.collection("loops").insert_one({"n": n})
            return await mongo.collection("loops").count()
        finally:
            await mongo.release()  # close this loop's client before the loop ends

    assert asyncio.run(use(1)) == 1
    assert asyncio.run(use(2)) == 2
