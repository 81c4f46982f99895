"""What the async batch processor and its generated sync twin share: the plan and the typed result."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from verifiedfan.aws.lambda_events._records import (
    EventSource,
    InvalidRecordError,
    LambdaRecord,
    event_source,
    records,
)

__all__ = ["ProcessedBatch", "RecordFailure", "plan"]


@dataclass(frozen=True, slots=True)
class RecordFailure:
    """A record whose handler raised ``error``."""

    record: LambdaRecord
    error: BaseException


@dataclass(slots=True)
class ProcessedBatch:
    """The outcome of a batch: what succeeded, what failed, and what was not tried after a failure."""

    source: EventSource
    total: int
    succeeded: list[LambdaRecord] = field(default_factory=list)
    results: list[Any] = field(default_factory=list)  # the handler's answers, in the order of succeeded
    failures: list[RecordFailure] = field(default_factory=list)
    skipped: list[LambdaRecord] = field(default_factory=list)  # FIFO/stream records after a failure

    @property
    def failed_identifiers(self) -> list[str]:
        """The ids Lambda must resend.

        SQS: the failed messages, then (FIFO) the skipped ones after them, since SQS deletes every
        message not named. Streams: the failed record's sequence number alone; Lambda checkpoints
        before it and resends from it, skipped records included.
        """
        failed = [f.record.item_identifier for f in self.failures]
        if self.source in ("kinesis", "dynamodb"):
            return failed
        return failed + [r.item_identifier for r in self.skipped]

    def response(self) -> dict[str, Any]:
        """Lambda's partial batch answer: ``{"batchItemFailures": [{"itemIdentifier": id}, ...]}``."""
        return {"batchItemFailures": [{"itemIdentifier": item} for item in self.failed_identifiers]}


def plan(
    event: Mapping[str, Any], expected: EventSource | None
) -> tuple[EventSource, list[LambdaRecord], bool]:
    """The event's source, its records, and whether processing stops at the first failure."""
    if isinstance(event, Mapping) and event.get("Records") == []:
        return expected or "sqs", [], False
    source = event_source(event)
    if expected is not None and source != expected:
        raise InvalidRecordError(f"expected a {expected} event, got a {source} event")
    found = records(event)
    if source in ("kinesis", "dynamodb"):
        return source, found, True
    if source == "sqs":
        return source, found, any(getattr(r, "is_fifo", False) for r in found)
    return source, found, False
