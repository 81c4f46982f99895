"""AwsClients against the stack's moto server: one client per service, injection, errors, tracing."""

from __future__ import annotations

from typing import Any

import botocore.exceptions
import pytest
from aiobotocore.session import get_session

from verifiedfan.aws import AwsClients, AwsConnectionError, AwsNotFoundError, AwsSettings, translate
from verifiedfan.errors import NotConnectedError
from verifiedfan.metrics import Metric, MetricSink


class ListSink(MetricSink):
    def __init__(self) -> None:
        self.metrics: list[Metric] = []

    def record(self, metric: Metric) -> None:
        self.metrics.append(metric)


async def test_one_client_per_service_and_closed_after(
    vf_aws_settings: AwsSettings, vf_s3_bucket: str
) -> None:
    clients = AwsClients(vf_aws_settings)
    s3 = await clients.s3()
    assert await clients.s3() is s3
    answer = await s3.list_objects_v2(Bucket=vf_s3_bucket)
    assert answer["KeyCount"] == 0
    await clients.aclose()
    await clients.aclose()  # idempotent
    with pytest.raises(NotConnectedError, match="closed"):
        await clients.s3()


async def test_an_injected_client_is_used_and_not_closed(
    vf_aws_settings: AwsSettings, vf_s3_bucket: str
) -> None:
    session = get_session()
    async with session.create_client("s3", **vf_aws_settings.client_kwargs()) as raw:
        async with AwsClients(clients={"s3": raw}) as clients:
            assert await clients.s3() is raw
        # still usable after the factory closed
        assert (await raw.list_objects_v2(Bucket=vf_s3_bucket))["KeyCount"] == 0


async def test_errors_are_translated_and_chained(vf_aws_settings: AwsSettings) -> None:
    async with AwsClients(vf_aws_settings) as clients:
        s3 = await clients.s3()
        with pytest.raises(
            botocore.exceptions.ClientError,
            match=r"An error occurred \(404\) when calling the HeadBucket operation: Not Found",
        ) as info:
            await s3.head_bucket(Bucket="no-such-bucket-vf")
    err = translate(info.value, service="s3")
    assert isinstance(err, AwsNotFoundError)
    assert err.status == 404


async def test_unreachable_endpoint_is_a_connection_error() -> None:
    settings = AwsSettings(
        endpoint_url="http://127.0.0.1:9",
        region="us-east-1",
        access_key_id="a",
        secret_access_key="b",  # type: ignore[arg-type]
        max_attempts=1,
        connect_timeout=1,
    )
    async with AwsClients(settings) as clients:
        s3 = await clients.s3()
        with pytest.raises(
            botocore.exceptions.EndpointConnectionError,
            match=r'Could not connect to the endpoint URL: "http://[^/]+/"',
        ) as info:
            await s3.list_buckets()
    assert isinstance(translate(info.value), AwsConnectionError)


async def test_calls_are_timed(vf_aws_settings: AwsSettings, vf_s3_bucket: str) -> None:
    sink = ListSink()
    async with AwsClients(vf_aws_settings, metrics_namespace="vf-test", metrics_sink=sink) as clients:
        s3: Any = await clients.s3()
        await s3.list_objects_v2(Bucket=vf_s3_bucket)
    assert [(m.name, dict(m.dimensions)) for m in sink.metrics] == [
        ("aws.call", {"Service": "aws.s3", "Method": "list_objects_v2", "Result": "success"})
    ]


async def test_calls_are_client_spans(vf_aws_settings: AwsSettings, vf_s3_bucket: str) -> None:
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    from opentelemetry.trace import SpanKind, StatusCode

    from verifiedfan.aws import S3
    from verifiedfan.tracing import configure_tracing, reset_tracing, shutdown_tracing

    exporter = InMemorySpanExporter()
    configure_tracing(service_name="aws-test", exporter=exporter, schedule_delay_ms=10)
    try:
        async with AwsClients(vf_aws_settings, trace=True) as clients:
            s3 = S3(vf_s3_bucket, clients=clients)
            await s3.upload_data("k", b"v")
            assert await s3.head_object("missing") is None
        shutdown_tracing()
        spans = list(exporter.get_finished_spans())
    finally:
        reset_tracing()
    assert [(s.name, s.kind) for s in spans] == [
        ("aws.s3.put_object", SpanKind.CLIENT),
        ("aws.s3.head_object", SpanKind.CLIENT),
    ]
    assert spans[1].status.status_code is StatusCode.ERROR  # the 404 is recorded on its span
