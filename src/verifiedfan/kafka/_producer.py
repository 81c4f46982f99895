"""The producer: :class:`Kafka`, bound to one topic, sending validated batches through librdkafka.

librdkafka runs its own threads; this module never blocks the event loop. ``produce()`` only queues
a message (it is called on the loop), a small daemon thread serves the delivery callbacks
(``poll``), and each batch completes an asyncio future through ``loop.call_soon_threadsafe`` once
the broker has acknowledged (or refused) its last message.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from verifiedfan._optional import require
from verifiedfan.errors import ConfigurationError, NotConnectedError
from verifiedfan.kafka._batch import Batch, MessageInput, header_list, split
from verifiedfan.kafka._broker_settings import Session
from verifiedfan.kafka._errors import (
    DeliveryFailure,
    MessageTooLargeError,
    TransactionError,
    UnknownTopicError,
)
from verifiedfan.kafka._formatters import AvroFormatter, CallableFormatter, Formatter, parse_avro_schema
from verifiedfan.kafka._hooks import HeadersHook, SendInstrument, default_headers_hook
from verifiedfan.kafka._models import (
    KafkaSettings,
    RecordMetadata,
    RetryPolicy,
    SslConfig,
    SslProvider,
    validate_topic_name,
)
from verifiedfan.kafka._rdkafka import (
    UNKNOWN_TOPIC,
    ClientEvents,
    base_config,
    check_reachable,
    delivery_error,
    error_code,
    kafka_exception,
    merge_config,
    translate,
)
from verifiedfan.kafka._registry import Compatibility, SchemaRegistryClient
from verifiedfan.kafka._transaction import TransactionalProducer

__all__ = ["Kafka"]

logger = logging.getLogger(__name__)


_DEFAULT_MAX_BYTES = 1_000_000


class Kafka(TransactionalProducer, Session):
    """A producer bound to one topic, with the schema registry: ``async with Kafka(...) as kafka``.

    Idempotent (``enable.idempotence``, ``acks=all``) and partitioning like the Java client
    (``murmur2_random``). ``producer_config`` adds or overrides librdkafka settings;
    ``producer_factory`` replaces ``confluent_kafka.Producer`` (the in-memory fake of
    :mod:`verifiedfan.testing.kafka` plugs in here). ``headers_hook`` is called once per batch to add
    headers (default: correlation id and W3C trace context); ``None`` disables it. ``instrument``
    (optional) wraps each batch: ``await instrument(topic, count, call)`` must return ``await call()``.
    Opening checks, within ``connect_timeout`` seconds, that a broker answers (``None`` skips the
    check): a wrong address raises :class:`BrokerUnavailableError` naming it and the cause, instead
    of a send timing out minutes later.
    A value with a key that no field of the Avro schema names is refused (a misspelt field would
    otherwise be dropped silently); ``allow_unknown_fields=True`` drops such keys instead.

    With ``transactional_id`` the producer is transactional (see :mod:`verifiedfan.kafka._transaction`):
    connecting fences any older producer with that id, and every send must happen inside
    :meth:`begin_transaction` ... :meth:`commit_transaction` (or ``async with kafka.transaction()``);
    a send outside one raises :class:`TransactionError` before anything is queued.
    ``transaction_timeout`` is ``transaction.timeout.ms`` in seconds: the broker aborts a
    transaction left open longer (a crashed producer's).
    """

    def __init__(
        self,
        *,
        brokers: Sequence[str] | str,
        topic: str,
        registry_url: str | None = None,
        client_id: str = "verifiedfan",
        formatter: Formatter | Callable[[Any], Any] | None = None,
        retry: RetryPolicy | None = None,
        ssl: SslConfig | SslProvider | None = None,
        producer_config: Mapping[str, Any] | None = None,
        schema_cache_ttl: float = 300.0,
        delivery_timeout: float = 120.0,
        headers_hook: HeadersHook | None = default_headers_hook,
        instrument: SendInstrument | None = None,
        registry: SchemaRegistryClient | None = None,
        producer_factory: Callable[[dict[str, Any]], Any] | None = None,
        check_topic: bool = True,
        allow_unknown_fields: bool = False,
        connect_timeout: float | None = 10.0,
        transactional_id: str | None = None,
        transaction_timeout: float = 60.0,
    ) -> None:
        self.topic = validate_topic_name(topic)
        if transactional_id is not None and not transactional_id:
            raise ConfigurationError("transactional_id must not be empty")
        if transaction_timeout <= 0:
            raise ConfigurationError("transaction_timeout must be positive")
        self.transactional_id = transactional_id
        self.transaction_timeout = transaction_timeout
        self._in_transaction = False
        super().__init__(brokers=brokers, client_id=client_id, ssl=ssl)
        if registry is None and registry_url:
            registry = SchemaRegistryClient(url=registry_url, retry=retry)
        self.registry = registry
        self.formatter = self._pick_formatter(formatter, registry, schema_cache_ttl, allow_unknown_fields)
        if delivery_timeout <= 0:
            raise ConfigurationError("delivery_timeout must be positive")
        self.delivery_timeout = delivery_timeout
        self.connect_timeout = connect_timeout
        self._events = ClientEvents()
        self.headers_hook = headers_hook
        self.instrument = instrument
        self._extra = dict(producer_config or {})
        self._factory = producer_factory
        self._check_topic = check_topic
        self._topic_checked = False
        self._producer: Any = None
        self._poller: threading.Thread | None = None
        self._stop = threading.Event()
        self._wanted = threading.Event()  # a batch is waiting for its delivery reports
        self._inflight = 0  # batches whose delivery reports are not all in
        self._inflight_lock = threading.Lock()
        self._max_bytes = int(self._extra.get("message.max.bytes", _DEFAULT_MAX_BYTES))

    @staticmethod
    def _pick_formatter(
        formatter: Formatter | Callable[[Any], Any] | None,
        registry: SchemaRegistryClient | None,
        ttl: float,
        allow_unknown_fields: bool,
    ) -> Formatter:
        if formatter is None:
            if registry is None:
                raise ConfigurationError("the Avro formatter needs registry_url (or pass formatter=)")
            return AvroFormatter(registry, cache_ttl=ttl, allow_unknown_fields=allow_unknown_fields)
        if isinstance(formatter, Formatter):
            return formatter
        if callable(formatter):
            return CallableFormatter(formatter)
        raise ConfigurationError(f"formatter must be a Formatter or a callable, not {type(formatter)}")

    @classmethod
    def from_settings(cls, settings: KafkaSettings, **overrides: Any) -> Kafka:
        """A producer configured by :class:`KafkaSettings` (``VF_KAFKA_*``); keywords override any
        setting (``topic=``, ``client_id=``...) or add constructor options (``formatter=``...)."""
        kwargs = {**settings.producer_kwargs(), **overrides}
        if not kwargs.get("topic"):
            raise ConfigurationError("no topic: pass topic= or set VF_KAFKA_TOPIC")
        return cls(**kwargs)

    # -- lifecycle --------------------------------------------------------------------------------

    async def __aenter__(self) -> Kafka:
        await self.connect()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.disconnect()

    async def connect(self) -> None:
        """Create the librdkafka producer (resolving the TLS settings once) and check that a broker
        answers within ``connect_timeout`` (:class:`BrokerUnavailableError` otherwise). Idempotent."""
        if self._producer is not None:
            return
        self._events = events = ClientEvents()
        conf = base_config(
            brokers=self.brokers, client_id=self.client_id, ssl=await self.ssl_config(), events=events
        )
        conf.update(
            {
                "enable.idempotence": True,
                "acks": "all",
                "partitioner": "murmur2_random",
                "linger.ms": 5,
                "message.timeout.ms": int(self.delivery_timeout * 1000),
            }
        )
        if self.transactional_id is not None:
            conf["transactional.id"] = self.transactional_id
            conf["transaction.timeout.ms"] = int(self.transaction_timeout * 1000)
            # librdkafka requires message.timeout.ms <= transaction.timeout.ms
            conf["message.timeout.ms"] = min(conf["message.timeout.ms"], conf["transaction.timeout.ms"])
        merge_config(conf, self._extra)
        factory = self._factory or require("confluent_kafka", "kafka").Producer
        try:
            self._producer = factory(conf)
        except Exception as exc:  # KafkaException for a bad setting, TypeError for a bad value type
            raise ConfigurationError(f"invalid producer configuration: {exc}") from exc
        self._stop.clear()
        self._poller = threading.Thread(target=self._poll_loop, name="vf-kafka-poll", daemon=True)
        self._poller.start()
        if self.connect_timeout is not None:
            try:
                await check_reachable(self._producer, events, conf["bootstrap.servers"], self.connect_timeout)
            except BaseException:
                await self._release()
                raise
        if self.transactional_id is not None:
            try:
                await self._init_transactions()
            except BaseException:
                await self._release()
                raise

    async def _release(self) -> None:
        held, self._producer = [self._producer], None
        self._stop.set()
        self._wanted.set()
        if self._poller is not None:
            await asyncio.to_thread(self._poller.join)
            self._poller = None
        # Nothing was sent: librdkafka stops retrying when the handle goes, and destroying it waits
        # for its threads, so the last reference is dropped off the event loop.
        await asyncio.to_thread(held.clear)

    def _poll_loop(self) -> None:
        # While a batch waits for its delivery reports, flush (librdkafka then sends at once instead
        # of waiting linger.ms, like a synchronous produce-then-flush); otherwise serve events.
        producer, wanted = self._producer, self._wanted
        failed = kafka_exception()
        while not self._stop.is_set():
            try:
                if not wanted.wait(0.2):
                    producer.poll(0)
                    continue
                left = producer.flush(0.02)
            except failed as exc:  # a fatal producer error (fenced...): the caller's next call raises it
                logger.warning("Kafka producer: %s", translate(exc, "poll"))
                self._stop.wait(0.2)
                continue
            with self._inflight_lock:
                idle = self._inflight == 0
                if idle:
                    wanted.clear()
            if not left and not idle:
                time.sleep(0.0005)  # nothing queued yet: a batch is still being produced

    async def disconnect(self, flush_timeout: float = 30.0) -> None:
        """Wait up to ``flush_timeout`` s for queued messages, then release the producer and registry.
        A transaction still open is aborted first (its messages never become visible)."""
        if self._in_transaction and self._producer is not None:
            try:
                await self.abort_transaction()
            except TransactionError as exc:  # the broker aborts it after transaction_timeout
                logger.warning("could not abort the open transaction on disconnect: %s", exc)
            self._in_transaction = False
        producer, self._producer = self._producer, None
        if producer is not None:
            self._stop.set()
            self._wanted.set()
            if self._poller is not None:
                await asyncio.to_thread(self._poller.join)
            left = await asyncio.to_thread(producer.flush, flush_timeout)
            if left:
                logger.warning("%d messages to %s not delivered before disconnect", left, self.topic)
        if self.registry is not None:
            await self.registry.aclose()

    aclose = disconnect

    # -- registry ---------------------------------------------------------------------------------

    def _registry(self) -> SchemaRegistryClient:
        if self.registry is None:
            raise ConfigurationError("no schema registry configured (registry_url=)")
        return self.registry

    async def register_schema(
        self,
        schema: str | dict[str, Any],
        subject: str | None = None,
        schema_type: str = "AVRO",
        compatibility: Compatibility | None = None,
    ) -> int:
        """Register ``schema`` (default subject ``<topic>-value``) and return its id.

        ``compatibility`` first sets the subject's rule. A schema the rule refuses raises
        :class:`SchemaIncompatibleError`. The next send uses the new version at once.
        """
        registry = self._registry()
        subject = subject or f"{self.topic}-value"
        if schema_type == "AVRO":
            parse_avro_schema(schema)
        if compatibility is not None:
            await registry.set_compatibility(compatibility, subject)
        schema_id = await registry.register(subject, schema, schema_type=schema_type)
        if isinstance(self.formatter, AvroFormatter):
            self.formatter.invalidate(self.topic)
        return schema_id

    async def encode(self, value: Any) -> bytes:
        """``value`` as the bytes a send would write (validated against the latest schema)."""
        return (await self.formatter.encode_many([value], topic=self.topic)).payloads[0]

    async def decode(self, data: bytes) -> Any:
        """Bytes written by :meth:`encode` (or any Confluent-format producer) back to the value."""
        return (await self.formatter.decode(data, topic=self.topic)).value

    # -- sending ----------------------------------------------------------------------------------

    async def send_messages(self, messages: Iterable[MessageInput]) -> list[RecordMetadata]:
        """Send a batch; return one :class:`RecordMetadata` per message, in order.

        The whole batch is validated and encoded first: if any message is invalid, nothing is sent
        (:class:`SchemaValidationError`, :class:`MessageTooLargeError`, :class:`UnknownTopicError`).
        Messages the broker does not acknowledge within ``delivery_timeout`` raise
        :class:`DeliveryError` listing them.
        """
        values, keys, extras = split(messages)
        if not values:
            return []
        if self.transactional_id is not None and not self._in_transaction:
            raise TransactionError(
                "send_messages: a transactional producer sends only inside a transaction "
                "(begin_transaction() or `async with kafka.transaction()`); nothing sent"
            )
        if self.instrument is None:
            return await self._send(values, keys, extras)
        result: list[RecordMetadata] = await self.instrument(
            self.topic, len(values), lambda: self._send(values, keys, extras)
        )
        return result

    async def _send(
        self, values: list[Any], keys: list[bytes | None], extras: list[Any]
    ) -> list[RecordMetadata]:
        if self._producer is None:
            await self.connect()
        encoded = await self.formatter.encode_many(values, topic=self.topic)
        base: dict[str, bytes] = {}
        if self.headers_hook is not None:
            self.headers_hook(base)
        headers = [header_list(i, base, extra) for i, extra in enumerate(extras)]
        self._check_sizes(encoded.payloads, keys)
        await self._ensure_topic()
        return await self._produce(encoded.payloads, keys, headers, encoded.schema_id)

    def _check_sizes(self, payloads: list[bytes], keys: list[bytes | None]) -> None:
        for index, (value, key) in enumerate(zip(payloads, keys, strict=True)):
            size = len(value) + (len(key) if key else 0)
            if size > self._max_bytes:
                raise MessageTooLargeError(
                    f"batch refused, nothing sent: message {index} is {size} bytes, more than "
                    f"message.max.bytes={self._max_bytes}",
                    failures=[DeliveryFailure(index, "MSG_SIZE_TOO_LARGE", f"{size} bytes")],
                    code="MSG_SIZE_TOO_LARGE",
                )

    async def _ensure_topic(self) -> None:
        """Refuse a topic that does not exist, once, before the first send.

        With auto-creation allowed (librdkafka's default for producers) the broker creates the
        topic on this metadata request, which takes a moment: the check waits for it.
        """
        if not self._check_topic or self._topic_checked:
            return
        auto_create = str(self._extra.get("allow.auto.create.topics", True)).lower() in {"true", "1"}
        producer = self._producer
        for attempt in range(25 if auto_create else 1):
            if attempt:
                await asyncio.sleep(0.2)
            try:
                metadata = await asyncio.to_thread(
                    producer.list_topics, self.topic, min(10.0, self.delivery_timeout)
                )
            except kafka_exception() as exc:  # brokers unreachable now: librdkafka retries on send
                logger.warning("could not check topic %s: %s", self.topic, exc)
                return
            info = metadata.topics.get(self.topic)
            err = None if info is None else info.error
            if info is not None and err is None:
                self._topic_checked = True
                return
            if err is not None and error_code(err) not in UNKNOWN_TOPIC | {"LEADER_NOT_AVAILABLE"}:
                logger.warning("topic %s metadata: %s", self.topic, err)
                return
        raise UnknownTopicError(
            f"topic {self.topic!r} does not exist (and was not auto-created); nothing sent",
            code="UNKNOWN_TOPIC_OR_PART",
        )

    async def _produce(
        self,
        payloads: list[bytes],
        keys: list[bytes | None],
        headers: list[list[tuple[str, bytes]] | None],
        schema_id: int | None,
    ) -> list[RecordMetadata]:
        producer = self._producer
        if producer is None:
            raise NotConnectedError("the Kafka producer was disconnected")
        loop = asyncio.get_running_loop()
        with self._inflight_lock:
            self._inflight += 1
        state = Batch(loop, len(payloads), on_finished=self._batch_finished)
        return await self._produce_batch(producer, state, payloads, keys, headers, schema_id)

    def _batch_finished(self) -> None:
        # Called by the thread that served the batch's last delivery report.
        with self._inflight_lock:
            self._inflight -= 1

    async def _produce_batch(
        self,
        producer: Any,
        state: Batch,
        payloads: list[bytes],
        keys: list[bytes | None],
        headers: list[list[tuple[str, bytes]] | None],
        schema_id: int | None,
    ) -> list[RecordMetadata]:
        produce, topic, callback = producer.produce, self.topic, state.callbacks()
        # The batch is encoded and checked whole already (nothing half-sent), so the poll thread may
        # flush from the first message on: the first requests are on the wire while the rest is
        # produced, as with a produce-then-flush loop (measured: +5-15 % msg/s on batches of 1,000).
        self._wanted.set()
        index = 0
        while index < len(payloads):
            try:
                produce(
                    topic,
                    payloads[index],
                    keys[index],
                    on_delivery=callback(index),
                    headers=headers[index],
                )
            except BufferError:  # local queue full: let the poll thread drain it
                self._wanted.set()
                await asyncio.sleep(0.005)
                continue
            except kafka_exception() as exc:  # this and the following messages are not sent
                err = translate(exc, "produce")
                for rest in range(index, len(payloads)):
                    state.fail(rest, err.code or "UNKNOWN", str(err))
                break
            index += 1
        self._wanted.set()  # (again, after a BufferError wait) librdkafka sends at once, without linger.ms
        try:
            async with asyncio.timeout(self.delivery_timeout + 30.0):  # librdkafka reports before
                await state.future
        except TimeoutError:
            done = {f.index for f in list(state.failures)}
            missing = [i for i, r in enumerate(list(state.reports)) if r is None and i not in done]
            failures = [*state.failures, *(DeliveryFailure(i, "_TIMED_OUT", "no report") for i in missing)]
            raise delivery_error(topic, failures, self._metadata(state, schema_id)) from None
        if state.failures:
            failures = sorted(state.failures, key=lambda f: f.index)
            raise delivery_error(topic, failures, self._metadata(state, schema_id))
        return [m for m in self._metadata(state, schema_id) if m is not None]

    def _metadata(self, state: Batch, schema_id: int | None) -> list[RecordMetadata | None]:
        topic = self.topic
        out: list[RecordMetadata | None] = []
        for msg in list(state.reports):  # read here, not on the delivery thread (see Batch)
            if msg is None:
                out.append(None)
            else:
                ts_type, ts = msg.timestamp()
                out.append(
                    RecordMetadata(topic, msg.partition(), msg.offset(), ts if ts_type else None, schema_id)
                )
        return out
