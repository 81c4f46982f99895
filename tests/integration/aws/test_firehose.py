"""Firehose against the stack's moto server (delivering to S3 at once); failures injected by a proxy."""

from __future__ import annotations

from typing import Any

import pytest

from verifiedfan.aws import (
    S3,
    AwsClients,
    AwsNotFoundError,
    AwsSettings,
    AwsValidationError,
    Firehose,
    SyncAwsClients,
    SyncFirehose,
)
from verifiedfan.stack import AwsConnection
from verifiedfan.testing.aws import FaultyClient
from verifiedfan.testing.aws_proxy import BatchFaultProxy
from verifiedfan.testing.aws_resources import AwsResources


async def delivered(clients: AwsClients, bucket: str) -> bytes:
    s3 = S3(bucket, clients=clients)
    out = b""
    async for summary in s3.aiter_objects():
        out += await s3.get_object_bytes(summary.key)
    return out


async def test_put_and_put_many_reach_the_bucket(
    aws_clients: AwsClients, vf_aws_resources: AwsResources, vf_s3_bucket: str
) -> None:
    stream = Firehose(vf_aws_resources.delivery_stream(vf_s3_bucket), clients=aws_clients)
    one = await stream.put(b"first\n")
    assert one.id
    result = await stream.put_many([f"line{i}\n" for i in range(1200)] + [{"json": True}])
    assert (result.ok, len(result.sent), result.calls) == (True, 1201, 3)
    data = await delivered(aws_clients, vf_s3_bucket)  # objects in key order, not in put order
    assert data.count(b'{"json":true}') == 1  # compact JSON, nothing appended
    lines = data.replace(b'{"json":true}', b"").split()
    assert sorted(lines) == sorted([b"first"] + [f"line{i}".encode() for i in range(1200)])


async def test_put_many_is_paced_to_the_quota(
    aws_clients: AwsClients, vf_aws_resources: AwsResources, vf_s3_bucket: str
) -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    stream = Firehose(
        vf_aws_resources.delivery_stream(vf_s3_bucket),
        clients=aws_clients,
        records_per_second=1000,
        concurrency=1,
        sleep=sleep,
        clock=lambda: 0.0,  # time stands still: every wait is the bucket's deficit
    )
    result = await stream.put_many([b"x"] * 2500)
    assert (result.ok, result.calls) == (True, 5)
    assert slept == [0.5, 1.0, 1.5]  # one second's burst, then 1000 records a second


async def test_bad_records_are_refused_before_io(
    aws_clients: AwsClients, vf_aws_resources: AwsResources, vf_s3_bucket: str
) -> None:
    faulty = FaultyClient(await aws_clients.client("firehose"))
    stream = Firehose(
        vf_aws_resources.delivery_stream(vf_s3_bucket), clients=AwsClients(clients={"firehose": faulty})
    )
    with pytest.raises(AwsValidationError, match=r"records\[1\]: 1024001 bytes, more than the 1024000"):
        await stream.put_many([b"ok", b"x" * 1_024_001])
    with pytest.raises(AwsValidationError, match="stream_name must be 1-64"):
        Firehose("", clients=aws_clients)
    assert faulty.calls == []


async def test_failed_records_are_resent_once_each(
    vf_aws_settings: AwsSettings, vf_aws_resources: AwsResources, vf_aws: AwsConnection, vf_s3_bucket: str
) -> None:
    name = vf_aws_resources.delivery_stream(vf_s3_bucket)

    async def sleep(seconds: float) -> Any:
        return None

    records = [f"r{i}\n" for i in range(2000)]
    with BatchFaultProxy(vf_aws.endpoint_url, fraction=0.25, seed=2) as proxy:
        async with AwsClients(vf_aws_settings.model_copy(update={"endpoint_url": proxy.url})) as clients:
            result = await Firehose(name, clients=clients, sleep=sleep, records_per_second=None).put_many(
                records
            )
    assert result.ok
    assert result.resent == proxy.injected > 0
    async with AwsClients(vf_aws_settings) as clients:
        lines = (await delivered(clients, vf_s3_bucket)).decode().split()
    assert sorted(lines) == sorted(r.strip() for r in records)  # every record once: no duplicate on resend


async def test_unknown_stream_is_not_found(aws_clients: AwsClients) -> None:
    with pytest.raises(
        AwsNotFoundError,
        match=r"firehose\.PutRecord failed: ResourceNotFoundException: Firehose no-such-stream",
    ):
        await Firehose("no-such-stream", clients=aws_clients).put(b"x")


def test_sync_twin(vf_aws_settings: AwsSettings, vf_aws_resources: AwsResources, vf_s3_bucket: str) -> None:
    with SyncAwsClients(vf_aws_settings) as clients:
        stream = SyncFirehose(vf_aws_resources.delivery_stream(vf_s3_bucket), clients=clients)
        assert stream.put("x").id
        assert stream.put_many(["y"] * 501).calls == 2
