"""The sync twin behaves like the async client (a subset of the cases, same server)."""

from __future__ import annotations

import email.utils

import pytest

from verifiedfan.correlation import CORRELATION_HEADER, correlation_scope
from verifiedfan.errors import NetworkError, NotConnectedError, RateLimitedError, ServerError, VFTimeoutError
from verifiedfan.http import RetryPolicy, SyncHttpClient
from verifiedfan.testing.faults import FaultServer, Reply

from .conftest import SleepRecorder

NOW = 1_700_000_000.0


def test_500_then_success_with_the_same_delays(
    sync_client: SyncHttpClient, server: FaultServer, sleeps: SleepRecorder
) -> None:
    server.script("/items", Reply(status=500), Reply(status=503), Reply(json={"ok": True}))
    response = sync_client.get("/items")
    assert (response.json(), response.attempts, sleeps.delays) == ({"ok": True}, 3, [0.5, 1.0])


def test_last_error_carries_status_and_body(sync_client: SyncHttpClient, server: FaultServer) -> None:
    server.route("/items", Reply(status=502, json={"why": "upstream"}))
    with pytest.raises(ServerError) as caught:
        sync_client.get("/items")
    assert (caught.value.status_code, caught.value.body, server.hits("/items")) == (
        502,
        {"why": "upstream"},
        4,
    )


def test_429_http_date_is_honoured(server: FaultServer, sleeps: SleepRecorder) -> None:
    policy = RetryPolicy(sync_sleep=sleeps.sync, wall_clock=lambda: NOW)
    date = email.utils.formatdate(NOW + 9, usegmt=True)
    server.script("/items", Reply(status=429, headers={"Retry-After": date}), Reply(json={}))
    with SyncHttpClient(service_name="s", base_url=server.url, retry=policy) as http:
        assert http.get("/items").attempts == 2
    assert sleeps.delays == [9.0]


def test_retry_after_over_the_cap_raises_at_once(
    sync_client: SyncHttpClient, server: FaultServer, sleeps: SleepRecorder
) -> None:
    server.script("/items", Reply(status=429, headers={"Retry-After": "61"}))
    with pytest.raises(RateLimitedError) as caught:
        sync_client.get("/items")
    assert (caught.value.retry_after, sleeps.delays, server.hits("/items")) == (61.0, [], 1)


def test_timeout_then_success(sync_client: SyncHttpClient, server: FaultServer) -> None:
    server.script("/slow", Reply(delay=5.0), Reply(json={}))
    assert sync_client.get("/slow", timeout=0.2).attempts == 2


def test_timeouts_exhaust_into_a_timeout_error(server: FaultServer, sleeps: SleepRecorder) -> None:
    server.route("/slow", Reply(delay=5.0))
    with (
        SyncHttpClient(
            service_name="s", base_url=server.url, retry=RetryPolicy(sync_sleep=sleeps.sync, max_retries=1)
        ) as http,
        pytest.raises(VFTimeoutError),
    ):
        http.get("/slow", timeout=0.1)


def test_total_timeout_bounds_a_slowly_dripping_body(server: FaultServer, sleeps: SleepRecorder) -> None:
    server.route("/drip", Reply(json={"padding": "x" * 40}, drip=0.02))
    with (
        SyncHttpClient(
            service_name="s", base_url=server.url, retry=RetryPolicy(sync_sleep=sleeps.sync, max_retries=0)
        ) as http,
        pytest.raises(VFTimeoutError),
    ):
        http.get("/drip", timeout=0.25)


def test_connection_reset_then_success(sync_client: SyncHttpClient, server: FaultServer) -> None:
    server.script("/items", Reply.reset(), Reply.close(), Reply(json={}))
    assert sync_client.get("/items").attempts == 3


def test_post_is_not_retried_by_default(sync_client: SyncHttpClient, server: FaultServer) -> None:
    server.script("/orders", Reply.reset(), Reply(json={}))
    with pytest.raises(NetworkError):
        sync_client.post("/orders", json={})
    assert server.hits("/orders") == 1


def test_post_with_idempotency_key_is_retried(sync_client: SyncHttpClient, server: FaultServer) -> None:
    server.script("/orders", Reply(status=500), Reply(json={"id": 1}))
    assert sync_client.post_json("/orders", json={}, idempotency_key="k") == {"id": 1}


def test_correlation_header_is_sent(sync_client: SyncHttpClient, server: FaultServer) -> None:
    server.route("/items", Reply())
    with correlation_scope("sync-cid"):
        sync_client.get("/items")
    assert server.requests_to("/items")[0].headers[CORRELATION_HEADER] == "sync-cid"


def test_closed_client_raises_not_connected(server: FaultServer) -> None:
    http = SyncHttpClient(service_name="s", base_url=server.url)
    http.close()
    with pytest.raises(NotConnectedError):
        http.get("/items")
