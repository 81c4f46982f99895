"""Stream helpers against a plain loop over the whole buffer in memory (the cheapest possible reading).

* lines: ``async for line in aiter_lines(chunks)`` over 64 KiB chunks vs
  ``for line in data.decode().splitlines()`` on the same bytes held at once. Ours decodes
  incrementally, reassembles split lines and characters, and yields per line through an async
  generator; in exchange its memory stays one chunk, the reference's is the whole stream (twice).
* csv: ``awrite_csv(rows, sink)`` into a sink that counts bytes vs ``csv.writer(StringIO).writerows``
  then ``.encode()`` of the whole text.

MB/s of input (lines) or output (csv), median of interleaved rounds, one core.
"""

from __future__ import annotations

import asyncio
import csv
import io
import statistics
import time
from collections.abc import AsyncIterator, Callable

from benchmarks._harness import Comparison

CHUNK = 64 * 1024


def _data(total: int) -> bytes:
    unit = "".join(f"{i},fan-{i}@example.com,Zoë Müller,{'x' * (i % 40)}\r\n" for i in range(1000)).encode()
    return unit * (total // len(unit) + 1)


def _median_rate(fn: Callable[[], object], size: int, rounds: int) -> float:
    runs = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        runs.append(size / (time.perf_counter() - start) / 1e6)
    return statistics.median(runs)


def run(quick: bool) -> list[Comparison]:
    from verifiedfan.utils import aiter_lines, awrite_csv

    data = _data(2_000_000 if quick else 20_000_000)
    rounds = 3 if quick else 5

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(data), CHUNK):
            yield data[start : start + CHUNK]

    async def ours_lines() -> int:
        n = 0
        async for _line in aiter_lines(chunks()):
            n += 1
        return n

    def plain_lines() -> int:
        n = 0
        for _line in data.decode().splitlines():
            n += 1
        return n

    assert asyncio.run(ours_lines()) == plain_lines()
    ours_rates, ref_rates = [], []
    for _ in range(rounds):  # interleaved, so the neighbours' load hits both sides alike
        ours_rates.append(_median_rate(lambda: asyncio.run(ours_lines()), len(data), 1))
        ref_rates.append(_median_rate(plain_lines, len(data), 1))

    rows = [[str(i), f"fan-{i}@example.com", 'Zoë, "the" fan', "x" * (i % 40)] for i in range(20_000)]
    out_size = len(_csv_plain(rows))

    async def ours_csv() -> int:
        total = 0

        async def sink(chunk: bytes) -> None:
            nonlocal total
            total += len(chunk)

        await awrite_csv(rows, sink)
        return total

    assert asyncio.run(ours_csv()) == out_size
    ours_csv_rates, ref_csv_rates = [], []
    for _ in range(rounds):
        ours_csv_rates.append(_median_rate(lambda: asyncio.run(ours_csv()), out_size, 1))
        ref_csv_rates.append(_median_rate(lambda: _csv_plain(rows), out_size, 1))

    return [
        Comparison(
            name=f"aiter_lines, {len(data) // 1_000_000} MB in 64 KiB chunks",
            ours=statistics.median(ours_rates),
            reference=statistics.median(ref_rates),
            reference_name="data.decode().splitlines() loop",
            unit="MB/s",
            higher_is_better=True,
            goal="report",
        ),
        Comparison(
            name=f"awrite_csv, {out_size // 1_000_000} MB into a sink",
            ours=statistics.median(ours_csv_rates),
            reference=statistics.median(ref_csv_rates),
            reference_name="csv.writer(StringIO).writerows + encode",
            unit="MB/s",
            higher_is_better=True,
            goal="report",
        ),
    ]


def _csv_plain(rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue().encode()
