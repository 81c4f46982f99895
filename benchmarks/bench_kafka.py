"""Kafka: ``Kafka.send_messages`` and ``KafkaConsumer`` against raw confluent-kafka with its own
``AvroSerializer``/``AvroDeserializer``: same broker, same registry, same ~1 KB Avro records, same run.

Needs the stack's ``kafka`` and ``schema-registry`` (the runner starts them; their addresses come
from the stack's connection settings). The two sides run interleaved, chunk by chunk (2,000
messages a chunk, the order swapped each round), so that the load of the shared machine weighs on
both alike. A producer chunk counts once the broker acknowledged every message of it (ours: the
awaited ``send_messages`` per batch; raw: ``produce`` each message then ``flush`` per batch). Both
producers have the same settings (idempotence, ``acks=all``, ``linger.ms=5``; both flush at once
when a batch is produced). Consumer chunks decode every value (group join excluded).
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable
from typing import Any

from benchmarks._harness import Comparison

SERVERS = ("kafka", "schema-registry")
SCHEMA: dict[str, Any] = {
    "type": "record",
    "name": "FanVerified",
    "namespace": "vf.bench",
    "fields": [
        {"name": "userId", "type": "string"},
        {"name": "artistId", "type": "string"},
        {"name": "method", "type": "string"},
        {"name": "ts", "type": "long"},
        {"name": "score", "type": "double"},
        {"name": "tags", "type": {"type": "array", "items": "string"}},
        {"name": "attrs", "type": {"type": "map", "values": "string"}},
        {"name": "note", "type": ["null", "string"], "default": None},
    ],
}
PRODUCER_CONF = {"enable.idempotence": True, "acks": "all", "partitioner": "murmur2_random", "linger.ms": 5}
RAW_PRODUCER = "confluent-kafka Producer + AvroSerializer"
RAW_CONSUMER = "confluent-kafka Consumer + AvroDeserializer"


def record(i: int) -> dict[str, Any]:
    """A ~1 KB Avro record."""
    return {
        "userId": f"user-{i:032d}",
        "artistId": "a" * 20,
        "method": "sms",
        "ts": 1_700_000_000_000 + i,
        "score": 0.5,
        "tags": ["t" * 20] * 20,
        "attrs": {f"k{j}": "v" * 20 for j in range(10)},
        "note": "n" * 200,
    }


def _settings() -> Any:
    """Settings pointing at the `vf stack` broker and registry (the clients' defaults are 9092/8081)."""
    from verifiedfan.kafka import KafkaSettings
    from verifiedfan.stack import StackSettings, connections

    conns = connections(StackSettings())
    return KafkaSettings(brokers=conns.kafka.bootstrap_servers, registry_url=conns.schema_registry.url)


def _create_topic(bootstrap: str, partitions: int = 3) -> str:
    from confluent_kafka.admin import AdminClient, NewTopic  # type: ignore[attr-defined]

    topic = f"bench-{uuid.uuid4().hex[:10]}"
    admin = AdminClient({"bootstrap.servers": bootstrap})
    admin.create_topics([NewTopic(topic, num_partitions=partitions, replication_factor=1)])[topic].result(30)
    return topic


def _delete_topics(bootstrap: str, topics: list[str]) -> None:
    if not topics:
        return
    from confluent_kafka.admin import AdminClient

    admin = AdminClient({"bootstrap.servers": bootstrap})
    for future in admin.delete_topics(topics).values():
        future.result(30)


def _interleave(
    ours: Callable[[int], None], raw: Callable[[int], None], chunks: int
) -> tuple[float, float, float, float]:
    """Wall seconds, then CPU seconds, spent by each side over ``chunks`` alternating rounds (the order
    swaps each round): ``(ours_wall, raw_wall, ours_cpu, raw_cpu)``.

    CPU time is the process's (``time.process_time``: every thread, librdkafka's included), taken
    while one side runs; the other side's idle threads weigh on it alike. On a loaded machine it is
    the steadier figure: it does not count the time spent waiting for a core.
    """
    wall = {"ours": 0.0, "raw": 0.0}
    cpu = {"ours": 0.0, "raw": 0.0}
    sides = [("ours", ours), ("raw", raw)]
    for chunk in range(chunks):
        for name, fn in sides if chunk % 2 == 0 else sides[::-1]:
            start, start_cpu = time.perf_counter(), time.process_time()
            fn(chunk)
            wall[name] += time.perf_counter() - start
            cpu[name] += time.process_time() - start_cpu
    return wall["ours"], wall["raw"], cpu["ours"], cpu["raw"]


def _compare_send(topic: str, size: int, total: int, chunks: int) -> tuple[float, float, float, float]:
    """Messages per second (ours, raw), then CPU microseconds per message (ours, raw)."""
    from confluent_kafka import Producer
    from confluent_kafka.schema_registry import SchemaRegistryClient
    from confluent_kafka.schema_registry.avro import AvroSerializer
    from confluent_kafka.serialization import MessageField, SerializationContext

    from verifiedfan.kafka import Kafka

    s = _settings()
    per_chunk = total // chunks
    batches = [
        [{"key": f"user-{i}", "value": record(i)} for i in range(b, b + size)]
        for b in range(0, per_chunk, size)
    ]
    loop = asyncio.new_event_loop()
    kafka = Kafka(brokers=s.broker_list, topic=topic, registry_url=s.registry_url, headers_hook=None)
    loop.run_until_complete(kafka.connect())
    loop.run_until_complete(kafka.register_schema(SCHEMA))
    serializer = AvroSerializer(SchemaRegistryClient({"url": s.registry_url}), json.dumps(SCHEMA))
    producer = Producer({"bootstrap.servers": s.brokers, **PRODUCER_CONF})
    ctx = SerializationContext(topic, MessageField.VALUE)
    errors: list[Any] = []

    def on_delivery(err: Any, msg: Any) -> None:
        if err is not None:
            errors.append(err)

    async def ours_chunk() -> None:
        for batch in batches:
            await kafka.send_messages(batch)

    def ours(_: int) -> None:
        loop.run_until_complete(ours_chunk())

    def raw(_: int) -> None:
        for batch in batches:
            for message in batch:
                producer.produce(
                    topic,
                    key=message["key"].encode(),
                    value=serializer(message["value"], ctx),
                    on_delivery=on_delivery,
                )
            producer.flush()

    try:
        ours(0)  # warm-up: connections, schema ids
        raw(0)
        ours_s, raw_s, ours_cpu, raw_cpu = _interleave(ours, raw, chunks)
    finally:
        loop.run_until_complete(kafka.disconnect())
        loop.close()
    if errors:
        raise RuntimeError(f"raw producer: {errors[0]}")
    sent = len(batches) * size * chunks
    return sent / ours_s, sent / raw_s, ours_cpu / sent * 1e6, raw_cpu / sent * 1e6


def _compare_consume(topic: str, total: int, chunks: int) -> tuple[float, float]:
    from confluent_kafka import Consumer
    from confluent_kafka.schema_registry import SchemaRegistryClient
    from confluent_kafka.schema_registry.avro import AvroDeserializer
    from confluent_kafka.serialization import MessageField, SerializationContext

    from verifiedfan.kafka import KafkaConsumer

    s = _settings()
    per_chunk = total // chunks
    loop = asyncio.new_event_loop()
    consumer = KafkaConsumer(
        brokers=s.broker_list,
        topics=topic,
        group_id=f"bench-{uuid.uuid4().hex[:8]}",
        registry_url=s.registry_url,
        message_context=None,
    )
    stream = consumer.messages()
    deserializer = AvroDeserializer(SchemaRegistryClient({"url": s.registry_url}))
    raw_consumer = Consumer(
        {
            "bootstrap.servers": s.brokers,
            "group.id": f"bench-{uuid.uuid4().hex[:8]}",
            "auto.offset.reset": "earliest",
        }
    )
    raw_consumer.subscribe([topic])
    ctx = SerializationContext(topic, MessageField.VALUE)
    pending: list[Any] = []

    async def ours_n(n: int) -> None:
        for _ in range(n):
            await anext(stream)

    def ours(_: int) -> None:
        loop.run_until_complete(ours_n(per_chunk))

    def raw_n(n: int) -> None:
        done = 0
        while done < n:
            if not pending:
                pending.extend(m for m in raw_consumer.consume(500, 1.0) if m.error() is None)
                continue
            deserializer(pending.pop(0).value(), ctx)
            done += 1

    try:
        loop.run_until_complete(ours_n(1))  # warm-up: group join, schema fetch
        raw_n(1)
        ours_s, raw_s, _, _ = _interleave(ours, lambda _: raw_n(per_chunk), chunks)
    finally:
        loop.run_until_complete(stream.aclose())
        loop.run_until_complete(consumer.close())
        loop.close()
        raw_consumer.close()
    return per_chunk * chunks / ours_s, per_chunk * chunks / raw_s


def run(quick: bool) -> list[Comparison]:
    total = 20_000 if quick else 100_000
    # 2,000 messages a chunk: a burst of the neighbours' load (seconds, on this shared machine) then
    # weighs on both sides alike; with 10,000-message chunks one side could take all of it
    chunks = total // 2_000
    bootstrap = _settings().brokers
    topics: list[str] = []
    results: list[Comparison] = []
    try:
        for size in (100, 1_000):
            topic = _create_topic(bootstrap)
            topics.append(topic)
            ours, raw, ours_cpu, raw_cpu = _compare_send(topic, size, total, chunks)
            name = f"send_messages, batches of {size:,} (1 KB Avro)"
            results.append(Comparison(name, ours, raw, RAW_PRODUCER, "msg/s", True, ">= 1.0x"))
            results.append(
                Comparison(f"{name}, CPU", ours_cpu, raw_cpu, RAW_PRODUCER, "µs CPU/msg", False, "<= 1.0x")
            )
        ours, raw = _compare_consume(topics[-1], total, chunks)  # the topic holds 2 * total + warm-up
        results.append(
            Comparison("consume + decode (1 KB Avro)", ours, raw, RAW_CONSUMER, "msg/s", True, ">= 0.9x")
        )
    finally:
        _delete_topics(bootstrap, topics)
    return results
