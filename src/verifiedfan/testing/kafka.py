"""In-memory Kafka for unit tests: a fake schema registry and a fake broker.

``FakeSchemaRegistry`` speaks the Confluent registry REST API through an ``httpx.MockTransport`` (so
the real :class:`~verifiedfan.kafka.SchemaRegistryClient` code runs) and enforces compatibility with
the Avro resolution rules. ``FakeBroker`` hands out objects that behave like
``confluent_kafka.Producer`` and ``Consumer`` (keyed partitioning with Java's murmur2, delivery
callbacks from ``poll``, offsets per group). The same contract tests run against these fakes and
the real servers (``tests/integration/kafka``)::

    broker, registry = FakeBroker(), FakeSchemaRegistry()
    async with fake_kafka("fan.verified", broker=broker, registry=registry) as kafka:
        await kafka.register_schema(SCHEMA)
        await kafka.send_messages([{"key": "u1", "value": {...}}])
    assert broker.values("fan.verified") == [...]

Limits: one consumer per group holds every partition (no rebalancing); no transactions.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import httpx

from verifiedfan._optional import require
from verifiedfan.kafka import (
    Kafka,
    KafkaConsumer,
    SchemaRegistryClient,
    is_compatible,
    java_partition,
    murmur2,
)
from verifiedfan.kafka._errors import InvalidSchemaError
from verifiedfan.kafka._formatters import parse_avro_schema

__all__ = [
    "FakeBroker",
    "FakeConsumer",
    "FakeMessage",
    "FakeProducer",
    "FakeSchemaRegistry",
    "fake_consumer",
    "fake_kafka",
    "java_partition",
    "murmur2",
]

FAKE_REGISTRY_URL = "http://fake-registry.invalid/apis/ccompat/v7"


# -- the registry -----------------------------------------------------------------------------------


def _canonical(text: str) -> str:
    return json.dumps(json.loads(text), sort_keys=True, separators=(",", ":"))


class FakeSchemaRegistry:
    """An in-memory Confluent-compatible schema registry (global compatibility ``BACKWARD``).

    Set ``available = False`` to answer 503 to everything (a registry outage).
    """

    def __init__(self, *, compatibility: str = "BACKWARD") -> None:
        self.compatibility = compatibility
        self.subject_config: dict[str, str] = {}
        self.versions: dict[str, list[int]] = {}
        self.schemas: dict[int, tuple[str, str]] = {}
        self.available = True
        self.requests = 0
        self._lock = threading.Lock()

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def client(self, **options: Any) -> SchemaRegistryClient:
        """A real :class:`SchemaRegistryClient` talking to this fake."""
        return SchemaRegistryClient(url=FAKE_REGISTRY_URL, transport=self.transport(), **options)

    def handle(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.requests += 1
            if not self.available:
                return _error(503, 50301, "registry unavailable (fake outage)")
            path = request.url.path.removeprefix(httpx.URL(FAKE_REGISTRY_URL).path)
            parts = [p for p in path.split("/") if p]
            body = json.loads(request.content) if request.content else {}
            return self._route(request.method, parts, body, request.url.params)

    def _route(self, method: str, parts: list[str], body: dict[str, Any], params: Any) -> httpx.Response:
        match method, parts:
            case "GET", ["subjects"]:
                return _ok(sorted(self.versions))
            case "GET", ["subjects", subject, "versions"]:
                if subject not in self.versions:
                    return _error(404, 40401, f"Subject '{subject}' not found.")
                return _ok(list(range(1, len(self.versions[subject]) + 1)))
            case "GET", ["subjects", subject, "versions", version]:
                return self._get_version(subject, version)
            case "POST", ["subjects", subject, "versions"]:
                return self._register(subject, body)
            case "DELETE", ["subjects", subject]:
                if subject not in self.versions:
                    return _error(404, 40401, f"Subject '{subject}' not found.")
                versions = self.versions.pop(subject)
                return _ok(list(range(1, len(versions) + 1)))
            case "GET", ["schemas", "ids", schema_id]:
                found = self.schemas.get(int(schema_id))
                if found is None:
                    return _error(404, 40403, f"Schema {schema_id} not found")
                return _ok({"schema": found[0], **({"schemaType": found[1]} if found[1] != "AVRO" else {})})
            case "POST", ["compatibility", "subjects", subject, "versions", _]:
                if subject not in self.versions:
                    return _error(404, 40401, f"Subject '{subject}' not found.")
                return _ok({"is_compatible": self._compatible(subject, body.get("schema", ""))})
            case "GET", ["config"]:
                return _ok({"compatibilityLevel": self.compatibility})
            case "GET", ["config", subject]:
                if subject not in self.subject_config:
                    return _error(404, 40408, f"Subject '{subject}' has no compatibility configured")
                return _ok({"compatibilityLevel": self.subject_config[subject]})
            case "PUT", ["config"]:
                self.compatibility = str(body["compatibility"])
                return _ok({"compatibility": self.compatibility})
            case "PUT", ["config", subject]:
                self.subject_config[subject] = str(body["compatibility"])
                return _ok({"compatibility": self.subject_config[subject]})
        return _error(404, 404, f"no route {method} /{'/'.join(parts)}")

    def _get_version(self, subject: str, version: str) -> httpx.Response:
        ids = self.versions.get(subject)
        if not ids:
            return _error(404, 40401, f"Subject '{subject}' not found.")
        number = len(ids) if version in {"latest", "-1"} else int(version)
        if not 1 <= number <= len(ids):
            return _error(404, 40402, f"Version {version} not found.")
        schema_id = ids[number - 1]
        text, kind = self.schemas[schema_id]
        out = {"subject": subject, "version": number, "id": schema_id, "schema": text}
        if kind != "AVRO":
            out["schemaType"] = kind
        return _ok(out)

    def _compatible(self, subject: str, text: str) -> bool:
        level = self.subject_config.get(subject, self.compatibility)
        existing = [self.schemas[i][0] for i in self.versions.get(subject, [])]
        return is_compatible(text, existing, level)

    def _register(self, subject: str, body: dict[str, Any]) -> httpx.Response:
        text, kind = str(body.get("schema", "")), str(body.get("schemaType", "AVRO"))
        try:
            parse_avro_schema(text) if kind == "AVRO" else json.loads(text)
            canonical = _canonical(text)
        except (InvalidSchemaError, ValueError) as exc:
            return _error(422, 42201, f"Invalid schema: {exc}")
        ids = self.versions.setdefault(subject, [])
        for schema_id in ids:
            if _canonical(self.schemas[schema_id][0]) == canonical:
                return _ok({"id": schema_id})
        if not self._compatible(subject, text):
            if not ids:
                del self.versions[subject]
            return _error(409, 409, "Schema being registered is incompatible with an earlier schema")
        schema_id = next(
            (i for i, (t, k) in self.schemas.items() if k == kind and _canonical(t) == canonical),
            len(self.schemas) + 1,
        )
        self.schemas[schema_id] = (text, kind)
        ids.append(schema_id)
        return _ok({"id": schema_id})


def _ok(data: Any) -> httpx.Response:
    return httpx.Response(200, json=data)


def _error(status: int, code: int, message: str) -> httpx.Response:
    return httpx.Response(status, json={"error_code": code, "message": message})


# -- the broker ------------------------------------------------------------------------------------


@dataclass
class FakeMessage:
    """A stored message, with the accessor methods of ``confluent_kafka.Message``."""

    _topic: str
    _partition: int
    _offset: int
    _key: bytes | None
    _value: bytes | None
    _headers: list[tuple[str, bytes]] | None
    _timestamp: int
    _error: Any = None

    def topic(self) -> str:
        return self._topic

    def partition(self) -> int:
        return self._partition

    def offset(self) -> int:
        return self._offset

    def key(self) -> bytes | None:
        return self._key

    def value(self) -> bytes | None:
        return self._value

    def headers(self) -> list[tuple[str, bytes]] | None:
        return self._headers

    def timestamp(self) -> tuple[int, int]:
        return (1, self._timestamp)

    def error(self) -> Any:
        return self._error


@dataclass
class _TopicMeta:
    error: Any = None


@dataclass
class _Metadata:
    topics: dict[str, _TopicMeta] = field(default_factory=dict)


class FakeBroker:
    """An in-memory cluster: topics of ``partitions`` partitions, committed offsets per group."""

    def __init__(
        self, *, partitions: int = 3, auto_create_topics: bool = True, max_message_bytes: int = 1_048_588
    ) -> None:
        self.partitions = partitions
        self.auto_create_topics = auto_create_topics
        self.max_message_bytes = max_message_bytes
        self.reachable = True  # False: clients behave as with a wrong address (metadata fails)
        self.logs: dict[str, list[list[FakeMessage]]] = {}
        self.committed: dict[tuple[str, str, int], int] = {}
        self.cond = threading.Condition()
        self._ck = require("confluent_kafka", "kafka")

    def create_topic(self, name: str, partitions: int | None = None) -> None:
        with self.cond:
            self.logs.setdefault(name, [[] for _ in range(partitions or self.partitions)])

    def records(self, topic: str) -> list[FakeMessage]:
        """Every message of ``topic``, partition by partition."""
        with self.cond:
            return [m for part in self.logs.get(topic, []) for m in part]

    def values(self, topic: str) -> list[bytes | None]:
        return [m.value() for m in self.records(topic)]

    def error(self, code: str) -> Any:
        return self._ck.KafkaError(getattr(self._ck.KafkaError, code))

    def append(
        self, topic: str, key: bytes | None, value: bytes | None, headers: Any, *, create: bool = True
    ) -> FakeMessage:
        """Store a message (as a producer would), creating the topic when allowed."""
        with self.cond:
            if topic not in self.logs:
                if not (self.auto_create_topics and create):
                    return FakeMessage(
                        topic, -1, -1001, key, value, headers, 0, self.error("UNKNOWN_TOPIC_OR_PART")
                    )
                self.logs[topic] = [[] for _ in range(self.partitions)]
            parts = self.logs[topic]
            size = len(value or b"") + len(key or b"")
            if size > self.max_message_bytes:
                return FakeMessage(topic, -1, -1001, key, value, headers, 0, self.error("MSG_SIZE_TOO_LARGE"))
            index = java_partition(key, len(parts)) if key is not None else random.randrange(len(parts))
            message = FakeMessage(
                topic, index, len(parts[index]), key, value, headers, int(time.time() * 1000)
            )
            parts[index].append(message)
            self.cond.notify_all()
            return message

    def metadata(self, conf: dict[str, Any], topic: str | None, create: bool) -> _Metadata:
        """What ``list_topics`` answers; with ``reachable = False`` it fails as librdkafka does for a
        wrong address, reporting the refusal and every broker down to the client's ``error_cb``."""
        if not self.reachable:
            report = conf.get("error_cb")
            if report is not None:
                servers = conf.get("bootstrap.servers")
                transport = self._ck.KafkaError(
                    self._ck.KafkaError._TRANSPORT, f"{servers}/bootstrap: Connect failed: Connection refused"
                )
                report(transport)
                report(self._ck.KafkaError(self._ck.KafkaError._ALL_BROKERS_DOWN, "1/1 brokers are down"))
            raise self._ck.KafkaException(self.error("_TRANSPORT"))
        if topic is not None and topic not in self.logs and self.auto_create_topics and create:
            self.create_topic(topic)
        names = [topic] if topic is not None else list(self.logs)
        return _Metadata(
            {n: _TopicMeta(None if n in self.logs else self.error("UNKNOWN_TOPIC_OR_PART")) for n in names}
        )

    def producer(self, conf: dict[str, Any]) -> FakeProducer:
        """A ``producer_factory`` for :class:`~verifiedfan.kafka.Kafka`."""
        return FakeProducer(self, conf)

    def consumer(self, conf: dict[str, Any]) -> FakeConsumer:
        """A ``consumer_factory`` for :class:`~verifiedfan.kafka.KafkaConsumer`."""
        return FakeConsumer(self, conf)


class FakeProducer:
    """Behaves like ``confluent_kafka.Producer`` over a :class:`FakeBroker`."""

    def __init__(self, broker: FakeBroker, conf: dict[str, Any]) -> None:
        self.broker, self.conf = broker, conf
        self.max_bytes = int(conf.get("message.max.bytes", 1_000_000))
        self.auto_create = str(conf.get("allow.auto.create.topics", True)).lower() in {"true", "1"}
        self._queue: list[tuple[str, bytes | None, bytes | None, Any, Any]] = []
        self._lock = threading.Condition()

    def produce(
        self,
        topic: str,
        value: bytes | None = None,
        key: bytes | None = None,
        on_delivery: Any = None,
        headers: Any = None,
    ) -> None:
        if len(value or b"") + len(key or b"") > self.max_bytes:
            raise self.broker._ck.KafkaException(self.broker.error("MSG_SIZE_TOO_LARGE"))
        with self._lock:
            self._queue.append((topic, key, value, headers, on_delivery))
            self._lock.notify_all()

    def poll(self, timeout: float = 0) -> int:
        with self._lock:
            if not self._queue and timeout:
                self._lock.wait(timeout)
            queued, self._queue = self._queue, []
        for topic, key, value, headers, callback in queued:
            message = self.broker.append(topic, key, value, headers, create=self.auto_create)
            if callback is not None:
                callback(message.error(), message)
        return len(queued)

    def flush(self, timeout: float = -1) -> int:
        self.poll(0)
        return 0

    def list_topics(self, topic: str | None = None, timeout: float = -1) -> _Metadata:
        return self.broker.metadata(self.conf, topic, self.auto_create)

    def __len__(self) -> int:
        return len(self._queue)


class FakeConsumer:
    """Behaves like ``confluent_kafka.Consumer`` (every partition assigned to this member)."""

    def __init__(self, broker: FakeBroker, conf: dict[str, Any]) -> None:
        self.broker, self.conf, self.group = broker, conf, str(conf["group.id"])
        self.reset = str(conf.get("auto.offset.reset", "latest"))
        self.topics: list[str] = []
        self.positions: dict[tuple[str, int], int] = {}
        self.stored: dict[tuple[str, int], int] = defaultdict(int)
        self.closed = False

    def subscribe(self, topics: list[str]) -> None:
        self.topics = list(topics)

    def list_topics(self, topic: str | None = None, timeout: float = -1) -> _Metadata:
        return self.broker.metadata(self.conf, topic, False)

    def poll(self, timeout: float = -1) -> None:
        return None  # callbacks are called at once; the fake hands out messages through consume()

    def _position(self, topic: str, partition: int, log: list[FakeMessage]) -> int:
        key = (topic, partition)
        if key not in self.positions:
            committed = self.broker.committed.get((self.group, topic, partition))
            self.positions[key] = (
                committed if committed is not None else (0 if self.reset == "earliest" else len(log))
            )
        return self.positions[key]

    def consume(self, num_messages: int = 1, timeout: float = -1) -> list[FakeMessage]:
        if self.closed:
            raise RuntimeError("Consumer closed")
        deadline = time.monotonic() + max(timeout, 0)
        with self.broker.cond:
            while True:
                out: list[FakeMessage] = []
                for topic in self.topics:
                    for partition, log in enumerate(self.broker.logs.get(topic, [])):
                        position = self._position(topic, partition, log)
                        taken = log[position : position + num_messages - len(out)]
                        self.positions[(topic, partition)] = position + len(taken)
                        out.extend(taken)
                left = deadline - time.monotonic()
                if out or left <= 0:
                    return out
                self.broker.cond.wait(left)

    def store_offsets(self, message: Any = None, offsets: Any = None) -> None:
        if message is not None:
            self.stored[(message.topic(), message.partition())] = message.offset() + 1
        for tp in offsets or ():
            self.stored[(tp.topic, tp.partition)] = tp.offset

    def commit(self, asynchronous: bool = True) -> None:
        with self.broker.cond:
            for (topic, partition), offset in self.stored.items():
                self.broker.committed[(self.group, topic, partition)] = offset

    def close(self) -> None:
        if not self.closed:
            self.commit()
            self.closed = True


def fake_kafka(topic: str, *, broker: FakeBroker, registry: FakeSchemaRegistry, **options: Any) -> Kafka:
    """A :class:`Kafka` producer wired to the fakes."""
    return Kafka(
        brokers="fake:9092",
        topic=topic,
        registry=registry.client(),
        producer_factory=broker.producer,
        **options,
    )


def fake_consumer(
    topics: list[str] | str,
    *,
    broker: FakeBroker,
    registry: FakeSchemaRegistry,
    group_id: str = "test",
    **options: Any,
) -> KafkaConsumer:
    """A :class:`KafkaConsumer` wired to the fakes (dead letters go to the same fake broker)."""
    return KafkaConsumer(
        brokers="fake:9092",
        topics=topics,
        group_id=group_id,
        registry=registry.client(),
        consumer_factory=broker.consumer,
        producer_factory=broker.producer,
        **options,
    )
