"""``vf worker``: settings are checked before anything connects."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from verifiedfan.cli._worker import app
from verifiedfan.demo import WorkerSettings

runner = CliRunner()


@pytest.fixture(autouse=True)
def _keep_the_library_log_level() -> Iterator[None]:
    """The command sets the library's log level for its own process; in-process runs must not
    leak it into later tests (an HTTP test missed its error log line after these ran)."""
    logger = logging.getLogger("verifiedfan")
    level = logger.level
    yield
    assert logger.level == level, "a refused start changed the library's log level"
    logger.setLevel(level)


SETTINGS = {
    "worker_id": "0",
    "kafka_brokers": "127.0.0.1:9",
    "registry_url": "http://127.0.0.1:9",
    "redis_url": "redis://:s3cret@127.0.0.1:9/0",
    "requests_topic": "requests",
    "events_topic": "events",
    "group_id": "group",
    "campaign": "c1",
    "target_ids": ["a1"],
    "target_name": "Artist",
    "platforms": {"spotify": {"api_url": "http://127.0.0.1:9", "artist_id": "a1", "client_secret": "xyz"}},
}


def test_a_missing_settings_file_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["--settings", str(tmp_path / "nope.json")])
    assert result.exit_code == 2
    assert "bad settings" in result.output


def test_settings_missing_a_field_name_it(tmp_path: Path) -> None:
    path = tmp_path / "worker.json"
    path.write_text(json.dumps({k: v for k, v in SETTINGS.items() if k != "group_id"}))
    result = runner.invoke(app, ["--settings", str(path)])
    assert result.exit_code == 2
    assert "group_id" in result.output


def test_settings_keep_secrets_out_of_their_repr() -> None:
    settings = WorkerSettings.model_validate(SETTINGS)
    assert settings.transactional_id == "group.0"  # stable per slot: a restart fences its predecessor
    assert "s3cret" not in repr(settings)
    assert "xyz" not in repr(settings)


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SETTINGS.items():
        text = value if isinstance(value, str) else json.dumps(value)
        monkeypatch.setenv(f"VF_WORKER_{name.upper()}", text)
    settings = WorkerSettings()  # type: ignore[call-arg]
    assert settings.platforms["spotify"].client_secret.get_secret_value() == "xyz"
    assert settings.target_ids == ["a1"]
