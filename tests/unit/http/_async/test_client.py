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
    HttpClient,
    HttpHook,
    HttpSettings,
    RetryPolicy,
    Timeouts,
)
from verifiedfan.testing.faults import FaultServer, Reply


async def test_json_in_and_out(client: HttpClient, server: FaultServer) -> None:
    server.route("/echo", lambda req: Reply(status=201, json={"got": req.json()}))
    assert await client.post_json("/echo", json={"a": [1, 2]}) == {"got": {"a": [1, 2]}}
    assert server.requests_to("/echo")[0].headers["content-type"] == "application/json"


async def test_get_json_of_an_empty_body_is_none(client: HttpClient, server: FaultServer) -> None:
    server.route("/empty", Reply(status=204))
    assert await client.get_json("/empty") is None


async def test_non_json_body_is_a_response_format_error(client: HttpClient, server: FaultServer) -> None:
    server.route("/html", Reply(body=b"<html>", headers={"Content-Type": "text/html"}))
    with pytest.raises(ResponseFormatError, match=r"returned a body that is not JSON"):
        await client.get_json("/html")


async def test_response_describes_the_call(client: HttpClient, server: FaultServer) -> None:
    server.route(
        "/items", Reply(body="héllo".encode(), headers={"Content-Type": "text/plain; charset=utf-8"})
    )
    response = await client.get("/items", params={"q": "x"})
    assert (response.method, response.url, response.text) == ("GET", f"{server.url}/items?q=x", "héllo")
    assert response.headers["CONTENT-TYPE"].startswith("text/plain")


async def test_form_data_and_default_headers_are_sent(server: FaultServer, policy: RetryPolicy) -> None:
    server.route("/form", Reply())
    async with HttpClient(
        service_name="s", base_url=f"{server.url}/", headers={"x-app": "vf"}, retry=policy
    ) as http:
        await http.put("/form", data={"a": "1"}, headers={"x-call": "yes"})
    sent = server.requests_to("/form")[0]
    assert (sent.form(), sent.headers["x-app"], sent.headers["x-call"]) == ({"a": "1"}, "vf", "yes")


async def test_absolute_urls_bypass_the_base_url(client: HttpClient, server: FaultServer) -> None:
    server.route("/abs", Reply())
    await client.delete(f"{server.url}/abs")
    assert server.requests_to("/abs")[0].method == "DELETE"


async def test_relative_path_without_base_url_is_a_validation_error() -> None:
    async with HttpClient(service_name="s") as http:
        with pytest.raises(
            ValidationError, match="'/items' is not an absolute URL and the client has no base_url"
        ):
            await http.get("/items")


def test_bad_base_url_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="base_url must start with http:// or https://, got 'ftp://x'"):
        HttpClient(service_name="s", base_url="ftp://x")


async def test_closed_client_raises_not_connected(server: FaultServer) -> None:
    http = HttpClient(service_name="s", base_url=server.url)
    await http.aclose()
    await http.aclose()
    with pytest.raises(NotConnectedError, match="the HTTP client is closed"):
        await http.get("/items")


async def test_injected_transport_is_used() -> None:
    transport = httpx.MockTransport(lambda req: httpx.Response(200, json={"path": req.url.path}))
    async with HttpClient(service_name="s", base_url="https://api.test", transport=transport) as http:
        assert await http.get_json("/v1/me") == {"path": "/v1/me"}


async def test_injected_client_is_not_closed() -> None:
    transport = httpx.MockTransport(lambda req: httpx.Response(200))
    raw = httpx.AsyncClient(transport=transport)
    async with HttpClient(service_name="s", base_url="https://api.test", client=raw) as http:
        await http.get("/x")
    assert not raw.is_closed
    await raw.aclose()


async def test_from_settings_uses_every_option(server: FaultServer, policy: RetryPolicy) -> None:
    settings = HttpSettings(service_name="tm", base_url=server.url, default_headers={"x-k": "v"})
    server.script("/ping", Reply(status=500), Reply())
    async with HttpClient.from_settings(settings, retry=policy) as http:
        response = await http.patch("/ping", retry_non_idempotent=True)
    assert (http.service_name, response.attempts) == ("tm", 2)
    assert server.requests_to("/ping")[0].headers["x-k"] == "v"


async def test_correlation_id_of_the_context_is_sent(client: HttpClient, server: FaultServer) -> None:
    server.route("/items", Reply())
    with correlation_scope("cid-42"):
        await client.get("/items")
    assert server.requests_to("/items")[0].headers[CORRELATION_HEADER] == "cid-42"


async def test_correlation_id_is_created_when_absent(client: HttpClient, server: FaultServer) -> None:
    server.route("/items", Reply())
    with correlation_scope("placeholder"):
        set_correlation_id(None)
        await client.get("/items")
        after = current_correlation_id()
    sent = server.requests_to("/items")[0].headers[CORRELATION_HEADER]
    assert len(sent) == 32
    assert after is None  # generated for that call only


async def test_a_correlation_header_given_by_the_caller_wins(client: HttpClient, server: FaultServer) -> None:
    server.route("/items", Reply())
    with correlation_scope("ctx-id"):
        await client.get("/items", headers={"X-Correlation-Id": "caller-id"})
    assert server.requests_to("/items")[0].headers[CORRELATION_HEADER] == "caller-id"


async def test_every_attempt_carries_the_same_correlation_id(client: HttpClient, server: FaultServer) -> None:
    server.script("/items", Reply(status=500), Reply())
    with correlation_scope("cid-7"):
        await client.get("/items")
    assert {r.headers[CORRELATION_HEADER] for r in server.requests_to("/items")} == {"cid-7"}


async def test_log_records_carry_the_correlation_id(
    client: HttpClient, server: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="verifiedfan")
    server.script("/items", Reply(status=503), Reply())
    with correlation_scope("cid-log"):
        await client.get("/items", route="/v1/items")
    ours = [r for r in caplog.records if r.name.startswith("verifiedfan.http")]
    assert len(ours) >= 3
    assert {getattr(r, "correlation_id", None) for r in ours} == {"cid-log"}
    assert {getattr(r, "http_route", None) for r in ours} == {"/v1/items"}


async def test_retries_are_logged_as_warnings(
    client: HttpClient, server: FaultServer, caplog: pytest.LogCaptureFixture
) -> None:
    server.script("/items", Reply(status=503), Reply())
    with caplog.at_level(logging.WARNING, logger="verifiedfan"):
        await client.get("/items")
    retries = [r for r in caplog.records if r.getMessage().startswith("http retry")]
    assert [(getattr(r, "attempt", None), getattr(r, "http_status", None)) for r in retries] == [(1, 503)]


async def test_per_call_timeout_overrides_the_client_total(server: FaultServer, policy: RetryPolicy) -> None:
    server.script("/slow", Reply(delay=0.3), Reply(json={"ok": 1}))
    async with HttpClient(
        service_name="s", base_url=server.url, timeouts=Timeouts(total=0.1), retry=policy
    ) as h:
        response = await h.get("/slow", timeout=Timeouts(total=5.0))
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


async def test_hooks_see_each_attempt_and_the_outcome(server: FaultServer, policy: RetryPolicy) -> None:
    hook = RecordingHook()
    server.script("/v1/me", Reply(status=500), Reply(json={}))
    async with HttpClient(service_name="spotify", base_url=server.url, retry=policy, hooks=[hook]) as http:
        await http.get("/v1/me", route="/v1/me")
    assert hook.calls[0].span_name == "spotify[GET]: /v1/me"
    assert hook.attempts == [1, 2]
    assert [r.headers["traceparent"] for r in server.requests_to("/v1/me")] == ["00-trace-1", "00-trace-2"]
    assert (hook.outcomes[0].status_code, hook.outcomes[0].error, hook.outcomes[0].attempts) == (200, None, 2)


async def test_hooks_see_the_final_error(server: FaultServer, policy: RetryPolicy) -> None:
    hook = RecordingHook()
    server.route("/v1/me", Reply(status=500))
    async with HttpClient(service_name="spotify", base_url=server.url, retry=policy, hooks=[hook]) as http:
        with pytest.raises(
            ServerError, match=r"^spotify: GET .*/v1/me returned 500\ngave up after 4 attempts$"
        ) as caught:
            await http.get("/v1/me")
    assert (hook.outcomes[0].status_code, hook.outcomes[0].error) == (500, caught.value)


class BrokenHook(HttpHook):
    def start_call(self, call: CallInfo) -> CallObserver | None:
        raise RuntimeError("instrumentation bug")


async def test_a_failing_hook_never_breaks_the_call(
    server: FaultServer, policy: RetryPolicy, caplog: pytest.LogCaptureFixture
) -> None:
    server.route("/x", Reply(json={"ok": 1}))
    async with HttpClient(service_name="s", base_url=server.url, retry=policy, hooks=[BrokenHook()]) as http:
        with caplog.at_level(logging.WARNING, logger="verifiedfan"):
            assert await http.get_json("/x") == {"ok": 1}
    assert any("hook failed" in r.getMessage() for r in caplog.records)


async def test_a_generated_correlation_id_does_not_leak_into_later_work() -> None:
    from verifiedfan.correlation import current_correlation_id, set_correlation_id
    from verifiedfan.testing.faults import FaultServer, Reply

    set_correlation_id(None)
    with FaultServer() as server:
        server.script("/a", Reply(json={}), Reply(json={}))
        async with HttpClient(service_name="svc", base_url=server.url) as http:
            await http.get("/a")
            await http.get("/a")
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
