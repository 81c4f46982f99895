"""Kafka transactions for :class:`~verifiedfan.kafka.Kafka`: consume-transform-produce exactly once.

A producer given a ``transactional_id`` registers it with the broker on connect
(``init_transactions``: an older instance with the same id is fenced and its open transaction
aborted). Then each unit of work is one transaction: the messages sent in it and the consumer
offsets added to it (:meth:`TransactionalProducer.send_offsets_to_transaction`) become visible
together on commit, or not at all on abort. Consumers of the output read with
``isolation.level=read_committed`` (:class:`~verifiedfan.kafka.KafkaConsumer`'s default), so they
never see an aborted or still-open transaction's messages. The blocking librdkafka calls run in a
worker thread; every failure is a :class:`~verifiedfan.kafka.TransactionError` saying whether to
abort, retry, or give up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterable
from typing import TYPE_CHECKING, Any

from verifiedfan._optional import require
from verifiedfan.kafka._errors import TransactionError
from verifiedfan.kafka._models import ConsumedMessage
from verifiedfan.kafka._rdkafka import kafka_exception, translate_transaction

if TYPE_CHECKING:
    from verifiedfan.kafka._consumer import KafkaConsumer

__all__ = ["next_offsets"]  # TransactionalProducer is Kafka's base, public through Kafka

logger = logging.getLogger(__name__)

_COMMIT_ATTEMPTS = 3


def next_offsets(messages: Iterable[ConsumedMessage]) -> dict[tuple[str, int], int]:
    """The offsets to commit after handling ``messages``: per ``(topic, partition)``, the highest
    offset handled plus one (the next message to read)."""
    out: dict[tuple[str, int], int] = {}
    for m in messages:
        where = (m.topic, m.partition)
        if m.offset + 1 > out.get(where, -1):
            out[where] = m.offset + 1
    return out


class TransactionalProducer:
    """The transaction calls of :class:`~verifiedfan.kafka.Kafka` (used when it was given a
    ``transactional_id``)."""

    transactional_id: str | None
    transaction_timeout: float
    _producer: Any
    _in_transaction: bool

    async def connect(self) -> None:  # pragma: no cover - provided by Kafka
        raise NotImplementedError

    # Each blocking call waits at most ``transaction_timeout`` seconds (librdkafka's own bound).

    @property
    def in_transaction(self) -> bool:
        """Whether a transaction was begun and is not yet committed or aborted."""
        return self._in_transaction

    def _transactional(self, action: str) -> Any:
        if self.transactional_id is None:
            raise TransactionError(f"{action}: this producer has no transactional_id")
        if self._producer is None:
            raise TransactionError(f"{action}: the producer is not connected")
        return self._producer

    async def _call(self, action: str, fn: Any, *args: Any) -> None:
        try:
            await asyncio.to_thread(fn, *args)
        except kafka_exception() as exc:
            raise translate_transaction(exc, action) from exc

    async def _init_transactions(self) -> None:
        producer = self._transactional("init_transactions")
        self._in_transaction = False
        await self._call("init_transactions", producer.init_transactions, self.transaction_timeout)

    async def begin_transaction(self) -> None:
        """Start a transaction: what is sent from now on, and the offsets added, are committed or
        aborted together. Connects first when needed."""
        if self._producer is None:
            await self.connect()
        producer = self._transactional("begin_transaction")
        if self._in_transaction:
            raise TransactionError("begin_transaction: a transaction is already open")
        await self._call("begin_transaction", producer.begin_transaction)
        self._in_transaction = True

    async def send_offsets_to_transaction(
        self, consumer: KafkaConsumer, messages: Iterable[ConsumedMessage]
    ) -> None:
        """Add the consumer's position after ``messages`` (per partition, the highest offset plus
        one) to the open transaction: the group commits them only if the transaction commits. The
        consumer must not commit by itself (``KafkaConsumer(auto_commit=False)``)."""
        producer = self._transactional("send_offsets_to_transaction")
        if not self._in_transaction:
            raise TransactionError("send_offsets_to_transaction: no transaction is open")
        offsets = next_offsets(messages)
        if not offsets:
            return
        partition = require("confluent_kafka", "kafka").TopicPartition
        positions = [partition(topic, part, offset) for (topic, part), offset in sorted(offsets.items())]
        metadata = consumer.group_metadata()
        await self._call(
            "send_offsets_to_transaction",
            producer.send_offsets_to_transaction,
            positions,
            metadata,
            self.transaction_timeout,
        )

    async def commit_transaction(self) -> None:
        """Commit the open transaction (its messages are delivered first). A retriable failure is
        retried; an abortable one raises :class:`TransactionError` with ``abortable`` set, and the
        transaction stays open until :meth:`abort_transaction`."""
        producer = self._transactional("commit_transaction")
        if not self._in_transaction:
            raise TransactionError("commit_transaction: no transaction is open")
        for attempt in range(1, _COMMIT_ATTEMPTS + 1):
            try:
                await self._call("commit_transaction", producer.commit_transaction, self.transaction_timeout)
            except TransactionError as exc:
                if exc.retriable and attempt < _COMMIT_ATTEMPTS:
                    logger.warning("commit_transaction: %s; retrying", exc)
                    continue
                if exc.fatal:
                    self._in_transaction = False
                raise
            self._in_transaction = False
            return

    async def abort_transaction(self) -> None:
        """Abort the open transaction: none of its messages or offsets ever become visible to a
        ``read_committed`` consumer."""
        producer = self._transactional("abort_transaction")
        if not self._in_transaction:
            raise TransactionError("abort_transaction: no transaction is open")
        await self._call("abort_transaction", producer.abort_transaction, self.transaction_timeout)
        self._in_transaction = False

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """``async with kafka.transaction():`` begins a transaction, commits it when the block
        ends, and aborts it when the block (or the commit) raises; the error is re-raised."""
        await self.begin_transaction()
        try:
            yield
            await self.commit_transaction()
        except BaseException as exc:
            if self._in_transaction:
                fatal = isinstance(exc, TransactionError) and exc.fatal
                if fatal:
                    self._in_transaction = False
                else:
                    try:
                        await self.abort_transaction()
                    except TransactionError as abort_exc:
                        logger.warning("abort after %s failed: %s", type(exc).__name__, abort_exc)
            raise
