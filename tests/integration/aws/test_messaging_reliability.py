"""Reliability of the batch senders under partial failures (issue 14), against the stack's moto server.

moto never fails a batch entry; :class:`BatchFaultProxy` in front of it does, in the services'
documented shapes, and removes each failed entry from the request so moto never stores it. What
reaches moto is then counted by id: every item exactly once, and for Kinesis in order per key.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter

import pytest

from verifiedfan.aws import SQS, AwsClients, AwsSettings, Kinesis, KinesisRecord, ReceivedMessage
from verifiedfan.stack import AwsConnection
from verifiedfan.testing.aws_proxy import BatchFaultProxy
from verifiedfan.testing.aws_resources import AwsResources

N = 10_000
QUEUES = 100


async def no_sleep(seconds: float) -> None:
    return None


async def receive_all(queue: SQS) -> list[ReceivedMessage]:
    """Everything in the queue, deleting as it goes (one receiver: moto's receive is not safe to
    run concurrently on one queue, it can hand a message to two receivers)."""
    got: list[ReceivedMessage] = []
    while batch := await queue.receive(max_messages=10, visibility_timeout=600):
        got.extend(batch)
        assert (await queue.delete_many(batch)).ok
    return got


@pytest.mark.slow
async def test_10k_messages_through_partial_failures_arrive_exactly_once(
    vf_aws_settings: AwsSettings, vf_aws_resources: AwsResources, vf_aws: AwsConnection
) -> None:
    # moto's ReceiveMessage scans the whole queue several times per message it returns
    # (is_message_valid_based_on_retention_period -> get_queue_attributes): spread over QUEUES
    queues = [vf_aws_resources.queue() for _ in range(QUEUES)]
    per_queue = N // QUEUES
    ids = [f"msg-{i:05d}" for i in range(N)]
    with BatchFaultProxy(vf_aws.endpoint_url, fraction=0.1, seed=14) as proxy:
        async with AwsClients(vf_aws_settings.model_copy(update={"endpoint_url": proxy.url})) as clients:
            results = await asyncio.gather(
                *(
                    SQS(url, clients=clients, sleep=no_sleep, concurrency=2).send_message_batch(
                        json.dumps({"id": i}) for i in ids[q * per_queue : (q + 1) * per_queue]
                    )
                    for q, url in enumerate(queues)
                )
            )
    assert all(r.ok for r in results)
    assert sum(len(r.sent) for r in results) == N
    injected = proxy.injected
    assert injected > N // 20  # about a tenth of the entries failed once or twice
    assert sum(r.resent for r in results) == injected
    assert proxy.forwarded == N  # each message reached moto exactly once
    async with AwsClients(vf_aws_settings) as clients:
        limit = asyncio.Semaphore(8)

        async def drain(url: str) -> list[ReceivedMessage]:
            async with limit:
                return await receive_all(SQS(url, clients=clients))

        received = [m for got in await asyncio.gather(*(drain(url) for url in queues)) for m in got]
    counts = Counter(json.loads(m.body)["id"] for m in received)
    assert counts == Counter(ids)  # every id exactly once
    assert {m.message_id for m in received} == {s.id for r in results for s in r.sent}


@pytest.mark.slow
async def test_10k_kinesis_records_through_failed_record_counts_once_each_in_key_order(
    vf_aws_settings: AwsSettings, vf_aws_resources: AwsResources, vf_aws: AwsConnection
) -> None:
    name = vf_aws_resources.stream(shards=8)
    keys = 250
    records = [KinesisRecord(json.dumps({"k": i % keys, "n": i}), f"fan-{i % keys}") for i in range(N)]
    with BatchFaultProxy(vf_aws.endpoint_url, fraction=0.1, seed=15) as proxy:
        async with AwsClients(vf_aws_settings.model_copy(update={"endpoint_url": proxy.url})) as clients:
            result = await Kinesis(name, clients=clients, sleep=no_sleep).put_many(records)
    assert result.ok
    assert len(result.sent) == N
    assert result.resent == proxy.injected > N // 20
    assert proxy.forwarded == N
    stored = [json.loads(r["Data"]) for r in vf_aws_resources.stream_records(name)]
    assert Counter(s["n"] for s in stored) == Counter(range(N))  # every record once
    by_key: dict[int, list[int]] = {}
    for s in stored:  # stream_records reads each shard in sequence order; a key lives in one shard
        by_key.setdefault(s["k"], []).append(s["n"])
    assert all(ns == sorted(ns) for ns in by_key.values())
    assert len(by_key) == keys
