"""``Kinesis``: one data stream (successor of ``@verifiedfan/aws`` Kinesis): describe, shards, put."""

from __future__ import annotations

import logging
import random
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from typing import TYPE_CHECKING, Any

from verifiedfan._primitives import async_sleep
from verifiedfan.aws._async.batching import BatchSender, Outcome
from verifiedfan.aws._async.clients import AwsClients, AwsService
from verifiedfan.aws._batch_core import BatchResult, Failed, Sent, chunked, result
from verifiedfan.aws._concurrency import async_map_bounded
from verifiedfan.aws._errors import AwsError, AwsThrottledError
from verifiedfan.aws._limits import KINESIS_MAX_BATCH_BYTES, KINESIS_MAX_RECORD_BYTES, KINESIS_MAX_RECORDS
from verifiedfan.aws._s3_core import translating
from verifiedfan.aws._stream_core import (
    KinesisRecord,
    Shard,
    StreamDescription,
    check_partition_key,
    description,
    encode_data,
    is_retryable,
    shard,
    stream_args,
)

if TYPE_CHECKING:
    from verifiedfan.aws._settings import AwsSettings

__all__ = ["Kinesis"]

logger = logging.getLogger(__name__)


class Kinesis(AwsService):
    """One Kinesis data stream, by name or ARN.

    :meth:`put_many` sends ``KINESIS_MAX_RECORDS`` (500) records and at most 5 MiB a call,
    ``concurrency`` calls at once, and resends the records a 200 answer marks failed
    (``FailedRecordCount``) with full-jitter backoff, at most ``max_attempts`` times each. With
    ``ordered=True`` (the default) the records of one partition key reach the stream in the order
    given, even across resends: a call carries at most one record per key, the next one only after
    it was accepted. ``ordered=False`` packs calls full instead (fastest with few keys; a resent
    record then lands after the later records of its key that succeeded first).
    """

    def __init__(
        self,
        stream: str,
        *,
        clients: AwsClients | None = None,
        settings: AwsSettings | None = None,
        concurrency: int | None = None,
        max_attempts: int = 8,
        backoff_base: float = 0.05,
        backoff_cap: float = 20.0,
        sleep: Callable[[float], Awaitable[object]] = async_sleep,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self._stream = stream_args(stream)
        self.stream = stream
        super().__init__(clients=clients, settings=settings)
        self._sender = BatchSender(
            concurrency=concurrency or self._clients.batch_concurrency,
            max_attempts=max_attempts,
            backoff_base=backoff_base,
            backoff_cap=backoff_cap,
            sleeper=sleep,
            rand=rand,
            what="kinesis.PutRecords",
        )

    @classmethod
    def from_settings(cls, stream: str, settings: AwsSettings, **kwargs: Any) -> Kinesis:
        """A ``Kinesis`` with its own clients built from ``settings``."""
        return cls(stream, settings=settings, **kwargs)

    async def _kinesis(self) -> Any:
        return await self._clients.client("kinesis")

    async def describe(self) -> StreamDescription:
        """The stream's status, mode, open shard count and retention."""
        kinesis = await self._kinesis()
        with translating("kinesis", "DescribeStreamSummary"):
            answer = await kinesis.describe_stream_summary(**self._stream)
        return description(answer)

    async def is_on_demand(self) -> bool:
        """True when the stream is in on-demand capacity mode."""
        return (await self.describe()).mode == "ON_DEMAND"

    async def list_shards(self) -> list[Shard]:
        """Every shard of the stream, open and closed, all pages."""
        kinesis = await self._kinesis()
        shards: list[Shard] = []
        args: dict[str, Any] = dict(self._stream)
        while True:
            with translating("kinesis", "ListShards"):
                answer = await kinesis.list_shards(**args)
            shards.extend(shard(raw) for raw in answer.get("Shards", []))
            token = answer.get("NextToken")
            if not token:
                return shards
            args = {"NextToken": token}

    async def put(self, data: Any, partition_key: str, *, explicit_hash_key: str | None = None) -> Sent:
        """Put one record; ``Sent.id`` and ``sequence_number`` are its sequence number."""
        args: dict[str, Any] = {
            **self._stream,
            "Data": self._data(KinesisRecord(data, partition_key), "put"),
            "PartitionKey": check_partition_key(partition_key, "put"),
        }
        if explicit_hash_key is not None:
            args["ExplicitHashKey"] = explicit_hash_key
        kinesis = await self._kinesis()
        with translating("kinesis", "PutRecord"):
            answer = await kinesis.put_record(**args)
        return Sent(0, answer["SequenceNumber"], answer["SequenceNumber"], answer["ShardId"])

    @staticmethod
    def _data(record: KinesisRecord, what: str) -> bytes:
        key_size = len(check_partition_key(record.partition_key, what).encode("utf-8"))
        return encode_data(record.data, what, max_bytes=KINESIS_MAX_RECORD_BYTES - key_size)

    async def put_many(
        self, records: Iterable[KinesisRecord | tuple[Any, str]], *, ordered: bool = True
    ) -> BatchResult:
        """Put every record (a tuple is ``(data, partition_key)``); each one is sent or failed.

        Every record is checked before the first call. A record still failing after ``max_attempts``
        is in ``failed``; with ``ordered=True`` the later records of its key are then not sent
        (``failed`` too, code ``PrecedingRecordFailed``), so a consumer never sees them out of order."""
        entries = [r if isinstance(r, KinesisRecord) else KinesisRecord(*r) for r in records]
        wire: list[dict[str, Any]] = []
        for i, record in enumerate(entries):
            entry: dict[str, Any] = {
                "Data": self._data(record, f"records[{i}]"),
                "PartitionKey": record.partition_key,
            }
            if record.explicit_hash_key is not None:
                entry["ExplicitHashKey"] = record.explicit_hash_key
            wire.append(entry)
        sizes = [len(e["Data"]) + len(e["PartitionKey"].encode("utf-8")) for e in wire]
        kinesis: Any = await self._kinesis() if wire else None

        async def call(indexes: list[int]) -> Outcome:
            with translating("kinesis", "PutRecords"):
                answer = await kinesis.put_records(Records=[wire[i] for i in indexes], **self._stream)
            sent, failed = [], []
            for i, out in zip(indexes, answer.get("Records", []), strict=True):
                code = out.get("ErrorCode")
                if code:
                    failed.append(Failed(i, code, out.get("ErrorMessage", ""), not is_retryable(code)))
                else:
                    sent.append(Sent(i, out["SequenceNumber"], out["SequenceNumber"], out.get("ShardId")))
            return sent, failed

        if not ordered:
            chunks = chunked(
                sizes, range(len(wire)), max_count=KINESIS_MAX_RECORDS, max_bytes=KINESIS_MAX_BATCH_BYTES
            )
            ok, bad, calls, resent = await self._sender.run(chunks, call)
        else:
            ok, bad, calls, resent = await self._ordered(entries, sizes, call)
        return result(entries, ok, bad, calls=calls, resent=resent, service="kinesis", operation="PutRecords")

    async def _ordered(
        self, entries: list[KinesisRecord], sizes: list[int], call: Callable[[list[int]], Awaitable[Outcome]]
    ) -> tuple[list[Sent], list[Failed], int, int]:
        """Rounds of calls holding the first unsent record of every key, until every key is done."""
        queues: dict[str, deque[int]] = {}
        for i, record in enumerate(entries):
            queues.setdefault(record.partition_key, deque()).append(i)
        attempts = [0] * len(entries)
        sent: list[Sent] = []
        failed: list[Failed] = []
        calls = resent = streak = 0

        async def guarded(indexes: list[int]) -> Outcome:
            try:
                return await call(indexes)
            except AwsThrottledError as exc:
                return [], [Failed(i, exc.code or "Throttling", str(exc), False, exc) for i in indexes]
            except AwsError as exc:
                return [], [Failed(i, exc.code or type(exc).__name__, str(exc), False, exc) for i in indexes]

        while queues:
            heads = sorted(q[0] for q in queues.values())
            chunks = chunked(sizes, heads, max_count=KINESIS_MAX_RECORDS, max_bytes=KINESIS_MAX_BATCH_BYTES)
            calls += len(chunks)
            outcomes = await async_map_bounded(guarded, chunks, self._sender.concurrency)
            retrying = 0
            for ok, bad in outcomes:
                for s in ok:
                    sent.append(s)
                    queues[entries[s.index].partition_key].popleft()
                for f in bad:
                    attempts[f.index] += 1
                    key = entries[f.index].partition_key
                    call_failed = f.error is not None and not isinstance(f.error, AwsThrottledError)
                    if f.sender_fault or call_failed or attempts[f.index] >= self._sender.max_attempts:
                        failed.append(f)
                        blocked = list(queues.pop(key))[1:]
                        failed.extend(
                            Failed(j, "PrecedingRecordFailed", f"record {f.index} of key failed", False)
                            for j in blocked
                        )
                    else:
                        retrying += 1
            queues = {k: q for k, q in queues.items() if q}
            if retrying:
                logger.info("kinesis.PutRecords: %d records failed, resending", retrying)
                resent += retrying
                await self._sender.pause(streak)
                streak += 1
            else:
                streak = 0
        return sent, failed, calls, resent
