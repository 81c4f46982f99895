"""SigV4Auth against AWS's published SigV4 test suite vector and botocore's own signer."""

from __future__ import annotations

import datetime as dt
import json

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import httpx
import pytest

from verifiedfan.aws import AwsCredentialsError, AwsSettings, SigV4Auth
from verifiedfan.http import HttpClient

KEY, SECRET = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"


@pytest.fixture
def frozen_time(monkeypatch: pytest.MonkeyPatch) -> dt.datetime:
    when = dt.datetime(2015, 8, 30, 12, 36, 0)
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: when)
    return when


def test_aws_test_suite_get_vanilla(frozen_time: dt.datetime) -> None:
    # aws-sig-v4-test-suite/get-vanilla: the signature AWS publishes for this request
    auth = SigV4Auth("service", region="us-east-1", access_key_id=KEY, secret_access_key=SECRET)
    request = httpx.Request("GET", "https://example.amazonaws.com/", headers={"user-agent": "ignored"})
    auth.sign(request)
    assert request.headers["x-amz-date"] == "20150830T123600Z"
    assert request.headers["authorization"] == (
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
        "SignedHeaders=host;x-amz-date, "
        "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
    )


async def test_http_client_requests_are_signed_as_botocore_would(frozen_time: dt.datetime) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"data": {"ok": True}})

    auth = SigV4Auth(
        "appsync", region="eu-west-1", access_key_id=KEY, secret_access_key=SECRET, session_token="tok"
    )
    client = httpx.AsyncClient(auth=auth, transport=httpx.MockTransport(handler))
    async with HttpClient(
        service_name="appsync", base_url="https://abc.appsync-api.eu-west-1.amazonaws.com", client=client
    ) as http:
        body = await http.post_json("/graphql?x=1", json={"query": "{ ok }"}, route="/graphql")
    assert body == {"data": {"ok": True}}
    sent = seen[0]
    assert sent.headers["x-amz-security-token"] == "tok"
    # recompute with botocore from what went on the wire
    expected = botocore.awsrequest.AWSRequest(
        method="POST",
        url=str(sent.url),
        data=sent.content,
        headers={
            "host": sent.headers["host"],
            "content-type": sent.headers["content-type"],
            "x-amz-security-token": "tok",
        },
    )
    botocore.auth.SigV4Auth(
        botocore.credentials.Credentials(KEY, SECRET, "tok"), "appsync", "eu-west-1"
    ).add_auth(expected)
    assert sent.headers["authorization"] == expected.headers["Authorization"]
    assert "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token" in sent.headers["authorization"]
    assert json.loads(sent.content) == {"query": "{ ok }"}
    await client.aclose()


def test_settings_and_bad_config() -> None:
    settings = AwsSettings(region="us-east-1", access_key_id=KEY, secret_access_key=SECRET)  # type: ignore[arg-type]
    assert (
        repr(SigV4Auth.from_settings("execute-api", settings))
        == "SigV4Auth(service='execute-api', region='us-east-1')"
    )
    with pytest.raises(AwsCredentialsError, match="both"):
        SigV4Auth("execute-api", region="us-east-1", access_key_id=KEY)
    with pytest.raises(AwsCredentialsError, match=r"needs AwsSettings\.region"):
        SigV4Auth.from_settings("execute-api", AwsSettings())
