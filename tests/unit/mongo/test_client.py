"""Client lifecycle (lazy, loop-aware), the instrument hook, settings and the public surface."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

import pytest
from pymongo import errors as px

import verifiedfan.mongo as vmongo
from verifiedfan.errors import NotConnectedError
from verifiedfan.mongo import Mongo, MongoNotConnectedError, MongoSettings


class _Result:
    inserted_id = "id-1"
    deleted_count = 1


class FakeCollection:
    def __init__(self) -> None:
        self.calls: list[str] = []

    async def insert_one(self, doc: Any) -> _Result:
        self.calls.append("insert_one")
        return _Result()

    async def delete_many(self, flt: Any) -> _Result:
        self.calls.append("delete_many")
        return _Result()

    async def count_documents(self, flt: Any) -> int:
        self.calls.append("count")
        return 3


class FakeClient:
    instances: ClassVar[list[FakeClient]] = []

    def __init__(self, **options: Any) -> None:
        self.options = options
        self.closed = False
        self.coll = FakeCollection()
        FakeClient.instances.append(self)

    def __getitem__(self, name: str) -> Any:
        return {"users": self.coll}

    async def close(self) -> None:
        self.closed = True


def make(**kwargs: Any) -> Mongo:
    FakeClient.instances = []
    return Mongo(hosts="h", db_name="db", client_factory=FakeClient, **kwargs)  # type: ignore[arg-type]


def test_the_client_is_not_created_by_the_constructor() -> None:
    make()
    assert FakeClient.instances == []


def test_one_client_per_event_loop() -> None:
    mongo = make()

    async def use() -> object:
        await mongo.collection("users").count()
        return mongo.client()

    first = asyncio.run(use())
    second = asyncio.run(use())
    assert first is not second
    assert len(FakeClient.instances) == 2


async def test_the_same_loop_reuses_its_client() -> None:
    mongo = make()
    await mongo.collection("users").count()
    await mongo.collection("users").count()
    assert len(FakeClient.instances) == 1


async def test_instrument_wraps_every_operation() -> None:
    seen: list[tuple[str, str]] = []

    async def instrument(op: str, collection: str, call: Callable[[], Awaitable[Any]]) -> Any:
        seen.append((op, collection))
        return await call()

    mongo = make(instrument=instrument)
    users = mongo.collection("users")
    assert await users.insert_one({"a": 1}) == "id-1"
    assert (await users.delete_many({})).deleted_count == 1
    assert await users.count() == 3
    assert seen == [("insert_one", "users"), ("delete_many", "users"), ("count", "users")]


async def test_after_close_operations_raise_not_connected() -> None:
    mongo = make()
    await mongo.collection("users").count()
    await mongo.close()
    assert FakeClient.instances[0].closed
    with pytest.raises(MongoNotConnectedError, match="client is closed") as info:
        await mongo.collection("users").count()
    assert isinstance(info.value, NotConnectedError)


class _UnreachableAdmin:
    async def command(self, name: str) -> Any:
        raise px.ServerSelectionTimeoutError("h:27017: [Errno 111] Connection refused")


class UnreachableClient(FakeClient):
    admin = _UnreachableAdmin()


async def test_ensure_connected_to_an_unreachable_server_raises_not_connected() -> None:
    mongo = Mongo(hosts="h", db_name="db", client_factory=UnreachableClient)  # type: ignore[arg-type]
    with pytest.raises(MongoNotConnectedError, match="mongo is not reachable") as info:
        await mongo.ensure_connected()
    assert isinstance(info.value.__cause__, px.ServerSelectionTimeoutError)


def test_settings_read_the_vf_mongo_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VF_MONGO_HOSTS", "m1,m2")
    monkeypatch.setenv("VF_MONGO_DB_NAME", "users")
    monkeypatch.setenv("VF_MONGO_PASSWORD", "hunter2")
    settings = MongoSettings()
    assert "hunter2" not in repr(settings)
    mongo = Mongo.from_settings(settings)
    assert mongo.db_name == "users"
    assert mongo._options["host"] == ["m1", "m2"]
    assert mongo._options["password"] == "hunter2"


def test_all_is_complete_and_documented() -> None:
    public = {n for n in dir(vmongo) if not n.startswith("_")} - {"annotations"}
    modules = {n for n in public if inspect.ismodule(getattr(vmongo, n))}
    assert set(vmongo.__all__) == public - modules
    for name in vmongo.__all__:
        obj = getattr(vmongo, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert obj.__doc__, name


async def test_release_closes_this_loops_client_and_the_next_use_makes_a_new_one() -> None:
    mongo = make()
    await mongo.collection("users").count()
    await mongo.release()
    assert FakeClient.instances[0].closed
    assert await mongo.collection("users").count() == 3
    assert len(FakeClient.instances) == 2


def test_importing_the_package_does_not_import_pymongo() -> None:
    import subprocess
    import sys

    code = "import sys, verifiedfan.mongo; print(any(m in sys.modules for m in ('pymongo', 'bson')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
