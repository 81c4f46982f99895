"""Spans for the data stores and the Kafka producer, through their ``instrument`` hooks.

``verifiedfan.mongo``, ``verifiedfan.redis`` and ``verifiedfan.kafka`` never import OpenTelemetry:
each accepts an optional ``instrument(…, call)`` hook, and this module makes the hooks that turn
every operation into a span::

    mongo = Mongo(hosts="db", db_name="fans", instrument=mongo_instrument(db_name="fans"))
    cache = Redis(url="redis://cache:6379", instrument=redis_instrument())
    kafka = Kafka(brokers=..., topic="fan-events", instrument=kafka_send_instrument())

Mongo spans are ``mongo.<op> <collection>``, Redis spans ``redis.<op>`` (client spans, with the
``db.*`` attributes; keys and values are never recorded), and a Kafka batch is a producer span
``<topic> publish``, current while the message headers are written, so the consumers' ``<topic>
process`` spans (see :func:`verifiedfan.kafka.default_message_context`) are its children. An
exception is recorded on the span with status ERROR and re-raised unchanged.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from verifiedfan.tracing._state import get_tracer

__all__ = [
    "kafka_send_instrument",
    "mongo_instrument",
    "redis_instrument",
    "sync_mongo_instrument",
    "sync_redis_instrument",
]

T = TypeVar("T")

AsyncCall = Callable[[], Awaitable[Any]]


def _fail(span: trace.Span, exc: BaseException) -> None:
    span.record_exception(exc)
    span.set_status(Status(StatusCode.ERROR, f"{type(exc).__name__}: {exc}"[:300]))


async def _run_async(
    tracer_name: str, name: str, kind: SpanKind, attributes: Mapping[str, Any], call: AsyncCall
) -> Any:
    span = get_tracer(tracer_name).start_span(name, kind=kind, attributes=attributes)
    token = otel_context.attach(trace.set_span_in_context(span))
    try:
        return await call()
    except BaseException as exc:
        _fail(span, exc)
        raise
    finally:
        otel_context.detach(token)
        span.end()


def _run_sync(
    tracer_name: str, name: str, kind: SpanKind, attributes: Mapping[str, Any], call: Callable[[], T]
) -> T:
    span = get_tracer(tracer_name).start_span(name, kind=kind, attributes=attributes)
    token = otel_context.attach(trace.set_span_in_context(span))
    try:
        return call()
    except BaseException as exc:
        _fail(span, exc)
        raise
    finally:
        otel_context.detach(token)
        span.end()


def _mongo_attributes(op: str, collection: str, db_name: str | None) -> dict[str, Any]:
    attrs: dict[str, Any] = {"db.system": "mongodb", "db.operation": op, "db.collection": collection}
    if db_name:
        attrs["db.name"] = db_name
    return attrs


def mongo_instrument(
    *, db_name: str | None = None, tracer_name: str = "verifiedfan.mongo"
) -> Callable[[str, str, AsyncCall], Awaitable[Any]]:
    """The ``instrument=`` hook of :class:`verifiedfan.mongo.Mongo`: one client span per operation,
    named ``mongo.<op> <collection>`` with ``db.system``, ``db.operation``, ``db.collection`` (and
    ``db.name`` when given)."""

    async def instrument(op: str, collection: str, call: AsyncCall) -> Any:
        attrs = _mongo_attributes(op, collection, db_name)
        return await _run_async(tracer_name, f"mongo.{op} {collection}", SpanKind.CLIENT, attrs, call)

    return instrument


def sync_mongo_instrument(
    *, db_name: str | None = None, tracer_name: str = "verifiedfan.mongo"
) -> Callable[[str, str, Callable[[], Any]], Any]:
    """The sync twin of :func:`mongo_instrument`, for :class:`verifiedfan.mongo.SyncMongo`."""

    def instrument(op: str, collection: str, call: Callable[[], Any]) -> Any:
        attrs = _mongo_attributes(op, collection, db_name)
        return _run_sync(tracer_name, f"mongo.{op} {collection}", SpanKind.CLIENT, attrs, call)

    return instrument


def _redis_attributes(op: str, db_index: int | None) -> dict[str, Any]:
    attrs: dict[str, Any] = {"db.system": "redis", "db.operation": op}
    if db_index is not None:
        attrs["db.redis.database_index"] = db_index
    return attrs


def redis_instrument(
    *, db_index: int | None = None, tracer_name: str = "verifiedfan.redis"
) -> Callable[[str, AsyncCall], Awaitable[Any]]:
    """The ``instrument=`` hook of :class:`verifiedfan.redis.Redis`: a client span ``redis.<op>``
    around each ``get``/``mget``/``set``/``delete``/``get_or_set`` (keys and values not recorded)."""

    async def instrument(op: str, call: AsyncCall) -> Any:
        attrs = _redis_attributes(op, db_index)
        return await _run_async(tracer_name, f"redis.{op}", SpanKind.CLIENT, attrs, call)

    return instrument


def sync_redis_instrument(
    *, db_index: int | None = None, tracer_name: str = "verifiedfan.redis"
) -> Callable[[str, Callable[[], Any]], Any]:
    """The sync twin of :func:`redis_instrument`, for :class:`verifiedfan.redis.SyncRedis`."""

    def instrument(op: str, call: Callable[[], Any]) -> Any:
        return _run_sync(tracer_name, f"redis.{op}", SpanKind.CLIENT, _redis_attributes(op, db_index), call)

    return instrument


def kafka_send_instrument(
    *, tracer_name: str = "verifiedfan.kafka"
) -> Callable[[str, int, AsyncCall], Awaitable[Any]]:
    """The ``instrument=`` hook of :class:`verifiedfan.kafka.Kafka`: a producer span ``<topic>
    publish`` around each ``send_messages`` batch; the ``traceparent`` written into the messages'
    headers is this span's, so each consumer's ``<topic> process`` span is its child."""

    async def instrument(topic: str, count: int, call: AsyncCall) -> Any:
        attrs: dict[str, Any] = {
            "messaging.system": "kafka",
            "messaging.operation": "publish",
            "messaging.destination.name": topic,
            "messaging.batch.message_count": count,
        }
        return await _run_async(tracer_name, f"{topic} publish", SpanKind.PRODUCER, attrs, call)

    return instrument
