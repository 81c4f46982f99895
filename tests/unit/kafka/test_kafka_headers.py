from __future__ import annotations

import pytest

from verifiedfan.errors import ValidationError
from verifiedfan.kafka import CallableFormatter, Headers, JsonFormatter, KafkaConsumer
from verifiedfan.kafka._batch import header_list
from verifiedfan.testing.kafka import FakeBroker

REPEATED = [("hop", b"a"), ("id", b"1"), ("hop", b"b"), ("hop", b"c")]


def test_a_repeated_name_keeps_every_value_in_order() -> None:
    headers = Headers(REPEATED)
    assert headers.get_all("hop") == [b"a", b"b", b"c"]
    assert headers.pairs == tuple(REPEATED)
    assert (headers["hop"], headers.get("hop"), headers.get("id")) == (b"c", b"c", b"1")
    assert (list(headers), len(headers), "hop" in headers) == (["hop", "id"], 2, True)
    assert headers.get_all("missing") == []
    assert headers.get("missing") is None
    assert headers.get("missing", b"x") == b"x"


def test_a_null_value_reads_as_empty_bytes() -> None:
    assert Headers([("n", None)]).pairs == (("n", b""),)


def test_equality_sees_repeats() -> None:
    assert Headers(REPEATED) == Headers(REPEATED)
    assert Headers(REPEATED) != Headers(REPEATED[1:])
    assert Headers([("a", b"1")]) == {"a": b"1"}
    assert Headers([("a", b"1"), ("a", b"1")]) != {"a": b"1"}  # two headers are not one
    assert "hop" in repr(Headers(REPEATED))


def test_a_send_keeps_pairs_and_a_consumed_headers_object_in_order() -> None:
    base = {"x-correlation-id": b"c1", "hop": b"base"}
    assert header_list(0, base, REPEATED) == [("x-correlation-id", b"c1"), *REPEATED]
    assert header_list(0, {}, Headers(REPEATED)) == REPEATED
    assert header_list(0, {}, {"a": "é"}) == [("a", "é".encode())]
    assert header_list(0, base, None) == list(base.items())
    assert header_list(0, {}, None) is None


@pytest.mark.parametrize("bad", [[("a", 1)], [(1, b"x")], [("a",)], "a=b", 5])
def test_bad_headers_are_refused_before_anything_is_sent(bad: object) -> None:
    with pytest.raises(ValidationError, match="message 3: header"):
        header_list(3, {}, bad)


async def test_the_consumer_and_the_dead_letter_copy_keep_repeated_headers() -> None:
    broker = FakeBroker(partitions=1)
    producer = broker.producer({})
    producer.produce("in", b"not json", b"k", headers=REPEATED)
    producer.produce("in", b"1", b"k", headers=REPEATED)
    producer.flush()

    async def consume(topic: str, **options: object) -> list:
        consumer = KafkaConsumer(
            brokers="fake:9092",
            topics=topic,
            group_id=f"g-{topic}",
            consumer_factory=broker.consumer,
            producer_factory=broker.producer,
            poll_timeout=0.01,
            **options,  # type: ignore[arg-type]
        )
        async with consumer:
            return [m async for m in consumer.messages(idle_timeout=0.05)]

    [good] = await consume("in", formatter=JsonFormatter(), dead_letter_topic="dlq")
    assert (good.value, good.headers.pairs) == (1, tuple(REPEATED))
    [dead] = await consume("dlq", formatter=CallableFormatter(bytes))
    assert dead.headers.pairs[: len(REPEATED)] == tuple(REPEATED)
    assert dead.headers.get_all("hop") == [b"a", b"b", b"c"]
    assert dead.header("vf.dlq.error") == "MessageDecodeError"
