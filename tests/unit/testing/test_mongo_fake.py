"""What :class:`FakeMongoServer` adds beyond the contract suite: one shared store and its inspection."""

from __future__ import annotations

import pytest

from verifiedfan.mongo import DuplicateKeyError, IndexSpec, MongoOperationError
from verifiedfan.testing.mongo import FakeMongoServer


async def test_the_docstring_example_and_the_inspection_helpers() -> None:
    server = FakeMongoServer()
    async with server.mongo(db_name="registration") as mongo:
        await mongo.collection("users").insert_one({"email": "fan@example.com"})
        await mongo.create_indexes("users", [IndexSpec("email", unique=True)])
    assert server.documents("registration", "users")[0]["email"] == "fan@example.com"
    assert server.index_names("registration", "users") == ["_id_", "email_1"]
    server.drop_database("registration")
    assert server.documents("registration", "users") == []


async def test_the_async_and_sync_clients_share_one_store_and_updates_into_a_duplicate_are_11000() -> None:
    server = FakeMongoServer()
    async with server.mongo() as mongo:
        await mongo.create_indexes("users", [IndexSpec("email", unique=True)])
        await mongo.collection("users").insert_many([{"email": "a"}, {"email": "b"}])
    with server.sync_mongo() as sync_mongo:
        users = sync_mongo.collection("users")
        assert users.count() == 2
        with pytest.raises(
            DuplicateKeyError, match=r"update_one on 'users': duplicate key"
        ):  # what MongoDB answers (FerretDB: InternalError)
            users.update_one({"email": "b"}, {"$set": {"email": "a"}})
    assert FakeMongoServer().documents("test", "users") == []  # another server, another store


async def test_a_type_mismatch_is_the_servers_write_error_14_not_a_bare_type_error() -> None:
    server = FakeMongoServer()
    async with server.mongo() as mongo:
        users = mongo.collection("users")
        await users.insert_one({"name": "x"})
        with pytest.raises(MongoOperationError, match="type mismatch") as caught:
            await users.update_one({}, {"$inc": {"name": 1}})
    assert caught.value.code == 14
