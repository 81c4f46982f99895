from __future__ import annotations

import pytest

from verifiedfan.errors import ServerError
from verifiedfan.http import HttpClient, RetryPolicy
from verifiedfan.metrics import Metric, MetricSink, TimedHttpHook, Unit
from verifiedfan.testing.faults import FaultServer, Reply


class ListSink(MetricSink):
    def __init__(self) -> None:
        self.metrics: list[Metric] = []

    def record(self, metric: Metric) -> None:
        self.metrics.append(metric)


async def no_sleep(_: float) -> None:
    return None


async def test_each_http_call_reports_one_duration_metric() -> None:
    sink = ListSink()
    with FaultServer() as server:
        server.script("/v1/me", Reply(json={"id": 1}))
        server.script("/boom", Reply(status=500), Reply(status=500), Reply(status=500), Reply(status=500))
        hook = TimedHttpHook(namespace="VerifiedFan", sink=sink)
        async with HttpClient(
            service_name="spotify", base_url=server.url, hooks=[hook], retry=RetryPolicy(sleep=no_sleep)
        ) as http:
            await http.get("/v1/me", route="/v1/me")
            with pytest.raises(ServerError, match="returned 500"):
                await http.get("/boom", route="/boom")
    ok, failed = sink.metrics
    assert (ok.namespace, ok.name, ok.unit) == ("VerifiedFan", "HttpRequest", Unit.MILLISECONDS)
    assert dict(ok.dimensions) == {
        "Service": "spotify",
        "Method": "GET",
        "Route": "/v1/me",
        "Result": "success",
        "StatusCode": "200",
    }
    assert failed.dimensions["Result"] == "error"
    assert failed.dimensions["StatusCode"] == "500"
    assert failed.dimensions["ErrorType"] == "ServerError"
