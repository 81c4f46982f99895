"""Athena round trip, as context: ``Athena.query`` against the loop a service writes on the raw client.

Each query starts, is polled until SUCCEEDED and has its 100 rows read. moto answers SUCCEEDED at
once (the first poll) and serves rows queued through its documented seeding endpoint: one POST
before the timings queues a result for every query of both sides (each new query takes the next).
The raw side polls without sleeping and turns rows into dicts of strings (no types); ours converts
every column to its type. This is our per-query overhead on a local emulator, not Athena's latency.
"""

from __future__ import annotations

import asyncio
from typing import Any

from benchmarks._harness import Comparison, interleaved_rates
from verifiedfan.stack import StackSettings, connections

SERVERS = ("aws",)
ENDPOINT = connections(StackSettings()).aws.endpoint_url
COLUMNS = [("fan_id", "varchar"), ("streams", "bigint"), ("score", "double"), ("seen", "date")]
ROWS = [[f"f-{i}", str(i), f"{i / 7:.4f}", "2026-01-02"] for i in range(100)]


async def _round_trips(quick: bool) -> Comparison:
    import httpx

    from verifiedfan.aws import Athena, AwsClients, AwsSettings
    from verifiedfan.testing.athena import athena_result_set

    settings = AwsSettings(
        endpoint_url=ENDPOINT, region="us-east-1", access_key_id="testing", secret_access_key="testing"
    )  # type: ignore[arg-type]
    n, rounds = (10, 2) if quick else (100, 10)
    warmup = 5
    seed_body = {"region": "us-east-1", "results": [athena_result_set(COLUMNS, ROWS)] * (2 * (n + warmup))}
    async with AwsClients(settings) as clients, httpx.AsyncClient(base_url=ENDPOINT) as http:
        athena = Athena(database="fans", clients=clients, poll_initial=0.05)
        raw = await clients.client("athena")

        answer = await http.post("/moto-api/static/athena/query-results", json=seed_body)
        answer.raise_for_status()

        async def ours() -> object:
            return (await athena.query("SELECT * FROM fans WHERE n > ?", [1])).rows

        async def reference() -> object:
            started = await raw.start_query_execution(
                QueryString="SELECT * FROM fans WHERE n > ?",
                QueryExecutionContext={"Database": "fans"},
                ExecutionParameters=["1"],
            )
            qid = started["QueryExecutionId"]
            while True:
                state = (await raw.get_query_execution(QueryExecutionId=qid))["QueryExecution"]["Status"][
                    "State"
                ]
                if state in ("SUCCEEDED", "FAILED", "CANCELLED"):
                    break
                await asyncio.sleep(0.05)
            rows: list[dict[str, Any]] = []
            token = None
            while True:
                kwargs: dict[str, Any] = {"QueryExecutionId": qid, "MaxResults": 1000}
                if token:
                    kwargs["NextToken"] = token
                page = await raw.get_query_results(**kwargs)
                names = [c["Name"] for c in page["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]]
                data = page["ResultSet"]["Rows"][0 if token else 1 :]
                rows += [
                    dict(zip(names, [c.get("VarCharValue") for c in r["Data"]], strict=False)) for r in data
                ]
                token = page.get("NextToken")
                if not token:
                    return rows

        rate_ours, rate_ref = await interleaved_rates(ours, reference, n, rounds, warmup=warmup)
    return Comparison(
        "Athena query round trip (100 rows, moto)",
        rate_ours,
        rate_ref,
        "raw aiobotocore start/poll/page loop",
        "queries/s",
        True,
        "context",
    )


def run(quick: bool) -> list[Comparison]:
    return [asyncio.run(_round_trips(quick))]
