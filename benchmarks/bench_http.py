"""A GET through verifiedfan.http against raw httpx, to the same fast local server.

The server is a minimal keep-alive asyncio HTTP/1.1 server in a child process (so it does not share
the GIL with the clients). Ours and the reference run in short alternating rounds in the same process
and event loop; each figure is the median over rounds of the mean wall-clock µs per request.

Note: with httpcore 1.0.9 and anyio >= 4.? (which dropped its sniffio dependency), httpcore tries to
``import sniffio`` on every async request and fails; when sniffio is absent this adds a large
constant cost to both sides of the async comparison (installing ``sniffio`` removes it).
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable

import httpx

from benchmarks._harness import Comparison
from verifiedfan.http import HttpClient, SyncHttpClient

_SERVER = r"""
import asyncio, sys

BODY = b'{"ok":true,"items":[1,2,3]}'
RESPONSE = (
    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: "
    + str(len(BODY)).encode() + b"\r\n\r\n" + BODY
)

class Proto(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport
        self.buf = b""

    def data_received(self, data):
        self.buf += data
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buf[:end].lower()
            length = 0
            i = head.find(b"content-length:")
            if i >= 0:
                length = int(head[i + 15:].split(b"\r\n", 1)[0])
            if len(self.buf) < end + 4 + length:
                return
            self.buf = self.buf[end + 4 + length:]
            self.transport.write(RESPONSE)

async def main():
    server = await asyncio.get_running_loop().create_server(Proto, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await asyncio.sleep(3600)

asyncio.run(main())
"""


def _start_server() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen([sys.executable, "-c", _SERVER], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    port = int(proc.stdout.readline())
    return proc, f"http://127.0.0.1:{port}"


class _Rounds:
    """Wall-clock and client-CPU µs per request of each side, one entry per round."""

    def __init__(self) -> None:
        self.wall: dict[str, list[float]] = {"ours": [], "ref": []}
        self.cpu: dict[str, list[float]] = {"ours": [], "ref": []}

    def add(self, side: str, wall: float, cpu: float, n: int) -> None:
        self.wall[side].append(wall / n * 1e6)
        self.cpu[side].append(cpu / n * 1e6)

    def medians(self) -> tuple[float, float, float, float]:
        m = statistics.median
        return m(self.wall["ours"]), m(self.wall["ref"]), m(self.cpu["ours"]), m(self.cpu["ref"])


def _alternate_sync(ours: Callable[[], object], ref: Callable[[], object], *, n: int, rounds: int) -> _Rounds:
    out = _Rounds()
    for _ in range(min(n, 200)):
        ours()
        ref()
    for _ in range(rounds):
        for side, fn in (("ours", ours), ("ref", ref)):
            wall, cpu = time.perf_counter(), time.process_time()
            for _ in range(n):
                fn()
            out.add(side, time.perf_counter() - wall, time.process_time() - cpu, n)
    return out


async def _alternate_async(
    ours: Callable[[], Awaitable[object]], ref: Callable[[], Awaitable[object]], *, n: int, rounds: int
) -> _Rounds:
    out = _Rounds()
    for _ in range(min(n, 200)):
        await ours()
        await ref()
    for _ in range(rounds):
        for side, fn in (("ours", ours), ("ref", ref)):
            wall, cpu = time.perf_counter(), time.process_time()
            for _ in range(n):
                await fn()
            out.add(side, time.perf_counter() - wall, time.process_time() - cpu, n)
    return out


async def _async_pair(url: str, n: int, rounds: int) -> _Rounds:
    async with HttpClient(service_name="bench", base_url=url) as ours, httpx.AsyncClient(base_url=url) as raw:

        async def via_ours() -> object:
            return (await ours.get("/ping")).content

        async def via_raw() -> object:
            response = await raw.get("/ping")
            response.raise_for_status()
            return response.content

        return await _alternate_async(via_ours, via_raw, n=n, rounds=rounds)


def _sync_pair(url: str, n: int, rounds: int) -> _Rounds:
    with SyncHttpClient(service_name="bench", base_url=url) as ours, httpx.Client(base_url=url) as raw:

        def via_ours() -> object:
            return ours.get("/ping").content

        def via_raw() -> object:
            response = raw.get("/ping")
            response.raise_for_status()
            return response.content

        return _alternate_sync(via_ours, via_raw, n=n, rounds=rounds)


def run(quick: bool) -> list[Comparison]:
    # Short alternating rounds, so load from other processes hits both sides alike. The client-CPU
    # rows (process time of this process only) are the steadier figure on a busy machine.
    n, rounds = (100, 6) if quick else (200, 30)
    proc, url = _start_server()
    try:
        a_wall, a_ref_wall, a_cpu, a_ref_cpu = asyncio.run(_async_pair(url, n, rounds)).medians()
        s_wall, s_ref_wall, s_cpu, s_ref_cpu = _sync_pair(url, n, rounds).medians()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    goal = "<= 1.15x"
    rows = [
        ("async GET, wall", a_wall, a_ref_wall, "httpx.AsyncClient"),
        ("async GET, client CPU", a_cpu, a_ref_cpu, "httpx.AsyncClient"),
        ("sync GET, wall", s_wall, s_ref_wall, "httpx.Client"),
        ("sync GET, client CPU", s_cpu, s_ref_cpu, "httpx.Client"),
    ]
    return [
        Comparison(name, ours, ref, ref_name, "µs/req", False, goal) for name, ours, ref, ref_name in rows
    ]


if __name__ == "__main__":
    for c in run(quick="--quick" in sys.argv):
        print(
            f"{c.name}: ours {c.ours:.1f}, {c.reference_name} {c.reference:.1f} {c.unit}, ratio {c.ratio:.3f}"
        )
