"""Peak RSS growth of streaming N MiB into S3, measured in a fresh process (used by bench_aws and a test).

    python benchmarks/_aws_stream_rss.py ours|boto3 ENDPOINT BUCKET MIB

Prints one JSON line: ``{"side": ..., "baseline_mb": ..., "peak_mb": ..., "growth_mb": ..., "etag": ...}``.
The baseline is taken after a warm-up upload (clients created, first request sent), so the growth is
what the streaming itself costs. The stream yields the same 1 MiB block again and again (the source
holds no memory of its own).
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import resource
import sys
from collections.abc import AsyncIterator, Iterator
from typing import Any

MiB = 1024 * 1024
BLOCK = os.urandom(MiB)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def settings(endpoint: str) -> Any:
    from verifiedfan.aws import AwsSettings

    return AwsSettings(
        endpoint_url=endpoint,
        region="us-east-1",
        access_key_id="testing",
        secret_access_key="testing",  # type: ignore[arg-type]
    )


async def ours(endpoint: str, bucket: str, mib: int) -> tuple[float, float, str]:
    from verifiedfan.aws import S3, AwsClients

    async with AwsClients(settings(endpoint)) as clients:
        s3 = S3(bucket, clients=clients)
        await s3.upload_data("warm-up", b"x" * 1024)
        base = peak_mb()

        async def blocks() -> AsyncIterator[bytes]:
            for _ in range(mib):
                yield BLOCK

        result = await s3.upload_from_stream("stream.bin", blocks())
        return base, peak_mb(), result.etag


class _Reader(io.RawIOBase):
    """A file-like view of a generator of blocks, for boto3's upload_fileobj."""

    def __init__(self, blocks: Iterator[bytes]) -> None:
        self._blocks = blocks
        self._rest = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._rest:
            try:
                self._rest = next(self._blocks)
            except StopIteration:
                return 0
        size = min(len(buffer), len(self._rest))
        buffer[:size] = self._rest[:size]
        self._rest = self._rest[size:]
        return size


def boto3_side(endpoint: str, bucket: str, mib: int) -> tuple[float, float, str]:
    import boto3

    s3: Any = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    s3.put_object(Bucket=bucket, Key="warm-up", Body=b"x" * 1024)
    base = peak_mb()
    s3.upload_fileobj(io.BufferedReader(_Reader(BLOCK for _ in range(mib))), bucket, "stream-boto3.bin")
    etag = s3.head_object(Bucket=bucket, Key="stream-boto3.bin")["ETag"]
    return base, peak_mb(), etag


def main() -> int:
    side, endpoint, bucket, mib = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    base, peak, etag = (
        asyncio.run(ours(endpoint, bucket, mib)) if side == "ours" else boto3_side(endpoint, bucket, mib)
    )
    sys.stdout.write(
        json.dumps(
            {"side": side, "baseline_mb": base, "peak_mb": peak, "growth_mb": peak - base, "etag": etag}
        )
        + "\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
