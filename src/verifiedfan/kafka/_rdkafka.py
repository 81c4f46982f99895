"""librdkafka glue shared by the producer and the consumer: configuration and error translation."""

from __future__ import annotations

import asyncio
import logging
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from verifiedfan._optional import require
from verifiedfan.errors import ConfigurationError
from verifiedfan.kafka._errors import (
    BrokerUnavailableError,
    DeliveryError,
    DeliveryFailure,
    KafkaError,
    MessageTooLargeError,
    ProducerFencedError,
    TransactionError,
    UnknownTopicError,
)
from verifiedfan.kafka._models import SslConfig

__all__ = [
    "UNKNOWN_TOPIC",
    "ClientEvents",
    "base_config",
    "check_reachable",
    "delivery_error",
    "error_code",
    "kafka_exception",
    "merge_config",
    "translate",
    "translate_transaction",
]

logger = logging.getLogger("verifiedfan.kafka.librdkafka")

_TOO_LARGE = frozenset({"MSG_SIZE_TOO_LARGE", "_MSG_SIZE_TOO_LARGE", "RECORD_LIST_TOO_LARGE"})
UNKNOWN_TOPIC = frozenset(
    {"UNKNOWN_TOPIC_OR_PART", "_UNKNOWN_TOPIC", "_UNKNOWN_PARTITION", "TOPIC_EXCEPTION"}
)


def base_config(
    *,
    brokers: Sequence[str] | str,
    client_id: str,
    ssl: SslConfig | None,
    events: ClientEvents | None = None,
) -> dict[str, Any]:
    servers = brokers if isinstance(brokers, str) else ",".join(brokers)
    if not servers:
        raise ConfigurationError("no Kafka brokers configured")
    events = events or ClientEvents()
    conf: dict[str, Any] = {
        "bootstrap.servers": servers,
        "client.id": client_id,
        "logger": events,
        "error_cb": events.error,
    }
    if ssl is not None:
        conf.update(ssl.to_librdkafka())
    return conf


_NUMBERS = re.compile(r"\d+")
_MAX_KEYS = 1000
_UNREACHABLE = frozenset({"_TRANSPORT", "_RESOLVE", "_AUTHENTICATION", "_SSL", "_ALL_BROKERS_DOWN"})


class ClientEvents:
    """librdkafka's ``error_cb`` and ``logger`` for one client.

    librdkafka retries an unreachable broker every few milliseconds and reports every attempt (some
    900 lines a minute for a wrong address). Here each distinct line (numbers aside) is logged once,
    then again at most once per ``window`` seconds with the count of the lines held back. Log lines
    are capped at WARNING: what really failed reaches the caller as a typed exception. The latest
    reason a broker could not be reached is kept for that exception (``cause``), and ``all_down`` is
    set when librdkafka reports every broker down.
    """

    def __init__(self, window: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.window = window
        self.cause: str | None = None
        self.all_down = threading.Event()
        self._clock = clock
        self._lock = threading.Lock()
        self._seen: dict[tuple[int, str], list[float]] = {}  # key -> [last logged at, held back]

    def error(self, err: Any) -> None:
        """``error_cb``: global errors, librdkafka keeps retrying."""
        code = error_code(err)
        text = error_text(err)
        if code == "_ALL_BROKERS_DOWN":
            self.all_down.set()
        elif code in _UNREACHABLE:
            self.cause = text
        self._emit(logging.WARNING, f"librdkafka: {code}: {text}")

    def log(self, level: int, msg: str, *args: Any, **kwargs: Any) -> None:
        """The ``logger`` interface librdkafka's own log lines arrive through."""
        self._emit(min(level, logging.WARNING), msg % args if args else msg)

    def _emit(self, level: int, text: str) -> None:
        key = (level, _NUMBERS.sub("#", text))
        now = self._clock()
        with self._lock:
            seen = self._seen.get(key)
            if seen is not None and now - seen[0] < self.window:
                seen[1] += 1
                return
            held = int(seen[1]) if seen is not None else 0
            if seen is None and len(self._seen) >= _MAX_KEYS:  # a long-lived client: forget old lines
                self._seen.clear()
            self._seen[key] = [now, 0]
        if held:
            text = f"{text} ({held} more like it in the last {self.window:g} s)"
        logger.log(level, "%s", text)


async def check_reachable(
    client: Any,
    events: ClientEvents,
    servers: str,
    bound: float,
    serve: Callable[[], object] | None = None,
) -> None:
    """A bounded metadata request: return once a broker answers, or raise
    :class:`BrokerUnavailableError` naming ``servers`` and the cause, at the latest after ``bound``
    seconds and at once when librdkafka reports every broker down. ``serve`` delivers the client's
    callbacks (a consumer's; a producer's poll thread does it)."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    last: Any = None
    while True:
        left = bound - (loop.time() - started)
        try:
            await asyncio.to_thread(client.list_topics, None, max(0.05, min(0.5, left)))
            return
        except kafka_exception() as exc:
            last = exc.args[0] if exc.args else exc
        if serve is not None:
            await asyncio.to_thread(serve)
        if events.all_down.is_set() or loop.time() - started >= bound:
            break
    cause = events.cause or error_text(last)
    raise BrokerUnavailableError(
        f"cannot reach the Kafka brokers {servers!r} (bootstrap.servers): {cause} "
        f"(gave up after {loop.time() - started:.1f} s; connect_timeout={bound:g} s)",
        code="_ALL_BROKERS_DOWN" if events.all_down.is_set() else error_code(last),
    )


def kafka_exception() -> type[Exception]:
    """``confluent_kafka.KafkaException`` (imported on first use)."""
    exc: type[Exception] = require("confluent_kafka", "kafka").KafkaException
    return exc


def error_code(err: Any) -> str:
    """The librdkafka error name of a ``confluent_kafka.KafkaError`` (``"_MSG_TIMED_OUT"``...)."""
    name = getattr(err, "name", None)
    return str(name()) if callable(name) else type(err).__name__


def error_text(err: Any) -> str:
    text = getattr(err, "str", None)
    return str(text()) if callable(text) else str(err)


def translate(exc: BaseException, action: str) -> KafkaError:
    """A ``KafkaException`` (or other librdkafka failure) as the matching :class:`KafkaError`."""
    err = exc.args[0] if exc.args else exc
    code = error_code(err)
    message = f"{action}: {error_text(err)}"
    if code in _TOO_LARGE:
        return MessageTooLargeError(message, code=code)
    if code in UNKNOWN_TOPIC:
        return UnknownTopicError(message, code=code)
    return KafkaError(message, code=code)


_FENCED = frozenset(
    {"_FENCED", "PRODUCER_FENCED", "INVALID_PRODUCER_EPOCH", "TRANSACTIONAL_ID_AUTHORIZATION_FAILED"}
)


def _flag(err: Any, name: str) -> bool:
    method = getattr(err, name, None)
    return bool(method()) if callable(method) else False


def translate_transaction(exc: BaseException, action: str) -> TransactionError:
    """A ``KafkaException`` from a transactional call as a :class:`TransactionError` carrying
    librdkafka's verdict (``retriable()``, ``txn_requires_abort()``, ``fatal()``)."""
    err = exc.args[0] if exc.args else exc
    code = error_code(err)
    fatal, abortable = _flag(err, "fatal"), _flag(err, "txn_requires_abort")
    cls = ProducerFencedError if code in _FENCED and not abortable else TransactionError
    return cls(
        f"{action}: {code}: {error_text(err)}",
        code=code,
        retriable=_flag(err, "retriable"),
        abortable=abortable,
        fatal=fatal or cls is ProducerFencedError,
    )


def delivery_error(
    topic: str, failures: Sequence[DeliveryFailure], delivered: Sequence[object | None]
) -> DeliveryError:
    """One error for the failed messages of a batch, of the most specific class they share."""
    codes = {f.code for f in failures}
    first = failures[0]
    message = (
        f"{len(failures)} of {len(delivered)} messages to {topic!r} not delivered "
        f"(first: message {first.index}: {first.code}: {first.reason})"
    )
    cls: type[DeliveryError] = DeliveryError
    if codes <= _TOO_LARGE:
        cls = MessageTooLargeError
    elif codes <= UNKNOWN_TOPIC:
        cls = UnknownTopicError
    return cls(message, failures=failures, delivered=delivered, code=first.code)


def merge_config(conf: dict[str, Any], extra: Mapping[str, Any] | None) -> dict[str, Any]:
    if extra:
        conf.update(extra)
    return conf
