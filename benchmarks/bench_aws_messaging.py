"""The batch senders of verifiedfan.aws (SQS, SNS, Kinesis, Firehose) against the loops a service would
write with the raw client, on the same moto server, 10,000 items a side.

Each of ours runs its chunks as bounded parallel batches (``AwsSettings.batch_concurrency``, 16) and
checks every entry first. The references are boto3 loops: the batch API over chunks of the API's
maximum one call after the other (no resend of failed entries, which is what such loops usually
lack), and, on 1,000 items, the one-call-per-item loop (``send_message``/``publish``/``put_record``).

Two moto limits shape the set-up, both sides alike:

* moto's SQS does work proportional to the queue's length for every message sent or received (it
  recomputes the queue's attributes), so 10,000 messages in one queue take minutes whoever sends
  them: the 10,000 messages go to 100 queues, 100 each, one queue after the other.
* moto's Kinesis shard loses records under concurrent ``PutRecords`` (``max()+1`` sequence numbers),
  so our ``put_many`` runs with ``concurrency=1`` here: the Kinesis row shows the cost of our checks
  and bookkeeping, not a parallel gain, which a real stream would allow.
* moto answers on loopback in one CPU-bound process, so parallel calls gain only what client and
  server CPU overlap; an AWS call also waits ~10 ms on the network. The ``+10 ms a call`` rows add
  that wait to every batch call on both sides (as ``bench_aws`` does for DynamoDB).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from typing import Any

from benchmarks._harness import Comparison
from verifiedfan.stack import StackSettings, connections

SERVERS = ("aws",)
ENDPOINT = connections(StackSettings()).aws.endpoint_url
KEYS = {"region_name": "us-east-1", "aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
PER_QUEUE = 100


def _boto3(service: str) -> Any:
    import boto3

    return boto3.client(service, endpoint_url=ENDPOINT, **KEYS)  # type: ignore[call-overload]


def _settings() -> Any:
    from verifiedfan.aws import AwsSettings

    return AwsSettings(
        endpoint_url=ENDPOINT, region="us-east-1", access_key_id="testing", secret_access_key="testing"
    )  # type: ignore[arg-type]


def _rate(count: int, fn: Callable[..., object], *args: Any) -> float:
    start = time.perf_counter()
    fn(*args)
    return count / (time.perf_counter() - start)


class _Resources:
    def __init__(self) -> None:
        self.sqs, self.sns, self.kinesis = _boto3("sqs"), _boto3("sns"), _boto3("kinesis")
        self.firehose, self.s3 = _boto3("firehose"), _boto3("s3")
        self.cleanup: list[Callable[[], object]] = []

    def name(self) -> str:
        return f"bench-{uuid.uuid4().hex[:10]}"

    def queues(self, count: int) -> list[str]:
        urls = [self.sqs.create_queue(QueueName=self.name())["QueueUrl"] for _ in range(count)]
        self.cleanup.extend(lambda u=u: self.sqs.delete_queue(QueueUrl=u) for u in urls)
        return urls

    def topic(self) -> str:
        arn: str = self.sns.create_topic(Name=self.name())["TopicArn"]
        self.cleanup.append(lambda: self.sns.delete_topic(TopicArn=arn))
        return arn

    def stream(self) -> str:
        name = self.name()
        self.kinesis.create_stream(StreamName=name, ShardCount=16)  # moto: O(records in shard) a put
        self.cleanup.append(lambda: self.kinesis.delete_stream(StreamName=name))
        return name

    def delivery_stream(self) -> str:
        bucket, name = self.name(), self.name()
        self.s3.create_bucket(Bucket=bucket)
        self.firehose.create_delivery_stream(
            DeliveryStreamName=name,
            ExtendedS3DestinationConfiguration={
                "RoleARN": "arn:aws:iam::123456789012:role/bench",
                "BucketARN": f"arn:aws:s3:::{bucket}",
            },
        )

        def remove() -> None:
            self.firehose.delete_delivery_stream(DeliveryStreamName=name)
            for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
                for obj in page.get("Contents", []):
                    self.s3.delete_object(Bucket=bucket, Key=obj["Key"])
            self.s3.delete_bucket(Bucket=bucket)

        self.cleanup.append(remove)
        return name

    def close(self) -> None:
        for remove in reversed(self.cleanup):
            try:
                remove()
            except Exception:  # noqa: S112 - best effort: the moto server is throwaway state
                continue


_BATCH_METHOD = {
    "sqs": ("send_message_batch", "SendMessageBatch"),
    "sns": ("publish_batch", "PublishBatch"),
    "kinesis": ("put_records", "PutRecords"),
    "firehose": ("put_record_batch", "PutRecordBatch"),
}


async def _ours(kind: str, target: Any, items: list[Any], rtt: float = 0.0) -> float:
    from verifiedfan._proxy import MethodProxy
    from verifiedfan.aws import SNS, SQS, AwsClients, Firehose, Kinesis

    async with AwsClients(_settings()) as real:
        raw = await real.client(kind)
        await _warm_up(kind, target, raw)
        clients = real
        if rtt:  # an AWS round trip, which moto on loopback lacks (the same sleep as the boto3 side)
            method = _BATCH_METHOD[kind][0]

            async def slow(**kwargs: Any) -> Any:
                await asyncio.sleep(rtt)
                return await getattr(raw, method)(**kwargs)

            clients = AwsClients(clients={kind: MethodProxy(raw, {method: slow}, "rtt")})
        start = time.perf_counter()
        if kind == "sqs":
            for q, url in enumerate(target):
                chunk = items[q * PER_QUEUE : (q + 1) * PER_QUEUE]
                (await SQS(url, clients=clients).send_message_batch(chunk)).raise_for_failures()
        elif kind == "sns":
            (await SNS(target, clients=clients).publish_batch(items)).raise_for_failures()
        elif kind == "kinesis":
            stream = Kinesis(target, clients=clients, concurrency=1)
            (await stream.put_many(items, ordered=False)).raise_for_failures()
        else:
            (await Firehose(target, clients=clients).put_many(items)).raise_for_failures()
        return len(items) / (time.perf_counter() - start)


async def _warm_up(kind: str, target: Any, client: Any) -> None:
    """One call on the client before the clock starts (connection, endpoint, first-call caches)."""
    if kind == "sqs":
        await client.send_message(QueueUrl=target[0], MessageBody="warm-up")
    elif kind == "sns":
        await client.publish(TopicArn=target, Message="warm-up")
    elif kind == "kinesis":
        await client.put_record(StreamName=target, Data=b"warm-up", PartitionKey="warm-up")
    else:
        await client.put_record(DeliveryStreamName=target, Record={"Data": b"warm-up"})


def _raw_client(kind: str, target: Any, rtt: float = 0.0) -> Any:
    """A boto3 client with one call done (as :func:`_warm_up` for ours), ``rtt`` added to batch calls."""
    client = _boto3(kind)
    _raw_items(client, kind, target, ["warm-up"] if kind != "kinesis" else [("warm-up", "warm-up")])
    if rtt:  # returning None from before-send lets botocore send as usual
        event = f"before-send.{kind}.{_BATCH_METHOD[kind][1]}"
        client.meta.events.register(event, lambda **_: time.sleep(rtt))
    return client


def _raw_batches(client: Any, kind: str, target: Any, items: list[Any]) -> None:
    if kind == "sqs":
        for q, url in enumerate(target):
            chunk = items[q * PER_QUEUE : (q + 1) * PER_QUEUE]
            for i in range(0, len(chunk), 10):
                entries = [{"Id": str(j), "MessageBody": m} for j, m in enumerate(chunk[i : i + 10])]
                client.send_message_batch(QueueUrl=url, Entries=entries)
    elif kind == "sns":
        for i in range(0, len(items), 10):
            entries = [{"Id": str(j), "Message": m} for j, m in enumerate(items[i : i + 10])]
            client.publish_batch(TopicArn=target, PublishBatchRequestEntries=entries)
    elif kind == "kinesis":
        for i in range(0, len(items), 500):
            records = [{"Data": d.encode(), "PartitionKey": k} for d, k in items[i : i + 500]]
            client.put_records(StreamName=target, Records=records)
    else:
        for i in range(0, len(items), 500):
            client.put_record_batch(
                DeliveryStreamName=target, Records=[{"Data": d.encode()} for d in items[i : i + 500]]
            )


def _raw_items(client: Any, kind: str, target: Any, items: list[Any]) -> None:
    for i, item in enumerate(items):
        if kind == "sqs":
            client.send_message(QueueUrl=target[i // PER_QUEUE], MessageBody=item)
        elif kind == "sns":
            client.publish(TopicArn=target, Message=item)
        elif kind == "kinesis":
            client.put_record(StreamName=target, Data=item[0].encode(), PartitionKey=item[1])
        else:
            client.put_record(DeliveryStreamName=target, Record={"Data": item.encode()})


def _side_by_side(
    res: _Resources, kind: str, label: str, items: list[Any], goal: str, singles: int
) -> list[Comparison]:
    def target(n: int) -> Any:
        if kind == "sqs":
            return res.queues(max(1, n // PER_QUEUE))
        return {"sns": res.topic, "kinesis": res.stream, "firehose": res.delivery_stream}[kind]()

    count = len(items)
    ours = asyncio.run(_ours(kind, target(count), items))
    batch_target, single_target = target(count), target(singles)
    batches = _rate(count, _raw_batches, _raw_client(kind, batch_target), kind, batch_target, items)
    one_by_one = _rate(
        singles, _raw_items, _raw_client(kind, single_target), kind, single_target, items[:singles]
    )
    return [
        Comparison(f"{label}, {count} items", ours, batches, "boto3 batch loop", "items/s", True, goal),
        Comparison(
            f"{label} vs one call an item ({singles})",
            ours,
            one_by_one,
            "boto3 per-item loop",
            "items/s",
            True,
            ">= 2x",
        ),
    ]


def _with_rtt(res: _Resources, kind: str, label: str, items: list[Any], rtt: float) -> Comparison:
    count = len(items)
    target = res.queues(max(1, count // PER_QUEUE)) if kind == "sqs" else res.topic()
    ours = asyncio.run(_ours(kind, target, items, rtt))
    target = res.queues(max(1, count // PER_QUEUE)) if kind == "sqs" else res.topic()
    ref = _rate(count, _raw_batches, _raw_client(kind, target, rtt), kind, target, items)
    name = f"{label}, {count} items, +{rtt * 1000:.0f} ms a call"
    return Comparison(name, ours, ref, "boto3 batch loop", "items/s", True, ">= 2x")


def run(quick: bool) -> list[Comparison]:
    count = 1000 if quick else 10_000
    singles = count // 10
    messages = [f'{{"fan": {i}, "event": "verified"}}' for i in range(count)]
    records = [(f'{{"fan": {i}}}', f"fan-{i}") for i in range(count)]
    lines = [f'{{"fan": {i}}}\n' for i in range(count)]
    res = _Resources()
    try:
        return [
            *_side_by_side(res, "sqs", "SQS send_message_batch", messages, ">= 2x", singles),
            _with_rtt(res, "sqs", "SQS send_message_batch", messages, 0.010),
            *_side_by_side(res, "sns", "SNS publish_batch", messages, ">= 2x", singles),
            _with_rtt(res, "sns", "SNS publish_batch", messages, 0.010),
            *_side_by_side(
                res,
                "kinesis",
                "Kinesis put_many (concurrency 1)",
                records,
                "~1x: moto, no parallel puts",
                singles,
            ),
            *_side_by_side(res, "firehose", "Firehose put_many (paced 5000/s)", lines, "paced", singles),
        ]
    finally:
        res.close()
