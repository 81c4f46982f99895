"""Settings, ports, connection settings and their rendering as environment variables."""

from __future__ import annotations

from pathlib import Path

import pytest

from verifiedfan.stack import (
    DEFAULT_PORTS,
    RedisConnection,
    StackError,
    StackSettings,
    connection_for,
    connections,
    render_env,
)

_ALL_VF_STACK = [
    "VF_STACK_KAFKA_BOOTSTRAP",
    "VF_STACK_REGISTRY_URL",
    "VF_STACK_REDIS_URL",
    "VF_STACK_REDIS_REPLICA_URL",
    "VF_STACK_MONGO_URL",
    "VF_STACK_AWS_ENDPOINT_URL",
    "VF_STACK_OTLP_ENDPOINT",
    "VF_STACK_HOME",
    "VF_STACK_RUN_DIR",
    "VF_STACK_CI",
    "CI",
    "VF_STACK_KAFKA_PORT",
]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in _ALL_VF_STACK:
        monkeypatch.delenv(name, raising=False)


def test_default_ports_avoid_the_usual_defaults() -> None:
    usual = {9092, 9093, 8081, 8080, 9000, 6379, 6380, 27017, 5000, 4317, 4318}
    assert not usual & set(DEFAULT_PORTS.values())


def test_ports_are_distinct() -> None:
    assert len(set(DEFAULT_PORTS.values())) == len(DEFAULT_PORTS)


def test_home_defaults_to_the_user_cache() -> None:
    assert StackSettings().home == Path.home() / ".cache" / "verifiedfan" / "stack"


def test_home_and_ports_come_from_vf_stack_variables(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("VF_STACK_HOME", str(tmp_path))
    monkeypatch.setenv("VF_STACK_KAFKA_PORT", "29092")
    settings = StackSettings()
    assert (settings.home, settings.kafka_port, settings.state_dir) == (tmp_path, 29092, tmp_path / "run")


def test_run_dir_overrides_the_state_dir(tmp_path: Path) -> None:
    assert StackSettings(home=tmp_path / "h", run_dir=tmp_path / "r").state_dir == tmp_path / "r"


def test_a_port_out_of_range_is_rejected() -> None:
    with pytest.raises(ValueError, match="kafka_port"):
        StackSettings(kafka_port=70000)


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("1", True), ("false", False), ("", False)])
def test_ci_reads_the_ci_variable(monkeypatch: pytest.MonkeyPatch, value: str, expected: bool) -> None:
    monkeypatch.setenv("CI", value)
    assert StackSettings().ci is expected


def test_local_connections_use_loopback_and_the_configured_ports() -> None:
    conns = connections(StackSettings(redis_port=1111, redis_replica_port=2222))
    assert conns.redis == RedisConnection(
        url="redis://127.0.0.1:1111/0", replica_url="redis://127.0.0.1:2222/0"
    )
    assert conns.schema_registry.url == "http://127.0.0.1:18081/apis/ccompat/v7"
    assert conns.otlp.traces_url == "http://127.0.0.1:14318/v1/traces"


def test_variables_pointing_at_existing_servers_make_them_external(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VF_STACK_KAFKA_BOOTSTRAP", "kafka.test:9092")
    conns = connections(StackSettings())
    assert (conns.kafka.bootstrap_servers, conns.kafka.external) == ("kafka.test:9092", True)
    assert conns.redis.external is False


def test_a_shared_redis_without_replica_reads_from_the_primary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VF_STACK_REDIS_URL", "redis://cache.test:6379/0")
    assert connections(StackSettings()).redis.replica_url == "redis://cache.test:6379/0"


def test_env_round_trips_through_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    rendered = render_env(StackSettings(mongo_port=3333))
    for key, value in rendered.items():
        monkeypatch.setenv(key, value)
    assert connections(StackSettings()).mongo.url == "mongodb://127.0.0.1:3333/"
    assert connections(StackSettings()).mongo.external is True


def test_env_includes_the_standard_aws_and_otel_variables() -> None:
    rendered = render_env(StackSettings())
    assert rendered["AWS_ENDPOINT_URL"] == "http://127.0.0.1:15000"
    assert rendered["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://127.0.0.1:14318"
    assert rendered["OTEL_EXPORTER_OTLP_PROTOCOL"] == "http/protobuf"


def test_unknown_server_is_a_stack_error() -> None:
    with pytest.raises(StackError, match="unknown server"):
        connection_for(StackSettings(), "postgres")


def test_stack_env_configures_every_client_settings_class(monkeypatch: pytest.MonkeyPatch) -> None:
    """One ``eval "$(vf stack env --export)"`` points the clients' own settings at the stack (issue 19)."""
    from verifiedfan.kafka import KafkaSettings
    from verifiedfan.mongo import MongoSettings
    from verifiedfan.redis import RedisSettings

    settings = StackSettings(kafka_port=29092, registry_port=28081, redis_port=26379, mongo_port=27118)
    for name, value in render_env(settings).items():
        monkeypatch.setenv(name, value)
    kafka, redis, mongo = KafkaSettings(), RedisSettings(), MongoSettings()
    assert (kafka.brokers, kafka.registry_url) == (
        "127.0.0.1:29092",
        "http://127.0.0.1:28081/apis/ccompat/v7",
    )
    assert redis.url == "redis://127.0.0.1:26379/0"
    assert redis.read_only_url == f"redis://127.0.0.1:{settings.redis_replica_port}/0"
    assert mongo.hosts == "mongodb://127.0.0.1:27118/"


def test_client_defaults_are_the_usual_local_ports(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without ``vf stack env`` every client defaults to its server's usual port, all alike."""
    from verifiedfan.kafka import KafkaSettings
    from verifiedfan.mongo import MongoSettings
    from verifiedfan.redis import RedisSettings

    for name in render_env(StackSettings()):
        monkeypatch.delenv(name, raising=False)
    assert KafkaSettings().brokers == "127.0.0.1:9092"
    assert KafkaSettings().registry_url == "http://127.0.0.1:8081"
    assert RedisSettings().url == "redis://127.0.0.1:6379/0"
    assert (MongoSettings().hosts, MongoSettings().port) == ("127.0.0.1", 27017)
