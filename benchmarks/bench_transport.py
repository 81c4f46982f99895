"""The async HTTP core's transports, by client CPU per request (issue 17: the transport choice).

Four clients GET the same fast local server (a child process) with 16 requests in flight, for a
small body (300 B, a profile) and a large one (100 KB, a page): ``HttpClient`` on
``AiohttpTransport`` (the music clients' default), ``HttpClient`` on httpx's own transport (every
other client's default), raw ``aiohttp`` and raw ``httpx.AsyncClient``. The figure is the client
process's CPU time per request (``time.process_time``), median of alternating rounds: it does not
depend much on the other load of a shared machine, unlike wall time.
"""

from __future__ import annotations

import asyncio
import logging
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable

import httpx

from benchmarks._harness import Comparison
from verifiedfan.http import AiohttpTransport, HttpClient, RetryPolicy

_SERVER = r"""
import asyncio, json

SMALL = json.dumps({"id": "u", "display_name": "x" * 200, "country": "SE"}).encode()
BIG = json.dumps({"items": [{"id": str(i), "name": "n" * 80, "pad": "p" * 900} for i in range(100)]}).encode()

def reply(body):
    head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n"
    return head % len(body) + body

ANSWERS = {b"/small": reply(SMALL), b"/big": reply(BIG)}

class Proto(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport
        self.buf = b""

    def data_received(self, data):
        self.buf += data
        while (end := self.buf.find(b"\r\n\r\n")) >= 0:
            path = self.buf.split(b" ", 2)[1].split(b"?", 1)[0]
            self.buf = self.buf[end + 4:]
            self.transport.write(ANSWERS.get(path, ANSWERS[b"/small"]))

async def main():
    server = await asyncio.get_running_loop().create_server(Proto, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await asyncio.sleep(3600)

asyncio.run(main())
"""

CONCURRENCY = 16

Get = Callable[[str], Awaitable[bytes]]


async def _cpu_per_request(get: Get, path: str, n: int) -> float:
    semaphore = asyncio.Semaphore(CONCURRENCY)

    async def one() -> bytes:
        async with semaphore:
            return await get(path)

    cpu = time.process_time()
    await asyncio.gather(*(one() for _ in range(n)))
    return (time.process_time() - cpu) / n * 1e6


async def _measure(url: str, n: int, rounds: int) -> dict[tuple[str, str], float]:
    import aiohttp

    never = RetryPolicy.never()
    ours = HttpClient(service_name="bench", base_url=url, retry=never, transport=AiohttpTransport())
    core_httpx = HttpClient(service_name="bench", base_url=url, retry=never)
    raw_httpx = httpx.AsyncClient(base_url=url, limits=httpx.Limits(max_connections=CONCURRENCY))
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=CONCURRENCY))

    async def via_ours(path: str) -> bytes:
        return (await ours.get(path)).content

    async def via_core_httpx(path: str) -> bytes:
        return (await core_httpx.get(path)).content

    async def via_raw_httpx(path: str) -> bytes:
        return (await raw_httpx.get(path)).content

    async def via_aiohttp(path: str) -> bytes:
        async with session.get(url + path) as response:
            return await response.read()

    sides: dict[str, Get] = {
        "ours": via_ours,
        "core_httpx": via_core_httpx,
        "raw_httpx": via_raw_httpx,
        "aiohttp": via_aiohttp,
    }
    samples: dict[tuple[str, str], list[float]] = {}
    try:
        for path in ("/small", "/big"):
            for get in sides.values():
                await _cpu_per_request(get, path, 50)  # warm-up: connections, caches
            for _ in range(rounds):
                for name, get in sides.items():
                    samples.setdefault((name, path), []).append(await _cpu_per_request(get, path, n))
    finally:
        await ours.aclose()
        await core_httpx.aclose()
        await raw_httpx.aclose()
        await session.close()
    return {key: statistics.median(values) for key, values in samples.items()}


def run(quick: bool) -> list[Comparison]:
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its per-request INFO line is not the transport
    n, rounds = (300, 3) if quick else (1000, 5)
    proc = subprocess.Popen([sys.executable, "-c", _SERVER], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        url = f"http://127.0.0.1:{int(proc.stdout.readline())}"
        cpu = asyncio.run(_measure(url, n, rounds))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    out = []
    for path, label in (("/small", "300 B"), ("/big", "100 KB")):
        ours = cpu[("ours", path)]
        for ref, ref_name, goal in (
            ("core_httpx", "HttpClient on httpx's transport", "lower is better"),
            ("raw_httpx", "raw httpx.AsyncClient", "lower is better"),
            ("aiohttp", "raw aiohttp", "the floor: what the core adds on top"),
        ):
            out.append(
                Comparison(
                    name=f"GET {label}, 16 in flight: client CPU",
                    ours=ours,
                    reference=cpu[(ref, path)],
                    reference_name=ref_name,
                    unit="µs/req",
                    higher_is_better=False,
                    goal=goal,
                )
            )
    return out
