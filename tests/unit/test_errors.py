from __future__ import annotations

import pytest

from verifiedfan import errors
from verifiedfan.errors import (
    ClientError,
    HTTPStatusError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    UnauthorizedError,
    VFError,
    error_for_status,
    parse_body,
)


def test_every_public_exception_is_a_vferror() -> None:
    for name in errors.__all__:
        obj = getattr(errors, name)
        if isinstance(obj, type) and issubclass(obj, BaseException):
            assert issubclass(obj, VFError), name


def test_all_lists_exactly_the_public_names() -> None:
    public = {n for n in vars(errors) if n[0] not in "_@" and n != "annotations"}
    public -= {"Any", "json"}
    assert set(errors.__all__) == public


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (401, UnauthorizedError),
        (404, NotFoundError),
        (418, ClientError),
        (429, RateLimitedError),
        (500, ServerError),
        (503, ServerError),
    ],
)
def test_error_for_status_picks_the_most_specific_class(status: int, cls: type[HTTPStatusError]) -> None:
    err = error_for_status(status, body={"a": 1}, method="POST", url="http://x/y", service_name="svc")
    assert type(err) is cls
    assert err.status_code == status
    assert err.body == {"a": 1}
    assert (err.method, err.url, err.service_name) == ("POST", "http://x/y", "svc")
    assert "svc" in str(err)
    assert str(status) in str(err)


def test_rate_limited_carries_retry_after() -> None:
    err = error_for_status(429, retry_after=12.5)
    assert isinstance(err, RateLimitedError)
    assert err.retry_after == 12.5


def test_to_dict_gives_the_legacy_shape() -> None:
    err = error_for_status(404, body={"developer_message": "no user 1"}, url="http://x/u/1")
    d = err.to_dict()
    assert d["status"] == 404
    assert d["message"] == str(err)
    assert d["developer_message"] == "no user 1"
    assert "error_message" in d


def test_usage_errors_are_also_value_errors() -> None:
    assert issubclass(errors.ValidationError, ValueError)
    assert issubclass(errors.ConfigurationError, ValueError)


@pytest.mark.parametrize(
    ("raw", "ctype", "expected"),
    [
        (b'{"a": 1}', "application/json", {"a": 1}),
        (b"oops", "text/plain", "oops"),
        (b"", None, None),
        (b"[1]", None, [1]),
        (b"{bad", "application/json", "{bad"),
    ],
)
def test_parse_body(raw: bytes, ctype: str | None, expected: object) -> None:
    assert parse_body(raw, ctype) == expected
