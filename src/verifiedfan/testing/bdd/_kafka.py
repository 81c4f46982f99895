"""The Kafka side of a scenario: topics, schema subjects, producers and watchers, all removable.

Producing goes through :class:`verifiedfan.kafka.Kafka` (Avro with the registry, or JSON). Watching
uses a raw ``confluent_kafka.Consumer`` *assigned* (no group rebalance, nothing committed) to the
offsets remembered when the scenario first named the topic, so a wait sees every message written
since, and nothing older, even on a shared topic that other runs also write to.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from verifiedfan._optional import require
from verifiedfan.kafka import AvroFormatter, Formatter, JsonFormatter, Kafka, SchemaRegistryClient
from verifiedfan.testing.bdd._errors import BddError
from verifiedfan.testing.bdd._names import ScenarioNames

__all__ = ["KafkaSide", "ObservedMessage"]

logger = logging.getLogger(__name__)

_TIMEOUT = 15.0


@dataclass(frozen=True, kw_only=True, slots=True)
class ObservedMessage:
    """A message seen on a watched topic, its value decoded (Avro through the registry, or JSON)."""

    topic: str
    partition: int
    offset: int
    key: str | None
    value: Any
    headers: Mapping[str, bytes] = field(default_factory=dict)


class _Watcher:
    """Reads one topic from remembered offsets; keeps every message seen for repeated waits."""

    def __init__(self, consumer: Any, topic: str, start: dict[int, int], decode: Any) -> None:
        self.consumer = consumer
        self.topic = topic
        self.start = start
        self.decode = decode
        self.seen: list[ObservedMessage] = []

    async def poll(self, wait: float = 0.2) -> list[ObservedMessage]:
        raws = await asyncio.to_thread(self.consumer.consume, 500, wait)
        for raw in raws:
            if raw.error() is not None:
                continue
            key = raw.key()
            self.seen.append(
                ObservedMessage(
                    topic=raw.topic(),
                    partition=raw.partition(),
                    offset=raw.offset(),
                    key=None if key is None else key.decode("utf-8", errors="replace"),
                    value=await self.decode(raw.value(), raw.topic()),
                    headers=dict(raw.headers() or []),
                )
            )
        return self.seen


class KafkaSide:
    """Kafka for one scenario; :meth:`aclose` deletes what it created (topics, subjects)."""

    def __init__(self, *, bootstrap_servers: str, registry_url: str | None, names: ScenarioNames) -> None:
        self._ck = require("confluent_kafka", "kafka")
        self._admin_mod = require("confluent_kafka.admin", "kafka")
        self.bootstrap_servers = bootstrap_servers
        self.registry_url = registry_url
        self.names = names
        self._admin: Any = None
        self._registry: SchemaRegistryClient | None = None
        self._decoder: AvroFormatter | None = None
        self.created_topics: list[str] = []
        self.subjects: list[str] = []
        self._producers: dict[tuple[str, str], Kafka] = {}
        self._watchers: dict[str, _Watcher] = {}

    # -- plumbing -------------------------------------------------------------------------------

    def _admin_client(self) -> Any:
        if self._admin is None:
            self._admin = self._admin_mod.AdminClient({"bootstrap.servers": self.bootstrap_servers})
        return self._admin

    def registry(self) -> SchemaRegistryClient:
        if self.registry_url is None:
            raise BddError("no schema registry: Avro steps need the vf_schema_registry fixture")
        if self._registry is None:
            self._registry = SchemaRegistryClient(url=self.registry_url)
        return self._registry

    async def _decode(self, data: bytes | None, topic: str) -> Any:
        if data is None:
            return None
        if len(data) > 5 and data[0] == 0 and self.registry_url is not None:
            if self._decoder is None:
                self._decoder = AvroFormatter(self.registry())
            return (await self._decoder.decode(data, topic=topic)).value
        try:
            return json.loads(data)
        except ValueError:
            return data.decode("utf-8", errors="replace")

    # -- topics and subjects --------------------------------------------------------------------

    async def topic(self, logical: str, *, partitions: int = 1) -> str:
        """The physical topic of ``logical``: created (once) unless shared, and watched from now on."""
        physical = self.names.topic(logical)
        if not self.names.is_shared(logical) and physical not in self.created_topics:
            new = self._admin_mod.NewTopic(physical, num_partitions=partitions, replication_factor=1)
            future = self._admin_client().create_topics([new])[physical]
            try:
                await asyncio.to_thread(future.result, _TIMEOUT)
            except self._ck.KafkaException as exc:
                if "TOPIC_ALREADY_EXISTS" not in str(exc):
                    raise BddError(f"cannot create topic {physical}: {exc}") from exc
            self.created_topics.append(physical)
        await self._watch(physical)
        return physical

    async def _watch(self, physical: str) -> _Watcher:
        watcher = self._watchers.get(physical)
        if watcher is not None:
            return watcher
        consumer = self._ck.Consumer(
            {
                "bootstrap.servers": self.bootstrap_servers,
                "group.id": self.names.group_id("watch"),
                "enable.auto.commit": False,
                "enable.partition.eof": False,
            }
        )
        try:
            partitions = await self._partitions(consumer, physical)
            start: dict[int, int] = {}
            for p in partitions:
                tp = self._ck.TopicPartition(physical, p)
                _low, high = await asyncio.to_thread(consumer.get_watermark_offsets, tp, _TIMEOUT)
                start[p] = high
            consumer.assign([self._ck.TopicPartition(physical, p, off) for p, off in start.items()])
        except self._ck.KafkaException as exc:
            consumer.close()
            raise BddError(f"cannot watch topic {physical}: {exc}") from exc
        except BaseException:
            consumer.close()
            raise
        watcher = _Watcher(consumer, physical, start, self._decode)
        self._watchers[physical] = watcher
        return watcher

    async def _partitions(self, consumer: Any, physical: str, attempts: int = 25) -> list[int]:
        """The topic's partitions, waiting for a just-created topic to show up in the metadata."""
        for _ in range(attempts):
            meta = await asyncio.to_thread(consumer.list_topics, physical, _TIMEOUT)
            topic = meta.topics.get(physical)
            if topic is not None and topic.error is None and topic.partitions:
                return sorted(topic.partitions)
            await asyncio.sleep(0.2)
        raise BddError(f"topic {physical} does not exist (create it, or name it in a step first)")

    def start_offsets(self, physical: str) -> dict[int, int]:
        """The offsets remembered for ``physical`` (partition -> first offset read)."""
        return dict(self._watchers[physical].start)

    async def register(self, subject: str, schema: str | dict[str, Any]) -> int:
        """Register ``schema`` under the physical ``subject``; it is deleted in teardown."""
        schema_id = await self.registry().register(subject, schema)
        if subject not in self.subjects:
            self.subjects.append(subject)
        return schema_id

    # -- producing and reading ------------------------------------------------------------------

    async def produce(
        self, physical: str, value: Any, *, key: str | None, fmt: Literal["avro", "json"], subject: str | None
    ) -> None:
        cache_key = (physical, f"{fmt}:{subject}")
        producer = self._producers.get(cache_key)
        if producer is None:
            formatter: Formatter
            registry: SchemaRegistryClient | None = None
            if fmt == "avro":
                if self.registry_url is None:
                    raise BddError("no schema registry: Avro steps need the vf_schema_registry fixture")
                registry = SchemaRegistryClient(url=self.registry_url)  # the producer closes its own
                formatter = AvroFormatter(registry, subject=subject, cache_ttl=0.0)
            else:
                formatter = JsonFormatter()
            producer = Kafka(
                brokers=self.bootstrap_servers,
                topic=physical,
                formatter=formatter,
                registry=registry,
                client_id=self.names.group_id("producer"),
                delivery_timeout=30.0,
            )
            self._producers[cache_key] = producer
        await producer.send_messages([{"key": key, "value": value}])

    async def messages(self, physical: str, wait: float = 0.2) -> list[ObservedMessage]:
        """Every message written to ``physical`` since it was first named (polls for new ones)."""
        watcher = await self._watch(physical)
        return await watcher.poll(wait)

    # -- teardown -------------------------------------------------------------------------------

    async def aclose(self) -> list[str]:
        """Close clients, delete created topics and registered subjects; the problems met."""
        problems: list[str] = []
        for producer in self._producers.values():
            try:
                await producer.disconnect(flush_timeout=5.0)
            except Exception as exc:  # noqa: BLE001 - teardown goes on, the problem is reported
                problems.append(f"producer {producer.topic}: {exc}")
        self._producers.clear()
        for watcher in self._watchers.values():
            await asyncio.to_thread(watcher.consumer.close)
        self._watchers.clear()
        if self.created_topics:
            futures = self._admin_client().delete_topics(list(self.created_topics))
            for name, future in futures.items():
                try:
                    await asyncio.to_thread(future.result, _TIMEOUT)
                except Exception as exc:  # noqa: BLE001
                    problems.append(f"topic {name}: {exc}")
            self.created_topics.clear()
        for subject in self.subjects:
            try:
                await self.registry().delete_subject(subject, permanent=True)  # soft, then hard
            except Exception as exc:  # noqa: BLE001
                problems.append(f"subject {subject}: {exc}")
        self.subjects.clear()
        if self._registry is not None:
            await self._registry.aclose()
            self._registry = None
        return problems
