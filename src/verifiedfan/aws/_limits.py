"""The AWS APIs' batch and size limits (the original's ``MAX_BATCH_SIZE``), as public constants."""

from __future__ import annotations

from types import MappingProxyType

__all__ = [
    "CLOUDWATCH_MAX_BYTES_PER_CALL",
    "CLOUDWATCH_MAX_METRICS_PER_CALL",
    "DYNAMODB_READ",
    "DYNAMODB_WRITE",
    "FIREHOSE",
    "FIREHOSE_MAX_BATCH_BYTES",
    "FIREHOSE_MAX_RECORDS",
    "FIREHOSE_MAX_RECORD_BYTES",
    "FIREHOSE_RECORDS_PER_SECOND",
    "KINESIS_MAX_BATCH_BYTES",
    "KINESIS_MAX_RECORDS",
    "KINESIS_MAX_RECORD_BYTES",
    "MAX_BATCH_SIZE",
    "MESSAGE_MAX_ATTRIBUTES",
    "S3_DELETE",
    "S3_MAX_PARTS",
    "S3_MIN_PART_SIZE",
    "S3_PRESIGN_MAX_SECONDS",
    "SNS_MAX_BATCH",
    "SNS_MAX_BATCH_BYTES",
    "SQS_MAX_BATCH",
    "SQS_MAX_BATCH_BYTES",
    "SQS_MAX_DELAY_SECONDS",
]

DYNAMODB_WRITE = 25  # BatchWriteItem: items per call
DYNAMODB_READ = 100  # BatchGetItem: keys per call
S3_DELETE = 1000  # DeleteObjects: keys per call
S3_MIN_PART_SIZE = 5 * 1024 * 1024  # multipart upload: every part but the last
S3_MAX_PARTS = 10_000  # multipart upload: parts per upload
S3_PRESIGN_MAX_SECONDS = 7 * 24 * 3600  # SigV4 presigned URLs live at most 7 days
CLOUDWATCH_MAX_METRICS_PER_CALL = 1000  # PutMetricData, since 2023 (was 20)
CLOUDWATCH_MAX_BYTES_PER_CALL = 1_000_000  # PutMetricData request size, since 2023 (was 40 KB)
# Messaging and streams. SQS and SNS raised their message (and batch) size to 1 MiB in 2025, per queue
# (``MaximumMessageSize``) or topic; 256 KiB is the default everywhere and moto's limit, so it is ours:
# pass ``max_batch_bytes=`` to a client whose queue or topic was raised.
SQS_MAX_BATCH = 10  # SendMessageBatch / DeleteMessageBatch: entries per call
SQS_MAX_BATCH_BYTES = 256 * 1024  # SendMessageBatch: all bodies and attributes of one call
SQS_MAX_DELAY_SECONDS = 900  # SendMessage DelaySeconds: 0-900
SNS_MAX_BATCH = 10  # PublishBatch: entries per call
SNS_MAX_BATCH_BYTES = 256 * 1024  # PublishBatch: all messages and attributes of one call
MESSAGE_MAX_ATTRIBUTES = 10  # SQS and SNS: message attributes per message
KINESIS_MAX_RECORDS = 500  # PutRecords: records per call
KINESIS_MAX_BATCH_BYTES = 5 * 1024 * 1024  # PutRecords: data and partition keys of one call
KINESIS_MAX_RECORD_BYTES = 1024 * 1024  # one record: data and partition key
FIREHOSE_MAX_RECORDS = 500  # PutRecordBatch: records per call
FIREHOSE_MAX_BATCH_BYTES = 4 * 1024 * 1024  # PutRecordBatch: data of one call
FIREHOSE_MAX_RECORD_BYTES = 1000 * 1024  # one record, before base64
FIREHOSE_RECORDS_PER_SECOND = 5000  # a delivery stream's default quota (the original's pacing)

#: The original's ``MAX_BATCH_SIZE`` table, same keys.
MAX_BATCH_SIZE = MappingProxyType(
    {
        "KINESIS_WRITE": KINESIS_MAX_RECORDS,
        "KINESIS_ON_DEMAND_SHARD_COUNT": 12,
        "DYNAMODB_WRITE": DYNAMODB_WRITE,
        "DYNAMODB_READ": DYNAMODB_READ,
        "S3_DELETE": S3_DELETE,
        "SQS": SQS_MAX_BATCH,
        "SNS": SNS_MAX_BATCH,
    }
)
#: The original's ``FIREHOSE`` table.
FIREHOSE = MappingProxyType(
    {"RECORDS_PER_SECOND": FIREHOSE_RECORDS_PER_SECOND, "MAX_BATCH_PUT": FIREHOSE_MAX_RECORDS}
)
