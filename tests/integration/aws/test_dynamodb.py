"""DynamoDB against the stack's moto server; partial failures and throttling injected in front of it."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import pytest

from verifiedfan.aws import (
    AwsBatchError,
    AwsClients,
    AwsNotFoundError,
    AwsValidationError,
    ConditionalCheckFailedError,
    DynamoDB,
    Update,
)
from verifiedfan.testing.aws import FaultyClient


def no_sleep_table(name: str, client: Any, **kwargs: Any) -> tuple[DynamoDB, list[float]]:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    table = DynamoDB(
        name, clients=AwsClients(clients={"dynamodb": client}), sleep=sleep, rand=lambda: 1.0, **kwargs
    )
    return table, slept


@pytest.fixture
async def table(aws_clients: AwsClients, vf_dynamodb_table: str) -> DynamoDB:
    return DynamoDB(vf_dynamodb_table, clients=aws_clients)


async def test_put_get_update_delete(table: DynamoDB) -> None:
    key = {"pk": "fan#1", "sk": "profile"}
    await table.put({**key, "score": 0.1, "count": 3, "tags": {"a"}})
    item = await table.get(key)
    assert item == {**key, "score": Decimal("0.1"), "count": 3, "tags": {"a"}}
    assert type(item["count"]) is int
    new = await table.update(
        key,
        update_expression="SET #c = #c + :one",
        expression_attribute_names={"#c": "count"},
        expression_attribute_values={":one": 1},
        return_values="UPDATED_NEW",
    )
    assert new == {"count": 4}
    old = await table.delete(key, return_values="ALL_OLD")
    assert old is not None
    assert old["count"] == 4
    assert await table.get(key) is None


async def test_conditional_put(table: DynamoDB) -> None:
    item = {"pk": "p", "sk": "s"}
    await table.put(item, condition_expression="attribute_not_exists(pk)")
    with pytest.raises(ConditionalCheckFailedError, match="ConditionalCheckFailedException") as info:
        await table.put(item, condition_expression="attribute_not_exists(pk)")
    assert info.value.__cause__ is not None


async def test_missing_table_is_not_found(aws_clients: AwsClients) -> None:
    with pytest.raises(AwsNotFoundError, match="ResourceNotFoundException"):
        await DynamoDB("no-such-table", clients=aws_clients).get({"pk": "x", "sk": "y"})


async def test_nan_is_refused_before_io(aws_clients: AwsClients, vf_dynamodb_table: str) -> None:
    faulty = FaultyClient(await aws_clients.dynamodb())
    table = DynamoDB(vf_dynamodb_table, clients=AwsClients(clients={"dynamodb": faulty}))
    with pytest.raises(AwsValidationError, match=r"items\[1\]\.score: DynamoDB numbers must be finite"):
        await table.put_many([{"pk": "a", "sk": "1"}, {"pk": "a", "sk": "2", "score": math.nan}])
    with pytest.raises(AwsValidationError, match="finite"):
        await table.put({"pk": "a", "sk": "1", "x": math.inf})
    assert faulty.calls == []


async def test_query_pages_and_index_scan(table: DynamoDB) -> None:
    await table.put_many(
        [{"pk": "fan", "sk": f"{i:03d}", "gsi1pk": "all", "gsi1sk": f"{i:03d}", "n": i} for i in range(30)]
    )
    page = await table.query("pk = :p", expression_attribute_values={":p": "fan"}, limit=10)
    assert [i["n"] for i in page.items] == list(range(10))
    assert page.last_evaluated_key == {"pk": "fan", "sk": "009"}
    nxt = await table.query(
        "pk = :p", expression_attribute_values={":p": "fan"}, limit=10, start_key=page.last_evaluated_key
    )
    assert [i["n"] for i in nxt.items] == list(range(10, 20))
    back = await table.query(
        "pk = :p", expression_attribute_values={":p": "fan"}, scan_index_forward=False, limit=1
    )
    assert back.items[0]["n"] == 29
    everything = [
        i["n"] async for i in table.aiter_query("pk = :p", expression_attribute_values={":p": "fan"}, limit=7)
    ]
    assert everything == list(range(30))
    indexed = await table.full_index_scan("gsi1", page_size=8)
    assert sorted(i["n"] for i in indexed) == list(range(30))


async def test_get_many_in_order_across_chunks(table: DynamoDB) -> None:
    await table.put_many([{"pk": f"k{i}", "sk": "x", "n": i} for i in range(250)])
    keys = [{"pk": f"k{i}", "sk": "x"} for i in reversed(range(250))] + [{"pk": "missing", "sk": "x"}]
    items = await table.get_many(keys + keys[:3])  # duplicates are read once
    assert [i["n"] for i in items] == list(reversed(range(250)))


async def test_put_many_resends_unprocessed_items_with_backoff(
    aws_clients: AwsClients, vf_dynamodb_table: str
) -> None:
    faulty = FaultyClient(await aws_clients.dynamodb())
    faulty.hold_back("batch_write_item", count=5, times=3)
    table, slept = no_sleep_table(vf_dynamodb_table, faulty, concurrency=1)
    result = await table.put_many([{"pk": f"k{i}", "sk": "x"} for i in range(60)])
    assert result.written == 60
    assert result.resent == 15
    sizes = [len(kw["RequestItems"].get(vf_dynamodb_table, [])) for op, kw in faulty.calls]
    # chunk 1: 25 -> 20 sent, 5 held; resent 5 -> all held; resent 5 -> all held (3 rounds used)
    assert sizes[:4] == [25, 5, 5, 5]
    assert slept == [0.05, 0.1, 0.2]  # full jitter with rand()=1: base * 2**attempt
    assert len(await table.get_many([{"pk": f"k{i}", "sk": "x"} for i in range(60)])) == 60


async def test_put_many_budget_exhausted_lists_what_was_not_written(
    aws_clients: AwsClients, vf_dynamodb_table: str
) -> None:
    faulty = FaultyClient(await aws_clients.dynamodb())
    faulty.hold_back("batch_write_item", count=2, times=None)
    table, _ = no_sleep_table(vf_dynamodb_table, faulty, max_attempts=3, concurrency=2)
    items = [{"pk": f"k{i:02d}", "sk": "x"} for i in range(30)]
    with pytest.raises(AwsBatchError, match="4 of 30 entries not written after 3 calls") as info:
        await table.put_many(items)
    assert sorted(u["pk"] for u in info.value.unprocessed) == ["k23", "k24", "k28", "k29"]
    written = await table.get_many([{"pk": i["pk"], "sk": "x"} for i in items])
    assert len(written) == 26


async def test_whole_batch_throttled_is_resent(aws_clients: AwsClients, vf_dynamodb_table: str) -> None:
    faulty = FaultyClient(await aws_clients.dynamodb())
    faulty.fail("batch_write_item", "ProvisionedThroughputExceededException", times=2)
    table, slept = no_sleep_table(vf_dynamodb_table, faulty)
    result = await table.put_many([{"pk": "a", "sk": str(i)} for i in range(10)])
    assert result.calls == 3
    assert len(slept) == 2


async def test_get_many_resends_unprocessed_keys(aws_clients: AwsClients, vf_dynamodb_table: str) -> None:
    table = DynamoDB(vf_dynamodb_table, clients=aws_clients)
    await table.put_many([{"pk": f"k{i}", "sk": "x"} for i in range(120)])
    faulty = FaultyClient(await aws_clients.dynamodb())
    faulty.hold_back("batch_get_item", count=10, times=2)
    slow, slept = no_sleep_table(vf_dynamodb_table, faulty, concurrency=1)
    items = await slow.get_many([{"pk": f"k{i}", "sk": "x"} for i in range(120)])
    assert len(items) == 120
    assert len(slept) == 2
    faulty.hold_back("batch_get_item", count=1, times=None)
    limited, _ = no_sleep_table(vf_dynamodb_table, faulty, max_attempts=2)
    with pytest.raises(AwsBatchError, match="keys unread") as info:
        await limited.get_many([{"pk": "k1", "sk": "x"}])
    assert info.value.unprocessed == [{"pk": "k1", "sk": "x"}]


async def test_delete_many(table: DynamoDB) -> None:
    await table.put_many([{"pk": f"k{i}", "sk": "x"} for i in range(40)])
    result = await table.delete_many([{"pk": f"k{i}", "sk": "x"} for i in range(40)])
    assert (result.written, result.calls) == (40, 2)
    assert await table.get_many([{"pk": f"k{i}", "sk": "x"} for i in range(40)]) == []


async def test_update_many_keeps_each_typed_error(table: DynamoDB) -> None:
    await table.put_many([{"pk": f"k{i}", "sk": "x", "n": 0} for i in range(3)])
    updates = [
        Update(
            {"pk": f"k{i}", "sk": "x"},
            "SET n = n + :one",
            {":one": 1},
            condition_expression="attribute_exists(pk)",
        )
        for i in range(4)
    ]
    failures = await table.update_many(updates)
    assert [f.update.key["pk"] for f in failures] == ["k3"]
    assert isinstance(failures[0].error, ConditionalCheckFailedError)
    assert [i["n"] for i in await table.get_many([u.key for u in updates])] == [1, 1, 1]


async def test_get_many_sends_100_keys_a_call(aws_clients: AwsClients, vf_dynamodb_table: str) -> None:
    faulty = FaultyClient(await aws_clients.dynamodb())
    table = DynamoDB(vf_dynamodb_table, clients=AwsClients(clients={"dynamodb": faulty}), concurrency=1)
    await table.get_many([{"pk": f"k{i}", "sk": "x"} for i in range(250)])
    sizes = [
        len(kw["RequestItems"][vf_dynamodb_table]["Keys"])
        for op, kw in faulty.calls
        if op == "batch_get_item"
    ]
    assert sizes == [100, 100, 50]


async def test_a_throttled_call_is_a_rate_limited_error(
    aws_clients: AwsClients, vf_dynamodb_table: str
) -> None:
    from verifiedfan.aws import AwsThrottledError
    from verifiedfan.errors import RateLimitedError

    faulty = FaultyClient(await aws_clients.dynamodb())
    faulty.fail("put_item", "ThrottlingException", times=1)
    table = DynamoDB(vf_dynamodb_table, clients=AwsClients(clients={"dynamodb": faulty}))
    with pytest.raises(AwsThrottledError, match="ThrottlingException") as info:
        await table.put({"pk": "a", "sk": "b"})
    assert isinstance(info.value, RateLimitedError)
    await table.put({"pk": "a", "sk": "b"})  # the next call goes through
    assert await table.get({"pk": "a", "sk": "b"}) == {"pk": "a", "sk": "b"}
