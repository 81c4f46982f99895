"""Canary secrets must never appear in any output: app lines, library records, tracebacks."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

import pytest

from tests.unit.log.conftest import Output
from verifiedfan import log

Make = Callable[..., Output]

CANARY = "CANARY-secret-1234"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.c2lnbmF0dXJlLWNhbmFyeQ"
BEARER = "Bearer abc.def"
LEAKS = (CANARY, JWT, "abc.def", "c2lnbmF0dXJlLWNhbmFyeQ")


@pytest.fixture
def checked(output: Make, capfd: pytest.CaptureFixture[str]) -> Iterator[Output]:
    """A configured output; after the test, no canary in it nor anywhere on stdout/stderr."""
    out = output()
    yield out
    captured = capfd.readouterr()
    everything = out.text + captured.out + captured.err
    assert out.text, "the test wrote nothing"
    for leak in LEAKS:
        assert leak not in everything


def test_secret_keys_at_the_top_level(checked: Output) -> None:
    log.get_logger("a").info(
        "m", password=CANARY, client_secret=CANARY, access_token=CANARY, apiKey=CANARY, Authorization=BEARER
    )
    entry = checked.entries[0]
    assert entry["password"] == log.REDACTED
    assert entry["apiKey"] == log.REDACTED


def test_secret_keys_in_nested_dicts_lists_and_tuples(checked: Output) -> None:
    log.get_logger("a").info(
        "m",
        request={"headers": {"X-Api-Key": CANARY, "Cookie": CANARY, "set-cookie": [CANARY]}},
        items=[{"user": {"refresh_token": CANARY}}, ({"private_key": CANARY},)],
        headers=[("authorization", "Basic Q0FOQVJZ"), ("accept", "json")],
    )
    entry = checked.entries[0]
    assert entry["request"]["headers"]["X-Api-Key"] == log.REDACTED
    assert entry["headers"][1] == ["accept", "json"]


def test_secret_looking_values_under_innocent_keys(checked: Output) -> None:
    log.get_logger("a").info("m", note=f"sent {BEARER}", data={"blob": [f"token was {JWT}"]}, n=3)
    entry = checked.entries[0]
    assert entry["note"] == f"sent Bearer {log.REDACTED}"
    assert entry["n"] == 3


def test_f_string_messages(checked: Output) -> None:
    logger = log.get_logger("a")
    logger.info(f"login with password={CANARY}")  # noqa: G004
    logger.info(f"headers { ({'authorization': BEARER}) }")  # noqa: G004
    logger.warning(f"got jwt {JWT} from upstream")  # noqa: G004
    assert [e["message"] for e in checked.entries][2] == f"got jwt {log.REDACTED} from upstream"


def test_exception_messages_and_tracebacks(checked: Output) -> None:
    logger = log.get_logger("a")
    try:
        try:
            raise KeyError({"password": CANARY})
        except KeyError as inner:
            raise RuntimeError(f"upstream said {BEARER} and api_key={CANARY} jwt={JWT}") from inner
    except RuntimeError as exc:
        logger.exception("failed")
        logger.error("failed again", error=exc, exc_info=exc)
    assert "RuntimeError" in checked.entries[0]["exception"]


def test_exception_objects_in_fields(checked: Output) -> None:
    log.get_logger("a").warning("m", errors=[ValueError(f"secret: {CANARY}"), ValueError(BEARER)])


def test_third_party_records_with_args_and_extra(output: Make) -> None:
    checked = output(logger_levels={"httpx": "info"})  # httpx is quiet unless asked for
    headers = {"authorization": BEARER, "cookie": f"session={CANARY}", "accept": "json"}
    logging.getLogger("httpx").info("HTTP Request: %s %s headers=%s", "GET", "https://api", headers)
    logging.getLogger("botocore.credentials").debug(
        "Found credentials", extra={"aws_secret_access_key": CANARY, "token": JWT}
    )
    logging.getLogger("confluent_kafka").warning("sasl.password=%s failed", CANARY)
    logging.getLogger("urllib3").error("retrying https://user:%s@host/?access_token=%s", CANARY, CANARY)
    entries = checked.entries
    assert [e["context"] for e in entries] == ["httpx", "botocore.credentials", "confluent_kafka", "urllib3"]
    assert entries[0]["message"].startswith("HTTP Request: GET https://api headers=")
    assert "'accept': 'json'" in entries[0]["message"]
    assert entries[3]["message"] == f"retrying https://user:{log.REDACTED}@host/?access_token={log.REDACTED}"
    for leak in LEAKS:
        assert leak not in checked.text


def test_third_party_exception_tracebacks(checked: Output) -> None:
    try:
        raise ConnectionError(f"Authorization: {BEARER}")
    except ConnectionError:
        logging.getLogger("httpx").exception("request failed for token %s", JWT)
    assert "ConnectionError" in checked.entries[0]["exception"]


def test_structlog_events(checked: Output) -> None:
    import structlog

    structlog.get_logger("a").info(f"jwt {JWT}", password=CANARY, nested={"token": [CANARY]})


def test_custom_secret_keys_replace_the_defaults(output: Make) -> None:
    out = output(secret_keys=("ssn",))
    log.get_logger("a").info("m", SSN=CANARY, password="visible")
    entry = out.entries[0]
    assert entry["SSN"] == log.REDACTED
    assert entry["password"] == "visible"


def test_values_deeper_than_the_depth_limit_are_truncated_not_leaked(output: Make) -> None:
    out = output(depth=2)
    log.get_logger("a").info("m", deep={"a": {"b": {"c": CANARY}}}, shallow={"a": "ok"})
    entry = out.entries[0]
    assert entry["deep"] == {"a": {"b": log.TRUNCATED}}
    assert entry["shallow"] == {"a": "ok"}
    assert CANARY not in out.text


def test_cyclic_structures_are_cut_by_the_depth_limit(output: Make) -> None:
    out = output(depth=3)
    cycle: list[object] = []
    cycle.append(cycle)
    log.get_logger("a").info("m", cycle=cycle)
    assert out.entries[0]["cycle"] == [[[log.TRUNCATED]]]


def test_non_string_messages_are_redacted_structurally(checked: Output) -> None:
    log.get_logger("a").info({"password": CANARY, "user": "u"})
    logging.getLogger("lib").warning({"token": [CANARY]})
    assert "'user': 'u'" in checked.entries[0]["message"]
