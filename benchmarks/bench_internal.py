"""Internal calls (issue 16).

**TitanClient, time per call**: ``TitanClient.get`` (worker token from the cached minter, the
correlation id, the route template, the HTTP core's retry policy and hooks, the JSON body) against raw
``httpx.AsyncClient`` sending the same GET with the same ``Authorization`` and ``x-correlation-id``
headers and reading ``response.json()``. One Starlette service under uvicorn in a child process
serves both, calls interleaved (ABBA). Goal: ours <= 1.1x the raw time. Also the CPU time per call of
the client process (``time.process_time``), steadier than wall time on a loaded machine.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from benchmarks._harness import Comparison, interleaved_rates
from verifiedfan.internal import TitanClient
from verifiedfan.jwt import WorkerTokenMinter

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve() -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "benchmarks._titan_app:app", "--port", str(port),
         "--log-level", "warning", "--no-access-log"],
        cwd=ROOT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{url}/v1/users/1", timeout=1).raise_for_status()
            return proc, url
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.terminate()
    raise RuntimeError("the benchmark service did not start")


async def _titan(url: str, n: int, rounds: int) -> tuple[tuple[float, float], tuple[float, float]]:
    key = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    minter = WorkerTokenMinter(worker_id="bench", private_key=key, algorithm="ES256", audience="users")
    async with TitanClient("users", base_url=url, worker=minter) as users, httpx.AsyncClient() as raw:

        async def ours() -> object:
            return await users.get("/v1/users/{id}", path={"id": "42"})

        async def reference() -> object:
            headers = {"authorization": f"Bearer {minter.token()}", "x-correlation-id": str(uuid.uuid4())}
            response = await raw.get(f"{url}/v1/users/42", headers=headers)
            response.raise_for_status()
            return response.json()

        rates = await interleaved_rates(ours, reference, n, rounds)
        cpu = await _interleaved_cpu(ours, reference, n, rounds)
        return rates, cpu


async def _interleaved_cpu(
    ours: Callable[[], Awaitable[object]], ref: Callable[[], Awaitable[object]], n: int, rounds: int
) -> tuple[float, float]:
    """CPU seconds per call spent in this (the client) process, ABBA-interleaved: on a loaded
    machine the wall time is mostly waiting for a core, the CPU time is what the client costs."""
    spent = {"ours": 0.0, "ref": 0.0}
    chunk = max(n // rounds, 1)
    for i in range(rounds):
        order = (("ref", ref), ("ours", ours)) if i % 2 else (("ours", ours), ("ref", ref))
        for side, fn in order:
            t0 = time.process_time()
            for _ in range(chunk):
                await fn()
            spent[side] += time.process_time() - t0
    calls = chunk * rounds
    return spent["ours"] / calls, spent["ref"] / calls


def run(*, quick: bool = False) -> list[Comparison]:
    n, rounds = (400, 4) if quick else (3000, 10)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per raw request would be timed too
    proc, url = _serve()
    try:
        (ours_rate, raw_rate), (ours_cpu, raw_cpu) = asyncio.run(_titan(url, n, rounds))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return [
        Comparison(
            name="internal: TitanClient.get, time per call",
            ours=1e6 / ours_rate,
            reference=1e6 / raw_rate,
            reference_name="raw httpx, same GET and headers",
            unit="µs/call",
            higher_is_better=False,
            goal="<= 1.1x",
        ),
        Comparison(
            name="internal: TitanClient.get, client CPU per call",
            ours=ours_cpu * 1e6,
            reference=raw_cpu * 1e6,
            reference_name="raw httpx, same GET and headers",
            unit="µs CPU/call",
            higher_is_better=False,
            goal="<= 1.1x",
        ),
    ]
