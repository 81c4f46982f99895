"""Real library loggers (httpx, botocore) through the root bridge: no credential survives."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tests.unit.log.conftest import Output

Make = Callable[..., Output]

CANARY = "CANARY-secret-1234"
ACCESS_KEY_ID = "AKIACANARY1234567890"


def test_httpx_request_lines_lose_url_credentials(output: Make) -> None:
    out = output()
    client = httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(200)))
    with client:
        client.get(
            f"https://user:{CANARY}@api.example.com/x?access_token={CANARY}&page=2",
            headers={"Authorization": "Bearer abc.def"},
        )
    lines = [e for e in out.entries if e["context"] == "httpx"]
    assert lines, "httpx wrote no line"
    assert "page=2" in lines[0]["message"]
    assert CANARY not in out.text
    assert "abc.def" not in out.text


def test_botocore_debug_lines_lose_signatures_and_key_ids(
    output: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    boto3 = pytest.importorskip("boto3")
    moto = pytest.importorskip("moto")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", CANARY)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    out = output(level="debug")
    with moto.mock_aws():  # in-process: no socket is opened
        s3 = boto3.client("s3")
        s3.create_bucket(Bucket="canary-bucket")
    text = out.text
    assert "botocore" in text
    assert "Authorization" in text
    assert ACCESS_KEY_ID not in text
    assert CANARY not in text
    assert "AWS4-HMAC-SHA256 Credential" not in text  # the whole header value is masked
