"""The Mongo wrapper against a port where no server listens: typed errors, no server needed."""

from __future__ import annotations

import asyncio
import gc
import socket
from collections.abc import Awaitable, Callable

import pytest

from verifiedfan.errors import NotConnectedError, VFTimeoutError
from verifiedfan.mongo import Mongo, MongoNotConnectedError, MongoTimeoutError, SyncMongo


def _dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# pymongo 4.20's async client leaks one socket when it is closed while its monitor is still retrying
# a refused connection (reproduced with AsyncMongoClient alone); the warning is pymongo's, not ours.
_PYMONGO_SOCKET_LEAK = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


def _against_a_dead_server(scenario: Callable[[Mongo], Awaitable[None]]) -> None:
    """Run ``scenario`` in its own loop, then collect pymongo's leaked socket inside the test."""

    async def main() -> None:
        mongo = Mongo(hosts="127.0.0.1", port=_dead_port(), db_name="x", server_selection_timeout=0.3)
        try:
            await scenario(mongo)
        finally:
            await mongo.close()

    asyncio.run(main())
    gc.collect()


@_PYMONGO_SOCKET_LEAK
def test_ensure_connected_to_a_dead_server_is_not_connected() -> None:
    async def scenario(mongo: Mongo) -> None:
        with pytest.raises(MongoNotConnectedError, match=r"^mongo is not reachable: ") as info:
            await mongo.ensure_connected()
        assert isinstance(info.value, NotConnectedError)

    _against_a_dead_server(scenario)


@_PYMONGO_SOCKET_LEAK
def test_an_operation_against_a_dead_server_is_a_typed_timeout() -> None:
    async def scenario(mongo: Mongo) -> None:
        with pytest.raises(
            MongoTimeoutError, match=r"^mongo insert_one on 'users': no server reachable in time"
        ) as info:
            await mongo.collection("users").insert_one({"a": 1})
        assert isinstance(info.value, VFTimeoutError)

    _against_a_dead_server(scenario)


def test_sync_twin_against_a_dead_server_is_not_connected() -> None:
    with SyncMongo(hosts="127.0.0.1", port=_dead_port(), db_name="x", server_selection_timeout=0.3) as mongo:
        with pytest.raises(MongoNotConnectedError, match=r"^mongo is not reachable: "):
            mongo.ensure_connected()
        with pytest.raises(MongoTimeoutError, match=r"^mongo count on 'users': no server reachable in time"):
            mongo.collection("users").count()
