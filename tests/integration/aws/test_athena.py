"""``Athena`` against the stack's moto server.

moto runs no SQL: every query SUCCEEDS at once with 0 rows unless results are queued through moto's
documented ``/moto-api/static/athena/query-results`` (``verifiedfan.testing.athena``). So the rows
here are fixtures in Athena's wire shape (header row, ``VarCharValue`` text, absent for NULL); what is
tested is our side: the request (context, output location, bound parameters), typed conversion,
paging, polling with backoff under a deadline, cancel, and the typed errors. Paging and the
QUEUED/RUNNING/FAILED states moto never produces go through ``FaultyClient.rewrite``.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import AsyncIterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import boto3
import pytest

from verifiedfan.aws import (
    Athena,
    AthenaQueryCancelledError,
    AthenaQueryError,
    AwsClients,
    AwsSettings,
    AwsTimeoutError,
    AwsValidationError,
    SyncAthena,
    SyncAwsClients,
)
from verifiedfan.stack import AwsConnection
from verifiedfan.testing.athena import seed_athena_results
from verifiedfan.testing.aws import FaultyClient

COLUMNS = [
    ("fan_id", "varchar"),
    ("streams", "bigint"),
    ("score", "double"),
    ("spend", "decimal"),
    ("verified", "boolean"),
    ("first_seen", "date"),
    ("last_seen", "timestamp"),
    ("profile", "json"),
    ("tags", "array"),
]
ROWS = [
    [
        "f-1",
        "120",
        "0.75",
        "12.30",
        "true",
        "2026-01-02",
        "2026-01-02 03:04:05.678",
        '{"tier": "gold"}',
        "[a, b]",
    ],
    ["f-2", None, "1.0E-3", "0.00", "false", None, None, None, "[]"],
]


#: moto queues seeded results per account and region, shared by every client of the server: each
#: test takes a region of its own, so a concurrent run (another session, a benchmark) cannot take
#: its seed
ATHENA_REGIONS = [
    *("us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1"),
    *("ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "ca-central-1", "sa-east-1"),
]


@pytest.fixture
def athena_settings(vf_aws_settings: AwsSettings) -> AwsSettings:
    return vf_aws_settings.model_copy(update={"region": random.choice(ATHENA_REGIONS)})


@pytest.fixture
async def athena(athena_settings: AwsSettings, vf_s3_bucket: str) -> AsyncIterator[Athena]:
    async with Athena(
        database="fans", output_location=f"s3://{vf_s3_bucket}/athena/", settings=athena_settings
    ) as client:
        yield client


def raw_athena(vf_aws: AwsConnection, region: str | None) -> Any:
    return boto3.client(
        "athena",
        endpoint_url=vf_aws.endpoint_url,
        region_name=region,
        aws_access_key_id=vf_aws.access_key_id,
        aws_secret_access_key=vf_aws.secret_access_key,
    )


async def test_query_returns_typed_rows_and_binds_parameters(
    athena: Athena, vf_aws: AwsConnection, vf_s3_bucket: str, athena_settings: AwsSettings
) -> None:
    seed_athena_results(vf_aws.endpoint_url, COLUMNS, ROWS, region=str(athena_settings.region))
    result = await athena.query(
        "SELECT * FROM fans WHERE name = ? AND streams > ? AND day = ?", ["O'Brien", 42, date(2026, 1, 2)]
    )
    assert [c.name for c in result.columns] == [name for name, _ in COLUMNS]
    assert result.rows == [
        {
            "fan_id": "f-1",
            "streams": 120,
            "score": 0.75,
            "spend": Decimal("12.30"),
            "verified": True,
            "first_seen": date(2026, 1, 2),
            "last_seen": datetime(2026, 1, 2, 3, 4, 5, 678000),
            "profile": {"tier": "gold"},
            "tags": "[a, b]",
        },
        {
            "fan_id": "f-2",
            "streams": None,
            "score": 0.001,
            "spend": Decimal("0.00"),
            "verified": False,
            "first_seen": None,
            "last_seen": None,
            "profile": None,
            "tags": "[]",
        },
    ]
    assert result.execution.state == "SUCCEEDED"
    assert result.execution.database == "fans"
    # what Athena was sent: the SQL untouched, the values as bound literals
    sent = raw_athena(vf_aws, athena_settings.region).get_query_execution(
        QueryExecutionId=result.execution_id
    )["QueryExecution"]
    assert sent["Query"] == "SELECT * FROM fans WHERE name = ? AND streams > ? AND day = ?"
    assert sent["ExecutionParameters"] == ["'O''Brien'", "42", "DATE '2026-01-02'"]
    # moto writes the result CSV where Athena would: the output location, named after the execution
    assert result.execution.output_location == f"s3://{vf_s3_bucket}/athena/{result.execution_id}.csv"
    s3 = boto3.client(
        "s3",
        endpoint_url=vf_aws.endpoint_url,
        region_name=vf_aws.region,
        aws_access_key_id=vf_aws.access_key_id,
        aws_secret_access_key=vf_aws.secret_access_key,
    )
    csv = s3.get_object(Bucket=vf_s3_bucket, Key=f"athena/{result.execution_id}.csv")["Body"].read().decode()
    assert csv.splitlines()[1].startswith('"f-1","120"')


async def test_a_query_with_no_rows(athena: Athena) -> None:
    result = await athena.query("CREATE DATABASE IF NOT EXISTS fans")
    assert (result.rows, result.columns) == ([], [])


def paged(page_size: int) -> Any:
    """Serve the seeded result in pages of ``page_size`` rows with NextTokens, as Athena does."""

    def rewrite(kwargs: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
        rows = answer["ResultSet"]["Rows"]
        start = int(kwargs.get("NextToken") or 0)
        size = min(page_size, kwargs["MaxResults"])
        page = dict(answer)
        page["ResultSet"] = {**answer["ResultSet"], "Rows": rows[start : start + size]}
        if start + size < len(rows):
            page["NextToken"] = str(start + size)
        return page

    return rewrite


async def test_results_are_paged(athena_settings: AwsSettings, vf_aws: AwsConnection) -> None:
    async with AwsClients(athena_settings) as clients:
        faulty = FaultyClient(await clients.client("athena"))
        faulty.rewrite("get_query_results", paged(3), times=None)
        athena = Athena(clients=AwsClients(clients={"athena": faulty}, settings=athena_settings))
        rows = [[f"f-{i}", str(i)] for i in range(10)]
        seed_athena_results(
            vf_aws.endpoint_url,
            [("fan_id", "varchar"), ("n", "integer")],
            rows,
            region=str(athena_settings.region),
        )
        result = await athena.query("SELECT fan_id, n FROM fans", page_size=5)
        assert [r["n"] for r in result.rows] == list(range(10))  # header dropped on page 1 only
        calls = [kw for name, kw in faulty.calls if name == "get_query_results"]
        assert [kw.get("NextToken") for kw in calls] == [None, "3", "6", "9"]
        assert {kw["MaxResults"] for kw in calls} == {5}
        streamed = [r["fan_id"] async for r in athena.aiter_rows(result.execution_id)]
        assert streamed == [f"f-{i}" for i in range(10)]


def states(*sequence: str, reason: str | None = None) -> Any:
    """Answer GetQueryExecution with these states first (moto SUCCEEDS at once)."""
    left = list(sequence)

    def rewrite(kwargs: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any]:
        if left:
            execution = dict(answer["QueryExecution"])
            status = {**execution["Status"], "State": left.pop(0)}
            if reason and status["State"] == "FAILED":
                status["StateChangeReason"] = reason
                status["AthenaError"] = {"ErrorCategory": 2, "ErrorType": 1301}
            execution["Status"] = status
            answer = {**answer, "QueryExecution": execution}
        return answer

    return rewrite


async def faulty_athena(settings: AwsSettings, **kwargs: Any) -> tuple[Athena, FaultyClient, AwsClients]:
    clients = AwsClients(settings)
    faulty = FaultyClient(await clients.client("athena"))
    return (
        Athena(clients=AwsClients(clients={"athena": faulty}), poll_initial=0.01, poll_max=0.04, **kwargs),
        faulty,
        clients,
    )


async def test_wait_polls_with_backoff_until_it_succeeds(athena_settings: AwsSettings) -> None:
    athena, faulty, clients = await faulty_athena(athena_settings)
    async with clients:
        faulty.rewrite("get_query_execution", states("QUEUED", "RUNNING", "RUNNING", "RUNNING"), times=None)
        result = await athena.query("SELECT 1")
        polls = [name for name, _ in faulty.calls if name == "get_query_execution"]
        assert len(polls) == 5
        assert result.execution.state == "SUCCEEDED"


async def test_a_failed_query_raises_with_athenas_reason(athena_settings: AwsSettings) -> None:
    athena, faulty, clients = await faulty_athena(athena_settings)
    async with clients:
        faulty.rewrite(
            "get_query_execution",
            states("RUNNING", "FAILED", reason="TABLE_NOT_FOUND: line 1:15"),
            times=None,
        )
        with pytest.raises(AthenaQueryError, match="FAILED: TABLE_NOT_FOUND: line 1:15") as info:
            await athena.query("SELECT * FROM missing")
        assert not isinstance(info.value, AthenaQueryCancelledError)
        assert (info.value.execution.error_category, info.value.execution.error_type) == (2, 1301)
        assert not [name for name, _ in faulty.calls if name == "get_query_results"]


async def test_the_deadline_cancels_the_query(athena_settings: AwsSettings, vf_aws: AwsConnection) -> None:
    athena, faulty, clients = await faulty_athena(athena_settings)
    async with clients:
        faulty.rewrite("get_query_execution", states(*["RUNNING"] * 1000), times=None)
        with pytest.raises(AwsTimeoutError, match=r"still RUNNING after 0\.2s \(cancelled\)"):
            await athena.query("SELECT 1", max_wait=0.2)
        (stop,) = [kw for name, kw in faulty.calls if name == "stop_query_execution"]
        state = raw_athena(vf_aws, athena_settings.region).get_query_execution(
            QueryExecutionId=stop["QueryExecutionId"]
        )
        assert state["QueryExecution"]["Status"]["State"] == "CANCELLED"


async def test_cancel(athena: Athena) -> None:
    execution_id = await athena.start_query("SELECT 1", client_request_token=uuid.uuid4().hex)
    await athena.cancel(execution_id)
    assert (await athena.get_execution(execution_id)).state == "CANCELLED"
    with pytest.raises(AthenaQueryCancelledError, match="CANCELLED"):
        await athena.wait(execution_id)


async def test_bad_input_is_refused_before_any_io(athena_settings: AwsSettings) -> None:
    athena, faulty, clients = await faulty_athena(athena_settings)
    async with clients:
        with pytest.raises(AwsValidationError, match="non-empty SQL"):
            await athena.start_query("  ")
        with pytest.raises(AwsValidationError, match="parameter 1: object is not a bindable value"):
            await athena.start_query("SELECT ?, ?", ["a", object()])
        with pytest.raises(AwsValidationError, match="has no SQL literal"):
            await athena.start_query("SELECT ?", [float("nan")])
        with pytest.raises(AwsValidationError, match="list of values"):
            await athena.start_query("SELECT ?", "abc")
        with pytest.raises(AwsValidationError, match="32 to 128"):
            await athena.start_query("SELECT 1", client_request_token="short")
        with pytest.raises(AwsValidationError, match="page_size must be 1 to 1000"):
            await athena.query("SELECT 1", page_size=1001)
        with pytest.raises(AwsValidationError, match="s3:// URL"):
            Athena(output_location="bucket/prefix", clients=clients)
        assert not [name for name, _ in faulty.calls if name == "start_query_execution"]


def test_sync_twin(athena_settings: AwsSettings, vf_aws: AwsConnection) -> None:
    with SyncAwsClients(athena_settings) as clients:
        athena = SyncAthena(clients=clients, database="fans")
        seed_athena_results(
            vf_aws.endpoint_url, [("n", "bigint")], [["7"]], region=str(athena_settings.region)
        )
        assert athena.query("SELECT n FROM t WHERE x = ?", ["x"]).rows == [{"n": 7}]
