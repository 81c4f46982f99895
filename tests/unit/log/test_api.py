from __future__ import annotations

import inspect
import logging
import types

import pytest
import structlog

from verifiedfan import log
from verifiedfan.correlation import correlation_scope


def test_every_exported_name_exists_and_is_documented() -> None:
    for name in log.__all__:
        obj = getattr(log, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert inspect.getdoc(obj), f"{name} has no docstring"


def test_no_public_name_is_missing_from_all() -> None:
    public = {
        name
        for name, obj in vars(log).items()
        if not name.startswith("_") and not isinstance(obj, types.ModuleType)
    }
    assert public == set(log.__all__)


def test_capture_logs_collects_rendered_lines_from_every_source() -> None:
    with log.capture_logs() as captured:
        log.get_logger("my-app/a/b").debug("app line", password="p")
        logging.getLogger("httpx").info("library line")
        structlog.get_logger("s").info("structlog line")
    messages = [e["message"] for e in captured.entries]
    assert messages == ["app line", "library line", "structlog line"]
    assert captured.entries[0]["password"] == log.REDACTED
    assert "app line" in captured.text


def test_capture_logs_restores_the_previous_state() -> None:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    with log.capture_logs():
        pass
    assert (root.handlers, root.level) == (handlers, level)


def test_capture_logs_respects_its_level() -> None:
    with log.capture_logs("warning") as captured:
        log.get_logger("a").info("hidden")
        log.get_logger("a").warning("shown")
    assert [e["message"] for e in captured.entries] == ["shown"]


def test_capture_keeps_the_correlation_id() -> None:
    with log.capture_logs() as captured, correlation_scope("c-1"):
        log.get_logger("a").info("m")
    assert captured.entries[0]["correlation_id"] == "c-1"


def test_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VF_LOG_LEVEL", "WARNING")
    monkeypatch.setenv("VF_LOG_SERVICE_NAME", "from-env")
    monkeypatch.setenv("VF_LOG_ASYNCHRONOUS", "false")
    config = log.configure_from_settings(log.LogSettings())
    assert (config.level, config.service_name, config.asynchronous) == (30, "from-env", False)


@pytest.mark.parametrize(("given", "number"), [("debug", 10), ("INFO", 20), ("warn", 30), (50, 50)])
def test_parse_level(given: str | int, number: int) -> None:
    assert log.parse_level(given) == number


def test_configure_returns_what_it_installed() -> None:
    config = log.configure(level="error", service_name="svc", secret_keys=["a"], asynchronous=False)
    assert config == log.LogConfig(
        level=40,
        service_name="svc",
        secret_keys=("a",),
        depth=8,
        asynchronous=False,
        max_queue=10_000,
        capture_stdlib=True,
        logger_levels={"httpx": 30, "httpcore": 30},  # QUIET_LIBRARIES
        quiet_libraries=True,
    )
    assert log.get_logger("x").is_enabled_for(40)
    assert not log.get_logger("x").is_enabled_for(30)
