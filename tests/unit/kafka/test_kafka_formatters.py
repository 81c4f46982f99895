from __future__ import annotations

import json

import pytest

from verifiedfan.kafka import (
    AvroFormatter,
    CallableFormatter,
    JsonFormatter,
    MessageDecodeError,
    RegistryUnavailableError,
    RetryPolicy,
    SchemaNotFoundError,
    SchemaValidationError,
    pack_wire,
)
from verifiedfan.testing.kafka import FakeSchemaRegistry

from .conftest import V1, V2, event


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def avro(registry: FakeSchemaRegistry, **options: object) -> AvroFormatter:
    client = registry.client()
    await client.register("t-value", V1)
    return AvroFormatter(client, **options)  # type: ignore[arg-type]


async def test_encode_writes_the_wire_format_with_the_latest_schema_id(registry: FakeSchemaRegistry) -> None:
    formatter = await avro(registry)
    batch = await formatter.encode_many([event()], topic="t")
    assert batch.schema_id == 1
    assert batch.payloads[0][:5] == b"\x00\x00\x00\x00\x01"


async def test_decode_is_the_inverse_of_encode(registry: FakeSchemaRegistry) -> None:
    formatter = await avro(registry)
    value = event(note="hello")
    data = (await formatter.encode_many([value], topic="t")).payloads[0]
    decoded = await formatter.decode(data, topic="t")
    assert (decoded.value, decoded.schema_id) == (value | {"note": "hello"}, 1)


async def test_a_bad_message_names_its_index_and_field(registry: FakeSchemaRegistry) -> None:
    formatter = await avro(registry)
    values = [event(), event(), {"userId": 42, "artistId": "a", "method": "SMS"}]
    with pytest.raises(SchemaValidationError) as info:
        await formatter.encode_many(values, topic="t")
    assert info.value.indexes == (2,)
    assert info.value.fields == ("userId",)
    assert "message 2: userId: expected string, got int" in str(info.value)


async def test_validation_catches_what_the_avro_writer_would_truncate(registry: FakeSchemaRegistry) -> None:
    client = registry.client()
    await client.register(
        "n-value", {"type": "record", "name": "N", "fields": [{"name": "n", "type": "int"}]}
    )
    formatter = AvroFormatter(client)
    with pytest.raises(SchemaValidationError) as info:
        await formatter.encode_many([{"n": 1.5}, {"n": 2**40}], topic="n")
    assert info.value.indexes == (0, 1)


async def test_validation_errors_never_contain_the_value(registry: FakeSchemaRegistry) -> None:
    formatter = await avro(registry)
    with pytest.raises(SchemaValidationError) as info:
        await formatter.encode_many([{"userId": 123456789, "artistId": "a", "method": "SMS"}], topic="t")
    assert "123456789" not in str(info.value)


async def test_a_missing_field_is_reported(registry: FakeSchemaRegistry) -> None:
    formatter = await avro(registry)
    with pytest.raises(SchemaValidationError, match="artistId: expected string, got nothing"):
        await formatter.encode_many([{"userId": "u", "method": "SMS"}], topic="t")


async def test_the_latest_schema_is_cached_until_the_ttl(registry: FakeSchemaRegistry) -> None:
    clock = Clock()
    formatter = await avro(registry, cache_ttl=60.0, clock=clock)
    await formatter.encode_many([event()], topic="t")
    await registry.client().register("t-value", V2)
    assert (await formatter.encode_many([event()], topic="t")).schema_id == 1
    clock.now = 61.0
    assert (await formatter.encode_many([event()], topic="t")).schema_id == 2


async def test_invalidate_forgets_the_cached_schema_of_that_topic_only(registry: FakeSchemaRegistry) -> None:
    clock = Clock()
    formatter = await avro(registry, cache_ttl=60.0, clock=clock)
    await registry.client().register("u-value", V1)
    await formatter.encode_many([event()], topic="t")
    await formatter.encode_many([event()], topic="u")
    await registry.client().register("t-value", V2)
    await registry.client().register("u-value", V2)
    formatter.invalidate("u")  # another topic: t keeps its cached version
    assert (await formatter.encode_many([event()], topic="t")).schema_id == 1
    assert (await formatter.encode_many([event()], topic="u")).schema_id == 2  # well before the TTL
    formatter.invalidate()  # every topic
    assert (await formatter.encode_many([event()], topic="t")).schema_id == 2


async def test_a_stale_schema_is_kept_when_the_registry_is_down(registry: FakeSchemaRegistry) -> None:
    clock = Clock()
    formatter = await avro(registry, cache_ttl=60.0, clock=clock)
    formatter.registry.retry = RetryPolicy(max_retries=0)
    await formatter.encode_many([event()], topic="t")
    registry.available = False
    clock.now = 61.0
    assert (await formatter.encode_many([event()], topic="t")).schema_id == 1


async def test_without_a_cached_schema_a_registry_outage_is_an_error(registry: FakeSchemaRegistry) -> None:
    formatter = await avro(registry)
    formatter.registry.retry = RetryPolicy(max_retries=0)
    registry.available = False
    with pytest.raises(
        RegistryUnavailableError,
        match=r"schema registry unavailable at .*returned 503; gave up after 4 attempts",
    ):
        await formatter.encode_many([event()], topic="t")


async def test_a_reader_schema_fills_defaults_of_old_messages(registry: FakeSchemaRegistry) -> None:
    old = await avro(registry)
    data = (await old.encode_many([event()], topic="t")).payloads[0]
    new = AvroFormatter(registry.client(), reader_schema=V2)
    assert (await new.decode(data, topic="t")).value["verificationScore"] == 0.0


async def test_an_unknown_schema_id_cannot_be_decoded(registry: FakeSchemaRegistry) -> None:
    formatter = await avro(registry)
    with pytest.raises(SchemaNotFoundError, match=r"schemas/ids/77 returned 404: Schema 77 not found"):
        await formatter.decode(pack_wire(77, b"\x02"), topic="t")


async def test_a_corrupt_body_is_a_decode_error(registry: FakeSchemaRegistry) -> None:
    formatter = await avro(registry)
    with pytest.raises(MessageDecodeError, match="schema id 1"):
        await formatter.decode(pack_wire(1, b"\xff"), topic="t")


async def test_json_formatter_round_trips() -> None:
    formatter = JsonFormatter()
    batch = await formatter.encode_many([{"a": 1}], topic="t")
    assert json.loads(batch.payloads[0]) == {"a": 1}
    assert (await formatter.decode(batch.payloads[0], topic="t")).value == {"a": 1}


async def test_json_formatter_refuses_unserialisable_values_by_index() -> None:
    with pytest.raises(SchemaValidationError) as info:
        await JsonFormatter().encode_many([{"a": 1}, {"b": object()}], topic="t")
    assert info.value.indexes == (1,)


async def test_callable_formatter_accepts_sync_and_async_functions() -> None:
    async def encode_async(value: object) -> bytes:
        return str(value).encode()

    assert (await CallableFormatter(lambda v: b"x").encode_many([1], topic="t")).payloads == [b"x"]
    assert (await CallableFormatter(encode_async).encode_many([1], topic="t")).payloads == [b"1"]


async def test_callable_formatter_must_return_bytes() -> None:
    with pytest.raises(SchemaValidationError, match="returned str"):
        await CallableFormatter(str).encode_many([1], topic="t")


NESTED = {
    **V1,
    "fields": [
        *V1["fields"],
        {
            "name": "addr",
            "type": [
                "null",
                {"type": "record", "name": "Addr", "fields": [{"name": "city", "type": "string"}]},
            ],
            "default": None,
        },
        {
            "name": "tags",
            "type": {
                "type": "array",
                "items": {"type": "record", "name": "Tag", "fields": [{"name": "k", "type": "string"}]},
            },
            "default": [],
        },
    ],
}


async def nested(registry: FakeSchemaRegistry, **options: object) -> AvroFormatter:
    client = registry.client()
    await client.register("t-value", NESTED)
    return AvroFormatter(client, **options)  # type: ignore[arg-type]


async def test_a_wrong_enum_symbol_names_the_allowed_symbols(registry: FakeSchemaRegistry) -> None:
    formatter = await avro(registry)
    with pytest.raises(SchemaValidationError) as info:
        await formatter.encode_many([event(method="PHONE")], topic="t")
    assert "method: expected enum Method (one of 'SMS', 'EMAIL'), got a str that is not one" in str(
        info.value
    )
    assert "PHONE" not in str(info.value)  # values never reach the message


async def test_none_is_called_null_and_a_missing_field_missing(registry: FakeSchemaRegistry) -> None:
    formatter = await nested(registry)
    with pytest.raises(SchemaValidationError, match=r"userId: expected string, got null \["):
        await formatter.encode_many([event(userId=None)], topic="t")
    with pytest.raises(
        SchemaValidationError, match=r"artistId: expected string, got nothing \(the field is missing\)"
    ):
        await formatter.encode_many([{"userId": "u", "method": "SMS"}], topic="t")
    with pytest.raises(SchemaValidationError, match=r"Addr.city: expected string, got null \["):
        await formatter.encode_many([event(addr={"city": None})], topic="t")


async def test_a_misspelt_field_is_refused_and_the_right_name_suggested(registry: FakeSchemaRegistry) -> None:
    formatter = await nested(registry)
    with pytest.raises(SchemaValidationError) as info:
        await formatter.encode_many([event(), event(notes="hello")], topic="t")
    assert info.value.indexes == (1,)
    assert info.value.fields == ("notes",)
    assert "message 1: notes: unknown field, not in the schema (did you mean 'note'?)" in str(info.value)
    assert "allow_unknown_fields=True" in str(info.value)


async def test_unknown_fields_of_nested_records_are_refused_with_their_path(
    registry: FakeSchemaRegistry,
) -> None:
    formatter = await nested(registry)
    values = [event(addr={"city": "x", "zip": "1"}), event(tags=[{"k": "a"}, {"k": "b", "v": "c"}])]
    with pytest.raises(SchemaValidationError) as info:
        await formatter.encode_many(values, topic="t")
    assert info.value.fields == ("addr.zip", "tags.1.v")


async def test_allow_unknown_fields_drops_them_as_fastavro_does(registry: FakeSchemaRegistry) -> None:
    formatter = await nested(registry, allow_unknown_fields=True)
    data = (
        await formatter.encode_many([event(notes="hello", addr={"city": "x", "zip": "1"})], topic="t")
    ).payloads[0]
    decoded = (await formatter.decode(data, topic="t")).value
    assert "notes" not in decoded
    assert decoded["addr"] == {"city": "x"}
