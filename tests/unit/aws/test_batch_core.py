"""The shared batch and message rules: chunking, attribute typing, the FIFO rule, the resend loop."""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest

from verifiedfan.aws import AwsThrottledError, AwsValidationError, ConditionalCheckFailedError
from verifiedfan.aws._async.batching import BatchSender, Outcome
from verifiedfan.aws._batch_core import Failed, Sent, chunked, result
from verifiedfan.aws._msg_core import decode_attributes, encode_attributes, fifo_ids


def test_chunks_respect_count_and_bytes() -> None:
    sizes = [4, 4, 4, 9, 1, 1, 1]
    assert chunked(sizes, range(7), max_count=10, max_bytes=10) == [[0, 1], [2], [3, 4], [5, 6]]
    assert chunked([1] * 23, range(23), max_count=10, max_bytes=100) == [
        list(range(10)),
        list(range(10, 20)),
        [20, 21, 22],
    ]
    assert chunked([], [], max_count=10, max_bytes=1) == []


def test_attribute_types_are_inferred_and_round_trip() -> None:
    wire, size = encode_attributes(
        {"s": "x", "i": -3, "f": 1.5, "d": Decimal("2.25"), "b": b"\x00", "a": ["x", 2]},
        what="m",
        arrays=True,
    )
    assert {k: v["DataType"] for k, v in wire.items()} == {
        "s": "String",
        "i": "Number",
        "f": "Number",
        "d": "Number",
        "b": "Binary",
        "a": "String.Array",
    }
    assert wire["a"]["StringValue"] == '["x", 2]'
    assert wire["b"]["BinaryValue"] == b"\x00"
    assert size == sum(
        len(k) + len(v["DataType"]) + len(v.get("StringValue", b"\x00")) for k, v in wire.items()
    )
    assert decode_attributes(wire) == {
        "s": "x",
        "i": -3,
        "f": Decimal("1.5"),
        "d": Decimal("2.25"),
        "b": b"\x00",
        "a": ["x", 2],
    }


@pytest.mark.parametrize(
    ("attributes", "match"),
    [
        ({"x": float("nan")}, "must be finite"),
        ({"x": True}, "a bool has no attribute type"),
        ({"x": None}, "no attribute type for NoneType"),
        ({"x": ["a"]}, "SQS has no array attribute type"),
        ({"bad name": "v"}, "not a valid attribute name"),
        ({"a..b": "v"}, "not a valid attribute name"),
        ({"x": "\x00"}, "a character AWS refuses"),
    ],
)
def test_bad_attributes_are_refused(attributes: dict[str, object], match: str) -> None:
    with pytest.raises(AwsValidationError, match=match):
        encode_attributes(attributes, what="m", arrays=False)  # type: ignore[arg-type]


def test_fifo_rule() -> None:
    ids = fifo_ids(fifo=True, body="héllo", group_id="g", dedup_id=None, what="m")
    assert ids == {
        "MessageGroupId": "g",
        "MessageDeduplicationId": hashlib.sha256("héllo".encode()).hexdigest(),
    }
    assert (
        fifo_ids(fifo=True, body="x", group_id="g", dedup_id="d1", what="m")["MessageDeduplicationId"] == "d1"
    )
    assert fifo_ids(fifo=False, body="x", group_id=None, dedup_id=None, what="m") == {}
    with pytest.raises(AwsValidationError, match="requires a group_id"):
        fifo_ids(fifo=True, body="x", group_id=None, dedup_id="d", what="m")
    with pytest.raises(AwsValidationError, match="1-128 printable ASCII"):
        fifo_ids(fifo=True, body="x", group_id="has space", dedup_id=None, what="m")


def sender(max_attempts: int = 4) -> tuple[BatchSender, list[float]]:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    return (
        BatchSender(
            concurrency=2,
            max_attempts=max_attempts,
            backoff_base=0.1,
            backoff_cap=0.3,
            sleeper=sleep,
            rand=lambda: 1.0,
            what="test",
        ),
        slept,
    )


async def test_resend_loop_retries_only_retryable_entries() -> None:
    calls: list[list[int]] = []

    async def call(indexes: list[int]) -> Outcome:
        calls.append(indexes)
        if len(calls) == 1:
            raise AwsThrottledError("whole call throttled", code="Throttling")
        sent = [Sent(i, f"id{i}") for i in indexes if i != 1 or len(calls) > 3]
        failed = [Failed(i, "InternalError", "x", False) for i in indexes if i == 1 and len(calls) <= 3]
        failed += [Failed(2, "InvalidParameterValue", "bad", True)] if 2 in indexes else []
        return [s for s in sent if s.index != 2], failed

    batch, slept = sender()
    sent, failed, n_calls, resent = await batch.run([[0, 1, 2]], call)
    assert calls == [[0, 1, 2], [0, 1, 2], [1], [1]]
    assert sorted(s.index for s in sent) == [0, 1]
    assert [(f.index, f.code) for f in failed] == [(2, "InvalidParameterValue")]
    assert (n_calls, resent) == (4, 5)
    assert slept == [0.1, 0.2, 0.3]  # full jitter at its top, capped


async def test_resend_loop_gives_up_and_other_errors_fail_the_call() -> None:
    async def call(indexes: list[int]) -> Outcome:
        if indexes[0] >= 10:
            raise ConditionalCheckFailedError("no", code="X")
        return [], [Failed(i, "InternalError", "x", False) for i in indexes]

    batch, _ = sender(max_attempts=2)
    sent, failed, calls, resent = await batch.run([[0], [10, 11]], call)
    assert sent == []
    assert calls == 3
    assert resent == 1
    assert sorted((f.index, f.code) for f in failed) == [(0, "InternalError"), (10, "X"), (11, "X")]
    out = result(["a"] * 12, sent, failed, calls=calls, resent=resent, service="sqs", operation="Op")
    assert [f.index for f in out.failed] == [0, 10, 11]
    assert isinstance(out.failed[1].error, ConditionalCheckFailedError)
    assert out.failed[0].error.code == "InternalError"
    assert out.failed[0].error.operation == "Op"
