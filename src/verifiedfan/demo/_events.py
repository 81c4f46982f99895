"""The demo's Kafka side: a per-run topic, a batching publisher and a downstream consumer."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from typing import Any, Literal

from verifiedfan._optional import require
from verifiedfan.kafka import Kafka, KafkaConsumer, KafkaError

__all__ = ["Publisher", "analytics_consumer", "consume_events", "create_topic", "delete_topic"]

logger = logging.getLogger(__name__)

_STOP: Any = object()


def _admin(brokers: str) -> Any:
    admin = require("confluent_kafka.admin", "kafka")
    return admin.AdminClient({"bootstrap.servers": brokers, "log_level": 4})  # no info lines on stderr


def _create(brokers: str, topic: str, partitions: int) -> None:
    admin_mod: Any = require("confluent_kafka.admin", "kafka")
    new = admin_mod.NewTopic(topic, num_partitions=partitions, replication_factor=1)
    admin = _admin(brokers)  # held: the futures fail when the client is collected
    try:
        admin.create_topics([new])[topic].result(30)
    except Exception as exc:  # KafkaException from the future
        raise KafkaError(f"cannot create topic {topic}: {exc}") from exc


def _delete(brokers: str, topic: str) -> None:
    admin = _admin(brokers)
    try:
        admin.delete_topics([topic])[topic].result(30)
    except Exception as exc:  # noqa: BLE001 - cleanup: report, do not fail the run
        logger.warning("could not delete topic %s: %s", topic, exc)


def analytics_consumer(
    brokers: str,
    registry_url: str,
    topic: str,
    run_id: str,
    *,
    isolation_level: Literal["read_committed", "read_uncommitted"] = "read_committed",
) -> KafkaConsumer:
    """The demo's reader of ``fan.verified`` events: its own group per run, Avro through the registry."""
    return KafkaConsumer(
        brokers=brokers,
        topics=topic,
        group_id=f"vf-demo-analytics-{run_id}",
        registry_url=registry_url,
        poll_timeout=0.25,
        batch_size=1000,
        isolation_level=isolation_level,
    )


async def create_topic(brokers: str, topic: str, *, partitions: int = 1) -> None:
    await asyncio.to_thread(_create, brokers, topic, partitions)


async def delete_topic(brokers: str, topic: str) -> None:
    await asyncio.to_thread(_delete, brokers, topic)


class Publisher:
    """Sends ``fan.verified`` records in batches while the checks go on: each send takes every
    record queued meanwhile (up to ``batch_size``), so batches grow with the load. ``linger``
    seconds are given to a batch to fill up before it is sent (fewer, larger sends)."""

    def __init__(self, kafka: Kafka, *, batch_size: int, linger: float = 0.0) -> None:
        self._kafka = kafka
        self._batch_size = batch_size
        self._linger = linger
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        self.published: Counter[tuple[str, str]] = Counter()
        self.count = 0
        self.batches = 0
        self.send_seconds = 0.0

    def put(self, record: dict[str, Any]) -> None:
        self._queue.put_nowait(record)

    def close(self) -> None:
        self._queue.put_nowait(_STOP)

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        done = False
        while not done:
            batch = [await self._queue.get()]
            if self._linger > 0 and batch[0] is not _STOP and self._queue.qsize() < self._batch_size:
                await asyncio.sleep(self._linger)
            while len(batch) < self._batch_size and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            if batch[-1] is _STOP:
                batch.pop()
                done = True
            if not batch:
                continue
            start = loop.time()
            await self._kafka.send_messages([{"key": r["userId"], "value": r} for r in batch])
            self.send_seconds += loop.time() - start
            self.batches += 1
            self.count += len(batch)
            self.published.update((r["userId"], r["artistId"]) for r in batch)


async def consume_events(
    consumer: KafkaConsumer,
    *,
    published: asyncio.Future[int],
    give_up_after: float,
) -> Counter[tuple[str, str]]:
    """Read the topic as a downstream analytics consumer would, until as many events as were
    published (known when ``published`` resolves) arrived, or ``give_up_after`` seconds passed after
    publishing ended without the count being reached."""
    seen: Counter[tuple[str, str]] = Counter()
    count = 0
    idle_after_publish = 0.0
    while True:
        if published.done():
            if count >= published.result():
                return seen
            if idle_after_publish >= give_up_after:
                wanted = published.result()
                logger.warning("consumer: %d of %d events after %.0fs", count, wanted, give_up_after)
                return seen
        stream = consumer.messages(idle_timeout=consumer.poll_timeout)
        got = 0
        async for message in stream:
            value = message.value
            seen[(value["userId"], value["artistId"])] += 1
            count += 1
            got += 1
            if published.done() and count >= published.result():
                break
        await stream.aclose()
        if published.done() and not got:
            idle_after_publish += consumer.poll_timeout
