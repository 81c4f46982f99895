from __future__ import annotations

import httpx
import pytest
from opentelemetry.trace import SpanKind, StatusCode
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

from verifiedfan.tracing import TracingMiddleware, get_tracer, inject_headers

from .conftest import Spans

PARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


async def fan(request: Request) -> JSONResponse:
    with get_tracer().start_as_current_span("inside"):
        return JSONResponse({"fan": request.path_params["fan_id"]})


async def broken(request: Request) -> PlainTextResponse:
    return PlainTextResponse("no", status_code=503)


async def crash(request: Request) -> PlainTextResponse:
    raise RuntimeError("handler bug")


def client(**options: object) -> httpx.AsyncClient:
    app = Starlette(
        routes=[
            Route("/fans/{fan_id}", fan),
            Route("/broken", broken),
            Route("/crash", crash),
            Route("/health", broken),
        ]
    )
    wrapped = TracingMiddleware(app, **options)  # type: ignore[arg-type]
    transport = httpx.ASGITransport(app=wrapped, raise_app_exceptions=True)
    return httpx.AsyncClient(transport=transport, base_url="http://svc")


async def test_request_is_a_server_span_named_by_its_route(spans: Spans) -> None:
    async with client() as http:
        assert (await http.get("/fans/42")).json() == {"fan": "42"}
    inside, server = spans.finished()
    assert server.name == "GET /fans/{fan_id}"
    assert server.kind is SpanKind.SERVER
    assert server.attributes is not None
    assert server.attributes["http.route"] == "/fans/{fan_id}"
    assert server.attributes["url.path"] == "/fans/42"
    assert server.attributes["http.response.status_code"] == 200
    assert server.status.status_code is StatusCode.UNSET
    assert inside.parent is not None
    assert inside.parent.span_id == server.context.span_id


async def test_incoming_traceparent_is_continued(spans: Spans) -> None:
    async with client() as http:
        await http.get("/fans/1", headers={"traceparent": PARENT})
    server = spans.finished()[-1]
    assert format(server.context.trace_id, "032x") == "0af7651916cd43dd8448eb211c80319c"
    assert server.parent is not None
    assert format(server.parent.span_id, "016x") == "b7ad6b7169203331"


async def test_a_caller_span_propagated_by_inject_headers_is_the_parent(spans: Spans) -> None:
    with get_tracer().start_as_current_span("caller") as caller:
        headers = dict(inject_headers())
    async with client() as http:
        await http.get("/fans/1", headers=headers)
    server = spans.finished()[-1]
    assert server.parent is not None
    assert server.parent.span_id == caller.get_span_context().span_id


async def test_5xx_response_sets_status_error(spans: Spans) -> None:
    async with client() as http:
        assert (await http.get("/broken")).status_code == 503
    [server] = spans.finished()
    assert server.status.status_code is StatusCode.ERROR
    assert server.attributes is not None
    assert server.attributes["http.response.status_code"] == 503


async def test_exception_is_recorded_and_reraised(spans: Spans) -> None:
    async with client() as http:
        with pytest.raises(RuntimeError, match="handler bug"):
            await http.get("/crash")
    [server] = spans.finished()
    assert server.name == "GET /crash"
    assert server.status.status_code is StatusCode.ERROR
    assert [e.name for e in server.events] == ["exception"]


async def test_unmatched_path_is_named_by_method_only(spans: Spans) -> None:
    async with client() as http:
        assert (await http.get("/nope/123")).status_code == 404
    [server] = spans.finished()
    assert server.name == "GET"


async def test_excluded_paths_are_not_traced(spans: Spans) -> None:
    async with client(excluded_paths=["/health"]) as http:
        await http.get("/health")
    assert spans.finished() == []


async def test_non_http_scopes_pass_through(spans: Spans) -> None:
    calls: list[str] = []

    async def app(scope: dict[str, object], receive: object, send: object) -> None:
        calls.append(str(scope["type"]))

    await TracingMiddleware(app)({"type": "lifespan"}, None, None)  # type: ignore[arg-type]
    assert calls == ["lifespan"]
    assert spans.finished() == []


async def test_works_as_starlette_middleware(spans: Spans) -> None:
    from starlette.middleware import Middleware

    app = Starlette(routes=[Route("/fans/{fan_id}", fan)], middleware=[Middleware(TracingMiddleware)])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://svc") as http:
        await http.get("/fans/7")
    inside, server = spans.finished()
    assert server.name == "GET /fans/{fan_id}"
    assert inside.parent is not None
    assert inside.parent.span_id == server.context.span_id
