"""100 MB through the stream helpers with a bounded memory peak (tracemalloc), not a wall-clock claim."""

from __future__ import annotations

import csv
import io
import tracemalloc
from collections.abc import AsyncIterator, Iterator

import pytest

from verifiedfan.utils import aiter_lines, awrite_csv

pytestmark = pytest.mark.slow

TOTAL = 100 * 1024 * 1024
PEAK_LIMIT = 4 * 1024 * 1024  # for a 100 MB stream: a few chunks and lines, never the stream
CHUNK = 65_521  # a prime: chunk boundaries wander through lines, \r\n pairs and characters


async def test_aiter_lines_over_100_mb_keeps_memory_bounded_and_every_line_right() -> None:
    expected = [f"line {i} é€😀 {'x' * (i % 97)}" for i in range(400)]
    unit = "".join(f"{line}\r\n" for line in expected).encode()
    repeats = TOTAL // len(unit)
    total = repeats * len(unit)
    window = unit * (CHUNK // len(unit) + 2)

    async def chunks() -> AsyncIterator[bytes]:  # the unit repeated, cut every CHUNK bytes
        for position in range(0, total, CHUNK):
            offset = position % len(unit)
            yield window[offset : offset + min(CHUNK, total - position)]

    count = 0
    wrong = 0
    tracemalloc.start()
    try:
        async for line in aiter_lines(chunks()):
            if line != expected[count % 400]:
                wrong += 1
            count += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert wrong == 0
    assert count == 400 * repeats
    assert peak < PEAK_LIMIT, peak


async def test_awrite_csv_of_100_mb_keeps_memory_bounded() -> None:
    row = ["id-0001", 'Ann, "the" fan', "é€😀", "x" * 900, "multi\nline"]
    buf = io.StringIO()
    csv.writer(buf).writerow(row)
    row_bytes = len(buf.getvalue().encode())
    n_rows = TOTAL // row_bytes

    def rows() -> Iterator[list[str]]:
        for _ in range(n_rows):
            yield row

    received = 0
    largest = 0

    async def sink(chunk: bytes) -> None:
        nonlocal received, largest
        received += len(chunk)
        largest = max(largest, len(chunk))

    tracemalloc.start()
    try:
        written = await awrite_csv(rows(), sink, ["id", "name", "accent", "pad", "note"])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert written == n_rows
    assert received == len(b"id,name,accent,pad,note\r\n") + n_rows * row_bytes
    assert largest == 64 * 1024
    assert peak < PEAK_LIMIT, peak
