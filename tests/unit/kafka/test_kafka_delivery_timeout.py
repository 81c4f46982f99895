"""A producer whose broker never answers: the sends time out as a typed delivery error, no server needed."""

from __future__ import annotations

import pytest

from verifiedfan.kafka import DeliveryError, JsonFormatter, Kafka


async def test_messages_not_delivered_in_time_are_a_delivery_error() -> None:
    kafka = Kafka(
        brokers="127.0.0.1:9",
        topic="nowhere",
        formatter=JsonFormatter(),
        delivery_timeout=1.0,
        connect_timeout=None,  # no check on open: the sends themselves time out
    )
    async with kafka:
        with pytest.raises(DeliveryError) as info:
            await kafka.send_messages([{"value": 1}, {"value": 2}])
    assert [f.index for f in info.value.failures] == [0, 1]
    assert info.value.code == "_MSG_TIMED_OUT"
