"""Async stream helpers of the export and import flows: batches and flatten over async iterators,
the lines of a byte stream, and CSV rows streamed into an async byte sink, all in bounded memory.

The originals were Node transform streams (``batch-transform-stream``, ``flatten-transform-stream``,
``reduce-lines-from-stream``, ``csv-write-stream``); here they are async generators.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from verifiedfan.errors import ValidationError

__all__ = [
    "DEFAULT_CSV_CHUNK_SIZE",
    "CsvWriter",
    "abatches",
    "aflatten",
    "aiter_csv",
    "aiter_lines",
    "awrite_csv",
]

T = TypeVar("T")

DEFAULT_CSV_CHUNK_SIZE = 64 * 1024
"""The size of the byte chunks :func:`aiter_csv` yields (the last one may be shorter)."""

Row = Sequence[object] | Mapping[str, object]


def _check_size(name: str, size: int) -> None:
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValidationError(f"{name} must be an integer >= 1, got {size!r}")


def _check_encoding(encoding: str) -> None:
    try:
        codecs.lookup(encoding)
    except (LookupError, TypeError) as exc:
        raise ValidationError(f"unknown encoding {encoding!r}") from exc


def abatches(items: AsyncIterable[T], size: int) -> AsyncIterator[list[T]]:
    """Lists of ``size`` items from ``items`` (the last one may be shorter); ``size`` checked at once."""
    _check_size("batch size", size)
    return _abatches(items, size)


async def _abatches(items: AsyncIterable[T], size: int) -> AsyncIterator[list[T]]:
    batch: list[T] = []
    async for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


async def aflatten(groups: AsyncIterable[Iterable[T] | AsyncIterable[T]]) -> AsyncIterator[T]:
    """The items of each group in turn; a group may be a plain or an async iterable."""
    async for group in groups:
        if isinstance(group, AsyncIterable):
            async for item in group:
                yield item
        else:
            for item in group:
                yield item


def aiter_lines(chunks: AsyncIterable[bytes], encoding: str = "utf-8") -> AsyncIterator[str]:
    """The lines of a byte stream, without their ``\\n`` or ``\\r\\n``, decoded incrementally.

    A character or a line split across chunks is reassembled; a final line without a newline is
    yielded; a lone ``\\r`` inside a line is data (only a final one at the end of the stream is dropped).
    Memory holds one chunk plus the current partial line. Bytes that do not decode raise
    :class:`~verifiedfan.errors.ValidationError`, as does an unknown ``encoding`` (at once).
    """
    _check_encoding(encoding)
    return _aiter_lines(chunks, encoding)


async def _aiter_lines(chunks: AsyncIterable[bytes], encoding: str) -> AsyncIterator[str]:
    decoder = codecs.getincrementaldecoder(encoding)()
    pending = ""
    final = False
    iterator = aiter(chunks)
    while not final:
        try:
            chunk = await anext(iterator)
        except StopAsyncIteration:
            chunk, final = b"", True
        try:
            text = decoder.decode(chunk, final)
        except UnicodeDecodeError as exc:
            raise ValidationError(f"the stream is not valid {encoding}: {exc.reason}") from exc
        if "\n" not in text:
            pending += text
            continue
        lines = (pending + text).split("\n")
        pending = lines.pop()
        if "\r" in text or lines[0].endswith("\r"):
            for line in lines:
                yield line[:-1] if line.endswith("\r") else line
        else:
            for line in lines:
                yield line
    if pending.endswith("\r"):
        pending = pending[:-1]
    if pending:
        yield pending


class CsvWriter:
    """Write CSV rows into an async byte sink (``await sink(chunk)``) in chunks of ``chunk_size`` bytes.

    Rows are sequences, or mappings when ``header`` names the columns (a key outside ``header`` raises
    :class:`~verifiedfan.errors.ValidationError`, missing keys are empty). ``header`` is written first.
    Dialect ``excel`` (RFC 4180: ``\\r\\n``, minimal quoting). Memory holds one chunk plus one row.
    Call :meth:`aclose` (or use ``async with``) to send the last chunk.
    """

    def __init__(
        self,
        sink: Callable[[bytes], Awaitable[Any]],
        header: Sequence[str] | None = None,
        *,
        chunk_size: int = DEFAULT_CSV_CHUNK_SIZE,
        encoding: str = "utf-8",
    ) -> None:
        if not callable(sink):
            raise ValidationError(f"sink must be an async callable, got {type(sink).__name__}")
        _check_size("chunk_size", chunk_size)
        _check_encoding(encoding)
        if isinstance(header, str | bytes):
            raise ValidationError("header must be a sequence of column names, not a string")
        self._sink = sink
        self._chunk_size = chunk_size
        self._encoding = encoding
        self._text = io.StringIO()
        self._writer = csv.writer(self._text)
        self._header = list(header) if header is not None else None
        self._pending = bytearray()
        self.rows_written = 0
        if self._header is not None:
            self._writer.writerow(self._header)

    def _encode_row(self, row: Row) -> None:
        if isinstance(row, Mapping):
            if self._header is None:
                raise ValidationError("a mapping row needs a header naming the columns")
            extra = [k for k in row if k not in self._header]
            if extra:
                raise ValidationError(f"row has keys outside the header: {sorted(map(str, extra))}")
            values: Sequence[object] = [row.get(name, "") for name in self._header]
        elif isinstance(row, str | bytes) or not isinstance(row, Sequence):
            raise ValidationError(f"a row must be a sequence or a mapping, got {type(row).__name__}")
        else:
            values = row
        try:
            self._writer.writerow(values)
        except csv.Error as exc:
            raise ValidationError(f"row cannot be written as CSV: {exc}") from exc
        self.rows_written += 1

    def _take_text(self) -> None:
        text = self._text.getvalue()
        if text:
            self._text.seek(0)
            self._text.truncate()
            try:
                self._pending += text.encode(self._encoding)
            except UnicodeEncodeError as exc:
                raise ValidationError(f"a value cannot be encoded as {self._encoding}: {exc.reason}") from exc

    def _full_chunks(self) -> Iterable[bytes]:
        size = self._chunk_size
        while len(self._pending) >= size:
            chunk = bytes(self._pending[:size])
            del self._pending[:size]
            yield chunk

    async def write_row(self, row: Row) -> None:
        """Add one row; send every full chunk to the sink."""
        self._encode_row(row)
        self._take_text()  # per row, so a value the encoding cannot hold fails on its own row
        for chunk in self._full_chunks():
            await self._sink(chunk)

    async def write_rows(self, rows: Iterable[Row] | AsyncIterable[Row]) -> None:
        """Add every row of a plain or async iterable."""
        if isinstance(rows, AsyncIterable):
            async for row in rows:
                await self.write_row(row)
        else:
            for row in rows:
                await self.write_row(row)

    async def aclose(self) -> None:
        """Send what remains (the header alone when no row was written)."""
        self._take_text()
        for chunk in self._full_chunks():
            await self._sink(chunk)
        if self._pending:
            chunk = bytes(self._pending)
            self._pending.clear()
            await self._sink(chunk)

    async def __aenter__(self) -> CsvWriter:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if exc_info[0] is None:
            await self.aclose()


async def awrite_csv(
    rows: Iterable[Row] | AsyncIterable[Row],
    sink: Callable[[bytes], Awaitable[Any]],
    header: Sequence[str] | None = None,
    *,
    chunk_size: int = DEFAULT_CSV_CHUNK_SIZE,
    encoding: str = "utf-8",
) -> int:
    """Stream ``rows`` as CSV into ``sink`` (see :class:`CsvWriter`); the number of rows written."""
    writer = CsvWriter(sink, header, chunk_size=chunk_size, encoding=encoding)
    async with writer:
        await writer.write_rows(rows)
    return writer.rows_written


def aiter_csv(
    rows: Iterable[Row] | AsyncIterable[Row],
    header: Sequence[str] | None = None,
    *,
    chunk_size: int = DEFAULT_CSV_CHUNK_SIZE,
    encoding: str = "utf-8",
) -> AsyncIterator[bytes]:
    """The CSV of ``rows`` as byte chunks of ``chunk_size`` (the last one shorter), produced on demand.

    For APIs that pull an async iterator of bytes, e.g. ``S3.upload_from_stream(key, aiter_csv(...))``.
    Arguments are checked at once.
    """
    chunks: list[bytes] = []

    async def collect(chunk: bytes) -> None:
        chunks.append(chunk)

    writer = CsvWriter(collect, header, chunk_size=chunk_size, encoding=encoding)
    return _aiter_csv(writer, rows, chunks)


async def _aiter_csv(
    writer: CsvWriter, rows: Iterable[Row] | AsyncIterable[Row], chunks: list[bytes]
) -> AsyncIterator[bytes]:
    async def drain() -> AsyncIterator[bytes]:
        while chunks:
            yield chunks.pop(0)

    if isinstance(rows, AsyncIterable):
        async for row in rows:
            await writer.write_row(row)
            async for chunk in drain():
                yield chunk
    else:
        for row in rows:
            await writer.write_row(row)
            async for chunk in drain():
                yield chunk
    await writer.aclose()
    async for chunk in drain():
        yield chunk
