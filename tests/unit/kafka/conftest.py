from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from verifiedfan.kafka import Kafka
from verifiedfan.testing.kafka import FakeBroker, FakeSchemaRegistry, fake_kafka

TOPIC = "fan.verified"

V1: dict[str, Any] = {
    "type": "record",
    "name": "FanVerified",
    "namespace": "vf.events",
    "fields": [
        {"name": "userId", "type": "string"},
        {"name": "artistId", "type": "string"},
        {"name": "method", "type": {"type": "enum", "name": "Method", "symbols": ["SMS", "EMAIL"]}},
        {"name": "note", "type": ["null", "string"], "default": None},
    ],
}
V2: dict[str, Any] = {
    **V1,
    "fields": [*V1["fields"], {"name": "verificationScore", "type": "double", "default": 0.0}],
}
V3_INCOMPATIBLE: dict[str, Any] = {**V1, "fields": [*V1["fields"], {"name": "tier", "type": "int"}]}


def event(user: str = "u1", **extra: Any) -> dict[str, Any]:
    return {"userId": user, "artistId": "a1", "method": "SMS", **extra}


@pytest.fixture
def broker() -> FakeBroker:
    return FakeBroker(partitions=3)


@pytest.fixture
def registry() -> FakeSchemaRegistry:
    return FakeSchemaRegistry()


@pytest.fixture
async def kafka(broker: FakeBroker, registry: FakeSchemaRegistry) -> AsyncIterator[Kafka]:
    async with fake_kafka(TOPIC, broker=broker, registry=registry) as client:
        await client.register_schema(V1)
        yield client
