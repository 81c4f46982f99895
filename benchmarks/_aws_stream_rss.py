"""Peak RSS growth of streaming N MiB into S3, measured in a fresh process (used by bench_aws and a test).

    python benchmarks/_aws_stream_rss.py ours|boto3 ENDPOINT BUCKET MIB

Prints one JSON line: ``{"side": ..., "baseline_mb": ..., "peak_mb": ..., "growth_mb": ..., "etag": ...}``.
The baseline is the RSS after a warm-up upload (clients created, first request sent); the peak is
sampled every 2 ms during the stream, so the growth is what the streaming itself costs. The stream
yields the same 1 MiB block again and again (the source holds no memory of its own).
"""

from __future__ import annotations

import asyncio
import gc
import io
import json
import os
import resource
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from typing import Any

MiB = 1024 * 1024
BLOCK = os.urandom(MiB)


def rss_mb() -> float:
    """The resident set size now (Linux ``/proc/self/statm``)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / MiB


class Sampler:
    """The highest RSS seen while streaming, sampled every 2 ms from another thread.

    ``ru_maxrss`` would not do: the peak of parsing botocore's service models at client creation,
    freed since, hides the streaming's own growth."""

    def __init__(self) -> None:
        gc.collect()
        self.baseline = rss_mb()
        self.peak = self.baseline
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.002):
            self.peak = max(self.peak, rss_mb())

    def stop(self) -> tuple[float, float]:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mb())
        return self.baseline, self.peak


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
        sampler = Sampler()

        async def blocks() -> AsyncIterator[bytes]:
            for _ in range(mib):
                yield BLOCK

        result = await s3.upload_from_stream("stream.bin", blocks())
        base, peak = sampler.stop()
        return base, peak, result.etag


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
    sampler = Sampler()
    s3.upload_fileobj(io.BufferedReader(_Reader(BLOCK for _ in range(mib))), bucket, "stream-boto3.bin")
    base, peak = sampler.stop()
    etag = s3.head_object(Bucket=bucket, Key="stream-boto3.bin")["ETag"]
    return base, peak, etag


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
