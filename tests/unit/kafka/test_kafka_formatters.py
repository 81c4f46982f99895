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


async def test_a_stale_schema_is_kept_when_the_registry_is_down(registry: FakeSchemaRegistry) -> None:
    clock = Clock()
    formatter = await avro(registry, cache_ttl=60.0, clock=clock)
    formatter.registry.retry = RetryPolicy(retries=0)
    await formatter.encode_many([event()], topic="t")
    registry.available = False
    clock.now = 61.0
    assert (await formatter.encode_many([event()], topic="t")).schema_id == 1


async def test_without_a_cached_schema_a_registry_outage_is_an_error(registry: FakeSchemaRegistry) -> None:
    formatter = await avro(registry)
    formatter.registry.retry = RetryPolicy(retries=0)
    registry.available = False
    with pytest.raises(RegistryUnavailableError):
        await formatter.encode_many([event()], topic="t")


async def test_a_reader_schema_fills_defaults_of_old_messages(registry: FakeSchemaRegistry) -> None:
    old = await avro(registry)
    data = (await old.encode_many([event()], topic="t")).payloads[0]
    new = AvroFormatter(registry.client(), reader_schema=V2)
    assert (await new.decode(data, topic="t")).value["verificationScore"] == 0.0


async def test_an_unknown_schema_id_cannot_be_decoded(registry: FakeSchemaRegistry) -> None:
    formatter = await avro(registry)
    with pytest.raises(SchemaNotFoundError):
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
