"""The consumer: decoded messages as an async iterator, or a handler run with at-least-once commits.

Offsets are stored only after a message was handled (``enable.auto.offset.store=false``) and
librdkafka commits the stored offsets in the background and on close: a crash re-delivers the
messages that were not handled, never skips them. A message that cannot be decoded is sent to the
dead-letter topic, with the reason in its headers, and the consumer goes on; without a dead-letter
topic the consumer stops on it with :class:`UndecodableMessageError` (naming topic, partition and
offset) and ``await consumer.skip(error)`` moves past it. Date and time values out of Python's
range are not undecodable: they come back as :class:`OutOfRangeValue`.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal, TypeVar

from verifiedfan._optional import require
from verifiedfan.errors import ConfigurationError, NotConnectedError
from verifiedfan.kafka._broker_settings import Session
from verifiedfan.kafka._errors import (
    InvalidSchemaError,
    MessageDecodeError,
    SchemaNotFoundError,
    UndecodableMessageError,
)
from verifiedfan.kafka._formatters import AvroFormatter, CallableFormatter, Formatter
from verifiedfan.kafka._headers import Headers
from verifiedfan.kafka._hooks import MessageContext, default_message_context
from verifiedfan.kafka._models import (
    ConsumedMessage,
    KafkaSettings,
    RetryPolicy,
    SslConfig,
    SslProvider,
    validate_topic_name,
)
from verifiedfan.kafka._producer import Kafka
from verifiedfan.kafka._rdkafka import (
    ClientEvents,
    base_config,
    check_reachable,
    error_code,
    kafka_exception,
    merge_config,
    translate,
)
from verifiedfan.kafka._registry import SchemaRegistryClient

__all__ = ["DLQ_HEADERS", "Handler", "KafkaConsumer"]

logger = logging.getLogger(__name__)
T = TypeVar("T")

Handler = Callable[[ConsumedMessage], Awaitable[object] | object]
"""A message handler, sync or async. It succeeds by returning; any exception stops the consumer."""

DLQ_HEADERS = ("vf.dlq.reason", "vf.dlq.error", "vf.dlq.topic", "vf.dlq.partition", "vf.dlq.offset")
"""Headers added to a dead-lettered message (every original header is kept, in order, repeats included)."""

_UNDECODABLE = (MessageDecodeError, SchemaNotFoundError, InvalidSchemaError)
_IGNORED = frozenset({"_PARTITION_EOF"})
_NO_HEADERS = Headers()


class KafkaConsumer(Session):
    """A consumer-group member reading ``topics`` and decoding each value with the formatter.

    ``reader_schema`` (Avro) resolves every message to that schema: a consumer built for v2 reads v1
    messages with the v2 defaults filled in, one built for v1 ignores fields added later.
    ``consumer_factory`` replaces ``confluent_kafka.Consumer``, ``producer_factory`` the producer of
    the dead-letter topic (the in-memory fakes plug in here). Opening checks, within
    ``connect_timeout`` seconds, that a broker answers (``None`` skips it): a wrong address raises
    :class:`BrokerUnavailableError` naming it and the cause, rather than reading nothing.

    ``isolation_level`` ``"read_committed"`` (the default) hides the messages of aborted and
    still-open transactions. ``auto_commit=False`` leaves the group's offsets alone (neither in
    the background nor on close): they are committed by a transaction
    (:meth:`Kafka.send_offsets_to_transaction <verifiedfan.kafka.Kafka.send_offsets_to_transaction>`,
    read in batches with :meth:`fetch`) or by :meth:`commit`.
    """

    def __init__(
        self,
        *,
        brokers: Sequence[str] | str,
        topics: Sequence[str] | str,
        group_id: str,
        registry_url: str | None = None,
        client_id: str = "verifiedfan",
        formatter: Formatter | None = None,
        reader_schema: str | dict[str, Any] | None = None,
        dead_letter_topic: str | None = None,
        retry: RetryPolicy | None = None,
        ssl: SslConfig | SslProvider | None = None,
        consumer_config: Mapping[str, Any] | None = None,
        offset_reset: Literal["earliest", "latest"] = "earliest",
        batch_size: int = 500,
        poll_timeout: float = 1.0,
        message_context: MessageContext | None = default_message_context,
        registry: SchemaRegistryClient | None = None,
        consumer_factory: Callable[[dict[str, Any]], Any] | None = None,
        producer_factory: Callable[[dict[str, Any]], Any] | None = None,
        connect_timeout: float | None = 10.0,
        isolation_level: Literal["read_committed", "read_uncommitted"] = "read_committed",
        auto_commit: bool = True,
    ) -> None:
        super().__init__(brokers=brokers, client_id=client_id, ssl=ssl)
        self.connect_timeout = connect_timeout
        if isolation_level not in ("read_committed", "read_uncommitted"):
            raise ConfigurationError(
                f"isolation_level must be read_committed or read_uncommitted, not {isolation_level!r}"
            )
        self.isolation_level = isolation_level
        self.auto_commit = auto_commit
        names = [topics] if isinstance(topics, str) else list(topics)
        if not names:
            raise ConfigurationError("no topics to consume")
        self.topics = [validate_topic_name(t) for t in names]
        if not group_id:
            raise ConfigurationError("group_id is required")
        self.group_id = group_id
        if registry is None and registry_url:
            registry = SchemaRegistryClient(url=registry_url, retry=retry)
        self.registry = registry
        if formatter is None:
            if registry is None:
                raise ConfigurationError("the Avro formatter needs registry_url (or pass formatter=)")
            formatter = AvroFormatter(registry, reader_schema=reader_schema)
        elif reader_schema is not None:
            raise ConfigurationError("reader_schema applies to the default Avro formatter only")
        self.formatter = formatter
        self.dead_letter_topic = None if dead_letter_topic is None else validate_topic_name(dead_letter_topic)
        self.offset_reset = offset_reset
        self.batch_size = batch_size
        self.poll_timeout = poll_timeout
        self.message_context = message_context
        self._extra = dict(consumer_config or {})
        self._factory = consumer_factory
        self._producer_factory = producer_factory
        self._consumer: Any = None
        self._dlq: Kafka | None = None
        self._executor: ThreadPoolExecutor | None = None
        self._stopping = False
        self._buffer: deque[Any] = deque()
        self.dead_lettered = 0

    @classmethod
    def from_settings(cls, settings: KafkaSettings, **overrides: Any) -> KafkaConsumer:
        """A consumer configured by :class:`KafkaSettings` (``VF_KAFKA_*``); keywords override any
        setting (``topics=``, ``group_id=``, ``client_id=``...) or add constructor options."""
        kwargs = {**settings.consumer_kwargs(), **overrides}
        if not kwargs.get("topics"):
            raise ConfigurationError("no topics: pass topics= or set VF_KAFKA_TOPIC")
        if not kwargs.get("group_id"):
            raise ConfigurationError("no group id: pass group_id= or set VF_KAFKA_GROUP_ID")
        return cls(**kwargs)

    # -- lifecycle --------------------------------------------------------------------------------

    async def __aenter__(self) -> KafkaConsumer:
        await self.connect()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def connect(self) -> None:
        """Create the consumer, check that a broker answers within ``connect_timeout``
        (:class:`BrokerUnavailableError` otherwise) and subscribe. Idempotent."""
        if self._consumer is not None:
            return
        ssl = await self.ssl_config()
        events = ClientEvents()
        conf = base_config(brokers=self.brokers, client_id=self.client_id, ssl=ssl, events=events)
        conf.update(
            {
                "group.id": self.group_id,
                "enable.auto.commit": self.auto_commit,
                "enable.auto.offset.store": False,
                "auto.offset.reset": self.offset_reset,
                "isolation.level": self.isolation_level,
            }
        )
        merge_config(conf, self._extra)
        factory = self._factory or require("confluent_kafka", "kafka").Consumer
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vf-kafka-consumer")
        try:
            consumer = factory(conf)
        except Exception as exc:  # KafkaException for a bad setting, TypeError for a bad value type
            raise ConfigurationError(f"invalid consumer configuration: {exc}") from exc
        try:
            if self.connect_timeout is not None:
                servers = conf["bootstrap.servers"]
                serve = getattr(consumer, "poll", None)
                await check_reachable(
                    consumer,
                    events,
                    servers,
                    self.connect_timeout,
                    None if serve is None else lambda: serve(0),
                )
            try:
                consumer.subscribe(self.topics)
            except Exception as exc:  # KafkaException for a bad setting
                raise ConfigurationError(f"invalid consumer configuration: {exc}") from exc
        except BaseException:
            await asyncio.to_thread(consumer.close)
            self._executor.shutdown(wait=False)
            self._executor = None
            raise
        self._consumer = consumer
        if self.dead_letter_topic is not None:
            self._dlq = Kafka(
                brokers=self.brokers,
                topic=self.dead_letter_topic,
                client_id=f"{self.client_id}-dlq",
                formatter=CallableFormatter(bytes),
                ssl=ssl,
                headers_hook=None,
                producer_factory=self._producer_factory,
                connect_timeout=self.connect_timeout,
            )

    async def _call(self, fn: Callable[..., T], *args: Any) -> T:
        if self._executor is None:
            raise NotConnectedError("the Kafka consumer is closed")
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    async def skip(self, message: UndecodableMessageError | ConsumedMessage) -> None:
        """Move past one message: the one an :class:`UndecodableMessageError` names (or a
        :class:`ConsumedMessage` a handler cannot process). Its offset is stored as handled (and
        committed with the others), so neither this consumer nor the group reads it again;
        iterate again to go on with the next one."""
        consumer = self._consumer
        if consumer is None:
            raise NotConnectedError("the Kafka consumer is closed")
        where = (message.topic, message.partition, message.offset)
        for raw in self._buffer:
            if (raw.topic(), raw.partition(), raw.offset()) == where:
                self._buffer.remove(raw)
                self._store(raw)
                break
        else:
            partition = require("confluent_kafka", "kafka").TopicPartition
            try:
                consumer.store_offsets(offsets=[partition(where[0], where[1], where[2] + 1)])
            except kafka_exception() as exc:
                raise translate(exc, "skip") from exc
        logger.warning("skipped %s[%d]@%d", *where)

    def stop(self) -> None:
        """Ask :meth:`run` and the iterator to return after the current message."""
        self._stopping = True

    async def commit(self) -> None:
        """Commit the stored offsets now (they are also committed in the background and on close)."""
        if self._consumer is None:
            raise NotConnectedError("the Kafka consumer is closed")
        try:
            await self._call(_commit, self._consumer)
        except kafka_exception() as exc:
            raise translate(exc, "commit") from exc

    def group_metadata(self) -> Any:
        """The consumer's group metadata (group, generation, member) for
        :meth:`Kafka.send_offsets_to_transaction <verifiedfan.kafka.Kafka.send_offsets_to_transaction>`:
        the broker refuses the offsets of a member that a rebalance has since replaced."""
        consumer = self._consumer
        if consumer is None:
            raise NotConnectedError("the Kafka consumer is closed")
        try:
            return consumer.consumer_group_metadata()
        except kafka_exception() as exc:
            raise translate(exc, "group_metadata") from exc

    async def fetch(self) -> list[ConsumedMessage]:
        """One poll of the broker: the messages it returned (up to ``batch_size``, within
        ``poll_timeout``; possibly none), decoded. For transactions: handle the whole list, then
        send its offsets in the transaction. Rebalances happen only inside a poll, so partitions do
        not change hands between one ``fetch`` and the next. Do not mix with :meth:`messages`."""
        await self.connect()
        out: list[ConsumedMessage] = []
        for raw in await self._fetch():
            message = await self._decode(raw)
            if message is not None:
                out.append(message)
        return out

    async def rewind(self) -> None:
        """Go back to the group's committed offsets on every assigned partition (after an aborted
        transaction: its messages are read again). A partition without a committed offset goes
        back to ``offset_reset``."""
        consumer = self._consumer
        if consumer is None:
            raise NotConnectedError("the Kafka consumer is closed")
        self._buffer.clear()
        try:
            await self._call(_rewind, consumer, self.offset_reset)
        except kafka_exception() as exc:
            raise translate(exc, "rewind") from exc

    async def close(self) -> None:
        """Commit what was handled (unless ``auto_commit=False``), leave the group and release
        everything."""
        consumer, self._consumer = self._consumer, None
        if consumer is not None:
            try:
                await self._call(consumer.close)
            except (kafka_exception(), RuntimeError) as exc:  # nothing left to do but report
                logger.warning("closing the Kafka consumer failed: %s", exc)
        if self._executor is not None:
            self._executor.shutdown(wait=False)
            self._executor = None
        if self._dlq is not None:
            await self._dlq.disconnect()
            self._dlq = None
        if self.registry is not None:
            await self.registry.aclose()

    # -- reading ----------------------------------------------------------------------------------

    def __aiter__(self) -> AsyncIterator[ConsumedMessage]:
        return self.messages()

    async def messages(
        self, *, max_messages: int | None = None, idle_timeout: float | None = None
    ) -> AsyncGenerator[ConsumedMessage, None]:
        """Decoded messages. A message's offset is stored when the next one is requested, so leaving
        the loop with an exception re-delivers it. Ends after ``max_messages`` messages, after
        ``idle_timeout`` seconds without any, or on :meth:`stop`."""
        await self.connect()
        buffer = self._buffer
        seen = 0
        idle = 0.0
        self._stopping = False
        while not self._stopping and (max_messages is None or seen < max_messages):
            if not buffer:
                batch = await self._fetch()
                if not batch:
                    idle += self.poll_timeout
                    if idle_timeout is not None and idle >= idle_timeout:
                        return
                    continue
                buffer.extend(batch)
            idle = 0.0
            raw = buffer.popleft()
            try:
                message = await self._decode(raw)
            except BaseException:
                buffer.appendleft(raw)
                raise
            if message is not None:
                try:
                    yield message
                except BaseException:  # the caller failed on this message: hand it out again
                    buffer.appendleft(raw)
                    raise
                seen += 1
            self._store(raw)

    async def run(
        self, handler: Handler, *, max_messages: int | None = None, idle_timeout: float | None = None
    ) -> int:
        """Call ``handler`` for each message, storing its offset only after it returned.

        Runs until :meth:`stop`, ``max_messages`` or ``idle_timeout``; returns how many messages
        were handled. A handler exception propagates and the message is re-delivered later.
        """
        handled = 0
        stream = self.messages(max_messages=max_messages, idle_timeout=idle_timeout)
        async with contextlib.aclosing(stream):
            async for message in stream:
                await self._handle(handler, message)
                handled += 1
        return handled

    async def _handle(self, handler: Handler, message: ConsumedMessage) -> None:
        if self.message_context is None:
            result = handler(message)
            if inspect.isawaitable(result):
                await result
            return
        with self.message_context(message):
            result = handler(message)
            if inspect.isawaitable(result):
                await result

    async def process(
        self, handler: Handler, *, max_messages: int | None = None, idle_timeout: float = 5.0
    ) -> int:
        """:meth:`run` until no message arrived for ``idle_timeout`` seconds (batch jobs, tests)."""
        return await self.run(handler, max_messages=max_messages, idle_timeout=idle_timeout)

    async def _fetch(self) -> list[Any]:
        consumer = self._consumer
        if consumer is None:
            raise NotConnectedError("the Kafka consumer is closed")
        try:
            raws = await self._call(consumer.consume, self.batch_size, self.poll_timeout)
        except kafka_exception() as exc:  # fatal errors
            raise translate(exc, "consume") from exc
        out = []
        for raw in raws:
            err = raw.error()
            if err is None:
                out.append(raw)
            elif error_code(err) not in _IGNORED:
                if getattr(err, "fatal", lambda: False)():
                    raise translate(Exception(err), "consume")
                logger.warning("consumer error (librdkafka keeps retrying): %s", err)
        return out

    def _store(self, raw: Any) -> None:
        consumer = self._consumer
        if consumer is None:
            return
        try:
            consumer.store_offsets(message=raw)
        except kafka_exception() as exc:  # partition revoked in a rebalance: the new owner re-reads
            logger.info("offset of %s[%d]@%d not stored: %s", raw.topic(), raw.partition(), raw.offset(), exc)

    async def _decode(self, raw: Any) -> ConsumedMessage | None:
        data = raw.value()
        pairs = raw.headers()
        headers = Headers(pairs) if pairs else _NO_HEADERS
        key = raw.key()
        ts_type, ts = raw.timestamp()
        value: Any = None
        schema_id = None
        if data is not None:
            try:
                decoded = await self.formatter.decode(data, topic=raw.topic())
            except _UNDECODABLE as exc:
                await self._dead_letter(raw, headers, exc)
                return None
            value, schema_id = decoded.value, decoded.schema_id
        return ConsumedMessage(
            topic=raw.topic(),
            partition=raw.partition(),
            offset=raw.offset(),
            timestamp=ts if ts_type else None,
            key=None if key is None else key.decode("utf-8", errors="replace"),
            value=value,
            headers=headers,
            schema_id=schema_id,
            raw=data,
        )

    async def _dead_letter(self, raw: Any, headers: Headers, exc: Exception) -> None:
        where = f"{raw.topic()}[{raw.partition()}]@{raw.offset()}"
        if self._dlq is None:
            raise UndecodableMessageError(
                f"cannot decode {where} and no dead_letter_topic: {exc}; stopped there, nothing lost "
                "(await consumer.skip(error) to move past it, or set dead_letter_topic=)",
                topic=raw.topic(),
                partition=raw.partition(),
                offset=raw.offset(),
            ) from exc
        logger.warning("dead-lettering %s to %s: %s", where, self.dead_letter_topic, exc)
        extra = {
            "vf.dlq.reason": str(exc)[:1000],
            "vf.dlq.error": type(exc).__name__,
            "vf.dlq.topic": raw.topic(),
            "vf.dlq.partition": str(raw.partition()),
            "vf.dlq.offset": str(raw.offset()),
        }
        kept = [(k, v) for k, v in headers.pairs if k not in extra]  # every original, in order
        await self._dlq.send_messages(
            [{"key": raw.key(), "value": raw.value() or b"", "headers": [*kept, *extra.items()]}]
        )
        self.dead_lettered += 1


def _rewind(consumer: Any, offset_reset: str) -> None:
    kafka = require("confluent_kafka", "kafka")
    assigned = consumer.assignment()
    if not assigned:
        return
    fallback = kafka.OFFSET_BEGINNING if offset_reset == "earliest" else kafka.OFFSET_END
    for tp in consumer.committed(assigned, timeout=30):
        if tp.offset < 0:
            tp.offset = fallback
        consumer.seek(tp)


def _commit(consumer: Any) -> None:
    try:
        consumer.commit(asynchronous=False)
    except kafka_exception() as exc:  # nothing stored yet is not an error for us
        if error_code(exc.args[0] if exc.args else exc) != "_NO_OFFSET":
            raise
