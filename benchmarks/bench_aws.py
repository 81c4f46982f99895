"""verifiedfan.aws against the raw aiobotocore client and boto3, on the same moto server.

* S3 put/get of 1 KB and 1 MB objects, and DynamoDB get/put: ``S3``/``DynamoDB`` against the raw
  aiobotocore client they wrap (the same client object, so the same pool), calls interleaved. The
  raw DynamoDB side sends pre-built wire items (its best case); ours converts plain values.
* ``put_many`` of 10,000 items against boto3's ``Table.batch_writer()`` (what most services use).
* Peak RSS growth while streaming 100 MiB into S3, each side in a fresh process, against boto3's
  ``upload_fileobj`` of the same stream.

The moto server is the stack's ``aws`` (the runner starts it; its address comes from the stack's
connection settings, ``VF_STACK_AWS_ENDPOINT_URL`` to point at another one).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from benchmarks._harness import Comparison, interleaved_rates
from verifiedfan.stack import StackSettings, connections

SERVERS = ("aws",)
ENDPOINT = connections(StackSettings()).aws.endpoint_url
KEYS = {"region_name": "us-east-1", "aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
ITEM = {"pk": "fan#1", "sk": "profile", "name": "John O'Connor", "score": 97, "artists": ["a1", "a2"]}


def _boto3(service: str) -> Any:
    import boto3

    return boto3.client(service, endpoint_url=ENDPOINT, **KEYS)  # type: ignore[call-overload]


def _make_table(name: str) -> None:
    ddb = _boto3("dynamodb")
    ddb.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": "S"} for a in ("pk", "sk")],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    )


async def _latency(quick: bool, bucket: str, table: str) -> list[Comparison]:
    from verifiedfan.aws import S3, AwsClients, AwsSettings, DynamoDB
    from verifiedfan.aws._ddb_codec import serialize_item

    settings = AwsSettings(
        endpoint_url=ENDPOINT, region="us-east-1", access_key_id="testing", secret_access_key="testing"
    )  # type: ignore[arg-type]
    n, rounds = (40, 4) if quick else (600, 20)
    out = []
    async with AwsClients(settings) as clients:
        s3, db = S3(bucket, clients=clients), DynamoDB(table, clients=clients)
        raw_s3, raw_db = await clients.s3(), await clients.dynamodb()
        for label, size in (("1 KB", 1024), ("1 MB", 1024 * 1024)):
            body = os.urandom(size)
            count = n if size < 100_000 else max(n // 10, 10)

            async def our_put(body: bytes = body, label: str = label) -> object:
                return await s3.upload_data(f"o/{label}", body)

            async def raw_put(body: bytes = body, label: str = label) -> object:
                return await raw_s3.put_object(Bucket=bucket, Key=f"r/{label}", Body=body)

            async def our_get(label: str = label) -> object:
                return await s3.get_object_bytes(f"o/{label}")

            async def raw_get(label: str = label) -> object:
                answer = await raw_s3.get_object(Bucket=bucket, Key=f"r/{label}")
                async with answer["Body"] as stream:
                    return await stream.read()

            put = await interleaved_rates(our_put, raw_put, count, rounds, warmup=5)
            get = await interleaved_rates(our_get, raw_get, count, rounds, warmup=5)
            ref = "aiobotocore S3 client"
            out.append(Comparison(f"S3 put_object {label}, sequential", *put, ref, "ops/s", True, ">= 0.9x"))
            out.append(Comparison(f"S3 get_object {label}, sequential", *get, ref, "ops/s", True, ">= 0.9x"))
        wire = serialize_item(ITEM)
        key = {"pk": "fan#1", "sk": "profile"}
        wire_key = serialize_item(key)

        async def our_put_item() -> object:
            return await db.put(ITEM)

        async def raw_put_item() -> object:
            return await raw_db.put_item(TableName=table, Item=wire)

        async def our_get_item() -> object:
            return await db.get(key)

        async def raw_get_item() -> object:
            return (await raw_db.get_item(TableName=table, Key=wire_key)).get("Item")

        put = await interleaved_rates(our_put_item, raw_put_item, n, rounds, warmup=10)
        get = await interleaved_rates(our_get_item, raw_get_item, n, rounds, warmup=10)
        ref = "aiobotocore DynamoDB client (wire items)"
        out.append(Comparison("DynamoDB put_item, sequential", *put, ref, "ops/s", True, ">= 0.9x"))
        out.append(Comparison("DynamoDB get_item, sequential", *get, ref, "ops/s", True, ">= 0.9x"))
    return out


async def _put_many(items: list[dict[str, Any]], table: str, rtt: float = 0.0) -> float:
    from verifiedfan._proxy import MethodProxy
    from verifiedfan.aws import AwsClients, AwsSettings, DynamoDB

    settings = AwsSettings(
        endpoint_url=ENDPOINT, region="us-east-1", access_key_id="testing", secret_access_key="testing"
    )  # type: ignore[arg-type]
    async with AwsClients(settings) as clients:
        raw = await clients.dynamodb()

        async def slow_write(**kwargs: Any) -> Any:  # a DynamoDB round trip, which moto on loopback lacks
            await asyncio.sleep(rtt)
            return await raw.batch_write_item(**kwargs)

        if rtt:
            clients = AwsClients(
                clients={"dynamodb": MethodProxy(raw, {"batch_write_item": slow_write}, "rtt")}
            )
        db = DynamoDB(table, clients=clients)
        await db.put_many(items[:50])  # warm-up: client and connections
        start = time.perf_counter()
        await db.put_many(items)
        return len(items) / (time.perf_counter() - start)


def _batch_writer(items: list[dict[str, Any]], table_name: str, rtt: float = 0.0) -> float:
    import boto3

    table = boto3.resource("dynamodb", endpoint_url=ENDPOINT, **KEYS).Table(table_name)
    if rtt:
        table.meta.client.meta.events.register(
            "before-send.dynamodb.BatchWriteItem", lambda **_: time.sleep(rtt)
        )  # the same round trip on the boto3 side; returning None lets botocore send as usual
    with table.batch_writer() as batch:
        for item in items[:50]:
            batch.put_item(Item=item)
    start = time.perf_counter()
    with table.batch_writer() as batch:
        for item in items:
            batch.put_item(Item=item)
    return len(items) / (time.perf_counter() - start)


def _rss(side: str, bucket: str, mib: int) -> float:
    script = Path(__file__).with_name("_aws_stream_rss.py")
    done = subprocess.run(
        [sys.executable, str(script), side, ENDPOINT, bucket, str(mib)],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return float(json.loads(done.stdout.strip().splitlines()[-1])["growth_mb"])


def run(quick: bool) -> list[Comparison]:
    run_id = uuid.uuid4().hex[:8]
    bucket, table = f"bench-{run_id}", f"bench-{run_id}"
    s3 = _boto3("s3")
    s3.create_bucket(Bucket=bucket)
    _make_table(table)
    try:
        out = asyncio.run(_latency(quick, bucket, table))
        count = 1000 if quick else 10_000
        items = [{"pk": f"fan#{i}", "sk": "profile", "score": i, "name": f"fan {i}"} for i in range(count)]
        ours = asyncio.run(_put_many(items, table))
        ref = _batch_writer([{**i, "pk": "b" + i["pk"]} for i in items], table)
        out.append(
            Comparison(
                f"DynamoDB put_many {count} items",
                ours,
                ref,
                "boto3 Table.batch_writer()",
                "items/s",
                True,
                ">= 3x",
            )
        )
        rtt = 0.010
        ours = asyncio.run(_put_many([{**i, "pk": "r" + i["pk"]} for i in items], table, rtt))
        ref = _batch_writer([{**i, "pk": "s" + i["pk"]} for i in items], table, rtt)
        name = f"DynamoDB put_many {count} items, +10 ms a call"
        out.append(Comparison(name, ours, ref, "boto3 Table.batch_writer()", "items/s", True, ">= 3x"))
        mib = 20 if quick else 100
        out.append(
            Comparison(
                f"S3 stream {mib} MiB: peak RSS growth",
                _rss("ours", bucket, mib),
                _rss("boto3", bucket, mib),
                "boto3 upload_fileobj (default TransferConfig)",
                "MB",
                False,
                "< 32 MB",
            )
        )
        return out
    finally:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            keys = [{"Key": o["Key"]} for o in page.get("Contents", [])]
            if keys:
                s3.delete_objects(Bucket=bucket, Delete={"Objects": keys})
        s3.delete_bucket(Bucket=bucket)
        _boto3("dynamodb").delete_table(TableName=table)
