"""A batch on its way: normalised messages, and delivery state completed from librdkafka's thread."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from verifiedfan.errors import ValidationError
from verifiedfan.kafka._errors import DeliveryFailure
from verifiedfan.kafka._headers import Headers
from verifiedfan.kafka._models import KafkaMessage
from verifiedfan.kafka._rdkafka import error_code

__all__ = ["MessageInput"]  # Batch and the helpers are internal to the producer

MessageInput = KafkaMessage | Mapping[str, Any]
"""A message to send: a :class:`KafkaMessage` or a mapping with ``value`` and optional ``key``/``headers``."""

_MESSAGE_KEYS = frozenset({"key", "value", "headers"})


class Batch:
    """Delivery state of one batch, completed from librdkafka's callback thread.

    A delivery report costs as little as it can on that thread: the report's message is kept as it
    is (its partition, offset and timestamp are read later, on the event loop), and the reports are
    counted with an ``itertools.count``, whose ``next`` is one atomic step under the GIL: reports
    served by two threads, or :meth:`fail` called on the loop meanwhile, still count once each, and
    the batch finishes exactly once, after its last report.
    """

    __slots__ = ("_count", "_last", "failures", "future", "loop", "on_finished", "reports")

    def __init__(
        self, loop: asyncio.AbstractEventLoop, size: int, on_finished: Callable[[], None] | None = None
    ) -> None:
        self.loop = loop
        self.on_finished = on_finished
        self.future: asyncio.Future[None] = loop.create_future()
        self.reports: list[Any] = [None] * size  # the delivered message, once reported without error
        self.failures: list[DeliveryFailure] = []
        self._count = itertools.count(1)
        self._last = size

    def callbacks(self) -> Callable[[int], Callable[[Any, Any], None]]:
        """A factory of delivery callbacks, one per message index (the batch's state bound once)."""
        reports, failures, count, last, finish = (
            self.reports,
            self.failures,
            self._count,
            self._last,
            self._finish,
        )

        def for_index(index: int) -> Callable[[Any, Any], None]:
            def on_delivery(err: Any, msg: Any) -> None:
                if err is None:
                    reports[index] = msg
                else:
                    failures.append(DeliveryFailure(index, error_code(err), str(err.str())))
                if next(count) == last:
                    finish()

            return on_delivery

        return for_index

    def fail(self, index: int, code: str, reason: str) -> None:
        self.failures.append(DeliveryFailure(index, code, reason))
        if next(self._count) == self._last:
            self._finish()

    def _finish(self) -> None:
        if self.on_finished is not None:
            self.on_finished()
        self.loop.call_soon_threadsafe(_resolve, self.future)


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


def split(messages: Iterable[MessageInput]) -> tuple[list[Any], list[bytes | None], list[Any]]:
    """The values, the keys (as bytes) and the headers of a batch, checking each message's shape."""
    values: list[Any] = []
    keys: list[bytes | None] = []
    headers: list[Any] = []
    for index, message in enumerate(messages):
        if type(message) is dict or (not isinstance(message, KafkaMessage) and isinstance(message, Mapping)):
            if "value" not in message or not message.keys() <= _MESSAGE_KEYS:
                unknown = sorted(set(message) - _MESSAGE_KEYS)
                raise ValidationError(
                    f"message {index}: expected keys 'value' and optional 'key', 'headers'"
                    + (f"; unknown {unknown}" if unknown else "; 'value' missing")
                )
            value, key, extra = message["value"], message.get("key"), message.get("headers")
        elif isinstance(message, KafkaMessage):
            value, key, extra = message.value, message.key, message.headers
        else:
            raise ValidationError(
                f"message {index}: expected a KafkaMessage or a mapping, not {type(message).__name__}"
            )
        if type(key) is str:
            key = key.encode()
        elif key is not None and type(key) is not bytes:
            raise ValidationError(
                f"message {index}: key must be str, bytes or None, not {type(key).__name__}"
            )
        values.append(value)
        keys.append(key)
        headers.append(extra)
    return values, keys, headers


def header_list(index: int, base: Mapping[str, bytes], extra: Any) -> list[tuple[str, bytes]] | None:
    """The headers of one message: ``base`` (from the headers hook) then the message's own, which may
    repeat a name (pairs, or a consumed message's :class:`Headers`) and replace a name of ``base``."""
    if not extra:
        return list(base.items()) if base else None
    if isinstance(extra, Headers):
        pairs: Iterable[Any] = extra.pairs
    elif isinstance(extra, Mapping):
        pairs = extra.items()
    elif isinstance(extra, list | tuple):
        pairs = extra
    else:
        raise ValidationError(
            f"message {index}: headers must be a mapping or (name, value) pairs, not {type(extra).__name__}"
        )
    out: list[tuple[str, bytes]] = []
    for pair in pairs:
        name, value = pair if isinstance(pair, tuple) and len(pair) == 2 else (pair, None)
        if not isinstance(name, str) or not isinstance(value, str | bytes):
            raise ValidationError(f"message {index}: header {name!r} must map a str to str or bytes")
        out.append((name, value.encode() if isinstance(value, str) else value))
    if base:
        own = {name for name, _ in out}
        out[:0] = [(k, v) for k, v in base.items() if k not in own]
    return out
