"""Which operations of each botocore client get a span and a timing (``traced_client``/``timed_client``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from verifiedfan._proxy import MethodProxy
from verifiedfan.metrics import MetricSink

__all__ = ["INSTRUMENTED_OPERATIONS", "instrument_client"]

#: service -> the botocore client methods wrapped in a span/timing. Add a service's list here when a
#: client for it is written; a service missing from the table is not instrumented.
INSTRUMENTED_OPERATIONS: dict[str, tuple[str, ...]] = {
    "s3": (
        "put_object",
        "get_object",
        "head_object",
        "copy_object",
        "delete_objects",
        "list_objects_v2",
        "create_multipart_upload",
        "upload_part",
        "complete_multipart_upload",
        "abort_multipart_upload",
    ),
    "dynamodb": (
        "get_item",
        "put_item",
        "update_item",
        "delete_item",
        "query",
        "scan",
        "batch_get_item",
        "batch_write_item",
    ),
    "secretsmanager": ("get_secret_value",),
    "sqs": (
        "send_message",
        "send_message_batch",
        "receive_message",
        "delete_message",
        "delete_message_batch",
        "list_dead_letter_source_queues",
    ),
    "sns": ("publish", "publish_batch"),
    "kinesis": ("describe_stream_summary", "list_shards", "put_record", "put_records"),
    "firehose": ("describe_delivery_stream", "put_record", "put_record_batch"),
    "cloudwatch": ("put_metric_data",),
    "lambda": ("invoke",),
    "stepfunctions": (
        "start_execution",
        "describe_execution",
        "send_task_success",
        "send_task_failure",
        "send_task_heartbeat",
    ),
}


def instrument_client(
    client: Any,
    service: str,
    *,
    trace: bool,
    metrics_namespace: str | None,
    metrics_sink: MetricSink | None,
) -> Any:
    """``client`` with its listed operations timed and traced (spans ``aws.<service>.<operation>``)."""
    operations = INSTRUMENTED_OPERATIONS.get(service, ())
    if not operations or (not trace and metrics_namespace is None):
        return client
    if hasattr(client, "__aenter__"):
        client = _as_coroutine_functions(client, operations)
    if metrics_namespace is not None:
        from verifiedfan.metrics import timed_client

        client = timed_client(
            client,
            operations,
            namespace=metrics_namespace,
            metric_name="aws.call",
            service_name=f"aws.{service}",
            sink=metrics_sink,
        )
    if trace:
        from verifiedfan.tracing import traced_client

        client = traced_client(client, operations, service_name=f"aws.{service}")
    return client


def _as_coroutine_functions(client: Any, operations: tuple[str, ...]) -> Any:
    """aiobotocore's operations are plain functions returning coroutines, which ``traced``/``timed``
    would take for synchronous ones (a span ending before the call is awaited): wrap them in real
    ``async def`` functions first."""

    def wrap(target: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def call(*args: Any, **kwargs: Any) -> Any:
            return await target(*args, **kwargs)

        call.__name__ = getattr(target, "__name__", "call")
        return call

    wrapped = {op: wrap(getattr(client, op)) for op in operations if callable(getattr(client, op, None))}
    return MethodProxy(client, wrapped, "aws")
