"""A small HTTP/1.1 load generator, run in a process of its own by ``bench_service``.

``python -m benchmarks._load URL PATH SECONDS CONCURRENCY [HEADER ...]`` keeps CONCURRENCY
keep-alive connections busy with ``GET PATH`` for SECONDS and prints one JSON line: ``requests``,
``seconds``, ``rps``, ``p50_ms``, ``p99_ms``, ``errors`` (non-200 answers). Raw asyncio streams
rather than an HTTP client library: the generator must cost far less than the server it loads.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from urllib.parse import urlsplit


async def _worker(host: str, port: int, request: bytes, stop: float, latencies: list[float]) -> int:
    reader, writer = await asyncio.open_connection(host, port)
    errors = 0
    try:
        while time.perf_counter() < stop:
            t0 = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            latencies.append(time.perf_counter() - t0)
            if not head.startswith(b"HTTP/1.1 200"):
                errors += 1
    finally:
        writer.close()
    return errors


async def _run(url: str, path: str, seconds: float, concurrency: int, headers: list[str]) -> dict[str, float]:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", *headers, "", ""]
    request = "\r\n".join(lines).encode()
    latencies: list[float] = []
    start = time.perf_counter()
    errors = await asyncio.gather(
        *(_worker(host, port, request, start + seconds, latencies) for _ in range(concurrency))
    )
    elapsed = time.perf_counter() - start
    cuts = statistics.quantiles(latencies, n=100)
    return {
        "requests": len(latencies),
        "seconds": elapsed,
        "rps": len(latencies) / elapsed,
        "p50_ms": cuts[49] * 1000,
        "p99_ms": cuts[98] * 1000,
        "errors": sum(errors),
    }


def main(argv: list[str]) -> None:
    url, path, seconds, concurrency, *headers = argv
    result = asyncio.run(_run(url, path, float(seconds), int(concurrency), headers))
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
