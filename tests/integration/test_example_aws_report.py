"""examples/aws_report.py (workflow 4) runs against the stack's moto server."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest

from verifiedfan.aws import AwsClients, AwsSettings, ConditionalCheckFailedError, DynamoDB
from verifiedfan.partners import SendStatus, Sfmc
from verifiedfan.stack import AwsConnection
from verifiedfan.testing.sandbox import SfmcSandbox

EXAMPLE = Path(__file__).parents[2] / "examples" / "aws_report.py"


def load_example() -> Any:
    spec = importlib.util.spec_from_file_location("aws_report", EXAMPLE)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["aws_report"] = module
    spec.loader.exec_module(module)
    return module


def test_the_example_runs_as_a_script(
    vf_aws: AwsConnection, vf_s3_bucket: str, vf_dynamodb_table: str
) -> None:
    with SfmcSandbox() as sfmc:
        env = {
            **os.environ,
            "VF_AWS_ENDPOINT_URL": vf_aws.endpoint_url,
            "VF_AWS_REGION": vf_aws.region,
            "VF_AWS_ACCESS_KEY_ID": vf_aws.access_key_id,
            "VF_AWS_SECRET_ACCESS_KEY": vf_aws.secret_access_key,
            "VF_SFMC_AUTH_BASE_URL": sfmc.url,
            "VF_SFMC_CLIENT_ID": sfmc.client_id,
            "VF_SFMC_CLIENT_SECRET": sfmc.client_secret,
            "VF_SFMC_ACCOUNT_ID": sfmc.account_id,
        }
        args = ["--bucket", vf_s3_bucket, "--table", vf_dynamodb_table, "--rows", "200000"]
        done = subprocess.run(
            [sys.executable, str(EXAMPLE), *args, "--email-to", "fan@inbox.example"],
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
            env=env,
        )
        outbox = sfmc.outbox()
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["parts"] >= 2  # over 5 MiB: a real multipart upload
    assert report["downloaded_sha256"] == report["sha256"]
    assert "X-Amz-Signature" not in done.stdout
    assert report["email"]["status"] == "accepted"
    assert [e["to"] for e in outbox] == ["fan@inbox.example"]
    assert outbox[0]["attributes"]["downloadUrl"].startswith(report["url"] + "?")
    # what S3 holds, read with boto3 (the reference client)
    s3: Any = boto3.client(
        "s3",
        endpoint_url=vf_aws.endpoint_url,
        region_name=vf_aws.region,
        aws_access_key_id=vf_aws.access_key_id,
        aws_secret_access_key=vf_aws.secret_access_key,
    )
    body = s3.get_object(Bucket=vf_s3_bucket, Key="users/report.csv")["Body"].read()
    assert hashlib.sha256(body).hexdigest() == report["sha256"]
    assert len(body) == report["size"]
    assert body.startswith(b"fan_id,artist_id,score,verified\nfan-00000000,artist-000,0.0,false\n")
    assert body.count(b"\n") == 200_001


async def test_metadata_and_hook_points(
    vf_aws_settings: AwsSettings, vf_s3_bucket: str, vf_dynamodb_table: str
) -> None:
    example = load_example()
    calls: list[str] = []

    async def invoke_processor(report: Any, clients: AwsClients) -> None:  # where Lambda.invoke goes
        calls.append(f"lambda:{report.key}")

    async def mark_task_done(report: Any, clients: AwsClients) -> None:  # where send_task_success goes
        calls.append(f"sfn:{report.sha256[:8]}")

    report = await example.run(
        vf_aws_settings,
        bucket=vf_s3_bucket,
        table=vf_dynamodb_table,
        key="r/small.csv",
        rows=1000,
        after_upload=[invoke_processor, mark_task_done],
    )
    assert calls == ["lambda:r/small.csv", f"sfn:{report.sha256[:8]}"]
    assert report.parts == 1
    async with AwsClients(vf_aws_settings) as clients:
        stored = await DynamoDB(vf_dynamodb_table, clients=clients).get(
            {"pk": "report#r/small.csv", "sk": "metadata"}
        )
    assert stored is not None
    assert (stored["size"], stored["sha256"], stored["parts"]) == (report.size, report.sha256, 1)
    with pytest.raises(ConditionalCheckFailedError):
        await example.run(
            vf_aws_settings, bucket=vf_s3_bucket, table=vf_dynamodb_table, key="r/small.csv", rows=10
        )


async def test_step_4_emails_the_link_once_through_sfmc(
    vf_aws_settings: AwsSettings, vf_s3_bucket: str, vf_dynamodb_table: str
) -> None:
    example = load_example()
    with SfmcSandbox() as sandbox:
        sent: list[Any] = []
        async with Sfmc(
            client_id=sandbox.client_id,
            client_secret=sandbox.client_secret,
            auth_base_url=sandbox.url,
            account_id=sandbox.account_id,
        ) as sfmc:
            share = example.email_link(
                sfmc, to="fan@inbox.example", contact_key="fan-1", definition_key="report-ready", sent=sent
            )
            report = await example.run(
                vf_aws_settings, bucket=vf_s3_bucket, table=vf_dynamodb_table, key="r/mail.csv", rows=500,
                share=share,
            )  # fmt: skip
            # The same report shared again (a retried workflow) is recognised, not emailed twice.
            await share("https://unused.example/", report)
        outbox = sandbox.outbox()
        assert [r.status for r in sent] == [SendStatus.ACCEPTED, SendStatus.ALREADY_SENT]
        assert sent[0].message_key == sent[1].message_key
        assert len(outbox) == 1
        assert sandbox.stats()["duplicates"] == 1
    email = outbox[0]
    assert (email["to"], email["definitionKey"]) == ("fan@inbox.example", "report-ready")
    link = email["attributes"]["downloadUrl"]
    assert "X-Amz-Signature=" in link  # the presigned URL, not the stored unsigned one
    assert report.url == link.split("?", 1)[0]
    async with httpx.AsyncClient() as http:
        answer = await http.get(link)  # the user follows the link straight to S3
    assert answer.status_code == 200
    assert hashlib.sha256(answer.content).hexdigest() == report.sha256
