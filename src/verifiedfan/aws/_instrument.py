"""Which operations of each botocore client get a span and a timing (``traced_client``/``timed_client``)."""

from __future__ import annotations

from typing import Any

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
    if not operations:
        return client
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
