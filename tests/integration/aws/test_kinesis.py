"""Kinesis against the stack's moto server; FailedRecordCount injected by a proxy in front of it."""

from __future__ import annotations

import json

import pytest

from verifiedfan.aws import (
    AwsClients,
    AwsNotFoundError,
    AwsSettings,
    AwsValidationError,
    Kinesis,
    KinesisRecord,
    SyncAwsClients,
    SyncKinesis,
)
from verifiedfan.stack import AwsConnection
from verifiedfan.testing.aws import FaultyClient
from verifiedfan.testing.aws_proxy import BatchFaultProxy
from verifiedfan.testing.aws_resources import AwsResources


async def no_sleep(seconds: float) -> None:
    return None


async def test_describe_shards_and_mode(aws_clients: AwsClients, vf_aws_resources: AwsResources) -> None:
    provisioned = Kinesis(vf_aws_resources.stream(shards=3), clients=aws_clients)
    info = await provisioned.describe()
    assert (info.name, info.status, info.mode, info.open_shard_count) == (
        provisioned.stream,
        "ACTIVE",
        "PROVISIONED",
        3,
    )
    assert info.arn.startswith("arn:aws:kinesis:")
    assert not await provisioned.is_on_demand()
    shards = await provisioned.list_shards()
    assert [s.shard_id for s in shards] == [f"shardId-00000000000{i}" for i in range(3)]
    assert all(s.is_open for s in shards)
    assert shards[0].starting_hash_key == "0"
    assert int(shards[-1].ending_hash_key) == 2**128 - 1  # the shards cover the whole MD5 key space
    on_demand = Kinesis(vf_aws_resources.stream(on_demand=True), clients=aws_clients)
    assert await on_demand.is_on_demand()
    by_arn = Kinesis(info.arn, clients=aws_clients)
    assert (await by_arn.describe()).name == provisioned.stream


async def test_put_and_put_many_round_trip(aws_clients: AwsClients, vf_aws_resources: AwsResources) -> None:
    name = vf_aws_resources.stream(shards=2)
    stream = Kinesis(name, clients=aws_clients)
    one = await stream.put({"fan": 1}, "k1")
    assert one.shard_id in {"shardId-000000000000", "shardId-000000000001"}
    result = await stream.put_many([(b"raw", "k2"), KinesisRecord("text", "k3"), ({"n": 2}, "k1")])
    assert (result.ok, [s.index for s in result.sent], result.calls) == (True, [0, 1, 2], 1)
    records = vf_aws_resources.stream_records(name)
    assert sorted(r["Data"] for r in records) == sorted([b'{"fan":1}', b"raw", b"text", b'{"n":2}'])
    # the same key lands in the same shard (moto hashes keys as Kinesis does: MD5)
    k1 = [r for r in records if r["PartitionKey"] == "k1"]
    assert [r["Data"] for r in k1] == [b'{"fan":1}', b'{"n":2}']
    assert result.sent[2].shard_id == one.shard_id


async def test_bad_records_are_refused_before_io(
    aws_clients: AwsClients, vf_aws_resources: AwsResources
) -> None:
    faulty = FaultyClient(await aws_clients.client("kinesis"))
    stream = Kinesis(vf_aws_resources.stream(), clients=AwsClients(clients={"kinesis": faulty}))
    with pytest.raises(AwsValidationError, match=r"records\[1\]: partition_key must be 1-256"):
        await stream.put_many([("a", "k"), ("b", "")])
    with pytest.raises(AwsValidationError, match=r"1048576 bytes, more than the 1048575 a record allows"):
        await stream.put_many([(b"x" * (1024 * 1024), "k")])
    with pytest.raises(AwsValidationError, match="not bytes, str or JSON"):
        await stream.put(object(), "k")
    assert faulty.calls == []


async def test_failed_records_are_resent_in_key_order(
    vf_aws_settings: AwsSettings, vf_aws_resources: AwsResources, vf_aws: AwsConnection
) -> None:
    name = vf_aws_resources.stream(shards=2)
    records = [KinesisRecord(json.dumps({"k": i % 7, "n": i}), f"key{i % 7}") for i in range(300)]
    with BatchFaultProxy(vf_aws.endpoint_url, fraction=0.3, seed=11) as proxy:
        async with AwsClients(vf_aws_settings.model_copy(update={"endpoint_url": proxy.url})) as clients:
            result = await Kinesis(name, clients=clients, sleep=no_sleep).put_many(records)
    assert result.ok
    assert result.resent == proxy.injected > 0
    got = [json.loads(r["Data"]) for r in vf_aws_resources.stream_records(name)]
    assert sorted(g["n"] for g in got) == list(range(300))  # each once
    for key in range(7):
        ns = [g["n"] for g in got if g["k"] == key]
        assert ns == sorted(ns)  # per-key order kept across resends


async def test_a_record_that_keeps_failing_blocks_its_key_only(
    vf_aws_settings: AwsSettings, vf_aws_resources: AwsResources, vf_aws: AwsConnection
) -> None:
    name = vf_aws_resources.stream()
    records = [("a1", "a"), ("POISON", "b"), ("a2", "a"), ("b2", "b")]
    with BatchFaultProxy(
        vf_aws.endpoint_url, fraction=0.0, poison="POISON", poison_code="InternalFailure"
    ) as proxy:
        async with AwsClients(vf_aws_settings.model_copy(update={"endpoint_url": proxy.url})) as clients:
            stream = Kinesis(name, clients=clients, sleep=no_sleep, max_attempts=3)
            result = await stream.put_many(records)
            unordered = await Kinesis(name, clients=clients, sleep=no_sleep, max_attempts=2).put_many(
                records, ordered=False
            )
    assert [s.index for s in result.sent] == [0, 2]
    assert [(f.index, f.code) for f in result.failed] == [
        (1, "InternalFailure"),
        (3, "PrecedingRecordFailed"),
    ]
    assert result.resent == 2  # the poisoned record was tried 3 times
    assert [s.index for s in unordered.sent] == [0, 2, 3]
    assert unordered.calls == 2
    datas = [r["Data"] for r in vf_aws_resources.stream_records(name)]
    assert datas == [b"a1", b"a2", b"a1", b"a2", b"b2"]


async def test_unknown_stream_is_not_found(aws_clients: AwsClients) -> None:
    with pytest.raises(
        AwsNotFoundError,
        match=r"kinesis\.DescribeStreamSummary failed: ResourceNotFoundException: Stream no-such-stream",
    ):
        await Kinesis("no-such-stream", clients=aws_clients).describe()


def test_sync_twin(vf_aws_settings: AwsSettings, vf_aws_resources: AwsResources) -> None:
    name = vf_aws_resources.stream()
    with SyncAwsClients(vf_aws_settings) as clients:
        # one call at a time: moto's shards lose records under concurrent PutRecords (see aws_proxy)
        stream = SyncKinesis(name, clients=clients, concurrency=1)
        assert stream.describe().open_shard_count == 1
        assert stream.put_many([(str(i), f"k{i % 3}") for i in range(1200)], ordered=False).calls == 3
    assert len(vf_aws_resources.stream_records(name)) == 1200
