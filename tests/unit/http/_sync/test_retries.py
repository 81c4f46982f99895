# Generated from tests/unit/http/_async/test_retries.py by scripts/unasync.py: do not edit.
# Change the async source, then run `python scripts/unasync.py`.
"""Retries of the HTTP client against the fault-injecting server (the sync twin is generated)."""

from __future__ import annotations

import email.utils

import pytest

from tests.unit.http.conftest import SleepRecorder
from verifiedfan.errors import (
    ClientError,
    NetworkError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    VFTimeoutError,
)
from verifiedfan.http import RetryPolicy, SyncHttpClient
from verifiedfan.testing.faults import FaultServer, Reply

NOW = 1_700_000_000.0


def test_500_then_503_then_success(client: SyncHttpClient, server: FaultServer) -> None:
    server.script("/items", Reply(status=500), Reply(status=503), Reply(json={"ok": True}))
    response = client.get("/items")
    assert (response.status_code, response.json(), response.attempts) == (200, {"ok": True}, 3)
    assert server.hits("/items") == 3


def test_backoff_delays_are_exponential(
    client: SyncHttpClient, server: FaultServer, sleeps: SleepRecorder
) -> None:
    server.script("/items", Reply(status=502), Reply(status=502), Reply(status=502), Reply(json={}))
    client.get("/items")
    assert sleeps.delays == [0.5, 1.0, 2.0]


def test_backoff_delays_are_jittered(server: FaultServer, sleeps: SleepRecorder) -> None:
    draws = iter([0.5, 0.25])
    policy = RetryPolicy(sync_sleep=sleeps.sync, jitter=lambda: next(draws), backoff_initial=4.0)
    server.script("/items", Reply(status=500), Reply(status=500), Reply(json={}))
    with SyncHttpClient(service_name="s", base_url=server.url, retry=policy) as http:
        http.get("/items")
    assert sleeps.delays == [2.0, 2.0]


def test_last_error_after_all_retries_carries_status_and_body(
    client: SyncHttpClient, server: FaultServer
) -> None:
    server.route("/items", Reply(status=503, json={"error_message": "down for maintenance"}))
    with pytest.raises(
        ServerError, match=r"^upstream: GET .*/items returned 503\ngave up after 4 attempts$"
    ) as caught:
        client.get("/items")
    assert caught.value.status_code == 503
    assert caught.value.body == {"error_message": "down for maintenance"}
    assert caught.value.service_name == "upstream"
    assert server.hits("/items") == 4


def test_other_4xx_is_never_retried(client: SyncHttpClient, server: FaultServer) -> None:
    server.script("/items", Reply(status=404, json={"error": "nope"}), Reply(json={}))
    with pytest.raises(NotFoundError, match=r"^upstream: GET .*/items returned 404$") as caught:
        client.get("/items")
    assert caught.value.body == {"error": "nope"}
    assert server.hits("/items") == 1


def test_400_is_a_client_error_without_retry(client: SyncHttpClient, server: FaultServer) -> None:
    server.script("/items", Reply(status=400, body=b"bad input", headers={"Content-Type": "text/plain"}))
    with pytest.raises(ClientError, match=r"^upstream: GET .*/items returned 400$") as caught:
        client.get("/items")
    assert caught.value.body == "bad input"
    assert server.hits("/items") == 1


def test_429_with_retry_after_seconds_waits_that_long(
    client: SyncHttpClient, server: FaultServer, sleeps: SleepRecorder
) -> None:
    server.script("/items", Reply(status=429, headers={"Retry-After": "7"}), Reply(json={}))
    response = client.get("/items")
    assert (response.attempts, sleeps.delays) == (2, [7.0])


def test_429_with_retry_after_http_date_waits_until_then(server: FaultServer, sleeps: SleepRecorder) -> None:
    policy = RetryPolicy(sync_sleep=sleeps.sync, wall_clock=lambda: NOW)
    date = email.utils.formatdate(NOW + 42, usegmt=True)
    server.script("/items", Reply(status=429, headers={"Retry-After": date}), Reply(json={}))
    with SyncHttpClient(service_name="s", base_url=server.url, retry=policy) as http:
        response = http.get("/items")
    assert (response.attempts, sleeps.delays) == (2, [42.0])


def test_429_without_retry_after_uses_the_backoff(
    client: SyncHttpClient, server: FaultServer, sleeps: SleepRecorder
) -> None:
    server.script("/items", Reply(status=429), Reply(json={}))
    client.get("/items")
    assert sleeps.delays == [0.5]


def test_retry_after_over_the_cap_raises_at_once(
    client: SyncHttpClient, server: FaultServer, sleeps: SleepRecorder
) -> None:
    server.script("/items", Reply(status=429, headers={"Retry-After": "3600"}), Reply(json={}))
    with pytest.raises(
        RateLimitedError,
        match=r"^upstream: GET .*/items returned 429\nRetry-After 3600s exceeds the cap of 60s$",
    ) as caught:
        client.get("/items")
    assert caught.value.retry_after == 3600.0
    assert (server.hits("/items"), sleeps.delays) == (1, [])


def test_retry_after_http_date_over_the_cap_raises_at_once(
    server: FaultServer, sleeps: SleepRecorder
) -> None:
    policy = RetryPolicy(sync_sleep=sleeps.sync, wall_clock=lambda: NOW, retry_after_cap=10.0)
    date = email.utils.formatdate(NOW + 11, usegmt=True)
    server.script("/items", Reply(status=429, headers={"Retry-After": date}))
    with SyncHttpClient(service_name="s", base_url=server.url, retry=policy) as http:
        with pytest.raises(
            RateLimitedError, match=r"^s: GET .*/items returned 429\nRetry-After 11s exceeds the cap of 10s$"
        ) as caught:
            http.get("/items")
    assert (caught.value.retry_after, sleeps.delays) == (11.0, [])


def test_429_after_the_last_retry_is_a_rate_limited_error(
    client: SyncHttpClient, server: FaultServer
) -> None:
    server.route("/items", Reply(status=429, headers={"Retry-After": "1"}))
    with pytest.raises(
        RateLimitedError, match=r"^upstream: GET .*/items returned 429\ngave up after 4 attempts$"
    ) as caught:
        client.get("/items")
    assert (caught.value.retry_after, server.hits("/items")) == (1.0, 4)


def test_503_retry_after_is_honoured(
    client: SyncHttpClient, server: FaultServer, sleeps: SleepRecorder
) -> None:
    server.script("/items", Reply(status=503, headers={"Retry-After": "3"}), Reply(json={}))
    client.get("/items")
    assert sleeps.delays == [3.0]


def test_timeout_is_retried_then_succeeds(client: SyncHttpClient, server: FaultServer) -> None:
    server.script("/slow", Reply(delay=5.0), Reply(json={"ok": 1}))
    response = client.get("/slow", timeout=0.2)
    assert (response.json(), response.attempts) == ({"ok": 1}, 2)


def test_timeouts_exhaust_retries_into_a_timeout_error(server: FaultServer, sleeps: SleepRecorder) -> None:
    server.route("/slow", Reply(delay=5.0))
    policy = RetryPolicy(sync_sleep=sleeps.sync, max_retries=1)
    with SyncHttpClient(service_name="s", base_url=server.url, retry=policy) as http:
        with pytest.raises(
            VFTimeoutError, match=r"^s: GET .*/slow timed out \(\w+, total 0\.1s\)\ngave up after 2 attempts$"
        ):
            http.get("/slow", timeout=0.1)
    assert server.hits("/slow") == 2


def test_total_timeout_bounds_a_slowly_dripping_body(server: FaultServer) -> None:
    server.route("/drip", Reply(json={"padding": "x" * 40}, drip=0.02))
    with SyncHttpClient(service_name="s", base_url=server.url, retry=RetryPolicy.never()) as http:
        with pytest.raises(
            VFTimeoutError, match=r"^s: GET .*/drip timed out \(TimeoutError, total 0\.25s\)$"
        ):
            http.get("/drip", timeout=0.25)


def test_connection_reset_is_retried(client: SyncHttpClient, server: FaultServer) -> None:
    server.script("/items", Reply.reset(), Reply(json={"ok": 1}))
    response = client.get("/items")
    assert response.attempts == 2


def test_abrupt_close_is_retried(client: SyncHttpClient, server: FaultServer) -> None:
    server.script("/items", Reply.close(), Reply(json={"ok": 1}))
    response = client.get("/items")
    assert response.attempts == 2


def test_network_errors_exhaust_into_a_network_error(client: SyncHttpClient, server: FaultServer) -> None:
    server.route("/items", Reply.reset())
    with pytest.raises(NetworkError, match=r"^upstream: GET .*/items failed: ReadError") as caught:
        client.get("/items")
    assert caught.value.service_name == "upstream"
    assert caught.value.__cause__ is not None
    assert server.hits("/items") == 4


def test_post_is_not_retried_by_default(client: SyncHttpClient, server: FaultServer) -> None:
    server.script("/orders", Reply(status=500), Reply(json={}))
    with pytest.raises(ServerError, match=r"^upstream: POST .*/orders returned 500$"):
        client.post("/orders", json={"qty": 1})
    assert server.hits("/orders") == 1


def test_post_reset_is_not_retried_by_default(client: SyncHttpClient, server: FaultServer) -> None:
    server.script("/orders", Reply.reset(), Reply(json={}))
    with pytest.raises(NetworkError, match=r"^upstream: POST .*/orders failed: ReadError"):
        client.post("/orders", json={"qty": 1})
    assert server.hits("/orders") == 1


def test_post_is_retried_when_opted_in(client: SyncHttpClient, server: FaultServer) -> None:
    server.script("/orders", Reply(status=500), Reply(json={"id": 9}))
    response = client.post("/orders", json={"qty": 1}, retry_non_idempotent=True)
    assert (response.json(), server.hits("/orders")) == ({"id": 9}, 2)


def test_post_with_idempotency_key_is_retried_and_sends_the_key(
    client: SyncHttpClient, server: FaultServer
) -> None:
    server.script("/orders", Reply(status=503), Reply(json={"id": 9}))
    client.post("/orders", json={"qty": 1}, idempotency_key="order-123")
    keys = [r.headers.get("idempotency-key") for r in server.requests_to("/orders")]
    assert keys == ["order-123", "order-123"]


def test_connect_failure_is_retried_even_for_post(sleeps: SleepRecorder) -> None:
    with FaultServer() as srv:
        dead_url = srv.url  # the port is closed once the server stops
    policy = RetryPolicy(sync_sleep=sleeps.sync, jitter=lambda: 1.0, max_retries=2)
    with SyncHttpClient(service_name="s", base_url=dead_url, retry=policy) as http:
        with pytest.raises(NetworkError, match=r"^s: POST .*/orders failed: ConnectError"):
            http.post("/orders", json={})
    assert sleeps.delays == [0.5, 1.0]


def test_retries_stop_at_the_deadline(server: FaultServer, sleeps: SleepRecorder) -> None:
    now = [0.0]

    def sleep(seconds: float) -> None:
        sleeps.delays.append(seconds)
        now[0] += seconds

    policy = RetryPolicy(
        sync_sleep=sleep, jitter=lambda: 1.0, backoff_initial=2.0, deadline=5.0, clock=lambda: now[0]
    )
    server.route("/items", Reply(status=500))
    with SyncHttpClient(service_name="s", base_url=server.url, retry=policy) as http:
        with pytest.raises(
            ServerError,
            match=r"^s: GET .*/items returned 500\nthe call's deadline of 5s leaves no time for another",
        ):
            http.get("/items")
    assert sleeps.delays == [2.0]  # a second wait of 4s would end past the 5s deadline


def test_never_policy_makes_one_attempt(server: FaultServer) -> None:
    server.script("/items", Reply(status=500), Reply(json={}))
    with SyncHttpClient(service_name="s", base_url=server.url, retry=RetryPolicy.never()) as http:
        with pytest.raises(ServerError, match=r"^s: GET .*/items returned 500$"):
            http.get("/items")
    assert server.hits("/items") == 1
