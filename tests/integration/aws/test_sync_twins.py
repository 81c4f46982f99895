"""The generated blocking twins (boto3/botocore) against moto: the same behaviour as the async sources."""

from __future__ import annotations

import os
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from verifiedfan.aws import (
    AwsBatchError,
    AwsNotFoundError,
    AwsSettings,
    AwsValidationError,
    SyncAwsClients,
    SyncDynamoDB,
    SyncS3,
)
from verifiedfan.testing.aws import FaultyClient

MiB = 1024 * 1024


@pytest.fixture
def clients(vf_aws_settings: AwsSettings) -> Iterator[SyncAwsClients]:
    with SyncAwsClients(vf_aws_settings) as made:
        yield made


def test_s3(clients: SyncAwsClients, vf_s3_bucket: str, tmp_path: Path) -> None:
    s3 = SyncS3(vf_s3_bucket, clients=clients, part_size=5 * MiB)
    data = os.urandom(11 * MiB)
    path = tmp_path / "blob.bin"
    path.write_bytes(data)
    result = s3.upload_file("blob.bin", path)
    assert result.etag.endswith('-3"')
    assert b"".join(s3.iter_object("blob.bin", chunk_size=MiB)) == data
    s3.upload_data("t.txt", "text")
    assert s3.get_object("t.txt") == "text"
    assert [o.key for o in s3.iter_objects()] == ["blob.bin", "t.txt"]
    url = s3.generate_signed_url("t.txt", expires_in=60)
    assert httpx.get(url).text == "text"
    assert s3.delete_objects(["blob.bin", "t.txt"]).failed == ()
    assert s3.head_object("t.txt") is None
    with pytest.raises(AwsNotFoundError, match=r"^s3\.GetObject failed: NoSuchKey"):
        s3.get_object_bytes("t.txt")
    with pytest.raises(AwsValidationError, match="expires_in"):
        s3.generate_signed_url("t.txt", expires_in=8 * 24 * 3600)


def test_dynamodb(clients: SyncAwsClients, vf_dynamodb_table: str) -> None:
    faulty = FaultyClient(clients.dynamodb())
    faulty.hold_back("batch_write_item", count=3, times=2)
    slept: list[float] = []
    table = SyncDynamoDB(
        vf_dynamodb_table,
        clients=SyncAwsClients(clients={"dynamodb": faulty}),
        sleep=slept.append,
        concurrency=4,
    )
    result = table.put_many([{"pk": f"k{i}", "sk": "x", "v": Decimal("1.5")} for i in range(100)])
    assert (result.written, result.resent) == (100, 6)
    assert len(slept) == 2
    items = table.get_many([{"pk": f"k{i}", "sk": "x"} for i in range(100)])
    assert [i["pk"] for i in items] == [f"k{i}" for i in range(100)]
    assert items[0]["v"] == Decimal("1.5")
    assert len(list(table.iter_scan())) == 100
    faulty.hold_back("batch_write_item", count=1, times=None)
    limited = SyncDynamoDB(
        vf_dynamodb_table,
        clients=SyncAwsClients(clients={"dynamodb": faulty}),
        sleep=slept.append,
        max_attempts=2,
    )
    with pytest.raises(
        AwsBatchError, match=r"^dynamodb\.BatchWriteItem: 1 of 2 entries not written after 2 calls$"
    ) as info:
        limited.delete_many([{"pk": "k1", "sk": "x"}, {"pk": "k2", "sk": "x"}])
    assert info.value.unprocessed == [{"pk": "k2", "sk": "x"}]
