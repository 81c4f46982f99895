from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable

import pytest
import structlog

from tests.unit.log.conftest import Output
from verifiedfan import log
from verifiedfan.correlation import correlation_scope
from verifiedfan.errors import ConfigurationError

Make = Callable[..., Output]


def test_line_is_one_json_object_with_standard_fields_first(output: Make) -> None:
    out = output()
    log.get_logger("my-app/services/users").info("signed in", user_id="u-1", attempt=2)
    (entry,) = out.entries
    assert list(entry) == [
        "timestamp",
        "level",
        "service",
        "context",
        "message",
        "correlation_id",
        "user_id",
        "attempt",
    ]
    assert entry["level"] == "info"
    assert entry["service"] == "svc"
    assert entry["context"] == "m/services/users"
    assert entry["message"] == "signed in"
    assert (entry["user_id"], entry["attempt"]) == ("u-1", 2)


def test_timestamp_is_utc_iso8601(output: Make) -> None:
    out = output()
    log.get_logger("a").info("x")
    stamp = out.entries[0]["timestamp"]
    assert stamp.endswith("Z")
    parsed = datetime.datetime.fromisoformat(stamp)
    assert parsed.utcoffset() == datetime.timedelta(0)


def test_each_line_ends_with_a_newline(output: Make) -> None:
    out = output()
    logger = log.get_logger("a")
    logger.info("one")
    logger.info("two")
    assert out.text.count("\n") == 2
    assert out.text.endswith("\n")


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        ("my-app/services/users", "m/services/users"),
        ("users", "users"),
        ("services/users", "services/users"),
        ("alpha/beta/gamma/delta", "a/b/gamma/delta"),
        ("", ""),
        ("/abs/path/x", "/a/path/x"),
    ],
)
def test_context_abbreviation(context: str, expected: str) -> None:
    assert log.abbreviate_context(context) == expected
    assert log.get_logger(context).context == expected


@pytest.mark.parametrize(
    ("level", "written"),
    [
        ("debug", ["debug", "info", "warning", "error", "critical"]),
        ("info", ["info", "warning", "error", "critical"]),
        ("WARNING", ["warning", "error", "critical"]),
        (40, ["error", "critical"]),
    ],
)
def test_level_filters_lower_levels(output: Make, level: str | int, written: list[str]) -> None:
    out = output(level=level)
    logger = log.get_logger("a")
    logger.debug("m")
    logger.info("m")
    logger.warning("m")
    logger.error("m")
    logger.critical("m")
    assert [e["level"] for e in out.entries] == written


def test_unknown_level_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="unknown log level"):
        log.configure(level="loud")


def test_correlation_id_of_the_current_context_is_written(output: Make) -> None:
    out = output()
    with correlation_scope("cid-123"):
        log.get_logger("a").info("inside")
    log.get_logger("a").info("outside")
    inside, outside = out.entries
    assert inside["correlation_id"] == "cid-123"
    assert outside["correlation_id"] is None


def test_bound_fields_and_contextvars_appear_on_every_line(output: Make) -> None:
    out = output()
    logger = log.get_logger("a").bind(tenant="t1")
    with structlog.contextvars.bound_contextvars(request_id="r-9"):
        logger.info("m", extra=1)
    (entry,) = out.entries
    assert (entry["request_id"], entry["tenant"], entry["extra"]) == ("r-9", "t1", 1)


def test_field_named_like_a_standard_field_does_not_overwrite_it(output: Make) -> None:
    out = output()
    log.get_logger("a").info("real", level="fake", message="fake")
    (entry,) = out.entries
    assert (entry["level"], entry["message"]) == ("info", "real")
    assert (entry["level_"], entry["message_"]) == ("fake", "fake")


@dataclasses.dataclass
class _Point:
    x: int
    y: int


def test_non_json_values_are_rendered(output: Make) -> None:
    out = output()
    when = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    log.get_logger("a").info(
        "m", when=when, point=_Point(1, 2), raw=b"bytes", error=KeyError("k"), tags={"x"}
    )
    (entry,) = out.entries
    assert entry["when"] == "2024-01-02T03:04:05+00:00"
    assert entry["point"] == {"x": 1, "y": 2}
    assert entry["raw"] == "bytes"
    assert entry["error"] == "KeyError: 'k'"
    assert entry["tags"] == ["x"]


def test_exception_writes_the_traceback_at_error_level(output: Make) -> None:
    out = output()
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        log.get_logger("a").exception("failed")
    (entry,) = out.entries
    assert entry["level"] == "error"
    assert "RuntimeError: boom" in entry["exception"]
    assert "Traceback" in entry["exception"]


def test_structlog_loggers_are_routed_through_the_same_pipeline(output: Make) -> None:
    out = output()
    structlog.get_logger("my-app/jobs/sync").warning("via structlog", n=1)
    (entry,) = out.entries
    assert (entry["level"], entry["context"], entry["message"], entry["n"]) == (
        "warning",
        "m/jobs/sync",
        "via structlog",
        1,
    )


def test_unconfigured_logger_writes_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    log.get_logger("a").info("before configure")
    assert '"message":"before configure"' in capsys.readouterr().out


def test_logger_created_before_configure_follows_it(output: Make) -> None:
    logger = log.get_logger("a")
    out = output(service_name="later")
    logger.info("m")
    assert out.entries[0]["service"] == "later"
