"""A real internal service for the tests: a Starlette app served by uvicorn on 127.0.0.1 over HTTP,
which checks each caller's worker token with :class:`verifiedfan.jwt.WorkerTokenVerifier`."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from verifiedfan.errors import AuthError
from verifiedfan.jwt import WorkerTokenVerifier


@dataclass
class Journal:
    """What the service saw: one entry per request (refused ones included)."""

    seen: list[dict[str, Any]] = field(default_factory=list)

    def clear(self) -> None:
        self.seen.clear()


def make_app(verifier: WorkerTokenVerifier, journal: Journal) -> Starlette:
    async def authenticate(request: Request) -> dict[str, Any] | JSONResponse:
        entry: dict[str, Any] = {
            "method": request.method,
            "path": request.url.path,
            "correlation_id": request.headers.get("x-correlation-id"),
            "traceparent": request.headers.get("traceparent"),
            "authorization": request.headers.get("authorization"),
        }
        journal.seen.append(entry)
        header = request.headers.get("authorization", "")
        if not header.startswith("Bearer "):
            entry["refused"] = "no token"
            return JSONResponse({"message": "missing worker token", "status": 401}, status_code=401)
        try:
            identity = await verifier.averify(header.removeprefix("Bearer "))
        except AuthError as exc:
            entry["refused"] = exc.message
            return JSONResponse({"message": exc.message, "status": 401}, status_code=401)
        entry.update(worker=identity.worker_id, audience=identity.audience, jti=identity.token_id)
        return entry

    async def get_user(request: Request) -> JSONResponse:
        seen = await authenticate(request)
        if isinstance(seen, JSONResponse):
            return seen
        if request.path_params["id"] == "missing":
            return JSONResponse({"message": "no such user", "status": 404}, status_code=404)
        return JSONResponse({"id": request.path_params["id"], "seen": seen})

    async def create_user(request: Request) -> JSONResponse:
        seen = await authenticate(request)
        if isinstance(seen, JSONResponse):
            return seen
        return JSONResponse({"created": await request.json(), "seen": seen}, status_code=201)

    return Starlette(
        routes=[
            Route("/v1/users/{id}", get_user, methods=["GET"]),
            Route("/v1/users", create_user, methods=["POST"]),
        ]
    )


@contextmanager
def serve(app: Starlette) -> Iterator[str]:
    """Serve ``app`` with uvicorn in a thread on a free port of 127.0.0.1; yields the base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
