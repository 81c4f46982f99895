"""A small Starlette service wrapped in the middlewares under test."""

from __future__ import annotations

import logging
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

from verifiedfan.correlation import current_correlation_id
from verifiedfan.errors import VFError
from verifiedfan.web import json_body, with_middlewares

SECRET_IN_BUG = "db-password-hunter2"


async def me(request: Request) -> JSONResponse:
    return JSONResponse(
        {
            "claims": getattr(request.state, "claims", None),
            "worker": getattr(getattr(request.state, "worker", None), "worker_id", None),
            "correlation_id": current_correlation_id(),
        }
    )


async def fan(request: Request) -> JSONResponse:
    fan_id = request.path_params["fan_id"]
    if fan_id == "missing":
        raise VFError("fan not found", status=404)
    return JSONResponse({"fan": fan_id})


async def conflict(request: Request) -> JSONResponse:
    raise VFError("already registered", status=409, developer_message="email taken")


async def crash(request: Request) -> JSONResponse:
    raise RuntimeError(f"cannot connect with {SECRET_IN_BUG}")


async def registrations(request: Request) -> JSONResponse:
    body: dict[str, Any] = await json_body(request)
    logging.getLogger("tests.app").info("registration received")
    return JSONResponse({"received": sorted(body)}, status_code=201)


async def health(request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


def starlette_app() -> Starlette:
    return Starlette(
        routes=[
            Route("/me", me),
            Route("/fans/{fan_id}", fan),
            Route("/conflict", conflict),
            Route("/crash", crash),
            Route("/registrations", registrations, methods=["POST"]),
            Route("/health", health),
        ]
    )


def service(**options: Any) -> Any:
    return with_middlewares(starlette_app(), **options)


def client(app: Any) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://svc")
