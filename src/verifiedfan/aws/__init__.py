"""AWS clients on aiobotocore (successor of the ``@verifiedfan/aws`` family). Extra ``aws``.

:class:`AwsSettings` (``VF_AWS_*``) configures :class:`AwsClients`, the factory of one long-lived
aiobotocore client per service that every class here takes as ``clients=``. Errors are the
:class:`AwsError` family (botocore's exceptions translated and chained). The batch limits of the APIs
are public constants.

aiobotocore is imported when a client is first created, not when this package is imported.
"""

from verifiedfan.aws._async.athena import Athena
from verifiedfan.aws._async.clients import AwsClients
from verifiedfan.aws._async.cloudwatch import CloudWatch
from verifiedfan.aws._async.dynamodb import DynamoDB
from verifiedfan.aws._async.firehose import Firehose
from verifiedfan.aws._async.kinesis import Kinesis
from verifiedfan.aws._async.lambda_ import Lambda
from verifiedfan.aws._async.s3 import S3
from verifiedfan.aws._async.secrets import SecretsManager
from verifiedfan.aws._async.sns import SNS
from verifiedfan.aws._async.sqs import SQS
from verifiedfan.aws._async.stepfunctions import StepFunctions
from verifiedfan.aws._athena_core import (
    ATHENA_MAX_PAGE,
    AthenaColumn,
    AthenaQueryCancelledError,
    AthenaQueryError,
    AthenaResult,
    QueryExecution,
)
from verifiedfan.aws._batch_core import BatchResult, EntryFailure, Sent
from verifiedfan.aws._ddb_core import BatchWriteResult, QueryPage, ReturnValues, Update, UpdateFailure
from verifiedfan.aws._errors import (
    AwsAccessDeniedError,
    AwsBatchError,
    AwsConnectionError,
    AwsCredentialsError,
    AwsError,
    AwsNotFoundError,
    AwsThrottledError,
    AwsTimeoutError,
    AwsValidationError,
    ConditionalCheckFailedError,
    translate,
)
from verifiedfan.aws._instrument import INSTRUMENTED_OPERATIONS
from verifiedfan.aws._lambda_core import (
    LAMBDA_EVENT_PAYLOAD_MAX,
    LAMBDA_SYNC_PAYLOAD_MAX,
    InvocationType,
    InvokeResult,
    LambdaFunctionError,
)
from verifiedfan.aws._limits import (
    CLOUDWATCH_MAX_BYTES_PER_CALL,
    CLOUDWATCH_MAX_METRICS_PER_CALL,
    DYNAMODB_READ,
    DYNAMODB_WRITE,
    FIREHOSE,
    FIREHOSE_MAX_BATCH_BYTES,
    FIREHOSE_MAX_RECORD_BYTES,
    FIREHOSE_MAX_RECORDS,
    FIREHOSE_RECORDS_PER_SECOND,
    KINESIS_MAX_BATCH_BYTES,
    KINESIS_MAX_RECORD_BYTES,
    KINESIS_MAX_RECORDS,
    MAX_BATCH_SIZE,
    MESSAGE_MAX_ATTRIBUTES,
    S3_DELETE,
    S3_MAX_PARTS,
    S3_MIN_PART_SIZE,
    S3_PRESIGN_MAX_SECONDS,
    SNS_MAX_BATCH,
    SNS_MAX_BATCH_BYTES,
    SQS_MAX_BATCH,
    SQS_MAX_BATCH_BYTES,
    SQS_MAX_DELAY_SECONDS,
)
from verifiedfan.aws._msg_core import (
    AttributeValue,
    ReceivedMessage,
    RedriveResult,
    SnsMessage,
    SqsMessage,
    dedup_default,
)
from verifiedfan.aws._s3_core import (
    DeleteFailure,
    DeleteResult,
    ObjectInfo,
    ObjectPage,
    ObjectSummary,
    UploadResult,
)
from verifiedfan.aws._secret_settings import (
    SecretBackedSettings,
    SecretSettingsSource,
    settings_values_from_secret,
)
from verifiedfan.aws._settings import AwsSettings, RetryMode
from verifiedfan.aws._sfn_core import (
    SFN_MAX_PAYLOAD,
    Execution,
    ExecutionStarted,
    ExecutionStatus,
    InvalidTaskTokenError,
    TaskDoesNotExistError,
    TaskTimedOutError,
    TaskTokenError,
)
from verifiedfan.aws._sigv4 import SigV4Auth
from verifiedfan.aws._sink import CloudWatchApiSink
from verifiedfan.aws._stream_core import KinesisRecord, Shard, StreamDescription, StreamMode
from verifiedfan.aws._sync.athena import SyncAthena
from verifiedfan.aws._sync.clients import SyncAwsClients
from verifiedfan.aws._sync.cloudwatch import SyncCloudWatch
from verifiedfan.aws._sync.dynamodb import SyncDynamoDB
from verifiedfan.aws._sync.firehose import SyncFirehose
from verifiedfan.aws._sync.kinesis import SyncKinesis
from verifiedfan.aws._sync.lambda_ import SyncLambda
from verifiedfan.aws._sync.s3 import SyncS3
from verifiedfan.aws._sync.secrets import SyncSecretsManager
from verifiedfan.aws._sync.sns import SyncSNS
from verifiedfan.aws._sync.sqs import SyncSQS
from verifiedfan.aws._sync.stepfunctions import SyncStepFunctions

__all__ = [
    "ATHENA_MAX_PAGE",
    "CLOUDWATCH_MAX_BYTES_PER_CALL",
    "CLOUDWATCH_MAX_METRICS_PER_CALL",
    "DYNAMODB_READ",
    "DYNAMODB_WRITE",
    "FIREHOSE",
    "FIREHOSE_MAX_BATCH_BYTES",
    "FIREHOSE_MAX_RECORDS",
    "FIREHOSE_MAX_RECORD_BYTES",
    "FIREHOSE_RECORDS_PER_SECOND",
    "INSTRUMENTED_OPERATIONS",
    "KINESIS_MAX_BATCH_BYTES",
    "KINESIS_MAX_RECORDS",
    "KINESIS_MAX_RECORD_BYTES",
    "LAMBDA_EVENT_PAYLOAD_MAX",
    "LAMBDA_SYNC_PAYLOAD_MAX",
    "MAX_BATCH_SIZE",
    "MESSAGE_MAX_ATTRIBUTES",
    "S3",
    "S3_DELETE",
    "S3_MAX_PARTS",
    "S3_MIN_PART_SIZE",
    "S3_PRESIGN_MAX_SECONDS",
    "SFN_MAX_PAYLOAD",
    "SNS",
    "SNS_MAX_BATCH",
    "SNS_MAX_BATCH_BYTES",
    "SQS",
    "SQS_MAX_BATCH",
    "SQS_MAX_BATCH_BYTES",
    "SQS_MAX_DELAY_SECONDS",
    "Athena",
    "AthenaColumn",
    "AthenaQueryCancelledError",
    "AthenaQueryError",
    "AthenaResult",
    "AttributeValue",
    "AwsAccessDeniedError",
    "AwsBatchError",
    "AwsClients",
    "AwsConnectionError",
    "AwsCredentialsError",
    "AwsError",
    "AwsNotFoundError",
    "AwsSettings",
    "AwsThrottledError",
    "AwsTimeoutError",
    "AwsValidationError",
    "BatchResult",
    "BatchWriteResult",
    "CloudWatch",
    "CloudWatchApiSink",
    "ConditionalCheckFailedError",
    "DeleteFailure",
    "DeleteResult",
    "DynamoDB",
    "EntryFailure",
    "Execution",
    "ExecutionStarted",
    "ExecutionStatus",
    "Firehose",
    "InvalidTaskTokenError",
    "InvocationType",
    "InvokeResult",
    "Kinesis",
    "KinesisRecord",
    "Lambda",
    "LambdaFunctionError",
    "ObjectInfo",
    "ObjectPage",
    "ObjectSummary",
    "QueryExecution",
    "QueryPage",
    "ReceivedMessage",
    "RedriveResult",
    "RetryMode",
    "ReturnValues",
    "SecretBackedSettings",
    "SecretSettingsSource",
    "SecretsManager",
    "Sent",
    "Shard",
    "SigV4Auth",
    "SnsMessage",
    "SqsMessage",
    "StepFunctions",
    "StreamDescription",
    "StreamMode",
    "SyncAthena",
    "SyncAwsClients",
    "SyncCloudWatch",
    "SyncDynamoDB",
    "SyncFirehose",
    "SyncKinesis",
    "SyncLambda",
    "SyncS3",
    "SyncSNS",
    "SyncSQS",
    "SyncSecretsManager",
    "SyncStepFunctions",
    "TaskDoesNotExistError",
    "TaskTimedOutError",
    "TaskTokenError",
    "Update",
    "UpdateFailure",
    "UploadResult",
    "dedup_default",
    "settings_values_from_secret",
    "translate",
]
