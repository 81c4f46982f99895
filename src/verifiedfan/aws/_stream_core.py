"""What Kinesis and Firehose (and their sync twins) share: records, typed answers, pacing, checks."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from verifiedfan.aws._errors import AwsValidationError

__all__ = ["KinesisRecord", "Shard", "StreamDescription", "StreamMode"]

StreamMode = Literal["PROVISIONED", "ON_DEMAND"]


@dataclass(frozen=True, slots=True)
class KinesisRecord:
    """One record of ``Kinesis.put_many``: ``data`` (``bytes`` as they are, ``str`` as UTF-8, any
    other value as compact JSON) under ``partition_key`` (1-256 characters)."""

    data: Any
    partition_key: str
    explicit_hash_key: str | None = None


@dataclass(frozen=True, slots=True)
class StreamDescription:
    """``Kinesis.describe``: the stream's summary (``DescribeStreamSummary``)."""

    name: str
    arn: str
    status: str
    mode: StreamMode
    open_shard_count: int
    retention_hours: int
    encryption: str


@dataclass(frozen=True, slots=True)
class Shard:
    """One shard of ``Kinesis.list_shards``; ``ending_sequence_number`` is set once it is closed."""

    shard_id: str
    starting_hash_key: str
    ending_hash_key: str
    starting_sequence_number: str
    ending_sequence_number: str | None = None
    parent_shard_id: str | None = None
    adjacent_parent_shard_id: str | None = None

    @property
    def is_open(self) -> bool:
        return self.ending_sequence_number is None


def encode_data(data: object, what: str, *, max_bytes: int) -> bytes:
    """A record's bytes (``bytes`` as they are, ``str`` UTF-8, else compact JSON), size-checked."""
    if isinstance(data, bytes | bytearray | memoryview):
        out = bytes(data)
    elif isinstance(data, str):
        out = data.encode("utf-8")
    else:
        try:
            out = json.dumps(data, separators=(",", ":"), allow_nan=False).encode("utf-8")
        except (TypeError, ValueError) as exc:
            raise AwsValidationError(f"{what}: data is not bytes, str or JSON: {exc}") from exc
    if len(out) > max_bytes:
        raise AwsValidationError(f"{what}: {len(out)} bytes, more than the {max_bytes} a record allows")
    return out


def check_partition_key(key: object, what: str) -> str:
    if not isinstance(key, str) or not 1 <= len(key) <= 256:
        raise AwsValidationError(f"{what}: partition_key must be 1-256 characters, got {key!r}")
    return key


def is_retryable(code: str) -> bool:
    """Kinesis/Firehose entry errors worth a resend: throughput, internal, unavailable; not KMS
    access or key errors (``KMSAccessDeniedException``...), which a resend will not fix."""
    return not code.startswith("KMS") or code == "KMSThrottlingException"


def stream_args(stream: str) -> dict[str, str]:
    """``StreamName`` or ``StreamARN``, by the form of ``stream``."""
    if not isinstance(stream, str) or not stream:
        raise AwsValidationError(f"stream must be a stream name or ARN, got {stream!r}")
    return {"StreamARN": stream} if stream.startswith("arn:") else {"StreamName": stream}


def description(answer: Mapping[str, Any]) -> StreamDescription:
    s = answer["StreamDescriptionSummary"]
    return StreamDescription(
        name=s["StreamName"],
        arn=s["StreamARN"],
        status=s["StreamStatus"],
        mode=s.get("StreamModeDetails", {}).get("StreamMode", "PROVISIONED"),
        open_shard_count=int(s.get("OpenShardCount", 0)),
        retention_hours=int(s.get("RetentionPeriodHours", 24)),
        encryption=s.get("EncryptionType", "NONE"),
    )


def shard(raw: Mapping[str, Any]) -> Shard:
    hashes, seqs = raw.get("HashKeyRange", {}), raw.get("SequenceNumberRange", {})
    return Shard(
        shard_id=raw["ShardId"],
        starting_hash_key=hashes.get("StartingHashKey", ""),
        ending_hash_key=hashes.get("EndingHashKey", ""),
        starting_sequence_number=seqs.get("StartingSequenceNumber", ""),
        ending_sequence_number=seqs.get("EndingSequenceNumber"),
        parent_shard_id=raw.get("ParentShardId"),
        adjacent_parent_shard_id=raw.get("AdjacentParentShardId"),
    )


class Pacer:
    """A token bucket of ``rate`` records a second holding at most one second's worth: ``reserve(n)``
    takes ``n`` records and answers how long to wait before sending them (shared by concurrent calls,
    and by threads in the sync twin)."""

    def __init__(self, rate: float, clock: Callable[[], float]) -> None:
        if rate <= 0:
            raise AwsValidationError("records_per_second must be positive")
        self.rate = rate
        self._clock = clock
        self._tokens = rate
        self._last = clock()
        self._lock = threading.Lock()

    def reserve(self, n: int) -> float:
        with self._lock:
            now = self._clock()
            self._tokens = min(self.rate, self._tokens + (now - self._last) * self.rate)
            self._last = now
            self._tokens -= n
            return 0.0 if self._tokens >= 0 else -self._tokens / self.rate
