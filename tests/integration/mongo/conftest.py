"""The MongoDB wire server (FerretDB) of the stack, through the plugin's ``vf_mongo`` fixtures."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from verifiedfan.mongo import Mongo, SyncMongo

if TYPE_CHECKING:
    from verifiedfan.stack import MongoConnection


class Recorder:
    """An ``instrument`` hook that records every operation it wraps."""

    def __init__(self) -> None:
        self.ops: list[tuple[str, str]] = []

    async def __call__(self, op: str, collection: str, call: Callable[[], Awaitable[Any]]) -> Any:
        self.ops.append((op, collection))
        return await call()

    def sync(self, op: str, collection: str, call: Callable[[], Any]) -> Any:
        self.ops.append((op, collection))
        return call()


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
async def mongo(vf_mongo: MongoConnection, vf_mongo_db: str, recorder: Recorder) -> AsyncIterator[Mongo]:
    client = Mongo(hosts=vf_mongo.url, db_name=vf_mongo_db, instrument=recorder, server_selection_timeout=10)
    await client.ensure_connected()
    yield client
    await client.close()


@pytest.fixture
def sync_mongo(vf_mongo: MongoConnection, vf_mongo_db: str, recorder: Recorder) -> Iterator[SyncMongo]:
    with SyncMongo(hosts=vf_mongo.url, db_name=vf_mongo_db, instrument=recorder.sync) as client:
        client.ensure_connected()
        yield client
