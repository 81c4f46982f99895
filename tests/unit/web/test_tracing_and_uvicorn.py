from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from verifiedfan.correlation import CORRELATION_HEADER
from verifiedfan.jwt import Signer, Verifier
from verifiedfan.log import capture_logs
from verifiedfan.tracing import configure_tracing, reset_tracing, shutdown_tracing

from ._app import client, service
from .conftest import bearer

PARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


@pytest.fixture
def exporter() -> Iterator[InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    configure_tracing(
        service_name="web-test", env="test", region="us-east-1", exporter=exporter, schedule_delay_ms=10
    )
    yield exporter
    reset_tracing()


def test_the_tracing_middleware_is_importable_from_both_places() -> None:
    from verifiedfan import tracing, web
    from verifiedfan.tracing._asgi import TracingMiddleware

    assert tracing.TracingMiddleware is web.TracingMiddleware is TracingMiddleware
    assert tracing.asgi_route is web.asgi_route


async def test_the_access_line_carries_the_trace_of_the_request(exporter: InMemorySpanExporter) -> None:
    with capture_logs() as logs:
        async with client(service(tracing=True)) as http:
            await http.get("/fans/7", headers={"traceparent": PARENT})
    shutdown_tracing()
    (server,) = [s for s in exporter.get_finished_spans() if s.name == "GET /fans/{fan_id}"]
    (line,) = [e for e in logs.entries if "client_ip" in e]
    assert line["trace_id"] == "0af7651916cd43dd8448eb211c80319c"
    assert line["trace_id"] == format(server.context.trace_id, "032x")
    assert line["span_id"] == format(server.context.span_id, "016x")


class Served:
    def __init__(self, app: Any) -> None:
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=0, log_config=None, lifespan="off", access_log=False)
        )
        self.thread = threading.Thread(target=self.server.run, name="uvicorn-test", daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        for _ in range(500):
            if self.server.started:
                break
            threading.Event().wait(0.01)
        sock: socket.socket = self.server.servers[0].sockets[0]
        host, port = sock.getsockname()[:2]
        return f"http://{host}:{port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def served(verifier: Verifier) -> Iterator[str]:
    with Served(service(verifier=verifier, max_body_bytes=4096)) as url:
        yield url


async def test_the_stack_behind_a_real_uvicorn(served: str, signer: Signer) -> None:
    token = signer.make_token({"userId": "u-9"})
    async with httpx.AsyncClient(base_url=served) as http:
        me = await http.get("/me", headers={**bearer(token), CORRELATION_HEADER: "corr-uv-1"})
        anonymous = await http.get("/me")
        big = b"{" + b" " * 8192 + b"}"
        too_large = await http.post("/registrations", headers=bearer(token), content=big)
        not_json = await http.post("/registrations", headers=bearer(token), content=b"nope")
        in_query = await http.get("/me", params={"token": token})
        raw = [(b"authorization", f"Bearer {token}".encode()), (CORRELATION_HEADER.encode(), b"a\x7fb")]
        control = await http.get("/me", headers=raw)
        huge = await http.get("/me", headers={"X-Padding": "a" * (1024 * 1024)})
    assert me.status_code == 200
    assert me.json()["claims"]["userId"] == "u-9"
    assert me.headers[CORRELATION_HEADER] == "corr-uv-1"
    for response, status in ((anonymous, 401), (too_large, 413), (not_json, 400), (in_query, 400)):
        assert response.status_code == status
        assert response.json()["status"] == status
    assert control.status_code == 200
    assert control.headers[CORRELATION_HEADER] != "a\x7fb"
    # uvicorn refuses oversized headers itself, before any middleware sees the request
    assert 400 <= huge.status_code < 500
