"""aws.feature against the stack's moto server, and the teardown of AWS resources after a failure.

The "registration worker" stands in for a service under test: it reads the scenario's queue (its URL
is ``${queue:registrations}``), writes an item to the table and a JSON report to the bucket.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import boto3
import pytest
from pytest_bdd import given, scenarios

from verifiedfan.aws import S3, DynamoDB
from verifiedfan.stack import AwsConnection
from verifiedfan.testing.bdd import BddLoop, BddScenario, ScenarioNames, aws_side, new_run_id

pytest_plugins = ["verifiedfan.testing.bdd"]

pytestmark = [pytest.mark.integration]

scenarios("aws.feature")


@given("the registration worker is running")
def registration_worker(vf_bdd: BddScenario) -> None:
    side = aws_side(vf_bdd)
    queue_url = vf_bdd.vars["queue:registrations"]
    table = DynamoDB(vf_bdd.vars["table:fans"], clients=side.clients)
    bucket = S3(vf_bdd.vars["bucket:reports"], clients=side.clients)

    async def worker(_: BddScenario) -> None:
        sqs = await side.clients.client("sqs")
        while True:
            answer = await sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1)
            for message in answer.get("Messages", []):
                body = json.loads(message["Body"])
                record = {**body, "status": "registered"}
                await table.put({"pk": f"fan#{body['fan_id']}", "sk": body["event"], "status": "registered"})
                await bucket.upload_data(f"registrations/{body['fan_id']}.json", json.dumps(record).encode())
                await sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
            await asyncio.sleep(0.05)

    vf_bdd.start_service(worker, name="registration-worker")


def _raw(vf_aws: AwsConnection, service: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=vf_aws.endpoint_url,
        region_name=vf_aws.region,
        aws_access_key_id=vf_aws.access_key_id,
        aws_secret_access_key=vf_aws.secret_access_key,
    )


def test_aws_resources_are_removed_after_a_failing_scenario(
    request: pytest.FixtureRequest, vf_bdd_loop: BddLoop, vf_aws: AwsConnection
) -> None:
    scenario = BddScenario(
        names=ScenarioNames(run_id=new_run_id("aws cleanup")),
        loop=vf_bdd_loop,
        resolve=lambda server: request.getfixturevalue(f"vf_{server}"),
    )
    side = aws_side(scenario)
    try:
        bucket = scenario.run(side.create_bucket("reports"))
        queue_url = scenario.run(side.create_queue("jobs.fifo"))
        table = scenario.run(side.create_table("fans", "pk", None))
        scenario.run(side.put_object("reports", "a.txt", "x"))
        scenario.run(side.send_message("jobs.fifo", {"n": 1}))
        scenario.run(side.put_item("fans", {"pk": "1"}))
        assert bucket.endswith(scenario.run_id)
        assert queue_url.endswith(f"jobs-{scenario.run_id}.fifo")
        assert table == f"fans-{scenario.run_id}"
        with pytest.raises(AssertionError, match="no object 'missing' in bucket"):
            scenario.run(side.get_object("reports", "missing"))
    finally:
        scenario.close()
    s3, sqs, ddb = _raw(vf_aws, "s3"), _raw(vf_aws, "sqs"), _raw(vf_aws, "dynamodb")
    assert bucket not in [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert queue_url not in sqs.list_queues(QueueNamePrefix="jobs-").get("QueueUrls", [])
    assert table not in ddb.list_tables()["TableNames"]
