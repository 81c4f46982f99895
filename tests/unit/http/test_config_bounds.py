"""The HTTP option groups at their edges (issue 22, found by `bash scripts/mutation.sh http-config`):
documented defaults, the first accepted and the first rejected value of every bound, the messages that
name the offending option, and the default sleep. The function-level checks kill mutants the rest of
the suite let survive; the class-level ones (defaults, pydantic bounds) pin what mutmut does not mutate."""

from __future__ import annotations

import asyncio
import calendar
import math
import time
from collections.abc import Iterator

import pydantic
import pytest

from verifiedfan.errors import ConfigurationError
from verifiedfan.http import (
    IDEMPOTENT_METHODS,
    HttpSettings,
    Limits,
    RetryPolicy,
    Timeouts,
    parse_retry_after,
)

NOW = 1_700_000_000.0


# -- defaults: the dataclasses document them; HttpSettings must build exactly those ----------------


def test_dataclass_defaults_are_the_documented_ones() -> None:
    assert (Timeouts().connect, Timeouts().total) == (5.0, 30.0)
    assert Limits() == Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0)
    policy = RetryPolicy()
    assert (
        policy.max_retries,
        policy.backoff_initial,
        policy.backoff_multiplier,
        policy.backoff_max,
        policy.retry_after_cap,
        policy.deadline,
    ) == (3, 0.5, 2.0, 30.0, 60.0, None)
    assert policy.idempotent_methods == IDEMPOTENT_METHODS


def test_idempotent_methods_are_rfc_9110s() -> None:
    # RFC 9110 section 9.2.2: GET, HEAD, OPTIONS, TRACE (the safe ones), PUT and DELETE
    assert frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"}) == IDEMPOTENT_METHODS


def test_settings_defaults_build_the_dataclass_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(HttpSettings.model_fields):
        monkeypatch.delenv(f"VF_HTTP_{name.upper()}", raising=False)
    settings = HttpSettings()
    assert (settings.service_name, settings.base_url, settings.default_headers) == ("http", "", {})
    assert settings.timeouts() == Timeouts()
    assert settings.limits() == Limits()
    assert settings.retry_policy() == RetryPolicy()


def test_never_retries_nothing_and_keeps_every_other_default() -> None:
    assert RetryPolicy.never() == RetryPolicy(max_retries=0)


# -- HttpSettings bounds: the first accepted value passes, the first rejected one fails -------------

EDGES = [
    # field, smallest accepted value, largest rejected value
    ("connect_timeout", 0.001, 0),
    ("total_timeout", 0.001, 0),
    ("max_connections", 1, 0),
    ("max_keepalive_connections", 0, -1),
    ("keepalive_expiry", 0, -0.001),
    ("max_retries", 0, -1),
    ("backoff_initial", 0, -0.001),
    ("backoff_max", 0, -0.001),
    ("retry_after_cap", 0, -0.001),
    ("deadline", 0.001, 0),
]


@pytest.mark.parametrize(("field", "accepted", "rejected"), EDGES)
def test_settings_bounds(field: str, accepted: float, rejected: float) -> None:
    assert getattr(HttpSettings(**{field: accepted}), field) == accepted
    with pytest.raises(pydantic.ValidationError, match=field):
        HttpSettings(**{field: rejected})


# -- dataclass validation: bounds and messages -------------------------------------------------------


@pytest.mark.parametrize("name", ["connect", "total"])
@pytest.mark.parametrize("bad", [0, -0.5, math.nan, math.inf, "5"])
def test_timeouts_reject_non_positive_or_non_finite(name: str, bad: object) -> None:
    with pytest.raises(ConfigurationError, match=rf"^Timeouts\.{name} must be a positive number of seconds"):
        Timeouts(**{name: bad})  # type: ignore[arg-type]


def test_timeouts_accept_small_positive_values_and_ints() -> None:
    assert Timeouts(connect=0.001, total=1).to_httpx().as_dict() == {
        "connect": 0.001,
        "read": 1,
        "write": 1,
        "pool": 1,
    }


@pytest.mark.parametrize(
    "kwargs", [{"max_connections": 0}, {"max_keepalive_connections": -1}, {"keepalive_expiry": -0.001}]
)
def test_limits_reject_each_bound(kwargs: dict[str, float]) -> None:
    with pytest.raises(ConfigurationError, match=r"^invalid connection limits: Limits"):
        Limits(**kwargs)  # type: ignore[arg-type]


def test_limits_accept_their_smallest_values() -> None:
    limits = Limits(max_connections=1, max_keepalive_connections=0, keepalive_expiry=0.0)
    assert (limits.max_connections, limits.max_keepalive_connections, limits.keepalive_expiry) == (1, 0, 0.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_retries": -1}, r"^RetryPolicy\.max_retries must be >= 0, got -1$"),
        ({"backoff_initial": -0.001}, r"^RetryPolicy backoffs must be >= 0 and the multiplier >= 1$"),
        ({"backoff_max": -0.001}, r"^RetryPolicy backoffs must be >= 0"),
        ({"retry_after_cap": -0.001}, r"^RetryPolicy backoffs must be >= 0"),
        ({"backoff_multiplier": 0.999}, r"the multiplier >= 1$"),
        ({"deadline": 0}, r"^RetryPolicy\.deadline must be positive when set$"),
        ({"deadline": -1.0}, r"^RetryPolicy\.deadline must be positive"),
    ],
)
def test_retry_policy_rejects_each_bound(kwargs: dict[str, float], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


def test_retry_policy_accepts_its_smallest_values() -> None:
    policy = RetryPolicy(
        max_retries=0,
        backoff_initial=0.0,
        backoff_multiplier=1.0,
        backoff_max=0.0,
        retry_after_cap=0.0,
        deadline=0.001,
    )
    assert (policy.max_retries, policy.backoff_multiplier, policy.deadline) == (0, 1.0, 0.001)


# -- the schedule at its first step and Retry-After's odd forms ----------------------------------------


def test_ceiling_starts_at_backoff_initial_and_never_goes_below_it() -> None:
    policy = RetryPolicy(backoff_initial=0.5, backoff_multiplier=3.0, backoff_max=100.0)
    assert [policy.ceiling(n) for n in (0, 1, 2, 3)] == [0.5, 0.5, 1.5, 4.5]


@pytest.mark.parametrize(
    ("value", "seconds"), [(" 7 ", 7.0), ("2.5", 2.5), ("-3", 0.0), ("0", 0.0), ("1e1", 10.0)]
)
def test_retry_after_seconds_forms(value: str, seconds: float) -> None:
    assert parse_retry_after(value, now=NOW) == seconds


@pytest.mark.parametrize("value", ["-inf", "Wed, 99 Foo 2015 07:28:00 GMT", " "])
def test_retry_after_nonsense_is_none(value: str) -> None:
    assert parse_retry_after(value, now=NOW) is None


async def test_default_sleep_waits_the_given_seconds(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        seen.append(seconds)

    monkeypatch.setattr(asyncio, "sleep", fake_sleep)
    await RetryPolicy().sleep(0.25)
    assert seen == [0.25]


@pytest.fixture
def far_local_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A local zone 10 hours from UTC, so a naive date read as local time is visibly wrong."""
    monkeypatch.setenv("TZ", "Pacific/Honolulu")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("far_local_zone")
@pytest.mark.parametrize("value", ["Wed, 21 Oct 2015 07:28:00", "Wed, 21 Oct 2015 07:28:00 -0000"])
def test_retry_after_date_without_zone_is_utc_whatever_the_local_zone(value: str) -> None:
    assert time.timezone != 0
    now = float(calendar.timegm((2015, 10, 21, 7, 27, 0)))
    assert parse_retry_after(value, now=now) == 60.0
