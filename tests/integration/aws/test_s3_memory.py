"""A 100 MB streamed upload keeps memory bounded (measured in a fresh process: peak RSS growth)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

from verifiedfan.stack import AwsConnection

SCRIPT = Path(__file__).parents[3] / "benchmarks" / "_aws_stream_rss.py"


@pytest.mark.slow
def test_100_mb_stream_peak_rss_growth_under_32_mb(vf_aws: AwsConnection, vf_s3_bucket: str) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "ours", vf_aws.endpoint_url, vf_s3_bucket, "100"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    assert measured["growth_mb"] < 32, measured
    head = boto3.client(
        "s3",
        endpoint_url=vf_aws.endpoint_url,
        region_name=vf_aws.region,
        aws_access_key_id=vf_aws.access_key_id,
        aws_secret_access_key=vf_aws.secret_access_key,
    ).head_object(Bucket=vf_s3_bucket, Key="stream.bin")
    assert head["ContentLength"] == 100 * 1024 * 1024
    assert head["ETag"] == measured["etag"]
    assert head["ETag"].endswith('-13"')  # 100 MiB in 8 MiB parts: 12 full parts and a 4 MiB one
