# Generated from src/verifiedfan/aws/_async/firehose.py by scripts/unasync.py: do not edit.
# Change the async source, then run `python scripts/unasync.py`.
"""``Firehose``: one delivery stream (successor of ``@verifiedfan/aws`` Firehose): put, put paced batches."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from verifiedfan._primitives import sleep
from verifiedfan.aws._batch_core import BatchResult, Failed, Sent, chunked, result
from verifiedfan.aws._errors import AwsValidationError
from verifiedfan.aws._limits import (
    FIREHOSE_MAX_BATCH_BYTES,
    FIREHOSE_MAX_RECORD_BYTES,
    FIREHOSE_MAX_RECORDS,
    FIREHOSE_RECORDS_PER_SECOND,
)
from verifiedfan.aws._s3_core import translating
from verifiedfan.aws._stream_core import Pacer, encode_data, is_retryable
from verifiedfan.aws._sync.batching import BatchSender, Outcome
from verifiedfan.aws._sync.clients import SyncAwsClients, SyncAwsService

if TYPE_CHECKING:
    from verifiedfan.aws._settings import AwsSettings

__all__ = ["SyncFirehose"]

logger = logging.getLogger(__name__)


class SyncFirehose(SyncAwsService):
    """One Firehose delivery stream, by name. A record is ``bytes`` as they are, a ``str`` as UTF-8,
    any other value as compact JSON; nothing is appended (add the ``\\n`` your destination needs).

    :meth:`put_many` sends ``FIREHOSE_MAX_RECORDS`` (500) records and at most 4 MiB a call,
    ``concurrency`` calls at once, paced to ``records_per_second`` (the stream's quota, default
    ``FIREHOSE_RECORDS_PER_SECOND``; ``None``: unpaced) by a token bucket of one second's worth, and
    resends the records a 200 answer marks failed (``FailedPutCount``) with full-jitter backoff, at
    most ``max_attempts`` times each. Firehose keeps no order, and neither do resends.
    """

    def __init__(
        self,
        stream_name: str,
        *,
        clients: SyncAwsClients | None = None,
        settings: AwsSettings | None = None,
        concurrency: int | None = None,
        records_per_second: float | None = FIREHOSE_RECORDS_PER_SECOND,
        max_attempts: int = 8,
        backoff_base: float = 0.05,
        backoff_cap: float = 20.0,
        sleep: Callable[[float], object] = sleep,
        rand: Callable[[], float] = random.random,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not isinstance(stream_name, str) or not 1 <= len(stream_name) <= 64:
            raise AwsValidationError(f"stream_name must be 1-64 characters, got {stream_name!r}")
        self.stream_name = stream_name
        super().__init__(clients=clients, settings=settings)
        self._sender = BatchSender(
            concurrency=concurrency or self._clients.batch_concurrency,
            max_attempts=max_attempts,
            backoff_base=backoff_base,
            backoff_cap=backoff_cap,
            sleeper=sleep,
            rand=rand,
            what="firehose.PutRecordBatch",
        )
        self._pacer = Pacer(records_per_second, clock) if records_per_second is not None else None
        self._sleep = sleep

    @classmethod
    def from_settings(cls, stream_name: str, settings: AwsSettings, **kwargs: Any) -> SyncFirehose:
        """A ``Firehose`` with its own clients built from ``settings``."""
        return cls(stream_name, settings=settings, **kwargs)

    def _firehose(self) -> Any:
        return self._clients.client("firehose")

    def _pace(self, count: int) -> None:
        if self._pacer is not None:
            wait = self._pacer.reserve(count)
            if wait > 0:
                self._sleep(wait)

    def put(self, record: Any) -> Sent:
        """Put one record; ``Sent.id`` is its ``RecordId``."""
        data = encode_data(record, "put", max_bytes=FIREHOSE_MAX_RECORD_BYTES)
        firehose = self._firehose()
        self._pace(1)
        with translating("firehose", "PutRecord"):
            answer = firehose.put_record(DeliveryStreamName=self.stream_name, Record={"Data": data})
        return Sent(0, answer["RecordId"])

    def put_many(self, records: Iterable[Any]) -> BatchResult:
        """Put every record; each one is sent or failed (every record is checked before the first call)."""
        entries = list(records)
        data = [
            encode_data(r, f"records[{i}]", max_bytes=FIREHOSE_MAX_RECORD_BYTES)
            for i, r in enumerate(entries)
        ]
        sizes = [len(d) for d in data]
        chunks = chunked(
            sizes, range(len(data)), max_count=FIREHOSE_MAX_RECORDS, max_bytes=FIREHOSE_MAX_BATCH_BYTES
        )
        firehose: Any = self._firehose() if chunks else None

        def call(indexes: list[int]) -> Outcome:
            self._pace(len(indexes))
            with translating("firehose", "PutRecordBatch"):
                answer = firehose.put_record_batch(
                    DeliveryStreamName=self.stream_name, Records=[{"Data": data[i]} for i in indexes]
                )
            sent, failed = [], []
            for i, out in zip(indexes, answer.get("RequestResponses", []), strict=True):
                code = out.get("ErrorCode")
                if code:
                    failed.append(Failed(i, code, out.get("ErrorMessage", ""), not is_retryable(code)))
                else:
                    sent.append(Sent(i, out["RecordId"]))
            return sent, failed

        ok, bad, calls, resent = self._sender.run(chunks, call)
        return result(
            entries, ok, bad, calls=calls, resent=resent, service="firehose", operation="PutRecordBatch"
        )
