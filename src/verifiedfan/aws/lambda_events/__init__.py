"""The Lambda side of SQS, SNS, Kinesis and DynamoDB streams (legacy ``selectors``, test-utils builders).

* **Selectors** read a handler's event into typed records: :func:`sqs_records`, :func:`sns_records`,
  :func:`kinesis_records` (base64 data, ``.json()``), :func:`dynamodb_stream_records` (DynamoDB JSON
  unmarshalled), or :func:`records` for any of them.
* **Batch processing**: :class:`BatchProcessor` (async) / :class:`SyncBatchProcessor` runs a handler on
  each record in its own correlation scope and answers Lambda's partial failure shape
  ``{"batchItemFailures": [{"itemIdentifier": ...}]}``, so one bad record does not replay the batch.
* **Builders** for tests produce the events the selectors read: ``make_sqs_event``, ``make_sns_event``,
  ``make_kinesis_event``, ``make_dynamodb_stream_event``, and from what a real queue or stream answered,
  ``sqs_event_from_messages`` and ``kinesis_event_from_records``.

A handler (sync runtimes call it as is)::

    processor = SyncBatchProcessor()

    def handler(event, context):
        return processor(event, lambda record: save(record.json()))
"""

from verifiedfan.aws.lambda_events._async import BatchProcessor, RecordHandler
from verifiedfan.aws.lambda_events._batch_core import ProcessedBatch, RecordFailure
from verifiedfan.aws.lambda_events._builders import (
    kinesis_event_from_records,
    make_dynamodb_stream_event,
    make_kinesis_event,
    make_sns_event,
    make_sqs_event,
    sqs_event_from_messages,
)
from verifiedfan.aws.lambda_events._records import (
    CORRELATION_FIELDS,
    DynamoDBStreamRecord,
    EventSource,
    InvalidRecordError,
    KinesisRecord,
    LambdaRecord,
    SnsRecord,
    SqsRecord,
    dynamodb_stream_records,
    event_source,
    kinesis_records,
    records,
    sns_records,
    sqs_records,
)
from verifiedfan.aws.lambda_events._sync import SyncBatchProcessor, SyncRecordHandler

__all__ = [
    "CORRELATION_FIELDS",
    "BatchProcessor",
    "DynamoDBStreamRecord",
    "EventSource",
    "InvalidRecordError",
    "KinesisRecord",
    "LambdaRecord",
    "ProcessedBatch",
    "RecordFailure",
    "RecordHandler",
    "SnsRecord",
    "SqsRecord",
    "SyncBatchProcessor",
    "SyncRecordHandler",
    "dynamodb_stream_records",
    "event_source",
    "kinesis_event_from_records",
    "kinesis_records",
    "make_dynamodb_stream_event",
    "make_kinesis_event",
    "make_sns_event",
    "make_sqs_event",
    "records",
    "sns_records",
    "sqs_event_from_messages",
    "sqs_records",
]
