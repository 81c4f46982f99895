"""The plugin's per-test AWS fixtures create what they promise and remove it afterwards."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import botocore.exceptions
import pytest

from verifiedfan.stack import AwsConnection


def client(vf_aws: AwsConnection, service: str) -> Any:
    return boto3.client(
        service,  # type: ignore[call-overload]
        endpoint_url=vf_aws.endpoint_url,
        region_name=vf_aws.region,
        aws_access_key_id=vf_aws.access_key_id,
        aws_secret_access_key=vf_aws.secret_access_key,
    )


def test_table_has_the_documented_keys(vf_aws: AwsConnection, vf_dynamodb_table: str) -> None:
    table = client(vf_aws, "dynamodb").describe_table(TableName=vf_dynamodb_table)["Table"]
    assert [(k["AttributeName"], k["KeyType"]) for k in table["KeySchema"]] == [
        ("pk", "HASH"),
        ("sk", "RANGE"),
    ]
    assert [i["IndexName"] for i in table["GlobalSecondaryIndexes"]] == ["gsi1"]


def test_secret_exists_with_an_empty_object(vf_aws: AwsConnection, vf_secret: str) -> None:
    answer = client(vf_aws, "secretsmanager").get_secret_value(SecretId=vf_secret)
    assert answer["SecretString"] == "{}"


@pytest.fixture(scope="module")
def created(vf_aws: AwsConnection) -> Iterator[dict[str, str]]:
    """Runs its check after the per-test fixtures of the module were torn down."""
    made: dict[str, str] = {}
    yield made
    assert made, "the recording test did not run"
    tables = client(vf_aws, "dynamodb").list_tables()["TableNames"]
    assert made["table"] not in tables
    with pytest.raises(botocore.exceptions.ClientError, match="ResourceNotFoundException"):
        client(vf_aws, "secretsmanager").describe_secret(SecretId=made["secret"])


def test_fixtures_are_removed_afterwards(
    created: dict[str, str], vf_dynamodb_table: str, vf_secret: str
) -> None:
    created.update(table=vf_dynamodb_table, secret=vf_secret)
