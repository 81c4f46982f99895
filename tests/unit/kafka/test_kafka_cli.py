from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from verifiedfan.cli import _kafka, _schema, main
from verifiedfan.kafka import JsonFormatter
from verifiedfan.testing.kafka import FakeBroker, FakeSchemaRegistry, fake_consumer, fake_kafka

from .conftest import TOPIC, V1, V2, V3_INCOMPATIBLE, event

runner = CliRunner()


@pytest.fixture
def wired(monkeypatch: pytest.MonkeyPatch, broker: FakeBroker, registry: FakeSchemaRegistry) -> None:
    def producer(topic: str, brokers: Any, url: Any, fmt: str) -> Any:
        options = {"formatter": JsonFormatter()} if fmt == "json" else {}
        return fake_kafka(topic, broker=broker, registry=registry, **options)

    def consumer(topic: str, brokers: Any, url: Any, fmt: str, group: Any, reset: Any, schema: Any) -> Any:
        options: dict[str, Any] = (
            {"formatter": JsonFormatter()} if fmt == "json" else {"reader_schema": schema}
        )
        return fake_consumer(
            topic, broker=broker, registry=registry, offset_reset=reset, poll_timeout=0.05, **options
        )

    monkeypatch.setattr(_kafka, "make_producer", producer)
    monkeypatch.setattr(_kafka, "make_consumer", consumer)
    monkeypatch.setattr(_schema, "make_registry", lambda url: registry.client())


def write(tmp_path: Path, name: str, schema: dict[str, Any]) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(schema))
    return str(path)


def test_both_commands_are_registered() -> None:
    assert main.SUBCOMMANDS["kafka"][0] == "verifiedfan.cli._kafka"
    assert main.SUBCOMMANDS["schema"][0] == "verifiedfan.cli._schema"


@pytest.mark.usefixtures("wired")
def test_schema_register_then_send_then_tail(tmp_path: Path) -> None:
    registered = runner.invoke(
        _schema.app, ["register", f"{TOPIC}-value", write(tmp_path, "v1.json", V1), "--json"]
    )
    assert json.loads(registered.stdout) == [{"subject": f"{TOPIC}-value", "id": 1}]
    sent = runner.invoke(_kafka.app, ["send", TOPIC, "--key", "u1", "--value", json.dumps(event()), "--json"])
    assert sent.exit_code == 0, sent.output
    assert json.loads(sent.stdout)[0]["schema_id"] == 1
    tailed = runner.invoke(_kafka.app, ["tail", TOPIC, "--from-beginning", "--max", "1", "--json"])
    line = json.loads(tailed.stdout.splitlines()[0])
    assert (line["key"], line["value"]["userId"], line["schema_id"]) == ("u1", "u1", 1)


@pytest.mark.usefixtures("wired")
def test_tail_prints_one_line_per_message(broker: FakeBroker) -> None:
    runner.invoke(_kafka.app, ["send", "j", "--value", '{"a": 1}', "--format", "json"])
    result = runner.invoke(_kafka.app, ["tail", "j", "--from-beginning", "--idle", "0.2", "--format", "json"])
    assert result.stdout.strip().endswith('key=None {"a": 1}')


@pytest.mark.usefixtures("wired")
def test_send_an_invalid_value_is_a_clear_error(tmp_path: Path, broker: FakeBroker) -> None:
    runner.invoke(_schema.app, ["register", f"{TOPIC}-value", write(tmp_path, "v1.json", V1)])
    result = runner.invoke(_kafka.app, ["send", TOPIC, "--value", '{"userId": 1}'])
    assert result.exit_code == 1
    assert "SchemaValidationError" in result.stderr
    assert broker.records(TOPIC) == []


@pytest.mark.usefixtures("wired")
def test_send_refuses_a_value_that_is_not_json() -> None:
    result = runner.invoke(_kafka.app, ["send", TOPIC, "--value", "{nope"])
    assert result.exit_code == 2


@pytest.mark.usefixtures("wired")
def test_send_with_headers(broker: FakeBroker) -> None:
    runner.invoke(_kafka.app, ["send", "j", "--value", "1", "--format", "json", "--header", "src=cli"])
    assert dict(broker.records("j")[0].headers() or [])["src"] == b"cli"


@pytest.mark.usefixtures("wired")
def test_schema_check_against_the_registry(tmp_path: Path) -> None:
    runner.invoke(_schema.app, ["register", "s-value", write(tmp_path, "v1.json", V1)])
    ok = runner.invoke(_schema.app, ["check", "s-value", write(tmp_path, "v2.json", V2), "--json"])
    assert (ok.exit_code, json.loads(ok.stdout)[0]["compatible"]) == (0, True)
    bad = runner.invoke(_schema.app, ["check", "s-value", write(tmp_path, "v3.json", V3_INCOMPATIBLE)])
    assert bad.exit_code == 1


def test_schema_check_offline(tmp_path: Path) -> None:
    v1 = write(tmp_path, "v1.json", V1)
    assert (
        runner.invoke(_schema.app, ["check", "x", write(tmp_path, "v2.json", V2), "--against", v1]).exit_code
        == 0
    )
    bad = runner.invoke(
        _schema.app, ["check", "x", write(tmp_path, "v3.json", V3_INCOMPATIBLE), "--against", v1]
    )
    assert bad.exit_code == 1


def test_schema_check_offline_refuses_a_renamed_record(tmp_path: Path) -> None:
    v1 = write(tmp_path, "v1.json", V1)
    renamed = write(tmp_path, "renamed.json", {**V1, "name": "Renamed"})
    aliased = write(tmp_path, "aliased.json", {**V1, "name": "Renamed", "aliases": [V1["name"]]})
    refused = runner.invoke(_schema.app, ["check", "x", renamed, "--against", v1])
    assert refused.exit_code == 1
    assert "False" in refused.output
    assert runner.invoke(_schema.app, ["check", "x", aliased, "--against", v1]).exit_code == 0


@pytest.mark.usefixtures("wired")
def test_schema_register_incompatible_is_refused(tmp_path: Path) -> None:
    runner.invoke(_schema.app, ["register", "s-value", write(tmp_path, "v1.json", V1)])
    result = runner.invoke(_schema.app, ["register", "s-value", write(tmp_path, "v3.json", V3_INCOMPATIBLE)])
    assert result.exit_code == 1
    assert "SchemaIncompatibleError" in result.stderr


@pytest.mark.usefixtures("wired")
def test_schema_list_subjects_and_versions(tmp_path: Path) -> None:
    runner.invoke(_schema.app, ["register", "s-value", write(tmp_path, "v1.json", V1)])
    runner.invoke(_schema.app, ["register", "s-value", write(tmp_path, "v2.json", V2)])
    subjects = runner.invoke(_schema.app, ["list", "--json"])
    assert json.loads(subjects.stdout) == [{"subject": "s-value", "latest_version": 2, "id": 2}]
    versions = runner.invoke(_schema.app, ["list", "s-value", "--json"])
    assert [v["version"] for v in json.loads(versions.stdout)] == [1, 2]


def test_schema_register_refuses_a_file_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{nope")
    assert runner.invoke(_schema.app, ["register", "s-value", str(path)]).exit_code == 2


@pytest.mark.usefixtures("wired")
def test_send_repeats_a_header_given_twice_and_tail_shows_both(broker: FakeBroker) -> None:
    args = ["send", TOPIC, "--value", "1", "--format", "json", "--header", "hop=a", "--header", "hop=b"]
    assert runner.invoke(_kafka.app, [*args, "--header", "x=1"]).exit_code == 0
    [stored] = broker.records(TOPIC)
    assert [(k, v) for k, v in stored.headers() or [] if k in {"hop", "x"}] == [
        ("hop", b"a"),
        ("hop", b"b"),
        ("x", b"1"),
    ]
    tail = runner.invoke(
        _kafka.app, ["tail", TOPIC, "--from-beginning", "--idle", "0.2", "--format", "json", "--json"]
    )
    shown = json.loads(tail.output.strip().splitlines()[0])
    assert shown["headers"]["hop"] == ["a", "b"]
    assert shown["headers"]["x"] == "1"


def test_send_to_a_wrong_broker_address_says_so_at_once() -> None:
    # No fake here: the real librdkafka client, on a closed port.
    args = ["send", "t", "--value", "1", "--format", "json", "--brokers", "127.0.0.1:9"]
    result = runner.invoke(_kafka.app, args)
    assert result.exit_code == 1
    assert "BrokerUnavailableError: cannot reach the Kafka brokers '127.0.0.1:9'" in result.output
