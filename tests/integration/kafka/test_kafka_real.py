"""Behaviour only the real broker shows: broker-side limits, delivery timeouts, a broker restart."""

from __future__ import annotations

import asyncio
import logging
import socket
import time
from typing import Any

import pytest

from verifiedfan.kafka import JsonFormatter, KafkaConsumer, MessageTooLargeError

from .conftest import RealBackend

pytestmark = [pytest.mark.integration, pytest.mark.kafka]


def wait_until_closed(bootstrap: str, attempts: int = 600) -> None:
    host, port = bootstrap.split(",")[0].rsplit(":", 1)
    for _ in range(attempts):
        try:
            with socket.create_connection((host, int(port)), timeout=0.5):
                pass
        except OSError:
            return
        time.sleep(0.1)
    raise AssertionError("the broker never went down")


ID_SCHEMA = {"type": "record", "name": "Event", "fields": [{"name": "id", "type": "long"}]}


@pytest.fixture
def real(vf_kafka: Any, vf_schema_registry: Any) -> Any:
    backend = RealBackend(vf_kafka.bootstrap_servers, vf_schema_registry.url)
    yield backend
    backend.cleanup()


async def test_a_message_the_broker_refuses_as_too_large_is_a_typed_error(real: RealBackend) -> None:
    topic = real.new_topic()
    config = {"message.max.bytes": 3_000_000}  # the client lets it through, the broker (1 MiB) does not
    async with real.kafka(topic, formatter=JsonFormatter(), producer_config=config) as kafka:
        with pytest.raises(MessageTooLargeError) as info:
            await kafka.send_messages([{"value": "x" * 2_000_000}])
    assert info.value.failures[0].index == 0


@pytest.mark.slow
async def test_no_loss_no_duplicates_across_a_broker_restart(
    real: RealBackend, vf_stack: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    total, batch = 100_000, 1_000
    topic = real.new_topic(partitions=3)
    restart: list[asyncio.Future[None]] = []

    async def restart_when_a_fifth_is_sent(sent: int) -> None:
        # Start the restart, and go on sending only once the broker is really down.
        if sent >= total // 5 and not restart:
            restart.append(asyncio.get_running_loop().run_in_executor(None, vf_stack.restart, "kafka"))
            await asyncio.to_thread(wait_until_closed, real.bootstrap)

    async with real.kafka(topic, delivery_timeout=180.0) as kafka:
        await kafka.register_schema(ID_SCHEMA)
        pending = set()
        for start in range(0, total, batch):
            messages = [{"key": str(i), "value": {"id": i}} for i in range(start, start + batch)]
            pending.add(asyncio.ensure_future(kafka.send_messages(messages)))
            if len(pending) >= 20:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    task.result()
            await restart_when_a_fifth_is_sent(start + batch)
        for results in await asyncio.gather(*pending):
            assert len(results) == batch
        await restart[0]  # the broker did restart (and came back) while we were sending

    ids: list[int] = []
    consumer = KafkaConsumer(
        brokers=real.bootstrap, topics=topic, group_id=real.unique("group"), registry_url=real.registry_url
    )
    async with consumer:
        async for message in consumer.messages(max_messages=total + 10, idle_timeout=30.0):
            ids.append(message.value["id"])
    assert len(set(ids)) == total
    assert len(ids) == total
