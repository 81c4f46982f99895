# Generated from tests/unit/http/_async/test_client.py by scripts/unasync.py: do not edit.
# Change the async source, then run `python scripts/unasync.py`.
"""The HTTP client's configuration, JSON in and out, correlation, logging and hooks (sync twin generated)."""

from __future__ import annotations

import logging
from collections.abc import MutableMapping

import httpx
import pytest

from verifiedfan.correlation import (
    CORRELATION_HEADER,
    correlation_scope,
    current_correlation_id,
    set_correlation_id,
)
from verifiedfan.errors import NotConnectedError, ResponseFormatError, ServerError, ValidationError
from verifiedfan.http import (
    CallInfo,
    CallObserver,
    CallOutcome,
    HttpHook,
    HttpSettings,
    RetryPolicy,
    SyncHttpClient,
    Timeouts,
)
from verifiedfan.testing.faults import FaultServer, Reply


def test_json_in_and_out(client: SyncHttpClient, server: FaultServer) -> None:
    server.route("/echo", lambda req: Reply(status=201, json={"got": req.json()}))
    assert client.post_json("/echo", json={"a": [1, 2]}) == {"got": {"a": [1, 2]}}
    assert server.requests_to("/echo")[0].headers["content-type"] == "application/json"


def test_get_json_of_an_empty_body_is_none(client: SyncHttpClient, server: FaultServer) -> None:
    server.route("/empty", Reply(status=204))
    assert client.get_json("/empty") is None


def test_non_json_body_is_a_response_format_error(client: SyncHttpClient, server: FaultServer) -> None:
    server.route("/html", Reply(body=b"<html>", headers={"Content-Type": "text/html"}))
    with pytest.raises(ResponseFormatError, match=r"returned a body that is not JSON"):
        client.get_json("/html")


def test_response_describes_the_call(client: SyncHttpClient, server: FaultServer) -> None:
    server.route(
        "/items", Reply(body="héllo".encode(), headers={"Content-Type": "text/plain; charset=utf-8"})
    )
    response = client.get("/items", params={"q": "x"})
    assert (response.method, response.url, response.text) == ("GET", f"{server.url}/items?q=x", "héllo")
    assert response.headers["CONTENT-TYPE"].startswith("text/plain")


def test_form_data_and_default_headers_are_sent(server: FaultServer, policy: RetryPolicy) -> None:
    server.route("/form", Reply())
    with SyncHttpClient(
        service_name="s", base_url=f"{server.url}/", headers={"x-app": "vf"}, retry=policy
    ) as http:
        http.put("/form", data={"a": "1"}, headers={"x-call": "yes"})
    sent = server.requests_to("/form")[0]
    assert (sent.form(), sent.headers["x-app"], sent.headers["x-call"]) == ({"a": "1"}, "vf", "yes")


def test_absolute_urls_bypass_the_base_url(client: SyncHttpClient, server: FaultServer) -> None:
    server.route("/abs", Reply())
    client.delete(f"{server.url}/abs")
    assert server.requests_to("/abs")[0].method == "DELETE"


def test_relative_path_without_base_url_is_a_validation_error() -> None:
    with SyncHttpClient(service_name="s") as http:
        with pytest.raises(
            ValidationError, match="'/items' is not an absolute URL and the client has no base_url"
        ):
            http.get("/items")


def test_bad_base_url_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="base_url must start with http:// or https://, got 'ftp://x'"):
        SyncHttpClient(service_name="s", base_url="ftp://x")


def test_closed_client_raises_not_connected(server: FaultServer) -> None:
    http = SyncHttpClient(service_name="s", base_url=server.url)
    http.close()
    http.close()
    with pytest.raises(NotConnectedError, match="the HTTP client is closed"):
        http.get("/items")


def test_injected_transport_is_used() -> None:
    transport = httpx.MockTransport(lambda req: httpx.Response(200, json={"path": req.url.path}))
    with SyncHttpClient(service_name="s", base_url="https://api.test", transport=transport) as http:
        assert http.get_json("/v1/me") == {"path": "/v1/me"}


def test_injected_client_is_not_closed() -> None:
    transport = httpx.MockTransport(lambda req: httpx.Response(200))
    raw = httpx.Client(transport=transport)
    with SyncHttpClient(service_name="s", base_url="https://api.test", client=raw) as http:
        http.get("/x")
    assert not raw.is_closed
    raw.close()


def test_from_settings_uses_every_option(server: FaultServer, policy: RetryPolicy) -> None:
    settings = HttpSettings(service_name="tm", base_url=server.url, default_headers={"x-k": "v"})
    server.script("/ping", Reply(status=500), Reply())
    with SyncHttpClient.from_settings(settings, retry=policy) as http:
        response = http.patch("/ping", retry_non_idempotent=True)
    assert (http.service_name, response.attempts) == ("tm", 2)
    assert server.requests_to("/ping")[0].headers["x-k"] == "v"


def test_correlation_id_of_the_context_is_sent(client: SyncHttpClient, server: FaultServer) -> None:
    server.route("/items", Reply())
    with correlation_scope("cid-42"):
        client.get("/items")
    assert server.requests_to("/items")[0].headers[CORRELATION_HEADER] == "cid-42"


def test_correlation_id_is_created_when_absent(client: SyncHttpClient, server: FaultServer) -> None:
    server.route("/items", Reply())
    with correlation_scope("placeholder"):
        set_correlation_id(None)
        client.get("/items")
        after = current_correlation_id()
    sent = server.requests_to("/items")[0].headers[CORRELATION_HEADER]
    assert len(sent) == 32
    assert after is None  # generated for that call only


def test_a_correlation_header_given_by_the_caller_wins(client: SyncHttpClient, server: FaultServer) -> None:
    server.route("/items", Reply())
    with correlation_scope("ctx-id"):
        client.get("/items", headers={"X-Correlation-Id": "caller-id"})
    assert server.requests_to("/items")[0].headers[CORRELATION_HEADER] == "caller-id"


def test_every_attempt_carries_the_same_correlation_id(client: SyncHttpClient, server: FaultServer) -> None:
    server.script("/items", Reply(status=500), Reply())
    with correlation_scope("cid-7"):
        client.get("/items")
    assert {r.headers[CORRELATION_HEADER] for r in server.requests_to("/items")} == {"cid-7"}


def test_log_records_carry_the_correlation_id(
    client: SyncHttpClient, server: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="verifiedfan")
    server.script("/items", Reply(status=503), Reply())
    with correlation_scope("cid-log"):
        client.get("/items", route="/v1/items")
    ours = [r for r in caplog.records if r.name.startswith("verifiedfan.http")]
    assert len(ours) >= 3
    assert {getattr(r, "correlation_id", None) for r in ours} == {"cid-log"}
    assert {getattr(r, "http_route", None) for r in ours} == {"/v1/items"}


def test_retries_are_logged_as_warnings(
    client: SyncHttpClient, server: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.script("/items", Reply(status=503), Reply())
    with caplog.at_level(logging.WARNING, logger="verifiedfan"):
        client.get("/items")
    retries = [r for r in caplog.records if r.getMessage().startswith("http retry")]
    assert [(getattr(r, "attempt", None), getattr(r, "http_status", None)) for r in retries] == [(1, 503)]


def test_per_call_timeout_overrides_the_client_total(server: FaultServer, policy: RetryPolicy) -> None:
    server.script("/slow", Reply(delay=0.3), Reply(json={"ok": 1}))
    with SyncHttpClient(
        service_name="s", base_url=server.url, timeouts=Timeouts(total=0.1), retry=policy
    ) as h:
        response = h.get("/slow", timeout=Timeouts(total=5.0))
    assert response.attempts == 1


class RecordingHook(HttpHook):
    def __init__(self) -> None:
        self.calls: list[CallInfo] = []
        self.attempts: list[int] = []
        self.outcomes: list[CallOutcome] = []

    def start_call(self, call: CallInfo) -> CallObserver:
        self.calls.append(call)
        hook = self

        class Observer(CallObserver):
            def before_attempt(self, attempt: int, headers: MutableMapping[str, str]) -> None:
                hook.attempts.append(attempt)
                headers["traceparent"] = f"00-trace-{attempt}"

            def end(self, outcome: CallOutcome) -> None:
                hook.outcomes.append(outcome)

        return Observer()


def test_hooks_see_each_attempt_and_the_outcome(server: FaultServer, policy: RetryPolicy) -> None:
    hook = RecordingHook()
    server.script("/v1/me", Reply(status=500), Reply(json={}))
    with SyncHttpClient(service_name="spotify", base_url=server.url, retry=policy, hooks=[hook]) as http:
        http.get("/v1/me", route="/v1/me")
    assert hook.calls[0].span_name == "spotify[GET]: /v1/me"
    assert hook.attempts == [1, 2]
    assert [r.headers["traceparent"] for r in server.requests_to("/v1/me")] == ["00-trace-1", "00-trace-2"]
    assert (hook.outcomes[0].status_code, hook.outcomes[0].error, hook.outcomes[0].attempts) == (200, None, 2)


def test_hooks_see_the_final_error(server: FaultServer, policy: RetryPolicy) -> None:
    hook = RecordingHook()
    server.route("/v1/me", Reply(status=500))
    with SyncHttpClient(service_name="spotify", base_url=server.url, retry=policy, hooks=[hook]) as http:
        with pytest.raises(
            ServerError, match=r"^spotify: GET .*/v1/me returned 500\ngave up after 4 attempts$"
        ) as caught:
            http.get("/v1/me")
    assert (hook.outcomes[0].status_code, hook.outcomes[0].error) == (500, caught.value)


class BrokenHook(HttpHook):
    def start_call(self, call: CallInfo) -> CallObserver | None:
        raise RuntimeError("instrumentation bug")


def test_a_failing_hook_never_breaks_the_call(
    server: FaultServer, policy: RetryPolicy, caplog: pytest.LogCaptureFixture
) -> None:
    server.route("/x", Reply(json={"ok": 1}))
    with SyncHttpClient(service_name="s", base_url=server.url, retry=policy, hooks=[BrokenHook()]) as http:
        with caplog.at_level(logging.WARNING, logger="verifiedfan"):
            assert http.get_json("/x") == {"ok": 1}
    assert any("hook failed" in r.getMessage() for r in caplog.records)


def test_a_generated_correlation_id_does_not_leak_into_later_work() -> None:
    from verifiedfan.correlation import current_correlation_id, set_correlation_id
    from verifiedfan.testing.faults import FaultServer, Reply

    set_correlation_id(None)
    with FaultServer() as server:
        server.script("/a", Reply(json={}), Reply(json={}))
        with SyncHttpClient(service_name="svc", base_url=server.url) as http:
            http.get("/a")
            http.get("/a")
        first, second = (r.headers["x-correlation-id"] for r in server.requests)
    assert first != second
    assert current_correlation_id() is None


def test_sync_client_keeps_the_callers_correlation_id_and_does_not_leak_one() -> None:
    from verifiedfan.correlation import correlation_scope, current_correlation_id
    from verifiedfan.http import SyncHttpClient
    from verifiedfan.testing.faults import FaultServer, Reply

    with FaultServer() as server:
        server.script("/a", Reply(json={}), Reply(json={}))
        with SyncHttpClient(service_name="svc", base_url=server.url) as http:
            with correlation_scope("caller-id"):
                http.get("/a")
            http.get("/a")
        sent = [r.headers["x-correlation-id"] for r in server.requests]
    assert sent[0] == "caller-id"
    assert sent[1] != "caller-id"
    assert current_correlation_id() is None
