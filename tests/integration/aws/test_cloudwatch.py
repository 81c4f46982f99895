"""CloudWatch against moto: chunking to 1,000 metrics / 1 MB, NaN refused before I/O, and the
metrics sink that sends through the API (use case 6 steps 5-6)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import pytest

from verifiedfan.aws import (
    AwsClients,
    AwsSettings,
    AwsValidationError,
    CloudWatch,
    CloudWatchApiSink,
    SyncAwsClients,
    SyncCloudWatch,
)
from verifiedfan.metrics import Metric, put_metric, timed
from verifiedfan.testing.aws import FaultyClient


@pytest.fixture
def sync_clients(vf_aws_settings: AwsSettings) -> Iterator[SyncAwsClients]:
    with SyncAwsClients(vf_aws_settings) as clients:
        yield clients


def wire_size(client: Any, namespace: str, data: list[dict[str, Any]]) -> int:
    """The request body botocore itself would send (the reference for the 1 MB limit)."""
    model = client.meta.service_model.operation_model("PutMetricData")
    request = client._serializer.serialize_to_request({"Namespace": namespace, "MetricData": data}, model)
    body = request["body"]
    return len(body if isinstance(body, bytes) else str(body).encode())


def unique_namespace(request: pytest.FixtureRequest) -> str:
    return f"vf-test/{request.node.name[:40]}"


async def test_put_metrics_round_trip(aws_clients: AwsClients, request: pytest.FixtureRequest) -> None:
    namespace = unique_namespace(request)
    cloudwatch = CloudWatch(clients=aws_clients)
    await cloudwatch.put_metrics(namespace, "VerificationsCompleted", 1, {"Artist": "a1"})
    raw = await aws_clients.cloudwatch()
    listed = await raw.list_metrics(Namespace=namespace)
    assert [(m["MetricName"], m["Dimensions"]) for m in listed["Metrics"]] == [
        ("VerificationsCompleted", [{"Name": "Artist", "Value": "a1"}])
    ]


async def test_chunks_at_1000_metrics(aws_clients: AwsClients, request: pytest.FixtureRequest) -> None:
    faulty = FaultyClient(await aws_clients.cloudwatch())
    cloudwatch = CloudWatch(clients=AwsClients(clients={"cloudwatch": faulty}))
    metrics = [Metric(unique_namespace(request), f"m{i % 7}", i) for i in range(2500)]
    calls = await cloudwatch.put_metric_data(unique_namespace(request), metrics)
    assert calls == 3
    assert [len(kw["MetricData"]) for _, kw in faulty.calls] == [1000, 1000, 500]


async def test_chunks_under_1_mb_measured_by_botocore(
    aws_clients: AwsClients, request: pytest.FixtureRequest
) -> None:
    raw = await aws_clients.cloudwatch()
    faulty = FaultyClient(raw)
    cloudwatch = CloudWatch(clients=AwsClients(clients={"cloudwatch": faulty}))
    wide = {f"d{i}": "v" * 1000 for i in range(30)}  # about 31 KB per datum
    namespace = unique_namespace(request)
    await cloudwatch.put_metric_data(
        namespace, [Metric(namespace, "wide", i, dimensions=wide) for i in range(100)]
    )
    sizes = [wire_size(raw, namespace, kw["MetricData"]) for _, kw in faulty.calls]
    assert len(sizes) >= 2
    assert all(size <= 1_000_000 for size in sizes)
    assert sum(len(kw["MetricData"]) for _, kw in faulty.calls) == 100


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"MetricName": "x", "Value": math.nan}, "CloudWatch refuses NaN and infinity, got nan"),
        ({"MetricName": "x", "Value": math.inf}, "CloudWatch refuses NaN and infinity, got inf"),
        ({"MetricName": "x", "Values": [1.0, -math.inf]}, "CloudWatch refuses NaN and infinity, got -inf"),
        ({"MetricName": "x", "Value": 2.0**361}, r"CloudWatch values must be within ±2\^360, got 4\.69"),
        ({"MetricName": "", "Value": 1}, "MetricName must be a non-empty string"),
        ({"MetricName": "x"}, "a datum needs Value, Values or StatisticValues"),
    ],
)
async def test_bad_data_refused_before_io(aws_clients: AwsClients, bad: dict[str, Any], message: str) -> None:
    faulty = FaultyClient(await aws_clients.cloudwatch())
    cloudwatch = CloudWatch(clients=AwsClients(clients={"cloudwatch": faulty}))
    with pytest.raises(AwsValidationError, match=r"^metrics\[1\]: " + message):
        await cloudwatch.put_metric_data("ns", [{"MetricName": "ok", "Value": 1}, bad])
    with pytest.raises(AwsValidationError, match="finite"):
        await cloudwatch.put_metrics("ns", "x", math.nan)
    assert faulty.calls == []


def test_metrics_sink_sends_through_the_api(
    sync_clients: SyncAwsClients, request: pytest.FixtureRequest
) -> None:
    namespace = unique_namespace(request)
    sink = CloudWatchApiSink(SyncCloudWatch(clients=sync_clients), max_buffered=2)
    put_metric(namespace, "VerificationsCompleted", 1, dimensions={"Artist": "a1"}, sink=sink)
    put_metric(namespace, "VerificationsCompleted", 1, dimensions={"Artist": "a2"}, sink=sink)  # full: sent

    @timed(namespace, "work", sink=sink)
    def work() -> int:
        return 1

    work()
    sink.flush()
    assert (sink.sent, sink.send_errors) == (3, 0)
    listed = sync_clients.cloudwatch().list_metrics(Namespace=namespace)["Metrics"]
    assert sorted(m["MetricName"] for m in listed) == [
        "VerificationsCompleted",
        "VerificationsCompleted",
        "work",
    ]


def test_sink_never_raises_into_the_application(sync_clients: SyncAwsClients) -> None:
    faulty = FaultyClient(sync_clients.cloudwatch())
    faulty.fail("put_metric_data", "InternalServiceError", times=1, status=500)
    sink = CloudWatchApiSink(SyncCloudWatch(clients=SyncAwsClients(clients={"cloudwatch": faulty})))
    put_metric("ns", "m", 1, sink=sink)
    sink.flush()
    assert sink.send_errors == 1
