from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

import verifiedfan.metrics as metrics
from verifiedfan.errors import ConfigurationError, ValidationError
from verifiedfan.metrics import (
    Metric,
    MetricSink,
    PrometheusSink,
    Unit,
    make_metric_name,
    timed,
    timed_client,
)


class ListSink(MetricSink):
    def __init__(self) -> None:
        self.metrics: list[Metric] = []

    def record(self, metric: Metric) -> None:
        self.metrics.append(metric)


class FakeClock:
    def __init__(self, *ticks: float) -> None:
        self._ticks: Iterator[float] = iter(ticks)

    def __call__(self) -> float:
        return next(self._ticks)


def test_sync_success_emits_duration_with_success_tag() -> None:
    sink = ListSink()

    @timed("VF", "work", sink=sink, clock=FakeClock(10.0, 10.25), dimensions={"Env": "test"})
    def work(x: int) -> int:
        return x * 2

    assert work(21) == 42
    [m] = sink.metrics
    assert (m.namespace, m.name, m.unit, m.value) == ("VF", "work", Unit.MILLISECONDS, 250.0)
    assert dict(m.dimensions) == {"Env": "test", "Result": "success"}


async def test_async_failure_emits_error_tagged_metric_and_reraises() -> None:
    sink = ListSink()

    @timed("VF", "fetch", sink=sink, clock=FakeClock(1.0, 1.5), unit=Unit.SECONDS)
    async def fetch() -> None:
        await asyncio.sleep(0)
        raise KeyError("boom")

    with pytest.raises(KeyError, match="boom"):
        await fetch()
    [m] = sink.metrics
    assert m.value == 0.5
    assert dict(m.dimensions) == {"Result": "error", "ErrorType": "KeyError"}


def test_dimension_resolvers_read_the_call() -> None:
    sink = ListSink()
    wrapped = timed(
        "VF",
        "verify",
        lambda user, artist: True,
        sink=sink,
        clock=FakeClock(0.0, 0.001),
        dimension_resolvers={"Artist": lambda args, kwargs: kwargs.get("artist"), "Bad": lambda a, k: 1 / 0},
    )
    assert wrapped("u1", artist="a9") is True
    assert dict(sink.metrics[0].dimensions) == {"Artist": "a9", "Bad": "unknown", "Result": "success"}


def test_invalid_static_dimensions_fail_at_decoration_time() -> None:
    with pytest.raises(ValidationError, match="dimension name must be a non-empty string"):
        timed("VF", "x", dimensions={"": "v"})


def test_timed_client_wraps_selected_methods_only() -> None:
    class Client:
        def get(self, key: str) -> str:
            return key.upper()

        def other(self) -> str:
            return "untimed"

    sink = ListSink()
    client = timed_client(Client(), ["get"], namespace="VF", sink=sink, clock=FakeClock(0.0, 0.002))
    assert client.get("a") == "A"
    assert client.other() == "untimed"
    [m] = sink.metrics
    assert m.name == "Client.get"
    assert m.dimensions["Service"] == "Client"


def test_timed_client_with_shared_metric_name_uses_method_dimension() -> None:
    class Client:
        async def find(self) -> int:
            return 1

    sink = ListSink()
    client = timed_client(
        Client(), ["find"], namespace="VF", metric_name="mongo", service_name="users", sink=sink
    )
    assert asyncio.run(client.find()) == 1
    assert sink.metrics[0].name == "mongo"
    assert dict(sink.metrics[0].dimensions)["Method"] == "find"


def test_timed_client_rejects_unknown_method() -> None:
    with pytest.raises(ConfigurationError, match="no method 'nope' to time"):
        timed_client(object(), ["nope"], namespace="VF")


def test_default_sink_can_be_replaced() -> None:
    sink = ListSink()
    metrics.set_default_sink(sink)
    try:
        metrics.put_metric("VF", "n", 1)
    finally:
        metrics.set_default_sink(None)
    assert len(sink.metrics) == 1


def test_prometheus_sink_records_histograms_and_counters() -> None:
    prom = PrometheusSink()
    sink_metrics = [
        Metric(
            namespace="VF", name="http call", value=250, unit=Unit.MILLISECONDS, dimensions={"Route": "/me"}
        ),
        Metric(namespace="VF", name="verified", value=3, unit=Unit.COUNT),
    ]
    for m in sink_metrics:
        prom.record(m)
    registry = prom.registry
    assert registry.get_sample_value("vf_http_call_seconds_sum", {"route": "/me"}) == pytest.approx(0.25)
    assert registry.get_sample_value("vf_http_call_seconds_count", {"route": "/me"}) == 1.0
    assert registry.get_sample_value("vf_verified_total") == 3.0


async def test_prometheus_asgi_endpoint_serves_the_registry() -> None:
    import httpx

    prom = PrometheusSink()
    prom.record(Metric(namespace="VF", name="verified", value=1, unit=Unit.COUNT))
    transport = httpx.ASGITransport(app=metrics.metrics_asgi_app(prom))
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        resp = await client.get("/metrics")
    assert resp.status_code == 200
    assert "vf_verified_total 1.0" in resp.text


@pytest.mark.parametrize(
    ("parts", "expected"),
    [(("VF", "http call"), "vf_http_call"), (("9lives",), "_9lives"), (("a--b", "C"), "a_b_c")],
)
def test_make_metric_name(parts: tuple[str, ...], expected: str) -> None:
    assert make_metric_name(*parts) == expected


def test_all_is_complete() -> None:
    public = {n for n in vars(metrics) if not n.startswith("_")} | {"TimedHttpHook"}  # lazy
    assert set(metrics.__all__) <= public
    for name in metrics.__all__:
        obj = getattr(metrics, name)
        assert name.isupper() or name == "DimensionResolver" or obj.__doc__, name
