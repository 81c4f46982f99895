"""The retry policy: connection errors (and READONLY) only, 3 retries with jittered backoff."""

from __future__ import annotations

import logging

import pytest
from redis import exceptions as rx

from tests.unit.redis._fakes import CONN, READONLY, TIMEOUT, Harness
from verifiedfan import http
from verifiedfan.errors import ConfigurationError, NetworkError, VFTimeoutError
from verifiedfan.redis import (
    CacheAuthenticationError,
    CacheConnectionError,
    CacheReadOnlyError,
    CacheResponseError,
    CacheTimeoutError,
    ReconnectPolicy,
    RedisEvent,
    RetryPolicy,
)


async def test_connection_errors_are_retried_with_the_documented_backoff(h: Harness) -> None:
    h.primary.failures = [CONN("reset"), CONN("refused"), CONN("refused")]
    assert await h.call("set", "k", 1, ttl=5) is True
    assert h.sleeps == [0.25, 0.75, 2.0]  # the ceilings (rand() = 1.0): 0.25 * 3 ** (retry - 1), max 2
    assert h.primary.names() == ["set"] * 4
    assert h.primary.connection_pool.disconnects == 3


async def test_after_three_retries_a_typed_connection_error_is_raised_and_chained(h: Harness) -> None:
    h.primary.failures = [CONN("refused")] * 4
    with pytest.raises(CacheConnectionError, match="unreachable after 4 attempts") as info:
        await h.call("delete", "k")
    assert isinstance(info.value, NetworkError)
    assert isinstance(info.value.__cause__, rx.ConnectionError)
    assert "4 attempts" in str(info.value)
    assert len(h.primary.calls) == 4


async def test_timeouts_are_retried_then_raised_as_a_timeout(h: Harness) -> None:
    h.primary.failures = [TIMEOUT("slow")] * 4
    with pytest.raises(CacheTimeoutError, match="timed out after 4 attempts") as info:
        await h.call("get", "k", use_primary=True)
    assert isinstance(info.value, VFTimeoutError)
    assert len(h.sleeps) == 3


async def test_other_server_errors_are_not_retried(h: Harness) -> None:
    h.primary.failures = [rx.ResponseError("WRONGTYPE Operation against a key")]
    with pytest.raises(CacheResponseError, match="answered an error: WRONGTYPE"):
        await h.call("get", "k", use_primary=True)
    assert h.sleeps == []
    assert len(h.primary.calls) == 1


async def test_authentication_errors_are_not_retried(h: Harness) -> None:
    h.primary.failures = [rx.AuthenticationError("invalid password")]
    with pytest.raises(CacheAuthenticationError, match="refused the credentials"):
        await h.call("set", "k", 1, ttl=1)
    assert h.sleeps == []


async def test_readonly_after_failover_reconnects_and_retries(h: Harness) -> None:
    h.primary.failures = [READONLY("READONLY You can't write against a read only replica.")]
    assert await h.call("set", "k", 1, ttl=5) is True
    assert h.primary.connection_pool.disconnects == 1
    assert len(h.primary.calls) == 2


async def test_readonly_forever_ends_in_a_typed_error(h: Harness) -> None:
    h.primary.failures = [READONLY("READONLY")] * 4
    with pytest.raises(CacheReadOnlyError, match="answered READONLY after 4 attempts"):
        await h.call("set", "k", 1, ttl=5)


async def test_custom_policy_changes_the_number_of_retries(flavour: str) -> None:
    h = Harness(flavour, retry=ReconnectPolicy(max_retries=1, backoff_initial=0.01))
    h.primary.failures = [CONN("x")] * 2
    with pytest.raises(CacheConnectionError, match="unreachable after 2 attempts"):
        await h.call("get", "k", use_primary=True)
    assert h.sleeps == [0.01]


async def test_any_library_retry_policy_is_accepted(flavour: str) -> None:
    h = Harness(flavour, retry=http.RetryPolicy(max_retries=2))  # the HTTP defaults: 0.5 s, then 1 s
    h.primary.failures = [CONN("x")] * 3
    with pytest.raises(CacheConnectionError, match="unreachable after 3 attempts"):
        await h.call("get", "k", use_primary=True)
    assert h.sleeps == [0.5, 1.0]


async def test_no_reconnect_starts_when_its_wait_would_reach_the_deadline(flavour: str) -> None:
    h = Harness(flavour, retry=ReconnectPolicy(deadline=1.0))
    h.primary.failures = [CONN("x")] * 4
    with pytest.raises(CacheConnectionError, match="2 attempts"):
        await h.call("get", "k", use_primary=True)
    # retry 1 waits 0.25 s; retry 2 would wait 0.75 s and start at 1.0 s, the deadline: not started
    assert h.sleeps == [0.25]
    assert len(h.primary.calls) == 2


async def test_without_rand_the_policy_jitter_draws_the_wait(flavour: str) -> None:
    h = Harness(flavour, retry=ReconnectPolicy(jitter=lambda: 0.5), rand=None)
    h.primary.failures = [CONN("x")] * 2
    assert await h.call("get", "k", use_primary=True) is None
    assert h.sleeps == [0.125, 0.375]  # full jitter: half of each ceiling


def test_the_reconnect_policy_is_the_library_retry_policy() -> None:
    assert issubclass(ReconnectPolicy, http.RetryPolicy)
    assert RetryPolicy is ReconnectPolicy  # the former name stays importable
    policy = ReconnectPolicy()
    assert [policy.ceiling(n) for n in (1, 2, 3, 4)] == [0.25, 0.75, 2.0, 2.0]
    assert policy.max_retries == 3


@pytest.mark.parametrize("kwargs", [{"max_retries": -1}, {"backoff_initial": -1.0}, {"deadline": 0.0}])
def test_invalid_policy_is_rejected(kwargs: dict[str, float]) -> None:
    with pytest.raises(ConfigurationError, match="RetryPolicy"):
        ReconnectPolicy(**kwargs)  # type: ignore[arg-type]


async def test_replica_unreachable_falls_back_to_the_primary_with_one_warning(
    h: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    assert h.replica is not None
    h.replica.failures = [CONN("refused")]
    h.primary.data["k"] = b"1"
    with caplog.at_level(logging.WARNING, logger="verifiedfan.redis"):
        assert await h.call("get", "k") == 1
        assert await h.call("get", "k") == 1  # still within the cooldown: primary directly
    assert h.replica.names() == ["get"]
    assert h.primary.names() == ["get", "get"]
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1
    assert h.sleeps == []  # a replica failure costs no backoff


async def test_replica_is_tried_again_after_the_cooldown(h: Harness) -> None:
    assert h.replica is not None
    h.replica.failures = [TIMEOUT("slow")]
    await h.call("get", "k")
    h.now += 5.0
    await h.call("get", "k")
    assert h.replica.names() == ["get", "get"]


async def test_replica_response_errors_are_not_hidden_by_the_fallback(h: Harness) -> None:
    assert h.replica is not None
    h.replica.failures = [rx.ResponseError("WRONGTYPE")]
    with pytest.raises(CacheResponseError, match=r"^redis replica .* answered an error: WRONGTYPE"):
        await h.call("get", "k")
    assert h.primary.calls == []


async def test_reconnecting_and_error_events_reach_listeners(h: Harness) -> None:
    seen: list[RedisEvent] = []
    h.client.on("reconnecting", seen.append)
    h.client.on("error", seen.append)
    h.primary.failures = [CONN("x")] * 4
    with pytest.raises(CacheConnectionError, match="unreachable after 4 attempts"):
        await h.call("get", "k", use_primary=True)
    assert [(e.name, e.attempt) for e in seen] == [
        ("reconnecting", 1),
        ("reconnecting", 2),
        ("reconnecting", 3),
        ("error", 4),
    ]
    assert seen[0].delay == 0.25
    assert isinstance(seen[-1].error, CacheConnectionError)


async def test_a_failing_listener_does_not_break_the_call(h: Harness) -> None:
    def boom(event: RedisEvent) -> None:
        raise RuntimeError("listener bug")

    h.client.on("reconnecting", boom)
    h.primary.failures = [CONN("x")]
    assert await h.call("set", "k", 1, ttl=1) is True


async def test_an_unknown_event_name_is_rejected(h: Harness) -> None:
    with pytest.raises(ValueError, match="unknown event"):
        h.client.on("bogus", print)
