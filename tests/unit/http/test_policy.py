"""RetryPolicy, Retry-After parsing and option validation: pure logic, no I/O."""

from __future__ import annotations

import email.utils

import pytest

from verifiedfan.errors import ConfigurationError
from verifiedfan.http import HttpSettings, Limits, RetryPolicy, Timeouts, parse_retry_after

NOW = 1_700_000_000.0


def test_defaults_are_three_retries_and_a_sixty_second_cap() -> None:
    policy = RetryPolicy()
    assert (policy.max_retries, policy.retry_after_cap) == (3, 60.0)


def test_backoff_is_exponential_up_to_the_max() -> None:
    policy = RetryPolicy(backoff_initial=1.0, backoff_max=5.0, jitter=lambda: 1.0)
    assert [policy.backoff(n) for n in (1, 2, 3, 4)] == [1.0, 2.0, 4.0, 5.0]


def test_backoff_uses_full_jitter() -> None:
    draws = iter([0.0, 0.25, 0.999])
    policy = RetryPolicy(backoff_initial=2.0, jitter=lambda: next(draws))
    assert [policy.backoff(1) for _ in range(3)] == [0.0, 0.5, pytest.approx(1.998)]


def test_retry_after_in_seconds() -> None:
    assert parse_retry_after("7", now=NOW) == 7.0


def test_retry_after_as_http_date() -> None:
    assert parse_retry_after(email.utils.formatdate(NOW + 12, usegmt=True), now=NOW) == 12.0


def test_retry_after_in_the_past_is_zero() -> None:
    assert parse_retry_after(email.utils.formatdate(NOW - 30, usegmt=True), now=NOW) == 0.0


@pytest.mark.parametrize("value", [None, "", "soon", "nan", "inf"])
def test_unparseable_retry_after_is_none(value: str | None) -> None:
    assert parse_retry_after(value, now=NOW) is None


def test_policy_parses_retry_after_on_its_wall_clock() -> None:
    policy = RetryPolicy(wall_clock=lambda: NOW)
    assert policy.retry_after(email.utils.formatdate(NOW + 3, usegmt=True)) == 3.0


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS", "PUT", "DELETE"])
def test_idempotent_methods_are_retryable(method: str) -> None:
    assert RetryPolicy().allows_method(method, idempotency_key=None, opted_in=False)


def test_post_is_retryable_only_when_opted_in_or_keyed() -> None:
    policy = RetryPolicy()
    assert not policy.allows_method("POST", idempotency_key=None, opted_in=False)
    assert policy.allows_method("POST", idempotency_key="k1", opted_in=False)
    assert policy.allows_method("POST", idempotency_key=None, opted_in=True)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"max_retries": -1}, "max_retries must be >= 0, got -1"),
        ({"backoff_initial": -1.0}, "backoffs must be >= 0"),
        ({"backoff_multiplier": 0.5}, "the multiplier >= 1"),
        ({"deadline": 0}, "deadline must be positive"),
    ],
)
def test_bad_policy_is_a_configuration_error(kwargs: dict[str, float], match: str) -> None:
    with pytest.raises(ConfigurationError, match=match):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"total": 0}, "Timeouts.total must be a positive number of seconds, got 0"),
        ({"connect": -1.0}, "Timeouts.connect must be a positive number of seconds, got -1"),
        ({"total": float("inf")}, "Timeouts.total must be a positive number of seconds, got inf"),
    ],
)
def test_bad_timeouts_are_a_configuration_error(kwargs: dict[str, float], match: str) -> None:
    with pytest.raises(ConfigurationError, match=match):
        Timeouts(**kwargs)


def test_total_timeout_defaults_to_thirty_seconds_and_bounds_connect() -> None:
    tm = Timeouts(connect=60.0)
    assert tm.total == 30.0
    assert tm.to_httpx().connect == 30.0
    assert tm.to_httpx().read == 30.0


def test_bad_limits_are_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match=r"invalid connection limits: Limits\(max_connections=0,"):
        Limits(max_connections=0)


def test_settings_read_the_vf_http_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VF_HTTP_SERVICE_NAME", "spotify")
    monkeypatch.setenv("VF_HTTP_TOTAL_TIMEOUT", "12.5")
    monkeypatch.setenv("VF_HTTP_MAX_RETRIES", "5")
    monkeypatch.setenv("VF_HTTP_DEFAULT_HEADERS", '{"x-app": "vf"}')
    settings = HttpSettings()
    assert settings.service_name == "spotify"
    assert settings.timeouts().total == 12.5
    assert settings.retry_policy().max_retries == 5
    assert settings.default_headers == {"x-app": "vf"}


@pytest.mark.parametrize(
    "header",
    ["Authorization", "Cookie", "Set-Cookie", "X-Api-Key", "Music-User-Token", "Proxy-Authorization"],
)
def test_secret_headers_are_redacted(header: str) -> None:
    from verifiedfan.http import redact_headers

    out = redact_headers({header: "CANARY-secret", "Accept": "application/json"})
    assert "CANARY" not in repr(out)
    assert out["Accept"] == "application/json"
