"""What every batch sender (SQS, SNS, Kinesis, Firehose) shares: typed results, chunking, entry errors.

A batch call of these APIs answers 200 even when some entries failed (anchors-2 §1.5): each helper
resends the failed entries that the service marks as retryable, with full-jitter backoff, and returns
a :class:`BatchResult` whose ``failed`` lists what is still not sent, each with its typed error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from verifiedfan.aws._errors import AwsBatchError, AwsError, from_error_response

__all__ = ["BatchResult", "EntryFailure", "Sent"]


@dataclass(frozen=True, slots=True)
class Sent:
    """One entry the service accepted.

    ``index`` is its position in the input; ``id`` the service's id of it (SQS/SNS ``MessageId``,
    Firehose ``RecordId``, Kinesis the record's sequence number); ``sequence_number`` the FIFO (or
    Kinesis) sequence number; ``shard_id`` the Kinesis shard it went to.
    """

    index: int
    id: str
    sequence_number: str | None = None
    shard_id: str | None = None


@dataclass(frozen=True, slots=True)
class EntryFailure:
    """One entry that was not sent, after the retries it was allowed.

    ``entry`` is the input as given (message, record); ``code``/``message`` the service's reason;
    ``sender_fault`` true when the service blamed the entry itself (never resent); ``error`` the typed
    error for it (an :class:`AwsError` subclass chosen by ``code``, as for a failed call).
    """

    index: int
    entry: Any
    code: str
    message: str
    sender_fault: bool
    error: AwsError = field(compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class BatchResult:
    """What a batch send did: every input entry is in exactly one of ``sent`` and ``failed``.

    ``calls`` counts the API calls, ``resent`` the entries sent again after a partial failure or a
    throttled call. :meth:`raise_for_failures` turns leftover failures into an :class:`AwsBatchError`.
    """

    sent: tuple[Sent, ...]
    failed: tuple[EntryFailure, ...]
    calls: int
    resent: int

    @property
    def ok(self) -> bool:
        """True when every entry was sent."""
        return not self.failed

    def raise_for_failures(self) -> BatchResult:
        """``self`` when every entry was sent, else :class:`AwsBatchError` with the failed entries."""
        if self.failed:
            first = self.failed[0]
            raise AwsBatchError(
                f"{len(self.failed)} of {len(self.sent) + len(self.failed)} entries not sent "
                f"(first: {first.code}: {first.message})",
                unprocessed=[failure.entry for failure in self.failed],
                code=first.code,
                service=first.error.service,
                operation=first.error.operation,
            )
        return self


@dataclass(frozen=True, slots=True)
class Failed:
    """A failed entry as one call reported it (internal, before it becomes an :class:`EntryFailure`)."""

    index: int
    code: str
    message: str
    sender_fault: bool
    error: AwsError | None = None


def entry_error(code: str, message: str, *, service: str, operation: str) -> AwsError:
    """The typed error of one failed batch entry (same classes as a failed call with that code)."""
    return from_error_response(
        {"Error": {"Code": code, "Message": message}}, service=service, operation=operation
    )


def chunked(
    sizes: Sequence[int], indexes: Sequence[int], *, max_count: int, max_bytes: int
) -> list[list[int]]:
    """``indexes`` cut into calls of at most ``max_count`` entries and ``max_bytes`` (by ``sizes``).

    Every single size must already be checked to fit ``max_bytes``."""
    out: list[list[int]] = []
    current: list[int] = []
    total = 0
    for index in indexes:
        size = sizes[index]
        if current and (len(current) == max_count or total + size > max_bytes):
            out.append(current)
            current, total = [], 0
        current.append(index)
        total += size
    if current:
        out.append(current)
    return out


def result(
    entries: Sequence[Any],
    sent: list[Sent],
    failed: list[Failed],
    *,
    calls: int,
    resent: int,
    service: str,
    operation: str,
) -> BatchResult:
    """The :class:`BatchResult`, in input order, with the typed error of each failure."""
    failures = tuple(
        EntryFailure(
            index=f.index,
            entry=entries[f.index],
            code=f.code,
            message=f.message,
            sender_fault=f.sender_fault,
            error=f.error or entry_error(f.code, f.message, service=service, operation=operation),
        )
        for f in sorted(failed, key=lambda f: f.index)
    )
    return BatchResult(
        sent=tuple(sorted(sent, key=lambda s: s.index)), failed=failures, calls=calls, resent=resent
    )
