from __future__ import annotations

import pytest

from verifiedfan.correlation import CORRELATION_HEADER
from verifiedfan.jwt import Signer, Verifier
from verifiedfan.log import capture_logs
from verifiedfan.metrics import PrometheusSink, parse_prometheus_text
from verifiedfan.web import AccessLogMiddleware, client_ip

from ._app import client, service, starlette_app
from .conftest import bearer


def _access(entries: list[dict[str, object]]) -> list[dict[str, object]]:
    return [e for e in entries if "client_ip" in e and "duration_ms" in e]


async def test_one_access_line_per_request_with_the_documented_fields(
    signer: Signer, verifier: Verifier
) -> None:
    token = signer.make_token({"userId": "u-1"})
    with capture_logs() as logs:
        async with client(service(verifier=verifier)) as http:
            await http.get(
                "/fans/42?page=2",
                headers={
                    **bearer(token),
                    "User-Agent": "fan-app/1.0",
                    "X-Forwarded-For": "203.0.113.7, 10.0.0.1",
                    CORRELATION_HEADER: "corr-log-1",
                },
            )
    lines = _access(logs.entries)
    assert len(lines) == 1
    line = lines[0]
    assert line["method"] == "GET"
    assert line["path"] == "/fans/42?page=2"
    assert line["route"] == "/fans/{fan_id}"
    assert line["status"] == 200
    assert line["bytes"] == len(b'{"fan":"42"}')
    assert isinstance(line["duration_ms"], float)
    assert line["user_agent"] == "fan-app/1.0"
    assert line["client_ip"] == "203.0.113.7"
    assert line["correlation_id"] == "corr-log-1"
    assert token not in logs.text


async def test_no_secret_from_the_query_string_reaches_the_access_log(
    signer: Signer, verifier: Verifier
) -> None:
    token = signer.make_token({"userId": "u-1"})
    with capture_logs() as logs:
        async with client(service(verifier=verifier)) as http:
            params = {"access_token": token, "password": "hunter2", "page": "1"}
            refused = await http.get("/me", params=params)
    assert refused.status_code == 400
    (line,) = _access(logs.entries)
    assert line["status"] == 400
    assert "page=1" in str(line["path"])
    assert token not in logs.text
    assert "hunter2" not in logs.text


async def test_health_paths_are_not_logged() -> None:
    with capture_logs() as logs:
        async with client(service()) as http:
            await http.get("/health")
    assert _access(logs.entries) == []


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"fastly-client-ip": "198.51.100.1", "x-forwarded-for": "203.0.113.7"}, "198.51.100.1"),
        ({"x-forwarded-for": "2001:db8::1, 10.0.0.1"}, "2001:db8::1"),
        ({"fastly-client-ip": "not-an-ip", "x-forwarded-for": "<script>"}, "127.0.0.9"),
        ({}, "127.0.0.9"),
    ],
)
def test_client_ip_prefers_fastly_then_forwarded_for_then_the_peer(
    headers: dict[str, str], expected: str
) -> None:
    scope = {
        "type": "http",
        "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.9", 5000),
    }
    assert client_ip(scope) == expected


async def test_the_access_log_records_500_when_an_exception_escapes() -> None:
    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    import httpx

    transport = httpx.ASGITransport(app=AccessLogMiddleware(app), raise_app_exceptions=True)
    with capture_logs() as logs, pytest.raises(RuntimeError, match="boom"):
        async with httpx.AsyncClient(transport=transport, base_url="http://svc") as http:
            await http.get("/x")
    assert [line["status"] for line in _access(logs.entries)] == [500]


async def test_request_metrics_per_route_method_and_status_with_an_in_flight_gauge() -> None:
    sink = PrometheusSink()
    async with client(service(metrics_sink=sink)) as http:
        await http.get("/fans/1")
        await http.get("/fans/2")
        await http.get("/fans/missing")
        await http.get("/nowhere/at/all")
    from prometheus_client import generate_latest

    families = {f.name: f for f in parse_prometheus_text(generate_latest(sink.registry).decode())}
    counts = {
        (s.labels["route"], s.labels["method"], s.labels["status"]): s.value
        for s in families["http_requests"].samples
        if s.name == "http_requests_total"
    }
    assert counts == {
        ("/fans/{fan_id}", "GET", "200"): 2.0,
        ("/fans/{fan_id}", "GET", "404"): 1.0,
        ("unmatched", "GET", "404"): 1.0,
    }
    durations = [s for s in families["http_request_duration_seconds"].samples if s.name.endswith("_count")]
    assert sum(s.value for s in durations) == 4.0
    (in_flight,) = families["http_requests_in_flight"].samples
    assert in_flight.value == 0.0


async def test_the_in_flight_gauge_counts_a_running_request() -> None:
    import asyncio

    from verifiedfan.web import RequestMetricsMiddleware

    sink = PrometheusSink()
    seen: list[float] = []

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        seen.append(sink.registry.get_sample_value("http_requests_in_flight", {"method": "GET"}))
        await asyncio.sleep(0)
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async with client(RequestMetricsMiddleware(app, sink)) as http:
        await http.get("/x")
    assert seen == [1.0]
    assert sink.registry.get_sample_value("http_requests_in_flight", {"method": "GET"}) == 0.0


def test_the_app_is_still_a_starlette_app_after_with_middlewares() -> None:
    app = starlette_app()
    assert service() is not app
    from verifiedfan.web import with_middlewares

    assert with_middlewares(app) is app


async def test_a_huge_url_is_cut_in_the_access_line() -> None:
    with capture_logs() as logs:
        async with client(service()) as http:
            await http.get("/fans/" + "x" * 10_000)
    (line,) = _access(logs.entries)
    assert len(str(line["path"])) == 2048 + 3
    assert line["route"] == "/fans/{fan_id}"


def test_the_route_template_is_read_as_starlette_litestar_and_semconv_frameworks_record_it() -> None:
    from starlette.routing import Route

    from verifiedfan.web import asgi_route

    assert asgi_route({"route": Route("/fans/{fan_id}", lambda r: None)}) == "/fans/{fan_id}"
    assert asgi_route({"path_template": "/fans/{fan_id:str}"}) == "/fans/{fan_id:str}"
    assert asgi_route({"http.route": "/fans/:id"}) == "/fans/:id"
    assert asgi_route({"path": "/fans/42"}) is None
