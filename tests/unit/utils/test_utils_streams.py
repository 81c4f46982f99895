"""Stream helpers against the standard library as the oracle, at every chunk boundary."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import AsyncIterator, Iterable

import pytest

from verifiedfan.errors import ValidationError
from verifiedfan.utils import CsvWriter, abatches, aflatten, aiter_csv, aiter_lines, awrite_csv, batches


async def agen(items: Iterable[object]) -> AsyncIterator[object]:
    for item in items:
        yield item


async def collect(it: AsyncIterator[object]) -> list[object]:
    return [x async for x in it]


def splits(data: bytes, cuts: tuple[int, ...]) -> list[bytes]:
    bounds = [0, *cuts, len(data)]
    return [data[a:b] for a, b in itertools.pairwise(bounds)]


# -- abatches / aflatten ---------------------------------------------------------------------------


@pytest.mark.parametrize("n", [0, 1, 4, 5, 6, 11])
@pytest.mark.parametrize("size", [1, 2, 5])
async def test_abatches_matches_the_sync_batches(n: int, size: int) -> None:
    got = await collect(abatches(agen(range(n)), size))
    assert got == list(batches(range(n), size))


@pytest.mark.parametrize("size", [0, -1, 1.5, True, "2"])
def test_abatches_checks_size_at_once(size: object) -> None:
    with pytest.raises(ValidationError, match="batch size"):
        abatches(agen([]), size)  # type: ignore[arg-type]


async def test_aflatten_plain_and_async_groups() -> None:
    groups: list[object] = [[1, 2], (), agen([3, 4]), range(5, 7), agen([])]
    assert await collect(aflatten(agen(groups))) == list(range(1, 7))  # type: ignore[arg-type]


# -- aiter_lines -------------------------------------------------------------------------------------

TEXTS = [
    "",
    "a",
    "a\n",
    "\n",
    "\n\n",
    "ab\ncd",
    "ab\r\ncd\r\n",
    "é\n€x\r\n😀\n",
    "mixed\nnew\r\nlines\n\nend",
    "ends with cr\r",
    "\r\n\r\n",
]


def oracle_lines(data: bytes, encoding: str = "utf-8") -> list[str]:
    return data.decode(encoding).splitlines()


@pytest.mark.parametrize("text", TEXTS)
async def test_aiter_lines_every_single_split_point(text: str) -> None:
    data = text.encode()
    for cut in range(len(data) + 1):
        got = await collect(aiter_lines(agen(splits(data, (cut,)))))  # type: ignore[arg-type]
        assert got == oracle_lines(data), (text, cut)


@pytest.mark.parametrize("text", ["é\n€x\r\n😀\n", "ab\r\ncd\r\n", "mixed\nnew\r\nlines\n\nend"])
async def test_aiter_lines_every_pair_of_split_points(text: str) -> None:
    data = text.encode()
    for a, b in itertools.combinations_with_replacement(range(len(data) + 1), 2):
        got = await collect(aiter_lines(agen(splits(data, (a, b)))))  # type: ignore[arg-type]
        assert got == oracle_lines(data), (text, a, b)


async def test_aiter_lines_byte_by_byte_in_utf16() -> None:
    data = "zwei\r\nZeilen ß\n".encode("utf-16")
    got = await collect(aiter_lines(agen([data[i : i + 1] for i in range(len(data))]), "utf-16"))  # type: ignore[arg-type]
    assert got == oracle_lines(data, "utf-16")


async def test_aiter_lines_keeps_a_lone_cr_inside_a_line() -> None:
    # splitlines() would split at the lone \r; a line here ends only at \n or \r\n.
    assert await collect(aiter_lines(agen([b"a\rb\n", b"c"]))) == ["a\rb", "c"]  # type: ignore[arg-type]


async def test_aiter_lines_rejects_bad_bytes_and_truncated_characters() -> None:
    with pytest.raises(ValidationError, match="not valid utf-8"):
        await collect(aiter_lines(agen([b"ok\n", b"\xff\n"])))  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="not valid utf-8"):
        await collect(aiter_lines(agen(["é".encode()[:1]])))  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="unknown encoding"):
        aiter_lines(agen([]), "no-such-codec")  # type: ignore[arg-type]


# -- CSV ---------------------------------------------------------------------------------------------

ROWS: list[list[object]] = [
    ["plain", 1, 2.5],
    ["comma, inside", 'quote " inside', "new\nline"],
    ["", None, "é€😀"],
    ["crlf\r\nin value", " spaced ", "x"],
]


def oracle_csv(rows: list[list[object]], header: list[str] | None) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode()


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 7, 16, 1000])
@pytest.mark.parametrize("header", [None, ["a", "b", "c"]])
async def test_aiter_csv_bytes_equal_the_csv_module_and_chunks_are_bounded(
    chunk_size: int, header: list[str] | None
) -> None:
    chunks = await collect(aiter_csv(agen(ROWS), header, chunk_size=chunk_size))  # type: ignore[arg-type]
    expected = oracle_csv(ROWS, header)
    assert b"".join(chunks) == expected  # type: ignore[arg-type]
    assert all(len(c) == chunk_size for c in chunks[:-1])  # type: ignore[arg-type]
    assert 0 < len(chunks[-1]) <= chunk_size  # type: ignore[arg-type]
    parsed = list(csv.reader(io.StringIO(b"".join(chunks).decode(), newline="")))  # type: ignore[arg-type]
    assert parsed[1 if header else 0][0] == "plain"


async def test_awrite_csv_into_a_sink_and_back_through_aiter_lines_at_every_chunk_size() -> None:
    rows = [[f"r{i}", "é" * (i % 3), i] for i in range(20)]
    expected = oracle_csv(rows, ["id", "accent", "n"])  # type: ignore[arg-type]
    for chunk_size in range(1, 40):
        sent: list[bytes] = []

        async def sink(chunk: bytes) -> None:
            sent.append(chunk)  # noqa: B023

        assert await awrite_csv(rows, sink, ["id", "accent", "n"], chunk_size=chunk_size) == 20  # type: ignore[arg-type]
        assert b"".join(sent) == expected
        lines = await collect(aiter_lines(agen(sent)))  # type: ignore[arg-type]
        assert lines == expected.decode().splitlines()


async def test_mapping_rows_follow_the_header() -> None:
    sent: list[bytes] = []

    async def sink(chunk: bytes) -> None:
        sent.append(chunk)

    async with CsvWriter(sink, ["id", "name"]) as writer:
        await writer.write_rows(agen([{"name": "Ann", "id": 1}, {"id": 2}]))  # type: ignore[arg-type]
    buf = io.StringIO()
    dict_writer = csv.DictWriter(buf, ["id", "name"])
    dict_writer.writeheader()
    dict_writer.writerows([{"name": "Ann", "id": 1}, {"id": 2}])
    assert b"".join(sent).decode() == buf.getvalue()


async def test_bad_rows_raise_before_anything_of_them_is_sent() -> None:
    sent: list[bytes] = []

    async def sink(chunk: bytes) -> None:
        sent.append(chunk)

    writer = CsvWriter(sink, ["id"], chunk_size=1)
    with pytest.raises(ValidationError, match="outside the header"):
        await writer.write_row({"id": 1, "secret": "x"})
    with pytest.raises(ValidationError, match="sequence or a mapping"):
        await writer.write_row("abc")
    with pytest.raises(ValidationError, match="needs a header"):
        await CsvWriter(sink).write_row({"id": 1})
    with pytest.raises(ValidationError, match="chunk_size"):
        CsvWriter(sink, chunk_size=0)
    with pytest.raises(ValidationError, match="cannot be encoded"):
        await CsvWriter(sink, encoding="ascii").write_row(["é"])
    await writer.aclose()
    assert b"".join(sent) == b"id\r\n"


async def test_header_alone_when_no_rows() -> None:
    assert b"".join(await collect(aiter_csv([], ["a", "b"]))) == b"a,b\r\n"  # type: ignore[arg-type]
    assert await collect(aiter_csv([])) == []
