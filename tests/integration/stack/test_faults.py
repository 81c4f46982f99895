"""Fault helpers, a second ``up``, and crash detection, on private servers started by these tests.

Each test starts its own instances (own state dir, free ports) so the shared stack other tests use
is never disturbed.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from verifiedfan.stack import Stack, StackError, StackSettings

pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def private_stack(vf_stack_settings: StackSettings, tmp_path: Path) -> Iterator[Stack]:
    settings = vf_stack_settings.model_copy(
        update={
            "run_dir": tmp_path / "run",
            "redis_port": _free_port(),
            "redis_replica_port": _free_port(),
            "otlp_port": _free_port(),
            "aws_port": _free_port(),
            "start_timeout": 60.0,
        }
    )
    stack = Stack(settings=settings)
    try:
        yield stack
    finally:
        stack.down()


def _redis(url: str) -> Any:
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return redis.Redis.from_url(url, socket_timeout=5, retry=Retry(NoBackoff(), 0))


@pytest.mark.redis
def test_restart_keeps_the_ports_and_answers_again(private_stack: Stack) -> None:
    private_stack.up(["redis"])
    before = {r.role: r.pid for r in private_stack.records("redis")}
    private_stack.restart("redis", roles=["primary"])
    after = {r.role: r.pid for r in private_stack.records("redis")}
    assert after["primary"] != before["primary"]
    assert after["replica"] == before["replica"]
    client = _redis(private_stack.connection("redis").url)  # type: ignore[union-attr]
    try:
        assert client.ping() is True
    finally:
        client.close()


@pytest.mark.redis
def test_paused_server_does_not_answer_until_resumed(private_stack: Stack) -> None:
    import redis

    private_stack.up(["redis"])
    url = private_stack.connection("redis").url  # type: ignore[union-attr]
    client = redis.Redis.from_url(url, socket_timeout=0.5, retry=None)
    try:
        with private_stack.paused("redis"), pytest.raises(redis.TimeoutError):
            client.ping()
        assert client.ping() is True
    finally:
        client.close()


@pytest.mark.redis
def test_kill_clients_cuts_open_connections(private_stack: Stack) -> None:
    private_stack.up(["redis"])
    client = _redis(private_stack.connection("redis").url)  # type: ignore[union-attr]
    try:
        before = client.client_id()
        assert private_stack.kill_clients() >= 1
        # redis-py notices the closed socket and connects again: a new connection has a new id
        assert client.client_id() != before
    finally:
        client.close()


@pytest.mark.otlp
def test_second_up_is_a_no_op(private_stack: Stack) -> None:
    first = private_stack.up(["otlp"])
    pids = [r.pid for r in private_stack.records("otlp")]
    second = private_stack.up(["otlp"])
    assert (first.started, second.started, second.already_running) == (("otlp",), (), ("otlp",))
    assert [r.pid for r in private_stack.records("otlp")] == pids


@pytest.mark.otlp
def test_status_notices_a_crashed_server(private_stack: Stack) -> None:
    private_stack.up(["otlp"])
    (record,) = private_stack.records("otlp")
    os.kill(record.pid, signal.SIGKILL)
    deadline = threading.Event()
    while record.is_running() and not deadline.wait(0.05):
        pass
    (status,) = private_stack.status(["otlp"])
    assert (status.state, status.healthy) == ("crashed", False)


@pytest.mark.otlp
def test_status_notices_a_server_that_does_not_answer(private_stack: Stack) -> None:
    private_stack.up(["otlp"])
    with private_stack.paused("otlp"):
        (status,) = private_stack.status(["otlp"], timeout=0.5)
    assert (status.state, status.healthy) == ("running", False)
    assert "not answering" in status.detail


@pytest.mark.otlp
def test_up_after_a_crash_starts_the_server_again(private_stack: Stack) -> None:
    private_stack.up(["otlp"])
    (record,) = private_stack.records("otlp")
    os.kill(record.pid, signal.SIGKILL)
    while record.is_running():
        threading.Event().wait(0.05)
    assert private_stack.up(["otlp"]).started == ("otlp",)
    (status,) = private_stack.status(["otlp"])
    assert (status.state, status.healthy) == ("running", True)


@pytest.mark.aws
def test_up_fails_with_a_typed_error_when_a_port_is_taken(private_stack: Stack) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", private_stack.settings.aws_port))
        squatter.listen()
        with pytest.raises(StackError, match="is taken"):
            private_stack.up(["aws"])


@pytest.mark.otlp
def test_down_stops_the_process_and_removes_its_data(private_stack: Stack) -> None:
    private_stack.up(["otlp"])
    (record,) = private_stack.records("otlp")
    assert private_stack.down(["otlp"]) == ("otlp",)
    assert not record.is_running()
    assert not private_stack.run_dir("otlp").exists()
