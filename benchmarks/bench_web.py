"""The cost of the ``verifiedfan.web`` middleware stack on a trivial endpoint, in process.

The same Starlette app (one ``GET /me`` returning a small JSON object) is driven through an in-process
ASGI driver (a prebuilt scope, ``receive`` and ``send`` callables: no network, no HTTP parsing, no
server) bare, with the whole stack (correlation, access log written to ``/dev/null`` by the log
pipeline's background writer, request metrics on a ``PrometheusSink``, error formatter, size limits,
JWT verifying an RS256 token), and with the stack minus JWT. Requests per second, interleaved rounds
(ABBA), timed in CPU seconds of this process (``time.process_time``): on a machine shared by many
processes, wall-clock time mostly measures the wait for a core.

In process, nothing dilutes the middlewares' cost, so this is their worst case as a ratio: a served
request also pays the server's HTTP parsing and the socket. The served comparison (a load generator
against ``vf serve``'s ``GET /me``, goal <= 15 % cost) comes with the reference service.
"""

from __future__ import annotations

import asyncio
import os
import time
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from benchmarks._harness import Comparison
from verifiedfan import log
from verifiedfan.jwt import Signer, Verifier
from verifiedfan.metrics import PrometheusSink
from verifiedfan.web import with_middlewares

GOAL = "info (in process; served goal: >= 0.85x)"


async def me(request: Request) -> JSONResponse:
    claims = getattr(request.state, "claims", None) or {}
    return JSONResponse({"userId": claims.get("userId", "anonymous"), "ok": True})


def _app() -> Starlette:
    return Starlette(routes=[Route("/me", me)])


def _driver(app: Any, headers: list[tuple[bytes, bytes]]) -> Any:
    request = {"type": "http.request", "body": b"", "more_body": False}

    async def receive() -> dict[str, Any]:
        return request

    async def send(message: Any) -> None:
        if message["type"] == "http.response.start" and message["status"] != 200:
            raise RuntimeError(f"unexpected status {message['status']}")

    async def call() -> None:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": "/me",
            "raw_path": b"/me",
            "root_path": "",
            "query_string": b"",
            "headers": headers,
            "client": ("127.0.0.1", 50000),
            "server": ("127.0.0.1", 8000),
        }
        await app(scope, receive, send)

    return call


async def _cpu_rates(ours: Any, ref: Any, n: int, rounds: int) -> tuple[float, float]:
    """Requests per CPU-second of each side, ``rounds`` interleaved chunks (ABBA)."""
    for _ in range(min(n, 200)):
        await ours()
        await ref()
    chunk = max(n // rounds, 1)
    spent = {"ours": 0.0, "ref": 0.0}

    async def timed(name: str, fn: Any) -> None:
        start = time.process_time()
        for _ in range(chunk):
            await fn()
        spent[name] += time.process_time() - start

    for i in range(rounds):
        pair = (("ref", ref), ("ours", ours)) if i % 2 else (("ours", ours), ("ref", ref))
        for name, fn in pair:
            await timed(name, fn)
    return chunk * rounds / spent["ours"], chunk * rounds / spent["ref"]


def run(quick: bool) -> list[Comparison]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    token = Signer(private_key=private).make_token({"userId": "u-1", "permissions": ["EDIT"]})
    headers = [
        (b"host", b"svc"),
        (b"user-agent", b"bench/1.0"),
        (b"authorization", f"Bearer {token}".encode()),
        (b"x-correlation-id", b"bench-correlation-1"),
    ]
    n, rounds = (2_000, 4) if quick else (20_000, 10)
    with open(os.devnull, "w") as devnull:
        log.configure(level="info", service_name="bench-web", stream=devnull, asynchronous=True)
        try:
            bare = _driver(_app(), headers)
            full = _driver(
                with_middlewares(
                    _app(), verifier=Verifier(public_keys=public), metrics_sink=PrometheusSink()
                ),
                headers,
            )
            no_jwt = _driver(with_middlewares(_app(), metrics_sink=PrometheusSink()), headers)
            full_rate, bare_rate = asyncio.run(_cpu_rates(full, bare, n, rounds))
            plain_rate, bare_rate2 = asyncio.run(_cpu_rates(no_jwt, bare, n, rounds))
        finally:
            log.reset()
    return [
        Comparison(
            "GET /me, whole stack incl. RS256 JWT (in-process ASGI)",
            full_rate,
            bare_rate,
            "same Starlette app, no middleware",
            "req/CPU-s",
            True,
            GOAL,
        ),
        Comparison(
            "GET /me, stack without JWT (in-process ASGI)",
            plain_rate,
            bare_rate2,
            "same Starlette app, no middleware",
            "req/CPU-s",
            True,
            GOAL,
        ),
    ]
