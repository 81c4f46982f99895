"""Date helpers on epoch milliseconds."""

from __future__ import annotations

import pytest

from verifiedfan import utils
from verifiedfan.errors import ValidationError
from verifiedfan.utils import time_in_milliseconds as ms
from verifiedfan.utils import time_in_seconds as secs

T0 = 1_700_000_000_123  # 2023-11-14T22:13:20.123Z


def test_constants_in_milliseconds_and_seconds() -> None:
    assert (ms.SECOND, ms.MINUTE, ms.HOUR, ms.DAY, ms.WEEK) == (
        1000,
        60_000,
        3_600_000,
        86_400_000,
        604_800_000,
    )
    assert (secs.SECOND, secs.MINUTE, secs.HOUR, secs.DAY, secs.WEEK) == (1, 60, 3600, 86_400, 604_800)


def test_now_is_epoch_milliseconds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("time.time_ns", lambda: T0 * 1_000_000 + 999)
    assert utils.now() == T0


def test_to_seconds() -> None:
    assert (utils.to_seconds(T0), utils.to_seconds_from_millis(1999)) == (1_700_000_000, 1)


def test_to_milliseconds_and_hours() -> None:
    assert (utils.to_milliseconds(1.5), utils.to_hours(5400)) == (1500, 1.5)


def test_to_iso_string_like_javascript() -> None:
    assert utils.to_iso_string(T0) == "2023-11-14T22:13:20.123Z"


def test_to_iso_string_of_the_epoch() -> None:
    assert utils.to_iso_string(0) == "1970-01-01T00:00:00.000Z"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2023-11-14T22:13:20.123Z", T0),
        ("2023-11-14T23:13:20.123+01:00", T0),
        ("2023-11-14T22:13:20.123", T0),  # no offset: UTC
        ("1970-01-01", 0),
    ],
)
def test_parse(text: str, expected: int) -> None:
    assert utils.parse(text) == expected


@pytest.mark.parametrize("bad", ["yesterday", "", "2023-13-01", None])
def test_parse_rejects_non_dates(bad: object) -> None:
    with pytest.raises(ValidationError, match=r"not an ISO 8601 date|parse needs a string"):
        utils.parse(bad)  # type: ignore[arg-type]


def test_parse_round_trips_to_iso_string() -> None:
    assert utils.parse(utils.to_iso_string(T0)) == T0


def test_yesterday_and_tomorrow() -> None:
    assert (utils.yesterday(now=T0), utils.tomorrow(now=T0)) == (T0 - ms.DAY, T0 + ms.DAY)


def test_millis_elapsed_since() -> None:
    assert utils.millis_elapsed_since(T0 - 250, now=T0) == 250


@pytest.mark.parametrize(
    ("age", "within"), [(0, True), (ms.HOUR - 1, True), (ms.HOUR, False), (ms.DAY, False)]
)
def test_is_within_ttl(age: int, within: bool) -> None:
    assert utils.is_within_ttl(ms.HOUR, T0 - age, now=T0) is within
    assert utils.is_not_within_ttl(ms.HOUR, T0 - age, now=T0) is not within


def test_ttl_helpers_reject_non_numbers() -> None:
    with pytest.raises(ValidationError, match="ttl_ms must be a finite number of milliseconds"):
        utils.is_within_ttl("1h", T0, now=T0)  # type: ignore[arg-type]
