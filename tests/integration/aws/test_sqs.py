"""SQS against the stack's moto server; partial batch failures injected by a proxy in front of it."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from decimal import Decimal

import pytest

from verifiedfan.aws import (
    SQS,
    AwsClients,
    AwsNotFoundError,
    AwsSettings,
    AwsValidationError,
    SqsMessage,
    SyncAwsClients,
    SyncSQS,
    dedup_default,
)
from verifiedfan.stack import AwsConnection
from verifiedfan.testing.aws import FaultyClient
from verifiedfan.testing.aws_proxy import BatchFaultProxy
from verifiedfan.testing.aws_resources import AwsResources


async def drain(queue: SQS, *, delete: bool = True) -> list[str]:
    bodies: list[str] = []
    while True:
        got = await queue.receive(max_messages=10)
        if not got:
            return bodies
        bodies.extend(m.body for m in got)
        if delete:
            assert (await queue.delete_many(got)).ok


@pytest.fixture
def proxy(vf_aws: AwsConnection) -> Iterator[BatchFaultProxy]:
    with BatchFaultProxy(vf_aws.endpoint_url, fraction=0.3, seed=7) as running:
        yield running


def proxied(settings: AwsSettings, proxy: BatchFaultProxy) -> AwsSettings:
    return settings.model_copy(update={"endpoint_url": proxy.url})


async def test_send_receive_delete_with_typed_attributes(
    aws_clients: AwsClients, vf_aws_resources: AwsResources
) -> None:
    queue = SQS(vf_aws_resources.queue(), clients=aws_clients)
    attributes = {"kind": "fan", "count": 3, "score": Decimal("9.5"), "blob": b"\x00\x01"}
    sent = await queue.send_message("hello", attributes=attributes)
    [got] = await queue.receive()
    assert got.message_id == sent.id
    assert got.body == "hello"
    # botocore checks moto's MD5 of the attributes against its own: the wire shape is right
    assert got.attributes == attributes
    assert {k: v["DataType"] for k, v in got.raw_attributes.items()} == {
        "kind": "String",
        "count": "Number",
        "score": "Number",
        "blob": "Binary",
    }
    assert got.md5_of_body == hashlib.md5(b"hello").hexdigest()  # noqa: S324 - SQS's own checksum
    await queue.delete(got)
    assert await queue.receive() == []


async def test_bad_input_is_refused_before_io(
    aws_clients: AwsClients, vf_aws_resources: AwsResources
) -> None:
    faulty = FaultyClient(await aws_clients.client("sqs"))
    queue = SQS(vf_aws_resources.queue(), clients=AwsClients(clients={"sqs": faulty}))
    with pytest.raises(AwsValidationError, match="delay_seconds must be an integer 0-900"):
        await queue.send_message("x", delay_seconds=901)
    with pytest.raises(AwsValidationError, match="SQS has no array attribute type"):
        await queue.send_message("x", attributes={"tags": ["a"]})
    with pytest.raises(AwsValidationError, match="dedup_id is only for FIFO"):
        await queue.send_message("x", dedup_id="d")
    with pytest.raises(AwsValidationError, match=r"messages\[2\].body must not be empty"):
        await queue.send_message_batch(["a", "b", ""])
    small = SQS(queue.queue_url, clients=AwsClients(clients={"sqs": faulty}), max_batch_bytes=11)
    with pytest.raises(AwsValidationError, match="18 bytes with its attributes, more than the 11 a call"):
        await small.send_message_batch([SqsMessage("x" * 10, {"a": "b"})])
    assert faulty.calls == []  # nothing half-sent: the valid entries before the bad one were not sent


async def test_fifo_needs_a_group_and_dedups_on_the_body_hash(
    aws_clients: AwsClients, vf_aws_resources: AwsResources
) -> None:
    url = vf_aws_resources.queue(fifo=True, attributes={"ContentBasedDeduplication": "true"})
    queue = SQS(url, clients=aws_clients)
    with pytest.raises(AwsValidationError, match="requires a group_id"):
        await queue.send_message("x")
    with pytest.raises(AwsValidationError, match="no per-message delay_seconds"):
        await queue.send_message("x", group_id="g", delay_seconds=5)
    # moto's content-based deduplication (what SQS does) is the reference for our default id
    raw = await aws_clients.client("sqs")
    await raw.send_message(QueueUrl=url, MessageBody="reference", MessageGroupId="g")
    [ref] = await queue.receive()
    assert ref.system["MessageDeduplicationId"] == dedup_default("reference")
    assert dedup_default("reference") == hashlib.sha256(b"reference").hexdigest()
    await queue.delete(ref)

    await queue.send_message("once", group_id="g")
    await queue.send_message("once", group_id="g")  # same body within 5 minutes: deduplicated
    result = await queue.send_message_batch(
        [SqsMessage("once", group_id="g"), SqsMessage("twice", group_id="g")]
    )
    assert result.ok
    got = await queue.receive()
    assert [m.body for m in got] == ["once", "twice"]
    assert got[0].system["MessageGroupId"] == "g"


async def test_batch_chunks_by_count_and_bytes(
    aws_clients: AwsClients, vf_aws_resources: AwsResources
) -> None:
    queue = SQS(vf_aws_resources.queue(), clients=aws_clients)
    result = await queue.send_message_batch([f"m{i}" for i in range(25)])
    assert (result.ok, len(result.sent), result.calls) == (True, 25, 3)
    assert [s.index for s in result.sent] == list(range(25))
    assert sorted(await drain(queue)) == sorted(f"m{i}" for i in range(25))

    big = ["x" * 100_000 + str(i) for i in range(5)]  # two fit in 256 KiB, three do not
    result = await queue.send_message_batch(big)
    assert (result.ok, result.calls) == (True, 3)
    assert sorted(await drain(queue)) == sorted(big)


async def test_partial_failures_are_resent_and_sender_faults_returned(
    vf_aws_settings: AwsSettings, vf_aws_resources: AwsResources, vf_aws: AwsConnection
) -> None:
    url = vf_aws_resources.queue()
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    with BatchFaultProxy(vf_aws.endpoint_url, fraction=0.5, seed=3, poison="POISON") as proxy:
        async with AwsClients(proxied(vf_aws_settings, proxy)) as clients:
            queue = SQS(url, clients=clients, sleep=sleep, rand=lambda: 1.0)
            result = await queue.send_message_batch([f"m{i}" for i in range(40)] + ["POISON here"])
    assert len(result.sent) == 40
    [poisoned] = result.failed
    assert (poisoned.index, poisoned.entry, poisoned.code) == (
        40,
        SqsMessage("POISON here"),
        "InvalidParameterValue",
    )
    assert poisoned.sender_fault
    assert isinstance(poisoned.error, AwsValidationError)
    assert proxy.injected > 1
    assert result.resent == proxy.injected - 1
    assert slept
    assert slept[0] == 0.05
    async with AwsClients(vf_aws_settings) as clients:
        assert sorted(await drain(SQS(url, clients=clients))) == sorted(f"m{i}" for i in range(40))


async def test_entries_still_failing_are_returned_typed(
    vf_aws_settings: AwsSettings, vf_aws_resources: AwsResources, vf_aws: AwsConnection
) -> None:
    url = vf_aws_resources.queue()

    async def sleep(seconds: float) -> None:
        return None

    with BatchFaultProxy(vf_aws.endpoint_url, fraction=1.0, max_failures=None) as proxy:
        async with AwsClients(proxied(vf_aws_settings, proxy)) as clients:
            queue = SQS(url, clients=clients, sleep=sleep, max_attempts=3)
            result = await queue.send_message_batch(["a", "b"])
    assert not result.ok
    assert result.sent == ()
    assert [(f.index, f.code, f.sender_fault) for f in result.failed] == [(0, "InternalError", False)] * 1 + [
        (1, "InternalError", False)
    ]
    assert result.calls == 3
    assert proxy.injected == 6
    with pytest.raises(Exception, match="2 of 2 entries not sent") as info:
        result.raise_for_failures()
    assert info.value.unprocessed == [SqsMessage("a"), SqsMessage("b")]  # type: ignore[attr-defined]


async def test_redrive_moves_dead_letters_back(
    aws_clients: AwsClients, vf_aws_resources: AwsResources
) -> None:
    dlq_url = vf_aws_resources.queue(fifo=True)
    source_url = vf_aws_resources.queue(fifo=True, dead_letter_queue_url=dlq_url, max_receive_count=1)
    source, dlq = SQS(source_url, clients=aws_clients), SQS(dlq_url, clients=aws_clients)
    bodies = [f"job{i}" for i in range(15)]
    assert (
        await source.send_message_batch([SqsMessage(b, {"n": i}, group_id="g") for i, b in enumerate(bodies)])
    ).ok
    # received once and never deleted: moto moves them to the dead-letter queue on the next receive
    while await source.receive(visibility_timeout=0):
        pass
    assert await source.receive() == []
    assert await dlq.source_queue_url() == source_url

    result = await dlq.redrive_messages(max_messages=10)
    assert (result.moved, result.failed) == (10, ())
    result = await dlq.redrive_messages()
    assert (result.moved, result.failed) == (5, ())
    moved = []
    while got := await source.receive():
        moved.extend(got)
        assert (await source.delete_many(got)).ok
    # the dead-letter queue's order is moto's; bodies, attributes and the group id are kept
    assert sorted(m.body for m in moved) == sorted(bodies)
    assert all(m.body == f"job{m.attributes['n']}" for m in moved)
    assert {m.system["MessageGroupId"] for m in moved} == {"g"}


async def test_unknown_queue_is_not_found(aws_clients: AwsClients, vf_aws: AwsConnection) -> None:
    queue = SQS(f"{vf_aws.endpoint_url}/123456789012/no-such-queue", clients=aws_clients)
    with pytest.raises(
        AwsNotFoundError, match=r"^sqs\.SendMessage failed: AWS\.SimpleQueueService\.NonExistentQueue"
    ) as info:
        await queue.send_message("x")
    assert info.value.operation == "SendMessage"


def test_sync_twin_round_trip(vf_aws_settings: AwsSettings, vf_aws_resources: AwsResources) -> None:
    with SyncAwsClients(vf_aws_settings) as clients:
        queue = SyncSQS(vf_aws_resources.queue(), clients=clients)
        assert queue.send_message_batch([f"s{i}" for i in range(12)]).ok
        seen: list[str] = []
        while got := queue.receive():
            seen.extend(m.body for m in got)
            assert queue.delete_many(got).ok
        assert sorted(seen) == sorted(f"s{i}" for i in range(12))
