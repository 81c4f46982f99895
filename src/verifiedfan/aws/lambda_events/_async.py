"""``BatchProcessor``: run a handler on each record of a Lambda batch and report partial failures.

Lambda's answer for batches of SQS queues, Kinesis and DynamoDB streams (with ``ReportBatchItemFailures`` on
the event source mapping) is ``{"batchItemFailures": [{"itemIdentifier": id}]}``: the message id for
a queue, the sequence number for a stream. Only those records come back; the rest of the batch is done.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from verifiedfan.aws.lambda_events._batch_core import ProcessedBatch, RecordFailure, plan
from verifiedfan.aws.lambda_events._records import EventSource, LambdaRecord
from verifiedfan.correlation import correlation_scope

__all__ = ["BatchProcessor", "RecordHandler"]

logger = logging.getLogger(__name__)

#: What the processor calls for each record; what it returns is kept in ``ProcessedBatch.results``.
RecordHandler = Callable[[LambdaRecord], Awaitable[Any]]


class BatchProcessor:
    """Process a Lambda batch one record at a time, each in its own correlation scope.

    * **SQS (standard)**: every record is processed; those whose handler raised are reported.
    * **SQS FIFO**: after the first failure the remaining records are not processed and are reported
      too, so a message group never goes out of order.
    * **Kinesis and DynamoDB streams**: processing stops at the first failure and its sequence number is
      reported; Lambda checkpoints before it and resends from it, so no record is processed twice by
      this processor and none is skipped.
    * **SNS** (one record per invocation, no partial answer): a failure is raised again, so Lambda's
      asynchronous retries and on-failure destination take over.

    The correlation id of each scope is the record's (``x-correlation-id`` message attribute, or a
    ``correlationId`` field of its JSON payload), else a new one. ``source=`` pins the expected event
    source; without it the source is read from the event.
    """

    def __init__(self, *, source: EventSource | None = None) -> None:
        self.source = source

    async def process(self, event: Mapping[str, Any], handler: RecordHandler) -> ProcessedBatch:
        """Run ``handler`` on the records of ``event``; the typed outcome (``.response()`` for Lambda)."""
        source, records, stop_after_failure = plan(event, self.source)
        result = ProcessedBatch(source=source, total=len(records))
        for index, record in enumerate(records):
            with correlation_scope(record.correlation_id):
                try:
                    result.results.append(await handler(record))
                except Exception as exc:
                    logger.warning(
                        "%s record %s failed: %s", source, record.item_identifier, type(exc).__name__
                    )
                    result.failures.append(RecordFailure(record=record, error=exc))
                    if source == "sns":
                        raise
                    if stop_after_failure:
                        result.skipped.extend(records[index + 1 :])
                        break
                else:
                    result.succeeded.append(record)
        return result

    async def __call__(self, event: Mapping[str, Any], handler: RecordHandler) -> dict[str, Any]:
        """``process`` then the answer Lambda expects (``{"batchItemFailures": [...]}``)."""
        result = await self.process(event, handler)
        return result.response()
