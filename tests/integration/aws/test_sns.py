"""SNS against the stack's moto server, checked at an SQS queue subscribed to the topic."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from verifiedfan.aws import (
    SNS,
    SQS,
    AwsClients,
    AwsSettings,
    AwsValidationError,
    SnsMessage,
    SyncAwsClients,
    SyncSNS,
)
from verifiedfan.stack import AwsConnection
from verifiedfan.testing.aws import FaultyClient
from verifiedfan.testing.aws_proxy import BatchFaultProxy
from verifiedfan.testing.aws_resources import AwsResources


async def drain(queue: SQS) -> list[str]:
    bodies: list[str] = []
    while got := await queue.receive():
        bodies.extend(m.body for m in got)
        assert (await queue.delete_many(got)).ok
    return bodies


async def test_publish_with_inferred_attribute_types(
    aws_clients: AwsClients, vf_aws_resources: AwsResources
) -> None:
    topic_arn, queue_url = vf_aws_resources.topic(), vf_aws_resources.queue()
    vf_aws_resources.subscribe(topic_arn, queue_url, raw=False)
    topic, queue = SNS(topic_arn, clients=aws_clients), SQS(queue_url, clients=aws_clients)
    sent = await topic.publish(
        "hello",
        subject="greeting",
        attributes={
            "kind": "fan",
            "n": 3,
            "ratio": Decimal("0.5"),
            "tags": ["a", 1, True, None],
            "raw": b"\x01",
        },
    )
    [got] = await queue.receive()
    envelope = json.loads(got.body)  # the SNS notification, as SNS delivers it to a queue
    assert (envelope["Type"], envelope["MessageId"], envelope["Message"]) == (
        "Notification",
        sent.id,
        "hello",
    )
    assert envelope["Subject"] == "greeting"
    assert {name: a["Type"] for name, a in envelope["MessageAttributes"].items()} == {
        "kind": "String",
        "n": "Number",
        "ratio": "Number",
        "tags": "String.Array",
        "raw": "Binary",
    }
    assert json.loads(envelope["MessageAttributes"]["tags"]["Value"]) == ["a", 1, True, None]


async def test_bad_input_is_refused_before_io(
    aws_clients: AwsClients, vf_aws_resources: AwsResources
) -> None:
    faulty = FaultyClient(await aws_clients.client("sns"))
    clients = AwsClients(clients={"sns": faulty})
    with pytest.raises(AwsValidationError, match="topic_arn must be an SNS topic ARN"):
        SNS("my-topic", clients=clients)
    topic = SNS(vf_aws_resources.topic(), clients=clients)
    fifo = SNS(vf_aws_resources.topic(fifo=True), clients=clients)
    with pytest.raises(AwsValidationError, match="a bool has no attribute type"):
        await topic.publish("x", attributes={"flag": True})
    with pytest.raises(AwsValidationError, match="not a valid attribute name"):
        await topic.publish("x", attributes={"AWS.reserved": "x"})
    with pytest.raises(AwsValidationError, match="more than the 10 allowed"):
        await topic.publish("x", attributes={f"a{i}": i for i in range(11)})
    with pytest.raises(AwsValidationError, match=r"messages\[1\]: a FIFO queue or topic requires a group_id"):
        await fifo.publish_batch([SnsMessage("a", group_id="g"), SnsMessage("b")])
    assert faulty.calls == []


async def test_fifo_topic_fills_the_dedup_id(aws_clients: AwsClients, vf_aws_resources: AwsResources) -> None:
    topic_arn = vf_aws_resources.topic(fifo=True)
    queue_url = vf_aws_resources.queue(fifo=True)
    vf_aws_resources.subscribe(topic_arn, queue_url)
    topic, queue = SNS(topic_arn, clients=aws_clients), SQS(queue_url, clients=aws_clients)
    await topic.publish("same", group_id="g")
    result = await topic.publish_batch([SnsMessage("same", group_id="g"), SnsMessage("other", group_id="g")])
    assert result.ok
    assert len(result.sent) == 2
    # moto does not deduplicate at the topic; the FIFO queue does, on the id we filled (anchors-2 §1.6)
    assert await drain(queue) == ["same", "other"]


async def test_publish_batch_resends_injected_failures(
    vf_aws_settings: AwsSettings, vf_aws_resources: AwsResources, vf_aws: AwsConnection
) -> None:
    topic_arn, queue_url = vf_aws_resources.topic(), vf_aws_resources.queue()
    vf_aws_resources.subscribe(topic_arn, queue_url)

    async def sleep(seconds: float) -> None:
        return None

    messages = [SnsMessage(f"m{i}", {"i": i}) for i in range(35)] + [SnsMessage("POISON")]
    with BatchFaultProxy(vf_aws.endpoint_url, fraction=0.4, seed=5, poison="POISON") as proxy:
        async with AwsClients(vf_aws_settings.model_copy(update={"endpoint_url": proxy.url})) as clients:
            result = await SNS(topic_arn, clients=clients, sleep=sleep).publish_batch(messages)
    assert [s.index for s in result.sent] == list(range(35))
    [poisoned] = result.failed
    assert (poisoned.index, poisoned.sender_fault, poisoned.entry) == (35, True, messages[35])
    assert isinstance(poisoned.error, AwsValidationError)
    assert result.resent == proxy.injected - 1 > 0
    async with AwsClients(vf_aws_settings) as clients:
        assert sorted(await drain(SQS(queue_url, clients=clients))) == sorted(f"m{i}" for i in range(35))


def test_sync_twin_publishes(vf_aws_settings: AwsSettings, vf_aws_resources: AwsResources) -> None:
    with SyncAwsClients(vf_aws_settings) as clients:
        topic = SyncSNS(vf_aws_resources.topic(), clients=clients)
        assert topic.publish("one").id
        assert topic.publish_batch([f"b{i}" for i in range(11)]).calls == 2
