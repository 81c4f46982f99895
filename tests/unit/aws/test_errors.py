"""botocore errors become the AwsError tree, chained, with code, status and request id kept."""

from __future__ import annotations

import botocore.exceptions
import pytest

from verifiedfan.aws import (
    AwsAccessDeniedError,
    AwsConnectionError,
    AwsCredentialsError,
    AwsError,
    AwsNotFoundError,
    AwsSettings,
    AwsThrottledError,
    AwsTimeoutError,
    AwsValidationError,
    ConditionalCheckFailedError,
    translate,
)
from verifiedfan.errors import (
    ConfigurationError,
    ForbiddenError,
    NetworkError,
    NotFoundError,
    RateLimitedError,
    ValidationError,
    VFError,
    VFTimeoutError,
)


def client_error(code: str, status: int, message: str = "boom") -> botocore.exceptions.ClientError:
    response = {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": status, "RequestId": "req-123"},
    }
    return botocore.exceptions.ClientError(response, "GetItem")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("code", "status", "cls", "also"),
    [
        ("NoSuchKey", 404, AwsNotFoundError, NotFoundError),
        ("ResourceNotFoundException", 400, AwsNotFoundError, NotFoundError),
        ("ThrottlingException", 400, AwsThrottledError, RateLimitedError),
        ("ProvisionedThroughputExceededException", 400, AwsThrottledError, RateLimitedError),
        ("SlowDown", 503, AwsThrottledError, RateLimitedError),
        ("ConditionalCheckFailedException", 400, ConditionalCheckFailedError, AwsError),
        ("AccessDenied", 403, AwsAccessDeniedError, ForbiddenError),
        ("UnrecognizedClientException", 400, AwsAccessDeniedError, ForbiddenError),
        ("ValidationException", 400, AwsValidationError, ValidationError),
        ("InternalServerError", 500, AwsError, VFError),
    ],
)
def test_client_errors_map_to_the_tree(code: str, status: int, cls: type, also: type) -> None:
    exc = client_error(code, status)
    err = translate(exc, service="dynamodb")
    assert type(err) is cls
    assert isinstance(err, also)
    assert err.code == code
    assert err.status == status
    assert err.request_id == "req-123"
    assert err.operation == "GetItem"
    assert str(err) == f"dynamodb.GetItem failed: {code}: boom"


def test_throttled_is_a_rate_limited_error_with_its_attributes() -> None:
    err = translate(client_error("Throttling", 400), service="s3")
    assert isinstance(err, RateLimitedError)
    assert err.retry_after is None
    assert err.status_code == 400
    assert err.service_name == "s3"
    assert err.to_dict()["status"] == 400


def test_client_side_errors() -> None:
    param = botocore.exceptions.ParamValidationError(report="Invalid bucket name")
    assert isinstance(translate(param, service="s3"), AwsValidationError)
    assert isinstance(translate(botocore.exceptions.NoCredentialsError()), AwsCredentialsError)
    assert isinstance(translate(botocore.exceptions.NoCredentialsError()), ConfigurationError)
    conn = botocore.exceptions.EndpointConnectionError(endpoint_url="http://127.0.0.1:1")
    assert isinstance(translate(conn), AwsConnectionError)
    assert isinstance(translate(conn), NetworkError)
    timeout = botocore.exceptions.ReadTimeoutError(endpoint_url="http://x")
    assert isinstance(translate(timeout), AwsTimeoutError)
    assert isinstance(translate(timeout), VFTimeoutError)


def test_settings_refuse_half_a_key_pair() -> None:
    with pytest.raises(AwsCredentialsError, match="both access_key_id and secret_access_key"):
        AwsSettings(access_key_id="AKIA").credentials()
    assert AwsSettings().credentials() == {}


def test_settings_keep_secrets_out_of_repr() -> None:
    settings = AwsSettings(access_key_id="AKIA", secret_access_key="s3cr3t-value", session_token="tok-value")  # type: ignore[arg-type]
    assert "s3cr3t-value" not in repr(settings)
    assert "tok-value" not in repr(settings)
    assert settings.credentials()["aws_secret_access_key"] == "s3cr3t-value"


def test_settings_read_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VF_AWS_REGION", "eu-west-1")
    monkeypatch.setenv("VF_AWS_RETRY_MODE", "adaptive")
    monkeypatch.setenv("VF_AWS_MAX_POOL_CONNECTIONS", "64")
    settings = AwsSettings()
    assert settings.client_kwargs() == {"region_name": "eu-west-1"}
    config = settings.config_kwargs()
    assert config["retries"] == {"mode": "adaptive", "total_max_attempts": 3}
    assert config["max_pool_connections"] == 64
    assert config["parameter_validation"] is True
