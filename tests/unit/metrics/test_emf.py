from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from verifiedfan.errors import ValidationError
from verifiedfan.metrics import EmfSink, Metric, Unit, put_metric, render_documents

SCHEMA = json.loads((Path(__file__).parent / "emf_schema.json").read_text())


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line]


def check_references(doc: dict[str, Any]) -> None:
    """The spec's rule beyond the schema: every referenced dimension and metric is a root member."""
    for directive in doc["_aws"]["CloudWatchMetrics"]:
        for dim_set in directive["Dimensions"]:
            for dim in dim_set:
                assert isinstance(doc[dim], str)
        for definition in directive["Metrics"]:
            value = doc[definition["Name"]]
            assert isinstance(value, int | float | list)


def test_put_metric_writes_one_valid_emf_document() -> None:
    out = io.StringIO()
    sink = EmfSink(stream=out, auto_flush=True)
    put_metric("VerifiedFan", "VerificationsCompleted", 1, Unit.COUNT, {"Artist": "a1"}, sink=sink)
    [doc] = lines(out)
    jsonschema.validate(doc, SCHEMA)
    check_references(doc)
    directive = doc["_aws"]["CloudWatchMetrics"][0]
    assert directive == {
        "Namespace": "VerifiedFan",
        "Dimensions": [["Artist"]],
        "Metrics": [{"Name": "VerificationsCompleted", "Unit": "Count"}],
    }
    assert doc["Artist"] == "a1"
    assert doc["VerificationsCompleted"] == 1.0


def test_batching_groups_by_dimensions_and_respects_limits() -> None:
    ts = 1_700_000_000_000
    metrics = [
        Metric(namespace="NS", name=f"m{i}", value=i, dimensions={"A": "x"}, timestamp_ms=ts)
        for i in range(250)
    ]
    metrics += [
        Metric(namespace="NS", name="latency", value=v, unit=Unit.MILLISECONDS, timestamp_ms=ts)
        for v in range(150)
    ]
    docs = render_documents(metrics)
    for doc in docs:
        jsonschema.validate(doc, SCHEMA)
        check_references(doc)
    per_dims = [d for d in docs if "A" in d]
    assert [len(d["_aws"]["CloudWatchMetrics"][0]["Metrics"]) for d in per_dims] == [100, 100, 50]
    latency_docs = [d for d in docs if "latency" in d]
    assert [len(d["latency"]) for d in latency_docs] == [100, 50]
    assert sum(len(d["latency"]) for d in latency_docs) == 150


def test_buffered_sink_flushes_when_full_and_on_demand() -> None:
    out = io.StringIO()
    sink = EmfSink(stream=out, max_buffered=3)
    ts = 1_700_000_000_000  # one timestamp: metrics of different milliseconds go in separate documents
    for i in range(2):
        put_metric("NS", "n", i, sink=sink, timestamp_ms=ts)
    assert out.getvalue() == ""
    put_metric("NS", "n", 2, sink=sink, timestamp_ms=ts)
    assert len(lines(out)) == 1
    assert lines(out)[0]["n"] == [0.0, 1.0, 2.0]
    put_metric("NS", "n", 3, sink=sink, timestamp_ms=ts)
    sink.flush()
    assert len(lines(out)) == 2


def test_high_resolution_metrics_say_so() -> None:
    [doc] = render_documents([Metric(namespace="NS", name="n", value=1, storage_resolution=1)])
    jsonschema.validate(doc, SCHEMA)
    assert doc["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["StorageResolution"] == 1


@pytest.mark.parametrize(
    ("dimensions", "match"),
    [
        ({f"d{i}": "v" for i in range(31)}, "at most 30 dimensions are allowed, got 31"),
        ({"": "v"}, "dimension name must be a non-empty string"),
        ({":bad": "v"}, "dimension name may not start with ':'"),
        ({"d": ""}, "dimension 'd' has an empty value"),
        ({"d": None}, "dimension 'd' has a value that is not a string"),
        ({"d": {"nested": 1}}, "dimension 'd' has a value that is not a string"),
        ({"d": "x" * 1025}, "dimension 'd' value is longer than 1024 characters"),
        ({"dé": "v"}, "dimension name must be ASCII"),
    ],
)
def test_invalid_dimensions_are_rejected_before_anything_is_written(
    dimensions: dict[str, Any], match: str
) -> None:
    out = io.StringIO()
    sink = EmfSink(stream=out, auto_flush=True)
    with pytest.raises(ValidationError, match=match):
        put_metric("NS", "n", 1, dimensions=dimensions, sink=sink)
    assert out.getvalue() == ""


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"namespace": "", "name": "n", "value": 1}, "namespace must be a non-empty string"),
        ({"namespace": "NS", "name": "", "value": 1}, "metric name must be a non-empty string"),
        ({"namespace": "NS", "name": "n", "value": float("nan")}, "metric value must be finite"),
        ({"namespace": "NS", "name": "n", "value": "1"}, "metric value must be a number"),
        ({"namespace": "NS", "name": "n", "value": True}, "metric value must be a number"),
        ({"namespace": "NS", "name": "n", "value": 1, "unit": "Parsecs"}, "unknown CloudWatch unit"),
        (
            {"namespace": "NS", "name": "n", "value": 1, "storage_resolution": 5},
            r"storage_resolution must be 1 \(high resolution\) or 60",
        ),
    ],
)
def test_invalid_metrics_are_rejected(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ValidationError, match=match):
        Metric(**kwargs)


def test_numbers_as_dimension_values_become_strings() -> None:
    metric = Metric(namespace="NS", name="n", value=1, dimensions={"Shard": 3, "Prod": True})
    assert dict(metric.dimensions) == {"Shard": "3", "Prod": "True"}


def test_a_broken_stream_never_raises_into_the_application() -> None:
    class Broken(io.StringIO):
        def write(self, s: str) -> int:
            raise OSError("disk full")

    sink = EmfSink(stream=Broken(), auto_flush=True)
    put_metric("NS", "n", 1, sink=sink)
    assert sink.write_errors == 1


def test_cloudwatch_datum_shares_the_model() -> None:
    metric = Metric(
        namespace="NS", name="n", value=2, unit=Unit.COUNT, dimensions={"A": "b"}, timestamp_ms=1000
    )
    assert metric.to_cloudwatch_datum() == {
        "MetricName": "n",
        "Dimensions": [{"Name": "A", "Value": "b"}],
        "Timestamp": 1.0,
        "Value": 2.0,
        "Unit": "Count",
        "StorageResolution": 60,
    }
