"""A newcomer's mistake, on a real librdkafka client: a wrong broker address.

Before, ``async with Kafka(...)`` opened fine, a send blocked ~130 s and failed with
``_MSG_TIMED_OUT`` naming neither address nor cause, after ~900 log lines; a consumer just read
nothing. Now opening fails with :class:`BrokerUnavailableError` naming the address and the refusal:
at once when librdkafka reports every broker down (a refused port), within ``connect_timeout``
otherwise. These tests need no server: port 9 (discard) is closed on 127.0.0.1.
"""

from __future__ import annotations

import logging
import socket
import time

import pytest

from verifiedfan.kafka import BrokerUnavailableError, JsonFormatter, Kafka, KafkaConsumer, KafkaSettings

WRONG = "127.0.0.1:9"
BOUND = 5.0  # seconds: the bound stated for a refused address (connect_timeout is 10 s by default)


@pytest.fixture(autouse=True)
def port_9_is_closed() -> None:
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", 9)) != 0, "something listens on 127.0.0.1:9"


async def test_opening_a_producer_on_a_wrong_address_fails_fast_naming_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="verifiedfan.kafka")
    started = time.monotonic()
    with pytest.raises(
        BrokerUnavailableError, match=r"cannot reach the Kafka brokers '127\.0\.0\.1:9'"
    ) as info:
        async with Kafka(brokers=WRONG, topic="t", formatter=JsonFormatter()):
            pytest.fail("opened")
    elapsed = time.monotonic() - started
    assert elapsed < BOUND
    assert "Connection refused" in str(info.value)
    assert info.value.code == "_ALL_BROKERS_DOWN"
    assert info.value.status == 503
    # librdkafka's retries are logged once each, not once per attempt
    lines = [r.getMessage() for r in caplog.records if "Connection refused" in r.getMessage()]
    assert 1 <= len(lines) <= 4, lines


async def read_all(consumer: KafkaConsumer) -> list[object]:
    return [m async for m in consumer.messages(idle_timeout=1.0)]


async def test_a_consumer_on_a_wrong_address_fails_instead_of_reading_nothing() -> None:
    started = time.monotonic()
    consumer = KafkaConsumer(brokers=WRONG, topics="t", group_id="g", formatter=JsonFormatter())
    with pytest.raises(BrokerUnavailableError, match=r"'127\.0\.0\.1:9'.*Connection refused"):
        await read_all(consumer)
    assert time.monotonic() - started < BOUND
    await consumer.close()


async def test_from_settings_with_a_wrong_address_fails_the_same_way() -> None:
    settings = KafkaSettings(brokers=WRONG, topic="t")
    with pytest.raises(BrokerUnavailableError, match=r"127\.0\.0\.1:9"):
        async with Kafka.from_settings(settings, formatter=JsonFormatter(), client_id="svc"):
            pytest.fail("opened")


async def test_an_address_that_never_answers_fails_within_connect_timeout() -> None:
    # A listening socket that never speaks Kafka: librdkafka connects, then waits for an answer.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        address = f"127.0.0.1:{silent.getsockname()[1]}"
        started = time.monotonic()
        with pytest.raises(BrokerUnavailableError, match=rf"'{address}'.*connect_timeout=1 s"):
            async with Kafka(brokers=address, topic="t", formatter=JsonFormatter(), connect_timeout=1.0):
                pytest.fail("opened")
        assert time.monotonic() - started < 1.0 + BOUND
