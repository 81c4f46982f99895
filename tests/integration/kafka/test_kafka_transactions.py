"""Transactions on the real broker: what read_committed consumers see, offsets committed with the
output (consume-transform-produce), and fencing of a zombie producer."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from verifiedfan.kafka import JsonFormatter, Kafka, KafkaConsumer, ProducerFencedError

from .conftest import RealBackend

pytestmark = [pytest.mark.integration, pytest.mark.kafka]


@pytest.fixture
def real(vf_kafka: Any, vf_schema_registry: Any) -> Any:
    backend = RealBackend(vf_kafka.bootstrap_servers, vf_schema_registry.url)
    yield backend
    backend.cleanup()


def txn_id() -> str:
    return f"test-txn-{uuid.uuid4().hex[:12]}"


def producer(real: RealBackend, topic: str, tid: str | None = None) -> Kafka:
    return real.kafka(
        topic, formatter=JsonFormatter(), transactional_id=tid or txn_id(), transaction_timeout=10.0
    )


def consumer(real: RealBackend, topic: str, **options: Any) -> KafkaConsumer:
    options.setdefault("group_id", real.unique("txn-group"))
    return real.consumer(topic, formatter=JsonFormatter(), **options)


async def read_all(c: KafkaConsumer, idle: float = 2.0) -> list[Any]:
    async with c:
        return [m.value async for m in c.messages(idle_timeout=idle)]


async def test_an_aborted_transaction_is_invisible_to_read_committed_consumers(real: RealBackend) -> None:
    topic = real.new_topic()
    async with producer(real, topic) as kafka:
        async with kafka.transaction():
            await kafka.send_messages([{"key": "a", "value": {"n": 1}}, {"key": "b", "value": {"n": 2}}])
        await kafka.begin_transaction()
        await kafka.send_messages([{"key": "c", "value": {"n": 3}}])
        await kafka.abort_transaction()

        async def failing_block() -> None:
            async with kafka.transaction():
                await kafka.send_messages([{"key": "d", "value": {"n": 4}}])
                raise RuntimeError("boom")

        with pytest.raises(RuntimeError, match="boom"):  # an error in the block aborts too
            await failing_block()
        assert not kafka.in_transaction
        async with kafka.transaction():
            await kafka.send_messages([{"key": "e", "value": {"n": 5}}])

    committed = await read_all(consumer(real, topic))
    everything = await read_all(consumer(real, topic, isolation_level="read_uncommitted"))
    assert [v["n"] for v in committed] == [1, 2, 5]
    # the aborted messages are in the log: only the isolation level hides them
    assert [v["n"] for v in everything] == [1, 2, 3, 4, 5]


async def test_offsets_sent_in_a_transaction_are_committed_with_it(real: RealBackend) -> None:
    source, sink = real.new_topic(partitions=2), real.new_topic()
    async with real.kafka(source, formatter=JsonFormatter()) as plain:
        await plain.send_messages([{"key": f"k{i}", "value": {"n": i}} for i in range(20)])
    group = real.unique("ctp")

    def worker_consumer() -> KafkaConsumer:
        return consumer(real, source, group_id=group, auto_commit=False, batch_size=8)

    async with producer(real, sink) as kafka, worker_consumer() as c:
        batch: list[Any] = []
        while not batch:
            batch = await c.fetch()
        # first batch: aborted (as a failed batch would be), then read again after rewind
        await kafka.begin_transaction()
        await kafka.send_messages([{"value": {"n": m.value["n"], "try": 1}} for m in batch])
        await kafka.send_offsets_to_transaction(c, batch)
        await kafka.abort_transaction()
        await c.rewind()
        handled: list[int] = []
        while len(handled) < 20:
            batch = await c.fetch()
            if not batch:
                continue
            async with kafka.transaction():
                await kafka.send_messages([{"value": {"n": m.value["n"], "try": 2}} for m in batch])
                await kafka.send_offsets_to_transaction(c, batch)
            handled += [m.value["n"] for m in batch]
    assert sorted(handled) == list(range(20))

    out = await read_all(consumer(real, sink))
    assert sorted(v["n"] for v in out) == list(range(20))
    assert {v["try"] for v in out} == {2}
    # the group's committed offsets are at the end: a new member reads nothing
    assert await read_all(worker_consumer(), idle=1.5) == []


async def test_a_new_producer_with_the_same_id_fences_the_old_one(real: RealBackend) -> None:
    topic = real.new_topic()
    tid = txn_id()
    async with producer(real, topic, tid) as old:
        await old.begin_transaction()
        await old.send_messages([{"value": {"n": 1}}])
        async with producer(real, topic, tid) as new:  # init_transactions aborts old's transaction
            async with new.transaction():
                await new.send_messages([{"value": {"n": 2}}])
            with pytest.raises(ProducerFencedError) as info:
                await old.commit_transaction()
            assert info.value.fatal
    assert [v["n"] for v in await read_all(consumer(real, topic))] == [2]
