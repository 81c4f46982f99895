"""verifiedfan.mongo against raw pymongo ``AsyncMongoClient``, on the same server (the stack's FerretDB).

The server is the stack's ``mongo`` (the runner starts it; its address comes from the stack's
connection settings, ``VF_STACK_MONGO_URL`` to point at another one). Each run uses a fresh
database, dropped at the end.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from benchmarks._harness import Comparison, interleaved_rates
from verifiedfan.stack import StackSettings, connections

SERVERS = ("mongo",)
URL = connections(StackSettings()).mongo.url


def _doc(i: int) -> dict[str, Any]:
    return {
        "email": f"user{i}@example.com",
        "phone": "+15551234567",
        "name": {"first": "John", "last": "Doe"},
    }


async def _run(quick: bool) -> list[Comparison]:
    from pymongo import AsyncMongoClient

    from verifiedfan.mongo import Mongo, MongoError

    n, rounds = (150, 3) if quick else (1500, 50)
    db_name = f"vf_bench_{uuid.uuid4().hex[:8]}"
    ours = Mongo(hosts=URL, db_name=db_name, server_selection_timeout=3)
    raw: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(URL, serverSelectionTimeoutMS=3000)
    try:
        try:
            await ours.ensure_connected()
        except MongoError as exc:
            raise RuntimeError(
                f"MongoDB is not reachable at {URL} ({exc}): start it with `vf stack up mongo` "
                "or point VF_STACK_MONGO_URL at a running server"
            ) from exc
        our_coll = ours.collection("ours")
        raw_coll = raw[db_name]["raw"]
        counter = iter(range(10**9))

        async def our_insert() -> object:
            return await our_coll.insert_one(_doc(next(counter)))

        async def raw_insert() -> object:
            return (await raw_coll.insert_one(_doc(next(counter)))).inserted_id

        insert_rates = await interleaved_rates(our_insert, raw_insert, n, rounds)
        # reads on small collections of 100 documents each, so the scan cost stays constant
        our_coll = ours.collection("ours_read")
        raw_coll = raw[db_name]["raw_read"]
        await our_coll.insert_many([_doc(i) for i in range(100)])
        await raw_coll.insert_many([_doc(i) for i in range(100)])
        our_id = await our_coll.insert_one(_doc(-1))
        raw_id = (await raw_coll.insert_one(_doc(-1))).inserted_id

        async def our_find_by_id() -> object:
            return await our_coll.find_by_id(our_id)

        async def raw_find_by_id() -> object:
            return await raw_coll.find_one({"_id": raw_id})

        find_rates = await interleaved_rates(our_find_by_id, raw_find_by_id, n, rounds)

        async def our_find_many() -> object:
            return await our_coll.find({}, limit=50).to_list()

        async def raw_find_many() -> object:
            return await raw_coll.find({}, limit=50).to_list()

        many_rates = await interleaved_rates(our_find_many, raw_find_many, max(n // 5, 30), rounds)
    finally:
        await raw.drop_database(db_name)
        await raw.close()
        await ours.close()
    ref = "pymongo AsyncMongoClient"
    return [
        Comparison("insert_one, sequential", *insert_rates, ref, "ops/s", True, ">= 0.9x"),
        Comparison("find by _id, sequential", *find_rates, ref, "ops/s", True, ">= 0.9x"),
        Comparison("find 50 docs to_list, sequential", *many_rates, ref, "ops/s", True, ">= 0.9x"),
    ]


def run(quick: bool) -> list[Comparison]:
    return asyncio.run(_run(quick))
