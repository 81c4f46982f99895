"""The issue's bad-input list, each answered with a clear 4xx in the error shape."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from verifiedfan.correlation import CORRELATION_HEADER
from verifiedfan.log import capture_logs
from verifiedfan.web import parse_json

from ._app import client, service

SHAPE = {"message", "error_message", "developer_message", "status", "statusCode"}


def _error(response: object, status: int, fragment: str) -> None:
    assert response.status_code == status  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == SHAPE
    assert body["status"] == status
    assert fragment in body["message"]


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"not json", "not valid JSON: Expecting value at line 1 column 1"),
        (b'{"email": ', "not valid JSON"),
        (b"", "empty"),
        (b"[1, 2]", "must be a JSON object"),
        (b"\xff\xfe{", "not UTF-8"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
    ids=["text", "truncated", "empty", "array", "binary", "deep"],
)
async def test_a_body_that_is_not_a_json_object_is_400(content: bytes, fragment: str) -> None:
    async with client(service()) as http:
        response = await http.post("/registrations", content=content)
    _error(response, 400, fragment)


async def test_a_json_object_goes_through() -> None:
    async with client(service()) as http:
        response = await http.post("/registrations", json={"email": "a@b.co", "name": "A"})
    assert response.status_code == 201
    assert response.json() == {"received": ["email", "name"]}


async def test_a_declared_body_over_the_limit_is_413_before_the_app_reads_it() -> None:
    with capture_logs() as logs:
        async with client(service(max_body_bytes=1024)) as http:
            response = await http.post("/registrations", content=b"{" + b" " * 2048 + b"}")
    _error(response, 413, "limit is 1024 bytes")
    assert "registration received" not in logs.text


async def test_a_streamed_body_over_the_limit_is_413() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(8):
            yield b" " * 512

    async with client(service(max_body_bytes=1024)) as http:
        response = await http.post("/registrations", content=chunks())
    _error(response, 413, "request body too large")


async def test_huge_headers_are_431() -> None:
    async with client(service()) as http:
        response = await http.get("/me", headers={"X-Padding": "a" * (10 * 1024 * 1024)})
    _error(response, 431, "request headers too large")


async def test_an_invalid_content_length_is_400() -> None:
    from ._app import starlette_app

    app = service()
    scope_headers = [(b"content-length", b"12abc")]
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/registrations",
        "headers": scope_headers,
        "query_string": b"",
        "http_version": "1.1",
        "scheme": "http",
        "server": ("svc", 80),
        "client": ("127.0.0.1", 1),
        "root_path": "",
        "app": starlette_app(),
    }
    await app(scope, receive, send)
    assert sent[0]["status"] == 400


async def test_a_correlation_id_with_control_characters_is_never_echoed_or_logged() -> None:
    with capture_logs() as logs:
        async with client(service()) as http:
            headers = [(CORRELATION_HEADER.encode(), b"evil\r\x1b[31minjected")]
            response = await http.get("/me", headers=headers)
    assert response.status_code == 200
    assert "injected" not in response.headers[CORRELATION_HEADER]
    assert "injected" not in logs.text


def test_parse_json_never_quotes_the_body() -> None:
    from verifiedfan.errors import ValidationError

    with pytest.raises(ValidationError, match="line 1 column 13") as caught:
        parse_json(b'{"password":hunter2}')
    assert "hunter2" not in str(caught.value)
    assert caught.value.status == 400
