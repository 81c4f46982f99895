"""The internal service the ``internal`` benchmark calls: one JSON route, served by uvicorn in a child
process (``python -m uvicorn benchmarks._titan_app:app``)."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


async def user(request: Request) -> JSONResponse:
    authorized = request.headers.get("authorization", "").startswith("Bearer ")
    return JSONResponse({"id": request.path_params["id"], "authorized": authorized}, status_code=200)


app = Starlette(routes=[Route("/v1/users/{id}", user)])
