"""``Lambda``: invoke functions (successor of ``@verifiedfan/aws`` Lambda ``invoke``)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from verifiedfan.aws._async.clients import AwsClients, AwsService
from verifiedfan.aws._lambda_core import (
    InvocationType,
    InvokeResult,
    check_invoke,
    encode_client_context,
    encode_payload,
    invoke_result,
)
from verifiedfan.aws._s3_core import translating

if TYPE_CHECKING:
    from verifiedfan.aws._settings import AwsSettings

__all__ = ["Lambda"]

logger = logging.getLogger(__name__)


class Lambda(AwsService):
    """Invoke Lambda functions, on aiobotocore.

    ``invoke`` returns an :class:`InvokeResult` with the function's return value parsed from JSON.
    A function that raised answers with ``X-Amz-Function-Error``: ``invoke`` raises
    :class:`LambdaFunctionError` carrying its ``errorType``, ``errorMessage`` and ``stackTrace``
    (the original returned the raw SDK answer and left the check to every caller). A function that
    does not exist raises :class:`AwsNotFoundError`; a bad name, qualifier or payload raises
    :class:`AwsValidationError` before any I/O.

    Tests run real handlers on the local Lambda of ``vf stack`` (AWS's Runtime Interface Emulator):
    point ``AwsSettings.endpoint_url`` at ``vf_lambda.endpoint_url``.
    """

    def __init__(self, *, clients: AwsClients | None = None, settings: AwsSettings | None = None) -> None:
        super().__init__(clients=clients, settings=settings)

    @classmethod
    def from_settings(cls, settings: AwsSettings, **kwargs: Any) -> Lambda:
        """A ``Lambda`` with its own clients built from ``settings``."""
        return cls(settings=settings, **kwargs)

    async def invoke(
        self,
        function_name: str,
        payload: Any = None,
        *,
        invocation_type: InvocationType = "RequestResponse",
        qualifier: str | None = None,
        log_tail: bool = False,
        client_context: Mapping[str, Any] | None = None,
    ) -> InvokeResult:
        """Invoke ``function_name`` (a name or ARN) with ``payload`` (JSON-serialisable, or ``bytes``).

        ``invocation_type``: ``RequestResponse`` waits for the result; ``Event`` queues it (202, no
        payload); ``DryRun`` only checks that the call would be allowed (204). ``log_tail`` asks for
        the last 4 KB of the function's log (``RequestResponse`` only). ``client_context`` is passed
        to the function as ``context.client_context`` (base64 JSON, at most 3,583 bytes).
        """
        check_invoke(function_name, invocation_type, qualifier, log_tail=log_tail)
        body = encode_payload({} if payload is None else payload, invocation_type)
        kwargs: dict[str, Any] = {
            "FunctionName": function_name,
            "InvocationType": invocation_type,
            "Payload": body,
        }
        if qualifier is not None:
            kwargs["Qualifier"] = qualifier
        if log_tail:
            kwargs["LogType"] = "Tail"
        if client_context is not None:
            kwargs["ClientContext"] = encode_client_context(client_context)
        client = await self._clients.client("lambda")
        with translating("lambda", "Invoke"):
            answer = await client.invoke(**kwargs)
            stream = answer.get("Payload")
            raw = bytes(await stream.read()) if stream is not None else b""
        result = invoke_result(function_name, answer, raw)
        logger.debug("invoked %s (%s): status %s", function_name, invocation_type, result.status_code)
        return result
