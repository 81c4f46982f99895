"""PrometheusSink's gauges and process collectors, read back through the text format."""

from __future__ import annotations

import platform
import resource
from pathlib import Path

import httpx
import pytest
from prometheus_client import CollectorRegistry, generate_latest

from verifiedfan.errors import ValidationError
from verifiedfan.metrics import (
    Metric,
    PrometheusFamily,
    PrometheusSink,
    Unit,
    metrics_asgi_app,
    parse_prometheus_text,
    put_metric,
    set_default_sink,
)

HAS_PROC = Path("/proc/self/stat").exists()  # ProcessCollector reads /proc (Linux only)


def scrape(sink: PrometheusSink) -> dict[str, PrometheusFamily]:
    return {f.name: f for f in parse_prometheus_text(generate_latest(sink.registry))}


async def scrape_http(sink: PrometheusSink) -> dict[str, PrometheusFamily]:
    transport = httpx.ASGITransport(app=metrics_asgi_app(sink))
    async with httpx.AsyncClient(transport=transport, base_url="http://app") as client:
        resp = await client.get("/metrics")
    assert resp.status_code == 200
    return {f.name: f for f in parse_prometheus_text(resp.content)}


def test_set_and_add_to_gauge_with_labels() -> None:
    sink = PrometheusSink()
    sink.set_gauge(Metric("VF", "queue depth", 7, Unit.COUNT, {"Queue": "fans"}))
    sink.set_gauge(Metric("VF", "queue depth", 4, Unit.COUNT, {"Queue": "fans"}))
    sink.add_to_gauge(Metric("VF", "in flight", 3))
    sink.add_to_gauge(Metric("VF", "in flight", -1))
    families = scrape(sink)
    depth = families["vf_queue_depth"]
    assert depth.type == "gauge"
    assert depth.help == "VF queue depth (Count)"
    assert depth.sample(queue="fans").value == 4.0  # type: ignore[union-attr]
    assert families["vf_in_flight"].samples[0].value == 2.0


def test_a_duration_gauge_is_in_seconds() -> None:
    sink = PrometheusSink()
    sink.set_gauge(Metric("VF", "lag", 1500, Unit.MILLISECONDS))
    family = scrape(sink)["vf_lag_seconds"]
    assert family.type == "gauge"
    assert family.samples[0].value == 1.5


def test_record_sets_the_metrics_named_as_gauges() -> None:
    sink = PrometheusSink(gauges=["VF.connections", "ratio"])
    set_default_sink(sink)
    try:
        put_metric("VF", "connections", 5)
        put_metric("VF", "connections", 2)
        put_metric("Other", "ratio", 0.5, Unit.PERCENT)
        put_metric("VF", "verified", 2)
    finally:
        set_default_sink(None)
    families = scrape(sink)
    assert families["vf_connections"].type == "gauge"
    assert families["vf_connections"].samples[0].value == 2.0
    assert families["other_ratio"].samples[0].value == 0.5
    assert families["vf_verified"].type == "counter"
    assert families["vf_verified"].samples[0].value == 2.0


def test_one_name_cannot_be_two_kinds() -> None:
    sink = PrometheusSink()
    sink.record(Metric("VF", "verified", 1, Unit.COUNT))
    with pytest.raises(ValidationError, match="already a counter, not a gauge"):
        sink.set_gauge(Metric("VF", "verified", 1, Unit.COUNT))
    with pytest.raises(ValidationError, match="cannot register gauge 'vf_verified'"):
        sink.set_gauge(Metric("VF", "verified", 1, Unit.COUNT, {"Route": "/x"}))


def test_no_process_collectors_unless_asked() -> None:
    assert not any(name.startswith(("process_", "python_")) for name in scrape(PrometheusSink()))


async def test_process_collectors_are_served_from_the_sinks_registry() -> None:
    sink = PrometheusSink(process_collectors=True)
    sink.record(Metric("VF", "verified", 1, Unit.COUNT))
    families = await scrape_http(sink)

    info = families["python_info"].samples[0].labels
    assert info["implementation"] == platform.python_implementation()
    assert info["version"] == platform.python_version()
    assert families["python_gc_objects_collected"].type == "counter"
    assert families["vf_verified"].samples[0].value == 1.0
    if not HAS_PROC:
        pytest.skip("no /proc: process_* metrics are not collected on this platform")
    soft_limit = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    assert families["process_max_fds"].samples[0].value == soft_limit
    assert families["process_resident_memory_bytes"].samples[0].value > 1_000_000
    assert families["process_open_fds"].samples[0].value >= 3  # stdin, stdout, stderr at least
    assert families["process_cpu_seconds"].type == "counter"


def test_process_collectors_stay_off_a_shared_registry_twice() -> None:
    registry = CollectorRegistry()
    PrometheusSink(registry=registry, process_collectors=True)
    with pytest.raises(ValidationError, match="process collectors"):
        PrometheusSink(registry=registry, process_collectors=True)
