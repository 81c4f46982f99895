"""The AWS APIs' batch and size limits (the original's ``MAX_BATCH_SIZE``), as public constants."""

from __future__ import annotations

from types import MappingProxyType

__all__ = [
    "CLOUDWATCH_MAX_BYTES_PER_CALL",
    "CLOUDWATCH_MAX_METRICS_PER_CALL",
    "DYNAMODB_READ",
    "DYNAMODB_WRITE",
    "FIREHOSE",
    "MAX_BATCH_SIZE",
    "S3_DELETE",
    "S3_MAX_PARTS",
    "S3_MIN_PART_SIZE",
    "S3_PRESIGN_MAX_SECONDS",
]

DYNAMODB_WRITE = 25  # BatchWriteItem: items per call
DYNAMODB_READ = 100  # BatchGetItem: keys per call
S3_DELETE = 1000  # DeleteObjects: keys per call
S3_MIN_PART_SIZE = 5 * 1024 * 1024  # multipart upload: every part but the last
S3_MAX_PARTS = 10_000  # multipart upload: parts per upload
S3_PRESIGN_MAX_SECONDS = 7 * 24 * 3600  # SigV4 presigned URLs live at most 7 days
CLOUDWATCH_MAX_METRICS_PER_CALL = 1000  # PutMetricData, since 2023 (was 20)
CLOUDWATCH_MAX_BYTES_PER_CALL = 1_000_000  # PutMetricData request size, since 2023 (was 40 KB)

#: The original's ``MAX_BATCH_SIZE`` table, same keys.
MAX_BATCH_SIZE = MappingProxyType(
    {
        "KINESIS_WRITE": 500,
        "KINESIS_ON_DEMAND_SHARD_COUNT": 12,
        "DYNAMODB_WRITE": DYNAMODB_WRITE,
        "DYNAMODB_READ": DYNAMODB_READ,
        "S3_DELETE": S3_DELETE,
        "SQS": 10,
        "SNS": 10,
    }
)
#: The original's ``FIREHOSE`` table.
FIREHOSE = MappingProxyType({"RECORDS_PER_SECOND": 5000, "MAX_BATCH_PUT": 500})
