"""Lambda ``Invoke``: the typed result, the function error, and the checks made before any I/O.

Shared by the async client (``_async/lambda_.py``) and its generated sync twin.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from verifiedfan.aws._errors import AwsError, AwsValidationError

__all__ = [
    "LAMBDA_EVENT_PAYLOAD_MAX",
    "LAMBDA_SYNC_PAYLOAD_MAX",
    "InvocationType",
    "InvokeResult",
    "LambdaFunctionError",
    "check_invoke",
    "encode_client_context",
    "encode_payload",
    "invoke_result",
]

#: Largest request payload of a synchronous (``RequestResponse``) invocation: 6 MB.
LAMBDA_SYNC_PAYLOAD_MAX = 6 * 1024 * 1024
#: Largest request payload of an asynchronous (``Event``) invocation: 1 MB (256 KB before 2025).
LAMBDA_EVENT_PAYLOAD_MAX = 1024 * 1024

InvocationType = Literal["RequestResponse", "Event", "DryRun"]
_TYPES = ("RequestResponse", "Event", "DryRun")
# botocore's model of Invoke (FunctionName 1..256 and its pattern; Qualifier 1..128)
_FUNCTION = re.compile(
    r"^(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?"
    r"(\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_]+))?$"
)
_QUALIFIER = re.compile(r"^(\$(LATEST(\.PUBLISHED)?)|[a-zA-Z0-9-_$]+)$")


class LambdaFunctionError(AwsError):
    """The function ran and failed: its answer carried ``X-Amz-Function-Error``.

    ``error_type``, ``error_message`` and ``stack_trace`` are the runtime's error payload
    (``errorType``, ``errorMessage``, ``stackTrace``); ``payload`` is that payload as parsed, and
    ``function_error`` the header (``Unhandled``, or ``Handled`` from older runtimes). ``log_tail``
    holds the last 4 KB of the function's log when ``log_tail=True`` was asked. ``status`` is 502:
    the call reached Lambda, the function failed.
    """

    default_status = 502

    def __init__(
        self,
        message: str,
        *,
        function_name: str,
        function_error: str,
        payload: Any,
        log_tail: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.function_name = function_name
        self.function_error = function_error
        self.payload = payload
        self.log_tail = log_tail
        data = payload if isinstance(payload, dict) else {}
        self.error_type: str | None = data.get("errorType")
        self.error_message: str | None = data.get("errorMessage")
        trace = data.get("stackTrace")
        self.stack_trace: list[str] = [str(line) for line in trace] if isinstance(trace, list) else []


@dataclass(frozen=True, kw_only=True, slots=True)
class InvokeResult:
    """What an invocation answered.

    ``status_code`` is 200 (``RequestResponse``), 202 (``Event``: queued, no payload) or 204
    (``DryRun``: allowed, not run). ``payload`` is the function's return value parsed from JSON
    (``None`` when there is none), ``raw_payload`` the bytes as sent. ``log_tail`` is the decoded
    ``LogResult`` (last 4 KB of the log) when asked for.
    """

    function_name: str
    status_code: int
    payload: Any
    raw_payload: bytes
    executed_version: str | None
    log_tail: str | None
    request_id: str | None


def check_invoke(function_name: str, invocation_type: str, qualifier: str | None, *, log_tail: bool) -> None:
    """Refuse, before any I/O, what Lambda would refuse."""
    if not isinstance(function_name, str) or not 1 <= len(function_name) <= 256:
        raise AwsValidationError("function_name must be 1 to 256 characters")
    if not _FUNCTION.match(function_name):
        raise AwsValidationError(f"function_name {function_name!r} is not a function name or ARN")
    if invocation_type not in _TYPES:
        raise AwsValidationError(
            f"invocation_type must be one of {', '.join(_TYPES)}, not {invocation_type!r}"
        )
    if qualifier is not None and not (1 <= len(qualifier) <= 128 and _QUALIFIER.match(qualifier)):
        raise AwsValidationError(f"qualifier {qualifier!r} is not a version or alias")
    if log_tail and invocation_type != "RequestResponse":
        raise AwsValidationError("log_tail is only returned for RequestResponse invocations")


def encode_payload(payload: Any, invocation_type: str) -> bytes:
    """``payload`` as the request body: ``bytes`` as they are, anything else as strict JSON."""
    if isinstance(payload, bytes | bytearray | memoryview):
        body = bytes(payload)
    else:
        try:
            body = json.dumps(payload, allow_nan=False, separators=(",", ":")).encode()
        except (TypeError, ValueError) as exc:
            raise AwsValidationError(f"the payload is not JSON: {exc}") from exc
    limit = LAMBDA_EVENT_PAYLOAD_MAX if invocation_type == "Event" else LAMBDA_SYNC_PAYLOAD_MAX
    if len(body) > limit:
        raise AwsValidationError(
            f"the payload is {len(body)} bytes, over the {limit} bytes of an {invocation_type} invocation"
        )
    return body


def encode_client_context(context: Mapping[str, Any]) -> str:
    """``ClientContext`` as Lambda takes it: base64 of JSON, at most 3,583 bytes."""
    try:
        encoded = base64.b64encode(json.dumps(dict(context), allow_nan=False).encode()).decode()
    except (TypeError, ValueError) as exc:
        raise AwsValidationError(f"client_context is not JSON: {exc}") from exc
    if len(encoded) > 3583:
        raise AwsValidationError(f"client_context is {len(encoded)} bytes in base64, over 3,583")
    return encoded


def _parse(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode(errors="replace")


def invoke_result(function_name: str, answer: dict[str, Any], raw: bytes) -> InvokeResult:
    """The typed result of an ``Invoke`` answer, or the :class:`LambdaFunctionError` it carries."""
    meta = answer.get("ResponseMetadata", {})
    log = answer.get("LogResult")
    log_tail = base64.b64decode(log).decode(errors="replace") if log else None
    request_id = meta.get("RequestId") or None
    payload = _parse(raw)
    function_error = answer.get("FunctionError")
    if function_error:
        data = payload if isinstance(payload, dict) else {}
        kind = data.get("errorType") or function_error
        text = data.get("errorMessage") or (payload if isinstance(payload, str) else "")
        raise LambdaFunctionError(
            f"lambda function {function_name} failed: {kind}: {text}"[:2000],
            function_name=function_name,
            function_error=str(function_error),
            payload=payload,
            log_tail=log_tail,
            code=str(kind),
            request_id=request_id,
            service="lambda",
            operation="Invoke",
        )
    return InvokeResult(
        function_name=function_name,
        status_code=int(answer.get("StatusCode") or meta.get("HTTPStatusCode") or 0),
        payload=payload,
        raw_payload=raw,
        executed_version=answer.get("ExecutedVersion"),
        log_tail=log_tail,
        request_id=request_id,
    )
