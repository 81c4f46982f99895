"""The ``AwsError`` family, and the translation of botocore's exceptions into it.

botocore exceptions never escape :mod:`verifiedfan.aws`: :func:`translate` maps them here and the
caller raises ``translate(exc, ...) from exc``, so ``exc.__cause__`` keeps the original. The tree::

    AwsError (VFError)                     code, status, request_id, service, operation
    ├── AwsNotFoundError (NotFoundError)   NoSuchKey, NoSuchBucket, ResourceNotFoundException...
    ├── AwsThrottledError (RateLimitedError)  Throttling*, SlowDown, ProvisionedThroughputExceeded...
    ├── ConditionalCheckFailedError        DynamoDB ConditionalCheckFailedException, S3 PreconditionFailed
    ├── AwsAccessDeniedError (ForbiddenError)  AccessDenied*, bad or expired credentials
    ├── AwsValidationError (ValidationError)   bad input: refused before I/O, or by the service
    ├── AwsCredentialsError (ConfigurationError)  no credentials found, or half of them given
    ├── AwsConnectionError (NetworkError)  the endpoint could not be reached
    ├── AwsTimeoutError (VFTimeoutError)   connect or read timeout
    └── AwsBatchError                      a batch left items unwritten/unread after its retry budget

Messages carry the service's error code and message, never a credential.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from verifiedfan.errors import (
    ConfigurationError,
    ForbiddenError,
    HTTPStatusError,
    NetworkError,
    NotFoundError,
    RateLimitedError,
    TransportError,
    ValidationError,
    VFError,
    VFTimeoutError,
)

__all__ = [
    "AwsAccessDeniedError",
    "AwsBatchError",
    "AwsConnectionError",
    "AwsCredentialsError",
    "AwsError",
    "AwsNotFoundError",
    "AwsThrottledError",
    "AwsTimeoutError",
    "AwsValidationError",
    "ConditionalCheckFailedError",
    "translate",
]


class AwsError(VFError):
    """Root of every error raised by :mod:`verifiedfan.aws`.

    ``code`` is the service's error code (``NoSuchKey``...), ``status`` the HTTP status of the answer,
    ``request_id`` the AWS request id (quote it to AWS support), ``service``/``operation`` where it
    happened (``s3``/``GetObject``).
    """

    default_status: ClassVar[int | None] = None

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status: int | None = None,
        request_id: str | None = None,
        service: str | None = None,
        operation: str | None = None,
        developer_message: str | None = None,
    ) -> None:
        status = status if status is not None else self.default_status
        # Not a cooperative super() call: the mixed-in bases (HTTPStatusError, TransportError...)
        # take different keywords. Set what each of them promises instead.
        VFError.__init__(self, message, status=status, developer_message=developer_message)
        self.code = code
        self.request_id = request_id
        self.service = service
        self.operation = operation
        # The attributes the mixed-in bases promise (set through __dict__: mypy cannot narrow self).
        extra: dict[str, Any] = {}
        if isinstance(self, HTTPStatusError | TransportError):
            extra.update(method=operation, url=None, service_name=service)
        if isinstance(self, HTTPStatusError):
            extra.update(status_code=status or 0, body=None, headers={})
        if isinstance(self, RateLimitedError):
            extra["retry_after"] = None
        self.__dict__.update(extra)


class AwsNotFoundError(AwsError, NotFoundError):
    """The bucket, key, table, item, secret or function does not exist."""

    default_status = 404


class AwsThrottledError(AwsError, RateLimitedError):
    """The service throttled us, even after botocore's retries."""

    default_status = 429


class ConditionalCheckFailedError(AwsError):
    """A write's condition (``condition_expression``, S3 ``If-Match``) was false: nothing was written."""

    default_status = 400


class AwsAccessDeniedError(AwsError, ForbiddenError):
    """Not allowed: missing permission, or credentials that are wrong, expired or unknown."""

    default_status = 403


class AwsValidationError(AwsError, ValidationError):
    """Bad input: refused before any I/O (``code`` is None) or by the service (``ValidationException``)."""

    default_status = 400


class AwsCredentialsError(AwsError, ConfigurationError):
    """No credentials were found by the default chain, or only half of a key pair was given."""


class AwsConnectionError(AwsError, NetworkError):
    """The endpoint could not be reached (refused, reset, DNS)."""


class AwsTimeoutError(AwsError, VFTimeoutError):
    """The endpoint did not answer within the connect or read timeout."""


class AwsBatchError(AwsError):
    """A batch operation ran out of its retry budget: ``unprocessed`` lists what was not done.

    For ``put_many`` the items, for ``delete_many``/``get_many`` the keys, exactly as given. Everything
    else in the batch was done.
    """

    def __init__(self, message: str, *, unprocessed: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.unprocessed = list(unprocessed)


_NOT_FOUND = frozenset(
    {
        "404",
        "NoSuchKey",
        "NoSuchBucket",
        "NoSuchUpload",
        "NoSuchVersion",
        "NotFound",
        "ResourceNotFoundException",
        "ResourceNotFound",
        "TableNotFoundException",
        "StateMachineDoesNotExist",
        "ExecutionDoesNotExist",
        "TaskDoesNotExist",
        "ParameterNotFound",
        "QueueDoesNotExist",
        "AWS.SimpleQueueService.NonExistentQueue",
    }
)
_THROTTLED = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottled",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "SlowDown",
        "EC2ThrottledException",
        "LimitExceededException",
        "TransactionInProgressException",
        "PriorRequestNotComplete",
        "KMSThrottlingException",
    }
)
_CONDITIONAL = frozenset({"ConditionalCheckFailedException", "PreconditionFailed", "412"})
_ACCESS_DENIED = frozenset(
    {
        "403",
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "ExpiredToken",
        "ExpiredTokenException",
        "AuthFailure",
        "MissingAuthenticationToken",
    }
)
_VALIDATION = frozenset(
    {
        "ValidationException",
        "ValidationError",
        "InvalidParameterValue",
        "InvalidParameterValueException",
        "InvalidParameterException",
        "InvalidParameterCombination",
        "InvalidRequestException",
        "InvalidArgument",
        "InvalidRequest",
        "MalformedXML",
        "MissingParameter",
        "SerializationException",
        "InvalidBucketName",
        "KeyTooLongError",
        "EntityTooLarge",
        "EntityTooSmall",
        "InvalidPart",
        "InvalidPartOrder",
        "InvalidMessageContents",
        "BatchRequestTooLong",
        "AWS.SimpleQueueService.BatchRequestTooLong",
        "AWS.SimpleQueueService.BatchEntryIdsNotDistinct",
        "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
        "TooManyEntriesInBatchRequest",
        "BatchEntryIdsNotDistinct",
    }
)


def _class_for(code: str) -> type[AwsError]:
    if code in _NOT_FOUND:
        return AwsNotFoundError
    if code in _THROTTLED:
        return AwsThrottledError
    if code in _CONDITIONAL:
        return ConditionalCheckFailedError
    if code in _ACCESS_DENIED:
        return AwsAccessDeniedError
    if code in _VALIDATION:
        return AwsValidationError
    return AwsError


def from_error_response(
    response: Any, *, service: str | None = None, operation: str | None = None
) -> AwsError:
    """The typed error for a botocore error response (``ClientError.response``)."""
    error = response.get("Error", {}) if isinstance(response, dict) else {}
    meta = response.get("ResponseMetadata", {}) if isinstance(response, dict) else {}
    code = str(error.get("Code") or "Unknown")
    text = str(error.get("Message") or "").strip()
    status = meta.get("HTTPStatusCode")
    request_id = meta.get("RequestId") or None
    where = f"{service}.{operation}" if service and operation else service or operation or "aws"
    message = f"{where} failed: {code}" + (f": {text}" if text else "")
    cls = _class_for(code)
    return cls(
        message,
        code=code,
        status=status if isinstance(status, int) else None,
        request_id=str(request_id) if request_id else None,
        service=service,
        operation=operation,
    )


def translate(exc: BaseException, *, service: str | None = None, operation: str | None = None) -> AwsError:
    """The :class:`AwsError` for a botocore (or aiohttp/urllib3) exception; raise it ``from exc``.

    Works by class name and attributes, so it needs no botocore import and also serves the sync side.
    """
    if isinstance(exc, AwsError):
        return exc
    response = getattr(exc, "response", None)
    op = operation or getattr(exc, "operation_name", None)
    if isinstance(response, dict) and "Error" in response:
        return from_error_response(response, service=service, operation=op)
    names = {cls.__name__ for cls in type(exc).__mro__}
    where = f"{service}.{op}" if service and op else service or op or "aws"
    detail = f"{where} failed: {type(exc).__name__}: {exc}"
    kwargs: dict[str, Any] = {"service": service, "operation": op}
    if "ParamValidationError" in names:
        return AwsValidationError(detail, **kwargs)
    if names & {"NoCredentialsError", "PartialCredentialsError", "NoRegionError", "ProfileNotFound"}:
        return AwsCredentialsError(detail, **kwargs)
    if names & {"ConnectTimeoutError", "ReadTimeoutError", "TimeoutError", "ServerTimeoutError"}:
        return AwsTimeoutError(detail, **kwargs)
    if names & {"EndpointConnectionError", "ConnectionClosedError", "ConnectionError", "HTTPClientError"}:
        return AwsConnectionError(detail, **kwargs)
    return AwsError(detail, **kwargs)
