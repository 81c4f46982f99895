"""Date and time logical values out of Python's range: read back raw, refused when we write them."""

from __future__ import annotations

import datetime
import io
from typing import Any

import fastavro
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verifiedfan.kafka import (
    AvroFormatter,
    CallableFormatter,
    JsonFormatter,
    OutOfRangeValue,
    SchemaValidationError,
    UndecodableMessageError,
    pack_wire,
)
from verifiedfan.kafka._logical import RANGES, compile_range_check
from verifiedfan.testing.kafka import FakeBroker, FakeSchemaRegistry, fake_consumer, fake_kafka

LOGICAL = {
    "timestamp-millis": "long",
    "timestamp-micros": "long",
    "local-timestamp-millis": "long",
    "local-timestamp-micros": "long",
    "date": "int",
    "time-millis": "int",
    "time-micros": "long",
}
SCHEMA: dict[str, Any] = {
    "type": "record",
    "name": "Event",
    "fields": [
        {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {
            "name": "seen",
            "type": ["null", {"type": "long", "logicalType": "timestamp-millis"}],
            "default": None,
        },
    ],
}
YEAR_0 = -62_167_219_200_000  # 0000-01-01T00:00:00Z, as Java's Instant writes it
YEAR_10000 = 253_402_300_800_000
MICROS_IN_MILLIS = 1_700_000_000_000_000  # a microsecond clock put in a millisecond field


def one_field(logical: str) -> Any:
    return fastavro.parse_schema(
        {
            "type": "record",
            "name": "R",
            "fields": [{"name": "v", "type": {"type": LOGICAL[logical], "logicalType": logical}}],
        }
    )


def write_raw(schema: Any, datum: Any) -> bytes:
    out = io.BytesIO()
    fastavro.schemaless_writer(out, schema, datum)  # the reference writer, as a Node/Java producer would
    return out.getvalue()


def fastavro_round_trips(schema: Any, body: bytes) -> bool:
    """Whether fastavro reads ``body`` back to a value that it writes to the same bytes."""
    try:
        value = fastavro.schemaless_reader(io.BytesIO(body), schema)
    except (OverflowError, ValueError):
        return False
    return write_raw(schema, value) == body


async def formatter_with(
    registry: FakeSchemaRegistry, schema: Any, **options: Any
) -> tuple[AvroFormatter, int]:
    client = registry.client()
    schema_id = await client.register("t-value", schema)
    return AvroFormatter(client, **options), schema_id


@pytest.mark.parametrize("logical", sorted(LOGICAL))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
async def test_our_range_is_exactly_what_fastavro_can_read(logical: str, data: st.DataObject) -> None:
    # The outside reference is fastavro's own reader: we refuse exactly the values it cannot read
    # back as what was written (it raises, or, for a negative time of day, reads another time).
    low, high = RANGES[logical]
    bits = 31 if LOGICAL[logical] == "int" else 63
    near = st.sampled_from([low - 1, low, high, high + 1])
    anywhere = st.integers(-(2**bits), 2**bits - 1)
    value = data.draw(st.one_of(near, anywhere))
    schema = one_field(logical)
    refused = bool(compile_range_check(schema)({"v": value}, ""))  # type: ignore[misc]
    assert refused is not fastavro_round_trips(schema, write_raw(schema, {"v": value}))


@pytest.mark.parametrize("logical", sorted(LOGICAL))
async def test_any_out_of_range_value_decodes_raw_never_raises(
    logical: str, registry: FakeSchemaRegistry
) -> None:
    schema = one_field(logical)
    formatter, schema_id = await formatter_with(
        registry, {"type": "record", "name": "R", "fields": schema["fields"]}
    )
    low, high = RANGES[logical]
    below = -(high + 1) if logical.startswith("time-") else low - 1  # fastavro misreads -1h..0 as times
    for raw in (below, high + 1):
        decoded = (
            await formatter.decode(pack_wire(schema_id, write_raw(schema, {"v": raw})), topic="t")
        ).value
        assert decoded == {"v": raw}
        assert isinstance(decoded["v"], OutOfRangeValue)
        assert decoded["v"].logical_type == logical
    in_range = (await formatter.decode(pack_wire(schema_id, write_raw(schema, {"v": high})), topic="t")).value
    assert not isinstance(in_range["v"], int)  # a datetime, date or time


async def test_the_producer_refuses_an_int_it_could_not_read_back(registry: FakeSchemaRegistry) -> None:
    broker = FakeBroker(partitions=1)
    async with fake_kafka("t", broker=broker, registry=registry) as kafka:
        await kafka.register_schema(SCHEMA)
        values = [{"at": 0}, {"at": MICROS_IN_MILLIS}, {"at": 0, "seen": YEAR_10000}, {"at": YEAR_0}]
        with pytest.raises(SchemaValidationError) as info:
            await kafka.send_messages([{"value": v} for v in values])
        assert info.value.indexes == (1, 2, 3)
        assert (
            "message 1: at: expected timestamp-millis within the years 1-9999, got int out of range"
            in str(info.value)
        )
        assert "microsecond count in a millisecond field" in str(info.value)
        assert str(MICROS_IN_MILLIS) not in str(info.value)
        assert broker.records("t") == []  # nothing sent
        # What a consumer read raw can be forwarded as it is; datetimes and in-range ints go through.
        now = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
        forwarded = OutOfRangeValue(YEAR_10000, "timestamp-millis")
        await kafka.send_messages([{"value": {"at": forwarded}}, {"value": {"at": now, "seen": 1}}])
        assert [(await kafka.decode(m.value() or b""))["at"] for m in broker.records("t")] == [forwarded, now]


async def read_into(consumer: Any, seen: list[Any]) -> None:
    async for message in consumer.messages(idle_timeout=0.1):
        seen.append(message.value)


async def test_without_a_dead_letter_topic_the_consumer_stops_naming_the_message_and_can_skip_it(
    registry: FakeSchemaRegistry,
) -> None:
    broker = FakeBroker(partitions=1)
    async with fake_kafka("in", broker=broker, registry=registry, formatter=CallableFormatter(bytes)) as raw:
        await raw.send_messages([{"value": b"1"}, {"value": b"not json"}, {"value": b"3"}])
    consumer = fake_consumer(
        "in", broker=broker, registry=registry, formatter=JsonFormatter(), poll_timeout=0.01
    )
    async with consumer:
        seen: list[Any] = []
        with pytest.raises(
            UndecodableMessageError, match=r"cannot decode in\[0\]@1 .*consumer.skip\(error\)"
        ) as info:
            await read_into(consumer, seen)
        assert (info.value.topic, info.value.partition, info.value.offset) == ("in", 0, 1)
        with pytest.raises(
            UndecodableMessageError, match=r"cannot decode in\[0\]@1 .*not JSON"
        ):  # reading again meets it again: nothing lost
            await anext(consumer.messages(idle_timeout=0.1))
        await consumer.skip(info.value)
        seen.extend([m.value async for m in consumer.messages(idle_timeout=0.1)])
    assert seen == [1, 3]


def _field_of(type_: Any) -> Any:
    return fastavro.parse_schema({"type": "record", "name": "R", "fields": [{"name": "x", "type": type_}]})


@pytest.mark.parametrize(
    ("type_", "ranged"),
    [
        ("long", False),
        ({"type": "bytes", "logicalType": "decimal", "precision": 4, "scale": 2}, False),
        ({"type": "string", "logicalType": "uuid"}, False),
        ({"type": "array", "items": "int"}, False),
        ({"type": "int", "logicalType": "date"}, True),
        ({"type": "array", "items": {"type": "int", "logicalType": "time-millis"}}, True),
        ({"type": "map", "values": {"type": "long", "logicalType": "timestamp-micros"}}, True),
        (["null", {"type": "long", "logicalType": "local-timestamp-millis"}], True),
        ({"type": "record", "name": "In", "fields": [{"name": "t", "type": "string"}]}, False),
    ],
)
def test_has_ranged_logical_finds_the_date_and_time_types_at_any_depth(type_: Any, ranged: bool) -> None:
    """The date and time logical types of the Avro specification are the ranged ones (decimal and uuid
    are not); a schema without one needs no range check and no range-safe copy."""
    from verifiedfan.kafka._logical import has_ranged_logical

    assert has_ranged_logical(_field_of(type_)) is ranged
    assert (compile_range_check(_field_of(type_)) is not None) is ranged
