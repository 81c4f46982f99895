"""parse_prometheus_text against the format's own example and the reference client's output."""

from __future__ import annotations

import math

import pytest
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Summary, generate_latest

from verifiedfan.errors import ValidationError
from verifiedfan.metrics import (
    PrometheusFamily,
    PrometheusParseError,
    PrometheusSample,
    parse_prometheus_text,
)

# The example of https://prometheus.io/docs/instrumenting/exposition_formats/ ("Text format example"),
# unchanged: the outside reference for what a valid exposition looks like.
SPEC_EXAMPLE = r"""# HELP http_requests_total The total number of HTTP requests.
# TYPE http_requests_total counter
http_requests_total{method="post",code="200"} 1027 1395066363000
http_requests_total{method="post",code="400"}    3 1395066363000

# Escaping in label values:
msdos_file_access_time_seconds{path="C:\\DIR\\FILE.TXT",error="Cannot find file:\n\"FILE.TXT\""} 1.458255915e9

# Minimalistic line:
metric_without_timestamp_and_labels 12.47

# A weird metric from before the epoch:
something_weird{problem="division by zero"} +Inf -3982045

# A histogram, which has a pretty complex representation in the text format:
# HELP http_request_duration_seconds A histogram of the request duration.
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le="0.05"} 24054
http_request_duration_seconds_bucket{le="0.1"} 33444
http_request_duration_seconds_bucket{le="0.2"} 100392
http_request_duration_seconds_bucket{le="0.5"} 129389
http_request_duration_seconds_bucket{le="1"} 133988
http_request_duration_seconds_bucket{le="+Inf"} 144320
http_request_duration_seconds_sum 53423
http_request_duration_seconds_count 144320

# Finally a summary, which has a complex representation, too:
# HELP rpc_duration_seconds A summary of the RPC duration in seconds.
# TYPE rpc_duration_seconds summary
rpc_duration_seconds{quantile="0.01"} 3102
rpc_duration_seconds{quantile="0.05"} 3272
rpc_duration_seconds{quantile="0.5"} 4773
rpc_duration_seconds{quantile="0.9"} 9001
rpc_duration_seconds{quantile="0.99"} 76656
rpc_duration_seconds_sum 1.7560473e+07
rpc_duration_seconds_count 2693
"""


def by_name(families: tuple[PrometheusFamily, ...]) -> dict[str, PrometheusFamily]:
    return {f.name: f for f in families}


def test_the_spec_example_gives_every_family_in_order() -> None:
    families = parse_prometheus_text(SPEC_EXAMPLE)
    assert [(f.name, f.type) for f in families] == [
        ("http_requests", "counter"),  # counters are named without _total, as the reference does
        ("msdos_file_access_time_seconds", "unknown"),
        ("metric_without_timestamp_and_labels", "unknown"),
        ("something_weird", "unknown"),
        ("http_request_duration_seconds", "histogram"),
        ("rpc_duration_seconds", "summary"),
    ]


def test_the_spec_example_counter_keeps_labels_values_and_timestamps_in_seconds() -> None:
    counter = by_name(parse_prometheus_text(SPEC_EXAMPLE))["http_requests"]
    assert counter.help == "The total number of HTTP requests."
    assert counter.samples == (
        PrometheusSample("http_requests_total", {"method": "post", "code": "200"}, 1027.0, 1395066363.0),
        PrometheusSample("http_requests_total", {"method": "post", "code": "400"}, 3.0, 1395066363.0),
    )
    assert counter.sample(code="400") == counter.samples[1]
    assert counter.sample(code="500") is None


def test_the_spec_example_unescapes_label_values() -> None:
    sample = by_name(parse_prometheus_text(SPEC_EXAMPLE))["msdos_file_access_time_seconds"].samples[0]
    assert sample.labels == {"path": "C:\\DIR\\FILE.TXT", "error": 'Cannot find file:\n"FILE.TXT"'}
    assert sample.value == 1.458255915e9
    assert sample.timestamp is None


def test_the_spec_example_infinite_value_and_pre_epoch_timestamp() -> None:
    families = by_name(parse_prometheus_text(SPEC_EXAMPLE))
    weird = families["something_weird"].samples[0]
    assert math.isinf(weird.value)
    assert weird.value > 0
    assert weird.timestamp == pytest.approx(-3982.045)
    assert families["metric_without_timestamp_and_labels"].samples[0] == PrometheusSample(
        "metric_without_timestamp_and_labels", {}, 12.47
    )


def test_the_spec_example_histogram_and_summary() -> None:
    families = by_name(parse_prometheus_text(SPEC_EXAMPLE))
    histogram = families["http_request_duration_seconds"]
    assert histogram.help == "A histogram of the request duration."
    buckets = [(s.labels["le"], s.value) for s in histogram.samples if s.name.endswith("_bucket")]
    assert buckets == [
        ("0.05", 24054.0),
        ("0.1", 33444.0),
        ("0.2", 100392.0),
        ("0.5", 129389.0),
        ("1", 133988.0),
        ("+Inf", 144320.0),
    ]
    assert histogram.sample("http_request_duration_seconds_count") is not None
    summary = families["rpc_duration_seconds"]
    assert summary.sample("rpc_duration_seconds", quantile="0.99") == PrometheusSample(
        "rpc_duration_seconds", {"quantile": "0.99"}, 76656.0
    )
    assert summary.sample("rpc_duration_seconds_sum") == PrometheusSample(
        "rpc_duration_seconds_sum", {}, 1.7560473e07
    )


def test_the_result_is_immutable_and_bytes_are_accepted() -> None:
    families = parse_prometheus_text(SPEC_EXAMPLE.encode())
    assert families == parse_prometheus_text(SPEC_EXAMPLE)
    sample = families[0].samples[0]
    with pytest.raises(AttributeError, match="cannot assign to field 'value'"):
        sample.value = 1.0  # type: ignore[misc]
    with pytest.raises(TypeError, match="does not support item assignment"):
        sample.labels["method"] = "get"  # type: ignore[index]
    assert hash(sample) == hash(families[0].samples[0])


def test_a_round_trip_through_the_reference_client() -> None:
    registry = CollectorRegistry()
    requests = Counter("vf_requests", "Requests served", ["route"], registry=registry)
    requests.labels("/a").inc(3)
    requests.labels('/b"\\\n').inc()
    Gauge("vf_in_flight", "In flight", registry=registry).set(-2.5)
    latency = Histogram("vf_latency_seconds", "Latency", buckets=(0.1, 1.0), registry=registry)
    latency.observe(0.05)
    latency.observe(0.5)
    Summary("vf_size_bytes", "Size", registry=registry).observe(42)

    families = by_name(parse_prometheus_text(generate_latest(registry)))

    counter = families["vf_requests"]
    assert counter.type == "counter"
    assert counter.help == "Requests served"
    assert counter.sample("vf_requests_total", route="/a").value == 3.0  # type: ignore[union-attr]
    assert counter.sample("vf_requests_total", route='/b"\\\n').value == 1.0  # type: ignore[union-attr]
    assert families["vf_in_flight"].samples == (PrometheusSample("vf_in_flight", {}, -2.5),)
    hist = families["vf_latency_seconds"]
    assert hist.type == "histogram"
    assert [(s.labels["le"], s.value) for s in hist.samples if s.name.endswith("_bucket")] == [
        ("0.1", 1.0),
        ("1.0", 2.0),
        ("+Inf", 2.0),
    ]
    assert hist.sample("vf_latency_seconds_sum").value == pytest.approx(0.55)  # type: ignore[union-attr]
    assert families["vf_size_bytes"].sample("vf_size_bytes_count").value == 1.0  # type: ignore[union-attr]


def test_empty_text_has_no_families() -> None:
    assert parse_prometheus_text("") == ()
    assert parse_prometheus_text("# just a comment\n\n") == ()


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("ok 1\nbroken{ 1\n", "broken{ 1"),
        ("no_value here\n", "no_value here"),
        ("# TYPE x nonsense\nx 1\n", "# TYPE x nonsense"),
        ('x{a="unterminated} 1\n', 'x{a="unterminated} 1'),
    ],
)
def test_malformed_text_is_a_typed_error_naming_the_line(text: str, line: str) -> None:
    with pytest.raises(PrometheusParseError, match="malformed Prometheus text") as info:
        parse_prometheus_text(text)
    assert isinstance(info.value, ValidationError)
    assert isinstance(info.value.__cause__, ValueError)
    assert info.value.line == line


def test_bytes_that_are_not_utf8_are_a_typed_error() -> None:
    with pytest.raises(PrometheusParseError, match="not valid UTF-8"):
        parse_prometheus_text(b"x 1\n\xff\xfe\n")
