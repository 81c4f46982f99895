"""``SQS``: one queue (successor of ``@verifiedfan/aws`` SQS): send, batch send, receive, delete, redrive."""

from __future__ import annotations

import logging
import random
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from verifiedfan._primitives import async_sleep
from verifiedfan.aws._async.batching import BatchSender, Outcome
from verifiedfan.aws._async.clients import AwsClients, AwsService
from verifiedfan.aws._batch_core import BatchResult, Failed, Sent, chunked, result
from verifiedfan.aws._errors import AwsValidationError
from verifiedfan.aws._limits import SQS_MAX_BATCH, SQS_MAX_BATCH_BYTES, SQS_MAX_DELAY_SECONDS
from verifiedfan.aws._msg_core import (
    AttributeValue,
    Prepared,
    ReceivedMessage,
    RedriveResult,
    SqsMessage,
    check_size,
    check_text,
    decode_attributes,
    encode_attributes,
    fifo_ids,
    is_fifo,
)
from verifiedfan.aws._s3_core import translating

if TYPE_CHECKING:
    from verifiedfan.aws._settings import AwsSettings

__all__ = ["SQS"]

logger = logging.getLogger(__name__)


class SQS(AwsService):
    """One SQS queue, by URL. A ``.fifo`` queue needs a ``group_id`` on every message, and a message
    without ``dedup_id`` gets the SHA-256 of its body (so a resend within 5 minutes delivers once).

    :meth:`send_message_batch` sends ``SQS_MAX_BATCH`` (10) messages and at most ``max_batch_bytes``
    (256 KiB) a call, ``concurrency`` calls at once (default ``AwsSettings.batch_concurrency``), and
    resends the entries SQS reports failed without being the sender's fault, with full-jitter backoff,
    for at most ``max_attempts`` calls each. Every message is checked before the first call.
    """

    def __init__(
        self,
        queue_url: str,
        *,
        clients: AwsClients | None = None,
        settings: AwsSettings | None = None,
        concurrency: int | None = None,
        max_batch_bytes: int = SQS_MAX_BATCH_BYTES,
        max_attempts: int = 8,
        backoff_base: float = 0.05,
        backoff_cap: float = 20.0,
        sleep: Callable[[float], Awaitable[object]] = async_sleep,
        rand: Callable[[], float] = random.random,
    ) -> None:
        if not isinstance(queue_url, str) or not queue_url.startswith(("https://", "http://")):
            raise AwsValidationError(f"queue_url must be the queue's http(s) URL, got {queue_url!r}")
        self.queue_url = queue_url
        self.fifo = is_fifo(queue_url)
        self.max_batch_bytes = max_batch_bytes
        super().__init__(clients=clients, settings=settings)
        self._sender = BatchSender(
            concurrency=concurrency or self._clients.batch_concurrency,
            max_attempts=max_attempts,
            backoff_base=backoff_base,
            backoff_cap=backoff_cap,
            sleeper=sleep,
            rand=rand,
            what="sqs.SendMessageBatch",
        )
        self._options: dict[str, Any] = {
            "concurrency": self._sender.concurrency,
            "max_batch_bytes": max_batch_bytes,
            "max_attempts": max_attempts,
            "backoff_base": backoff_base,
            "backoff_cap": backoff_cap,
            "sleep": sleep,
            "rand": rand,
        }

    @classmethod
    def from_settings(cls, queue_url: str, settings: AwsSettings, **kwargs: Any) -> SQS:
        """An ``SQS`` with its own clients built from ``settings``."""
        return cls(queue_url, settings=settings, **kwargs)

    async def _sqs(self) -> Any:
        return await self._clients.client("sqs")

    def _prepare(self, message: SqsMessage, what: str) -> Prepared:
        body = check_text(message.body, f"{what}.body", max_bytes=self.max_batch_bytes)
        delay = message.delay_seconds
        if isinstance(delay, bool) or not isinstance(delay, int) or not 0 <= delay <= SQS_MAX_DELAY_SECONDS:
            raise AwsValidationError(f"{what}: delay_seconds must be an integer 0-{SQS_MAX_DELAY_SECONDS}")
        if delay and self.fifo:
            raise AwsValidationError(f"{what}: a FIFO queue takes no per-message delay_seconds")
        entry: dict[str, Any] = {"MessageBody": body}
        if delay:
            entry["DelaySeconds"] = delay
        attributes, attr_size = encode_attributes(message.attributes, what=what, arrays=False)
        if attributes:
            entry["MessageAttributes"] = attributes
        entry.update(
            fifo_ids(
                fifo=self.fifo, body=body, group_id=message.group_id, dedup_id=message.dedup_id, what=what
            )
        )
        size = len(body.encode("utf-8")) + attr_size
        check_size(size, self.max_batch_bytes, what)
        return Prepared(entry, size)

    async def send_message(
        self,
        body: str,
        *,
        delay_seconds: int = 0,
        attributes: Mapping[str, AttributeValue] | None = None,
        group_id: str | None = None,
        dedup_id: str | None = None,
    ) -> Sent:
        """Send one message; its ``MessageId`` (and FIFO ``SequenceNumber``)."""
        prepared = self._prepare(
            SqsMessage(body, attributes, delay_seconds, group_id, dedup_id), "send_message"
        )
        sqs = await self._sqs()
        with translating("sqs", "SendMessage"):
            answer = await sqs.send_message(QueueUrl=self.queue_url, **prepared.entry)
        return Sent(0, answer["MessageId"], answer.get("SequenceNumber"))

    async def send_message_batch(self, messages: Iterable[SqsMessage | str]) -> BatchResult:
        """Send every message (a ``str`` is a body); the result lists each one as sent or failed.

        Entries SQS fails as the sender's fault are not resent; the others are, up to ``max_attempts``."""
        entries = [SqsMessage(m) if isinstance(m, str) else m for m in messages]
        prepared = []
        for i, message in enumerate(entries):
            if not isinstance(message, SqsMessage):
                raise AwsValidationError(f"messages[{i}] is {type(message).__name__}, not SqsMessage or str")
            prepared.append(self._prepare(message, f"messages[{i}]"))
        return await self._send_prepared(entries, [p.entry for p in prepared], [p.size for p in prepared])

    async def _send_prepared(
        self, entries: list[Any], wire: list[dict[str, Any]], sizes: list[int]
    ) -> BatchResult:
        chunks = chunked(sizes, range(len(wire)), max_count=SQS_MAX_BATCH, max_bytes=self.max_batch_bytes)
        sqs: Any = await self._sqs() if chunks else None

        async def call(indexes: list[int]) -> Outcome:
            batch = [{"Id": str(i), **wire[i]} for i in indexes]
            with translating("sqs", "SendMessageBatch"):
                answer = await sqs.send_message_batch(QueueUrl=self.queue_url, Entries=batch)
            sent = [
                Sent(int(ok["Id"]), ok["MessageId"], ok.get("SequenceNumber"))
                for ok in answer.get("Successful", [])
            ]
            failed = [
                Failed(
                    int(bad["Id"]),
                    bad.get("Code", "Unknown"),
                    bad.get("Message", ""),
                    bool(bad.get("SenderFault")),
                )
                for bad in answer.get("Failed", [])
            ]
            return sent, failed

        sent, failed, calls, resent = await self._sender.run(chunks, call)
        return result(
            entries, sent, failed, calls=calls, resent=resent, service="sqs", operation="SendMessageBatch"
        )

    async def receive(
        self,
        *,
        max_messages: int = 10,
        wait_seconds: int = 0,
        visibility_timeout: int | None = None,
    ) -> list[ReceivedMessage]:
        """Up to ``max_messages`` (1-10) messages, waiting up to ``wait_seconds`` (0-20) for one."""
        if isinstance(max_messages, bool) or not isinstance(max_messages, int) or not 1 <= max_messages <= 10:
            raise AwsValidationError("max_messages must be an integer 1-10")
        if isinstance(wait_seconds, bool) or not isinstance(wait_seconds, int) or not 0 <= wait_seconds <= 20:
            raise AwsValidationError("wait_seconds must be an integer 0-20")
        args: dict[str, Any] = {
            "QueueUrl": self.queue_url,
            "MaxNumberOfMessages": max_messages,
            "WaitTimeSeconds": wait_seconds,
            "MessageAttributeNames": ["All"],
            "MessageSystemAttributeNames": ["All"],
        }
        if visibility_timeout is not None:
            args["VisibilityTimeout"] = visibility_timeout
        sqs = await self._sqs()
        with translating("sqs", "ReceiveMessage"):
            answer = await sqs.receive_message(**args)
        return [
            ReceivedMessage(
                message_id=m["MessageId"],
                receipt_handle=m["ReceiptHandle"],
                body=m.get("Body", ""),
                md5_of_body=m.get("MD5OfBody"),
                attributes=decode_attributes(m.get("MessageAttributes", {})),
                system=dict(m.get("Attributes", {})),
                raw_attributes=dict(m.get("MessageAttributes", {})),
            )
            for m in answer.get("Messages", [])
        ]

    async def delete(self, message: ReceivedMessage | str) -> None:
        """Delete a received message (or its receipt handle)."""
        handle = message.receipt_handle if isinstance(message, ReceivedMessage) else message
        sqs = await self._sqs()
        with translating("sqs", "DeleteMessage"):
            await sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=handle)

    async def delete_many(self, messages: Iterable[ReceivedMessage | str]) -> BatchResult:
        """Delete received messages, 10 a call (``DeleteMessageBatch``, failures resent as for sends)."""
        entries = list(messages)
        handles = [m.receipt_handle if isinstance(m, ReceivedMessage) else m for m in entries]
        chunks = chunked([0] * len(handles), range(len(handles)), max_count=SQS_MAX_BATCH, max_bytes=1)
        sqs: Any = await self._sqs() if chunks else None

        async def call(indexes: list[int]) -> Outcome:
            batch = [{"Id": str(i), "ReceiptHandle": handles[i]} for i in indexes]
            with translating("sqs", "DeleteMessageBatch"):
                answer = await sqs.delete_message_batch(QueueUrl=self.queue_url, Entries=batch)
            sent = [Sent(int(ok["Id"]), handles[int(ok["Id"])]) for ok in answer.get("Successful", [])]
            failed = [
                Failed(
                    int(bad["Id"]),
                    bad.get("Code", "Unknown"),
                    bad.get("Message", ""),
                    bool(bad.get("SenderFault")),
                )
                for bad in answer.get("Failed", [])
            ]
            return sent, failed

        sent, failed, calls, resent = await self._sender.run(chunks, call)
        return result(
            entries, sent, failed, calls=calls, resent=resent, service="sqs", operation="DeleteMessageBatch"
        )

    async def source_queue_url(self) -> str:
        """The queue whose dead-letter queue this is (``ListDeadLetterSourceQueues``; exactly one)."""
        sqs = await self._sqs()
        with translating("sqs", "ListDeadLetterSourceQueues"):
            answer = await sqs.list_dead_letter_source_queues(QueueUrl=self.queue_url)
        urls = answer.get("queueUrls", [])
        if len(urls) != 1:
            raise AwsValidationError(
                f"{self.queue_url} is the dead-letter queue of {len(urls)} queues; give target_queue_url"
            )
        return str(urls[0])

    async def redrive_messages(
        self,
        target_queue_url: str | None = None,
        *,
        max_messages: int | None = None,
        visibility_timeout: int = 60,
    ) -> RedriveResult:
        """Move the messages of this (dead-letter) queue to ``target_queue_url`` (default: its source).

        Each message keeps its body, attributes and FIFO group and deduplication ids; it is deleted
        here only once the target accepted it. One that could not be sent stays here (visible again
        after ``visibility_timeout``) and is listed in ``failed``. Stops when a receive comes back
        empty or after ``max_messages``."""
        target_url = target_queue_url or await self.source_queue_url()
        target = SQS(target_url, clients=self._clients, **self._options)
        moved = 0
        failed: list[Any] = []
        while max_messages is None or moved + len(failed) < max_messages:
            room = 10 if max_messages is None else min(10, max_messages - moved - len(failed))
            received = await self.receive(max_messages=room, visibility_timeout=visibility_timeout)
            if not received:
                break
            wire = [_resend_entry(m, fifo=target.fifo) for m in received]
            sizes = [_wire_size(entry) for entry in wire]
            sent = await target._send_prepared(received, wire, sizes)
            if sent.sent:
                deleted = await self.delete_many([received[s.index] for s in sent.sent])
                failed.extend(deleted.failed)
                moved += len(deleted.sent)
            failed.extend(sent.failed)
        logger.info("redrove %d messages from %s (%d failed)", moved, self.queue_url, len(failed))
        return RedriveResult(moved=moved, failed=tuple(failed))


def _resend_entry(message: ReceivedMessage, *, fifo: bool) -> dict[str, Any]:
    entry: dict[str, Any] = {"MessageBody": message.body}
    if message.raw_attributes:
        entry["MessageAttributes"] = message.raw_attributes
    if fifo:
        group = message.system.get("MessageGroupId")
        if group:
            entry["MessageGroupId"] = group
        entry["MessageDeduplicationId"] = message.system.get("MessageDeduplicationId") or message.message_id
    return entry


def _wire_size(entry: dict[str, Any]) -> int:
    """The size SQS counts for a message: body, and each attribute's name, type and value."""
    size = len(entry["MessageBody"].encode("utf-8"))
    for name, attr in entry.get("MessageAttributes", {}).items():
        value = attr.get("StringValue")
        data = value.encode("utf-8") if isinstance(value, str) else bytes(attr.get("BinaryValue") or b"")
        size += len(name.encode("utf-8")) + len(str(attr.get("DataType", ""))) + len(data)
    return size
