from __future__ import annotations

from typing import Any

import pytest
from opentelemetry.trace import SpanKind, StatusCode

from verifiedfan.errors import VFError
from verifiedfan.kafka import ConsumedMessage, JsonFormatter
from verifiedfan.redis import Redis, SyncRedis
from verifiedfan.testing.kafka import FakeBroker, FakeSchemaRegistry, fake_consumer, fake_kafka
from verifiedfan.tracing import (
    get_tracer,
    kafka_send_instrument,
    mongo_instrument,
    redis_instrument,
    sync_mongo_instrument,
    sync_redis_instrument,
)

from .conftest import Spans


class _Boom(VFError):
    pass


async def test_mongo_operation_is_a_client_span_with_db_attributes(spans: Spans) -> None:
    instrument = mongo_instrument(db_name="fans")

    async def call() -> dict[str, str]:
        return {"_id": "f1"}

    assert await instrument("find_one", "registrations", call) == {"_id": "f1"}
    [span] = spans.finished()
    assert span.name == "mongo.find_one registrations"
    assert span.kind is SpanKind.CLIENT
    assert dict(span.attributes or {}) == {
        "db.system": "mongodb",
        "db.operation": "find_one",
        "db.collection": "registrations",
        "db.name": "fans",
    }


async def test_mongo_span_is_current_during_the_call_and_child_of_the_caller(spans: Spans) -> None:
    seen: list[int] = []

    async def call() -> None:
        from opentelemetry import trace

        seen.append(trace.get_current_span().get_span_context().span_id)

    with get_tracer().start_as_current_span("handler"):
        await mongo_instrument()("insert_one", "fans", call)
    mongo_span, handler = spans.finished()
    assert mongo_span.parent is not None
    assert mongo_span.parent.span_id == handler.context.span_id
    assert seen == [mongo_span.context.span_id]


async def test_mongo_error_is_recorded_and_reraised(spans: Spans) -> None:
    async def call() -> None:
        raise _Boom("duplicate key")

    with pytest.raises(_Boom, match="duplicate key"):
        await mongo_instrument()("insert_one", "fans", call)
    [span] = spans.finished()
    assert span.status.status_code is StatusCode.ERROR
    assert [e.name for e in span.events] == ["exception"]
    assert span.events[0].attributes is not None
    assert span.events[0].attributes["exception.type"].endswith("_Boom")


def test_sync_mongo_instrument_makes_the_same_span(spans: Spans) -> None:
    assert sync_mongo_instrument()("count_documents", "fans", lambda: 3) == 3
    [span] = spans.finished()
    assert span.name == "mongo.count_documents fans"
    assert span.attributes is not None
    assert "db.name" not in span.attributes


def test_sync_mongo_error_sets_status_error(spans: Spans) -> None:
    def call() -> None:
        raise _Boom("down")

    with pytest.raises(_Boom, match="down"):
        sync_mongo_instrument()("find", "fans", call)
    [span] = spans.finished()
    assert span.status.status_code is StatusCode.ERROR


class _AsyncStub:
    def __init__(self) -> None:
        self.data: dict[str, Any] = {}

    async def get(self, key: str) -> Any:
        return self.data.get(key)

    async def set(self, key: str, value: Any, **_: Any) -> bool:
        self.data[key] = value
        return True


class _SyncStub:
    def __init__(self) -> None:
        self.data: dict[str, Any] = {}

    def get(self, key: str) -> Any:
        return self.data.get(key)

    def delete(self, *keys: str) -> int:
        return sum(1 for k in keys if self.data.pop(k, None) is not None)


async def test_redis_operations_through_the_client_hook_are_spans(spans: Spans) -> None:
    cache = Redis(primary_client=_AsyncStub(), instrument=redis_instrument(db_index=0))  # type: ignore[arg-type]
    await cache.set("fan:1", {"ok": True}, ttl=60)
    assert await cache.get("fan:1") == {"ok": True}
    finished = spans.finished()
    assert [s.name for s in finished] == ["redis.set", "redis.get"]
    assert all(s.kind is SpanKind.CLIENT for s in finished)
    assert dict(finished[1].attributes or {}) == {
        "db.system": "redis",
        "db.operation": "get",
        "db.redis.database_index": 0,
    }


async def test_redis_get_or_set_is_one_span_around_the_loader(spans: Spans) -> None:
    cache = Redis(primary_client=_AsyncStub(), instrument=redis_instrument())  # type: ignore[arg-type]

    async def loader() -> int:
        with get_tracer().start_as_current_span("loader"):
            return 7

    assert await cache.get_or_set("k", loader, ttl=10) == 7
    loader_span, outer = spans.finished()
    assert outer.name == "redis.get_or_set"
    assert loader_span.parent is not None
    assert loader_span.parent.span_id == outer.context.span_id


async def test_redis_validation_error_is_recorded(spans: Spans) -> None:
    cache = Redis(primary_client=_AsyncStub(), instrument=redis_instrument())  # type: ignore[arg-type]
    with pytest.raises(VFError, match=r"delete\(\) needs at least one key"):
        await cache.delete()
    [span] = spans.finished()
    assert span.name == "redis.delete"
    assert span.status.status_code is StatusCode.ERROR


def test_sync_redis_hook_makes_spans(spans: Spans) -> None:
    stub = _SyncStub()
    stub.data["k"] = b"1"
    cache = SyncRedis(primary_client=stub, instrument=sync_redis_instrument())  # type: ignore[arg-type]
    assert cache.get("k") == 1
    assert cache.delete("k") == 1
    assert [s.name for s in spans.finished()] == ["redis.get", "redis.delete"]


async def test_redis_without_instrument_makes_no_span(spans: Spans) -> None:
    cache = Redis(primary_client=_AsyncStub())  # type: ignore[arg-type]
    assert await cache.get("missing") is None
    assert spans.finished() == []


async def test_kafka_send_is_a_producer_span_and_the_consumer_continues_it(spans: Spans) -> None:
    broker, registry = FakeBroker(partitions=1), FakeSchemaRegistry()
    async with fake_kafka(
        "fan.events",
        broker=broker,
        registry=registry,
        formatter=JsonFormatter(),
        instrument=kafka_send_instrument(),
    ) as producer:
        with get_tracer().start_as_current_span("request"):
            await producer.send_messages([{"value": {"n": 1}}, {"value": {"n": 2}}])
    handled: list[ConsumedMessage] = []
    reader = fake_consumer(
        "fan.events", broker=broker, registry=registry, formatter=JsonFormatter(), poll_timeout=0.05
    )
    async with reader:
        assert await reader.process(handled.append, idle_timeout=0.1) == 2
    by_name: dict[str, list[Any]] = {}
    for span in spans.finished():
        by_name.setdefault(span.name, []).append(span)
    [publish], [request] = by_name["fan.events publish"], by_name["request"]
    assert publish.kind is SpanKind.PRODUCER
    assert publish.parent is not None
    assert publish.parent.span_id == request.context.span_id
    assert publish.attributes is not None
    assert publish.attributes["messaging.batch.message_count"] == 2
    processes = by_name["fan.events process"]
    assert len(processes) == 2
    for process in processes:
        assert process.kind is SpanKind.CONSUMER
        assert process.context.trace_id == request.context.trace_id
        assert process.parent is not None
        assert process.parent.span_id == publish.context.span_id


async def test_kafka_send_failure_is_recorded_on_the_producer_span(spans: Spans) -> None:
    broker, registry = FakeBroker(partitions=1), FakeSchemaRegistry()
    async with fake_kafka(
        "fan.events", broker=broker, registry=registry, instrument=kafka_send_instrument()
    ) as producer:  # Avro formatter, no schema registered: the batch is refused before sending
        with pytest.raises(VFError, match=r"Subject 'fan\.events-value' not found"):
            await producer.send_messages([{"value": {"n": 1}}])
    finished = spans.finished()
    [publish] = [s for s in finished if s.name == "fan.events publish"]
    # the registry client is on the HTTP core, so its lookup is an HTTP client span of its own
    assert "schema_registry[GET]: /subjects/{subject}/versions/{version}" in {s.name for s in finished}
    assert publish.status.status_code is StatusCode.ERROR
