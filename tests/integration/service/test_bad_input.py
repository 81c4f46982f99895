"""The issue's bad inputs against the served service: each a clear 4xx in the error shape, nothing
written to Mongo or Kafka, no secret in the access log."""

from __future__ import annotations

import contextlib
import json
import socket
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import httpx
import pymongo
import pytest

from tests.integration.service.conftest import Served
from verifiedfan.jwt import Signer
from verifiedfan.reference_service import FAN_PERMISSIONS

if TYPE_CHECKING:
    from verifiedfan.stack import KafkaConnection

pytestmark = [pytest.mark.integration, pytest.mark.mongo, pytest.mark.redis, pytest.mark.kafka]

PASSWORD = "never-in-a-log-0xC0FFEE"
FORM = {
    "firstName": "Ada",
    "lastName": "Lovelace",
    "email": "ada@example.com",
    "phone": "+1 555 010 9999",
    "password": PASSWORD,
}


def _shape(answer: httpx.Response, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    body: dict[str, Any] = answer.json()
    assert body["status"] == body["statusCode"] == status
    assert isinstance(body["message"], str)
    assert body["message"]
    return body


def _kafka_end(vf_kafka: KafkaConnection, topic: str) -> int:
    from confluent_kafka import Consumer, TopicPartition

    consumer = Consumer({"bootstrap.servers": vf_kafka.bootstrap_servers, "group.id": uuid.uuid4().hex})
    try:
        _, high = consumer.get_watermark_offsets(TopicPartition(topic, 0), timeout=10)
    finally:
        consumer.close()
    return int(high)


@pytest.fixture
def nothing_written(served: Served, vf_kafka: KafkaConnection) -> Iterator[None]:
    """Around a test: the users collection and the fan.verified topic are left as they were."""
    with pymongo.MongoClient(served.mongo_url) as client:
        users = client[served.db_name]["users"]
        before = users.count_documents({})
        end = _kafka_end(vf_kafka, served.topic)
        yield
        assert users.count_documents({}) == before
        assert users.count_documents({"email": "ada@example.com"}) == 0
    assert _kafka_end(vf_kafka, served.topic) == end
    assert PASSWORD not in served.log()


@pytest.fixture
def fan_token(served: Served) -> str:
    signer = Signer(private_key=served.private_key, issuer="vf-reference-service")
    return signer.make_token({"sub": "spotify:fan-top-1", "permissions": list(FAN_PERMISSIONS)})


@pytest.mark.usefixtures("nothing_written")
def test_bodies_that_are_not_json(served: Served) -> None:
    with served.client() as http:
        for body in (b"{not json", b"", b"\xff\xfe\x00", b"[1, 2"):
            answer = http.post("/registrations", content=body, headers={"content-type": "application/json"})
            _shape(answer, 400)
        as_text = http.post(
            "/registrations", content=json.dumps(FORM), headers={"content-type": "text/plain"}
        )
    _shape(as_text, 400)


@pytest.mark.usefixtures("nothing_written")
def test_a_body_over_the_limit_is_413_declared_or_streamed(served: Served, fan_token: str) -> None:
    big = json.dumps({**FORM, "firstName": "A" * 70_000}).encode()

    def chunks() -> Iterator[bytes]:
        for i in range(0, len(big), 8192):
            yield big[i : i + 8192]

    with served.client() as http:
        _shape(http.post("/registrations", content=big, headers={"content-type": "application/json"}), 413)
        streamed = http.post("/registrations", content=chunks(), headers={"content-type": "application/json"})
        _shape(streamed, 413)
        verify = http.post(
            "/fans/spotify:fan-top-1/verify",
            content=big,
            headers={"authorization": f"Bearer {fan_token}", "content-type": "application/json"},
        )
    _shape(verify, 413)


@pytest.mark.usefixtures("nothing_written")
def test_wrong_types_and_unknown_fields_name_their_paths(served: Served) -> None:
    with served.client() as http:
        wrong = http.post("/registrations", json={**FORM, "email": 5, "phone": ["+15550100"]})
        unknown = http.post("/registrations", json={**FORM, "isAdmin": True})
        missing = http.post("/registrations", json={"email": "ada@example.com"})
        short = http.post("/login", json={"email": "ada@example.com", "password": 12345678})
    errors = {e["path"] for e in _shape(wrong, 400)["errors"]}
    assert errors == {"body:$.email", "body:$.phone"}
    assert [e["path"] for e in _shape(unknown, 400)["errors"]] == ["body:$.isAdmin"]
    assert {e["path"] for e in _shape(missing, 400)["errors"]} >= {"body:$.password", "body:$.firstName"}
    _shape(short, 400)
    assert "12345678" not in served.log()


@pytest.mark.usefixtures("nothing_written")
def test_a_10_mb_header_is_refused_before_the_app(served: Served) -> None:
    host, port = served.url.removeprefix("http://").split(":")
    header = b"X-Big: " + b"a" * (10 * 1024 * 1024) + b"\r\n"
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(b"POST /registrations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n")
        with contextlib.suppress(OSError):  # the server may close the connection before reading it all
            sock.sendall(header + b"Content-Length: 2\r\n\r\n{}")
        reply = b""
        with contextlib.suppress(OSError):
            while chunk := sock.recv(65536):
                reply += chunk
    status_line = reply.split(b"\r\n", 1)[0]
    assert status_line.startswith(b"HTTP/1.1 4"), reply[:200]


@pytest.mark.usefixtures("nothing_written")
def test_a_token_in_the_query_string_is_400_and_not_logged(served: Served, fan_token: str) -> None:
    with served.client() as http:
        for name in ("access_token", "token", "jwt"):
            _shape(http.get("/me", params={name: fan_token}), 400)
        verify = http.post("/fans/spotify:fan-top-1/verify", params={"access_token": fan_token})
    assert "query string" in _shape(verify, 400)["message"]
    assert fan_token not in served.log()


@pytest.mark.usefixtures("nothing_written")
def test_a_correlation_id_with_control_characters_is_replaced(served: Served) -> None:
    bad = "abc\x01def\x7f"
    with served.client() as http:
        answer = http.get("/me", headers={"x-correlation-id": bad})
        spaced = http.post("/registrations", content=b"{", headers={"x-correlation-id": "a b\tc"})
    _shape(answer, 401)
    _shape(spaced, 400)
    for reply in (answer, spaced):
        echoed = reply.headers["x-correlation-id"]
        assert echoed.isascii()
        assert echoed.isprintable()
        assert " " not in echoed
    assert "abc\\u0001def" not in served.log()
    assert "abc\x01def" not in served.log()
