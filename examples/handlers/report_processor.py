"""Lambda handler of workflow 4, step 6: read the report from S3 and say what it holds.

Event: ``{"bucket": ..., "key": ..., "sha256": ...}``. Streams the object (never whole in memory),
counts the data rows and checks the checksum; a mismatch raises, which the caller receives as a
function error. Uses boto3 as any Lambda function does; the endpoint and credentials come from the
function's environment (``AWS_ENDPOINT_URL``... when it runs against a local emulator).
"""

from __future__ import annotations

import hashlib
from typing import Any

import boto3

_s3 = boto3.client("s3")  # created once per runtime, reused across invocations (as on AWS)


class ChecksumMismatchError(Exception):
    pass


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    body = _s3.get_object(Bucket=event["bucket"], Key=event["key"])["Body"]
    digest, size, lines = hashlib.sha256(), 0, 0
    for chunk in body.iter_chunks(1024 * 1024):
        digest.update(chunk)
        size += len(chunk)
        lines += chunk.count(b"\n")
    sha256 = digest.hexdigest()
    if event.get("sha256") and event["sha256"] != sha256:
        raise ChecksumMismatchError(f"{event['key']}: sha256 {sha256} is not the expected {event['sha256']}")
    return {
        "bucket": event["bucket"],
        "key": event["key"],
        "bytes": size,
        "rows": max(lines - 1, 0),  # without the header line
        "sha256": sha256,
        "request_id": context.aws_request_id,
    }
