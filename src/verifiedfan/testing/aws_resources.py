"""Queues, topics and streams on the AWS emulator, made for one test and removed after it.

The ``vf_aws_resources`` fixture yields an :class:`AwsResources`; every resource it made is deleted
when the test ends, even after a failure::

    def test_x(vf_aws_resources):
        dlq = vf_aws_resources.queue(fifo=True)
        queue = vf_aws_resources.queue(fifo=True, dead_letter_queue_url=dlq, max_receive_count=1)
        topic = vf_aws_resources.topic()
        vf_aws_resources.subscribe(topic, queue)
        stream = vf_aws_resources.stream(shards=2)

Names carry a random suffix (``test-<hex>``), so parallel runs never share a resource.
"""

from __future__ import annotations

import contextlib
import json
import logging
import uuid
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from verifiedfan.stack import AwsConnection

__all__ = ["AwsResources"]

logger = logging.getLogger(__name__)


class AwsResources:
    """Makes SQS queues, SNS topics, Kinesis streams and Firehose delivery streams (with boto3) and
    removes them all in :meth:`close`, newest first."""

    def __init__(self, connection: AwsConnection, *, prefix: str = "test") -> None:
        self.connection = connection
        self.prefix = prefix
        self._clients: dict[str, Any] = {}
        self._cleanup: list[Callable[[], object]] = []

    def client(self, service: str) -> Any:
        """A boto3 client of ``service`` on the emulator (shared, closed in :meth:`close`)."""
        found = self._clients.get(service)
        if found is None:
            import boto3

            found = self._clients[service] = boto3.client(
                service,
                endpoint_url=self.connection.endpoint_url,
                region_name=self.connection.region,
                aws_access_key_id=self.connection.access_key_id,
                aws_secret_access_key=self.connection.secret_access_key,
            )
        return found

    def name(self, suffix: str = "") -> str:
        return f"{self.prefix}-{uuid.uuid4().hex[:12]}{suffix}"

    def queue(
        self,
        *,
        fifo: bool = False,
        dead_letter_queue_url: str | None = None,
        max_receive_count: int = 1,
        attributes: dict[str, str] | None = None,
    ) -> str:
        """A new queue's URL (``.fifo`` when ``fifo``); with ``dead_letter_queue_url``, a redrive
        policy sends a message there after ``max_receive_count`` receives."""
        sqs = self.client("sqs")
        attrs = dict(attributes or {})
        if fifo:
            attrs["FifoQueue"] = "true"
        if dead_letter_queue_url is not None:
            dlq_arn = sqs.get_queue_attributes(QueueUrl=dead_letter_queue_url, AttributeNames=["QueueArn"])
            attrs["RedrivePolicy"] = json.dumps(
                {
                    "deadLetterTargetArn": dlq_arn["Attributes"]["QueueArn"],
                    "maxReceiveCount": str(max_receive_count),
                }
            )
        url: str = sqs.create_queue(QueueName=self.name(".fifo" if fifo else ""), Attributes=attrs)[
            "QueueUrl"
        ]
        self._cleanup.append(lambda: sqs.delete_queue(QueueUrl=url))
        return url

    def queue_arn(self, queue_url: str) -> str:
        answer = self.client("sqs").get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])
        return str(answer["Attributes"]["QueueArn"])

    def topic(self, *, fifo: bool = False) -> str:
        """A new SNS topic's ARN (``.fifo`` when ``fifo``)."""
        sns = self.client("sns")
        attrs = {"FifoTopic": "true"} if fifo else {}
        arn: str = sns.create_topic(Name=self.name(".fifo" if fifo else ""), Attributes=attrs)["TopicArn"]
        self._cleanup.append(lambda: sns.delete_topic(TopicArn=arn))
        return arn

    def subscribe(self, topic_arn: str, queue_url: str, *, raw: bool = True) -> str:
        """Subscribe the queue to the topic (``raw``: the queue gets the bare message); the
        subscription ARN."""
        sns = self.client("sns")
        answer = sns.subscribe(
            TopicArn=topic_arn,
            Protocol="sqs",
            Endpoint=self.queue_arn(queue_url),
            Attributes={"RawMessageDelivery": "true" if raw else "false"},
            ReturnSubscriptionArn=True,
        )
        arn: str = answer["SubscriptionArn"]
        self._cleanup.append(lambda: sns.unsubscribe(SubscriptionArn=arn))
        return arn

    def stream(self, *, shards: int = 1, on_demand: bool = False) -> str:
        """A new Kinesis stream's name (provisioned with ``shards``, or on-demand), active."""
        kinesis = self.client("kinesis")
        name = self.name()
        if on_demand:
            kinesis.create_stream(StreamName=name, StreamModeDetails={"StreamMode": "ON_DEMAND"})
        else:
            kinesis.create_stream(StreamName=name, ShardCount=shards)
        self._cleanup.append(lambda: kinesis.delete_stream(StreamName=name, EnforceConsumerDeletion=True))
        kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 0.1})
        return name

    def stream_records(self, stream_name: str) -> list[dict[str, Any]]:
        """Every record of the stream, shard by shard, each shard in sequence order."""
        kinesis = self.client("kinesis")
        out: list[dict[str, Any]] = []
        for shard in kinesis.list_shards(StreamName=stream_name)["Shards"]:
            iterator = kinesis.get_shard_iterator(
                StreamName=stream_name, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
            )["ShardIterator"]
            while iterator:
                page = kinesis.get_records(ShardIterator=iterator, Limit=10_000)
                out.extend(page["Records"])
                if not page["Records"]:
                    break
                iterator = page.get("NextShardIterator")
        return out

    def delivery_stream(self, bucket: str, *, prefix: str = "") -> str:
        """A new Firehose delivery stream writing to S3 ``bucket`` (moto delivers at once)."""
        firehose = self.client("firehose")
        name = self.name()
        firehose.create_delivery_stream(
            DeliveryStreamName=name,
            DeliveryStreamType="DirectPut",
            ExtendedS3DestinationConfiguration={
                "RoleARN": "arn:aws:iam::123456789012:role/firehose-test",
                "BucketARN": f"arn:aws:s3:::{bucket}",
                "Prefix": prefix,
            },
        )
        self._cleanup.append(lambda: firehose.delete_delivery_stream(DeliveryStreamName=name))
        return name

    def close(self) -> None:
        """Remove everything made here (newest first; a failure is logged, not raised), close clients."""
        while self._cleanup:
            remove = self._cleanup.pop()
            try:
                remove()
            except Exception:  # already gone, or the emulator restarted: nothing left to clean
                logger.debug("could not remove a test resource", exc_info=True)
        for client in self._clients.values():
            with contextlib.suppress(Exception):
                client.close()
        self._clients.clear()

    def __enter__(self) -> AwsResources:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
