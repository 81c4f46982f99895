"""A Lambda batch with one poisoned record, through the stack's local Lambda (AWS's RIE + awslambdaric).

The events are built from what moto's SQS and Kinesis really answered (``sqs_event_from_messages``,
``kinesis_event_from_records``), as an event source mapping would deliver them: moto runs none.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from verifiedfan.aws import AwsSettings, Lambda
from verifiedfan.aws.lambda_events import (
    kinesis_event_from_records,
    kinesis_records,
    sqs_event_from_messages,
    sqs_records,
)
from verifiedfan.stack import AwsConnection, LambdaConnection
from verifiedfan.testing.plugin import LambdaDeployer

HANDLERS = Path(__file__).parents[2] / "lambda_handlers"
SRC = str(Path(__file__).parents[3] / "src")  # the handler imports this checkout's verifiedfan


def boto3_client(vf_aws: AwsConnection, service: str) -> Any:
    import boto3

    return boto3.client(
        service,
        endpoint_url=vf_aws.endpoint_url,
        region_name=vf_aws.region,
        aws_access_key_id=vf_aws.access_key_id,
        aws_secret_access_key=vf_aws.secret_access_key,
    )


@pytest.fixture
def queue(vf_aws: AwsConnection) -> Iterator[tuple[Any, str, str]]:
    sqs = boto3_client(vf_aws, "sqs")
    url = sqs.create_queue(QueueName=f"batch-{id(sqs):x}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    try:
        yield sqs, url, arn
    finally:
        sqs.delete_queue(QueueUrl=url)
        sqs.close()


def lambda_settings(vf_lambda: LambdaConnection) -> AwsSettings:
    return AwsSettings(
        endpoint_url=vf_lambda.endpoint_url,
        region=vf_lambda.region,
        access_key_id=vf_lambda.access_key_id,
        secret_access_key=vf_lambda.secret_access_key,  # type: ignore[arg-type]
        max_attempts=1,
    )


async def test_one_poisoned_sqs_message_is_the_only_failure(
    vf_lambda_function: LambdaDeployer, vf_lambda: LambdaConnection, queue: tuple[Any, str, str]
) -> None:
    sqs, url, arn = queue
    for n in range(5):
        sqs.send_message(
            QueueUrl=url,
            MessageBody=json.dumps({"n": n, "poison": n == 2}),
            MessageAttributes={"x-correlation-id": {"DataType": "String", "StringValue": f"corr-{n}"}},
        )
    received = sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=10, AttributeNames=["All"], MessageAttributeNames=["All"]
    )["Messages"]
    assert len(received) == 5
    event = sqs_event_from_messages(received, queue_arn=arn)
    by_id = {r.message_id: r.json()["n"] for r in sqs_records(event)}

    fn = vf_lambda_function(HANDLERS / "batch_worker.py", environment={"PYTHONPATH": SRC})
    async with Lambda(settings=lambda_settings(vf_lambda)) as lam:
        answer = (await lam.invoke(fn.name, event)).payload

    failed = [f["itemIdentifier"] for f in answer["batchItemFailures"]]
    assert [by_id[i] for i in failed] == [2]
    assert sorted(answer["processed"]) == [f"{n}:corr-{n}" for n in (0, 1, 3, 4)]

    # what Lambda does with that answer: delete the rest; only the poisoned message comes back
    for message in received:
        if message["MessageId"] in failed:
            sqs.change_message_visibility(
                QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
            )
        else:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    again = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
    assert [m["MessageId"] for m in again] == failed


async def test_a_poisoned_kinesis_record_reports_its_sequence_number(
    vf_lambda_function: LambdaDeployer, vf_lambda: LambdaConnection, vf_aws: AwsConnection
) -> None:
    kinesis = boto3_client(vf_aws, "kinesis")
    name = f"batch-{id(kinesis):x}"
    kinesis.create_stream(StreamName=name, ShardCount=1)
    try:
        arn = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamARN"]
        for n in range(4):
            kinesis.put_record(
                StreamName=name,
                Data=json.dumps({"n": n, "poison": n == 1, "correlationId": f"k-{n}"}).encode(),
                PartitionKey="fan-1",
            )
        shard = kinesis.list_shards(StreamName=name)["Shards"][0]["ShardId"]
        iterator = kinesis.get_shard_iterator(
            StreamName=name, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
        )
        got = kinesis.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
        event = kinesis_event_from_records(got, stream_arn=arn, shard_id=shard)
        assert [r.json()["n"] for r in kinesis_records(event)] == [0, 1, 2, 3]

        fn = vf_lambda_function(HANDLERS / "batch_worker.py", environment={"PYTHONPATH": SRC})
        async with Lambda(settings=lambda_settings(vf_lambda)) as lam:
            answer = (await lam.invoke(fn.name, event)).payload
        assert answer["batchItemFailures"] == [{"itemIdentifier": got[1]["SequenceNumber"]}]
        assert answer["processed"] == ["0:k-0"]  # stopped there: Lambda resends from record 1
    finally:
        kinesis.delete_stream(StreamName=name)
        kinesis.close()
