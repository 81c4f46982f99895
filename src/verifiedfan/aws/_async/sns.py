"""``SNS``: one topic (successor of ``@verifiedfan/aws`` SNS): publish, and publish in batches."""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from verifiedfan._primitives import async_sleep
from verifiedfan.aws._async.batching import BatchSender, Outcome
from verifiedfan.aws._async.clients import AwsClients, AwsService
from verifiedfan.aws._batch_core import BatchResult, Failed, Sent, chunked, result
from verifiedfan.aws._errors import AwsValidationError
from verifiedfan.aws._limits import SNS_MAX_BATCH, SNS_MAX_BATCH_BYTES
from verifiedfan.aws._msg_core import (
    AttributeValue,
    Prepared,
    SnsMessage,
    check_size,
    check_text,
    encode_attributes,
    fifo_ids,
    is_fifo,
)
from verifiedfan.aws._s3_core import translating

if TYPE_CHECKING:
    from verifiedfan.aws._settings import AwsSettings

__all__ = ["SNS"]

logger = logging.getLogger(__name__)

_ARN = re.compile(r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$")
_SUBJECT = re.compile(r"^[ -~]{1,100}$")


class SNS(AwsService):
    """One SNS topic, by ARN. Message attributes get their ``DataType`` from the value (String,
    Number, Binary, String.Array for a list). A ``.fifo`` topic needs a ``group_id``, and a message
    without ``dedup_id`` gets the SHA-256 of its text, as for SQS.

    :meth:`publish_batch` sends ``SNS_MAX_BATCH`` (10) messages and at most ``max_batch_bytes``
    (256 KiB) a call, ``concurrency`` calls at once, and resends the entries SNS reports failed
    without being the sender's fault (full-jitter backoff, ``max_attempts`` calls at most).
    """

    def __init__(
        self,
        topic_arn: str,
        *,
        clients: AwsClients | None = None,
        settings: AwsSettings | None = None,
        concurrency: int | None = None,
        max_batch_bytes: int = SNS_MAX_BATCH_BYTES,
        max_attempts: int = 8,
        backoff_base: float = 0.05,
        backoff_cap: float = 20.0,
        sleep: Callable[[float], Awaitable[object]] = async_sleep,
        rand: Callable[[], float] = random.random,
    ) -> None:
        if not isinstance(topic_arn, str) or not _ARN.match(topic_arn):
            raise AwsValidationError(f"topic_arn must be an SNS topic ARN, got {topic_arn!r}")
        self.topic_arn = topic_arn
        self.fifo = is_fifo(topic_arn)
        self.max_batch_bytes = max_batch_bytes
        super().__init__(clients=clients, settings=settings)
        self._sender = BatchSender(
            concurrency=concurrency or self._clients.batch_concurrency,
            max_attempts=max_attempts,
            backoff_base=backoff_base,
            backoff_cap=backoff_cap,
            sleeper=sleep,
            rand=rand,
            what="sns.PublishBatch",
        )

    @classmethod
    def from_settings(cls, topic_arn: str, settings: AwsSettings, **kwargs: Any) -> SNS:
        """An ``SNS`` with its own clients built from ``settings``."""
        return cls(topic_arn, settings=settings, **kwargs)

    async def _sns(self) -> Any:
        return await self._clients.client("sns")

    def _prepare(self, message: SnsMessage, what: str) -> Prepared:
        text = check_text(message.message, f"{what}.message", max_bytes=self.max_batch_bytes)
        entry: dict[str, Any] = {"Message": text}
        if message.subject is not None:
            if not isinstance(message.subject, str) or not _SUBJECT.match(message.subject):
                raise AwsValidationError(f"{what}: subject must be 1-100 printable ASCII characters")
            entry["Subject"] = message.subject
        attributes, attr_size = encode_attributes(message.attributes, what=what, arrays=True)
        if attributes:
            entry["MessageAttributes"] = attributes
        entry.update(
            fifo_ids(
                fifo=self.fifo, body=text, group_id=message.group_id, dedup_id=message.dedup_id, what=what
            )
        )
        size = len(text.encode("utf-8")) + attr_size
        check_size(size, self.max_batch_bytes, what)
        return Prepared(entry, size)

    async def publish(
        self,
        message: str,
        *,
        attributes: Mapping[str, AttributeValue] | None = None,
        subject: str | None = None,
        group_id: str | None = None,
        dedup_id: str | None = None,
    ) -> Sent:
        """Publish one message; its ``MessageId`` (and FIFO ``SequenceNumber``)."""
        prepared = self._prepare(SnsMessage(message, attributes, subject, group_id, dedup_id), "publish")
        sns = await self._sns()
        with translating("sns", "Publish"):
            answer = await sns.publish(TopicArn=self.topic_arn, **prepared.entry)
        return Sent(0, answer["MessageId"], answer.get("SequenceNumber"))

    async def publish_batch(self, messages: Iterable[SnsMessage | str]) -> BatchResult:
        """Publish every message (a ``str`` is the text); the result lists each one as sent or failed."""
        entries = [SnsMessage(m) if isinstance(m, str) else m for m in messages]
        prepared = []
        for i, message in enumerate(entries):
            if not isinstance(message, SnsMessage):
                raise AwsValidationError(f"messages[{i}] is {type(message).__name__}, not SnsMessage or str")
            prepared.append(self._prepare(message, f"messages[{i}]"))
        sizes = [p.size for p in prepared]
        chunks = chunked(sizes, range(len(prepared)), max_count=SNS_MAX_BATCH, max_bytes=self.max_batch_bytes)
        sns: Any = await self._sns() if chunks else None

        async def call(indexes: list[int]) -> Outcome:
            batch = [{"Id": str(i), **prepared[i].entry} for i in indexes]
            with translating("sns", "PublishBatch"):
                answer = await sns.publish_batch(TopicArn=self.topic_arn, PublishBatchRequestEntries=batch)
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
            entries, sent, failed, calls=calls, resent=resent, service="sns", operation="PublishBatch"
        )
