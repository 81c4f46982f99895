from __future__ import annotations

import httpx
import pytest

from verifiedfan.errors import NetworkError
from verifiedfan.http import RetryPolicy as HttpRetryPolicy
from verifiedfan.kafka import (
    InvalidSchemaError,
    RegistryUnavailableError,
    RetryPolicy,
    SchemaIncompatibleError,
    SchemaNotFoundError,
    SchemaRegistryClient,
)
from verifiedfan.testing.kafka import FakeSchemaRegistry

from .conftest import V1, V2, V3_INCOMPATIBLE


class Sleeps:
    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def flaky_client(failures: int, sleeps: Sleeps, registry: FakeSchemaRegistry) -> SchemaRegistryClient:
    """A client whose first ``failures`` requests fail to connect, then reach ``registry``."""
    seen = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        seen["n"] += 1
        if seen["n"] <= failures:
            raise httpx.ConnectError("connection refused", request=request)
        return registry.handle(request)

    return SchemaRegistryClient(
        url="http://fake-registry.invalid/apis/ccompat/v7",
        transport=httpx.MockTransport(handler),
        sleep=sleeps,
    )


async def test_register_then_latest_returns_the_same_id(registry: FakeSchemaRegistry) -> None:
    client = registry.client()
    schema_id = await client.register("t-value", V1)
    latest = await client.get_latest("t-value")
    assert (latest.id, latest.version, latest.subject) == (schema_id, 1, "t-value")


async def test_registering_the_same_schema_twice_keeps_its_id(registry: FakeSchemaRegistry) -> None:
    client = registry.client()
    assert await client.register("t-value", V1) == await client.register("t-value", V1)
    assert await client.list_versions("t-value") == [1]


async def test_schema_text_is_found_by_id(registry: FakeSchemaRegistry) -> None:
    client = registry.client()
    schema_id = await client.register("t-value", V1)
    assert '"FanVerified"' in await client.get_schema(schema_id)


async def test_a_compatible_version_is_accepted_and_becomes_latest(registry: FakeSchemaRegistry) -> None:
    client = registry.client()
    await client.register("t-value", V1)
    v2 = await client.register("t-value", V2)
    assert (await client.get_latest("t-value")).id == v2
    assert await client.list_versions("t-value") == [1, 2]


async def test_an_incompatible_version_is_refused_with_409(registry: FakeSchemaRegistry) -> None:
    client = registry.client()
    await client.register("t-value", V1)
    with pytest.raises(SchemaIncompatibleError) as info:
        await client.register("t-value", V3_INCOMPATIBLE)
    assert info.value.status == 409


async def test_check_compatibility_answers_without_registering(registry: FakeSchemaRegistry) -> None:
    client = registry.client()
    await client.register("t-value", V1)
    assert await client.check_compatibility("t-value", V2)
    assert not await client.check_compatibility("t-value", V3_INCOMPATIBLE)
    assert await client.list_versions("t-value") == [1]


async def test_compatibility_none_on_a_subject_accepts_anything(registry: FakeSchemaRegistry) -> None:
    client = registry.client()
    await client.register("t-value", V1)
    await client.set_compatibility("NONE", "t-value")
    assert await client.get_compatibility("t-value") == "NONE"
    assert await client.register("t-value", V3_INCOMPATIBLE) > 0


async def test_subject_without_its_own_rule_reports_the_global_one(registry: FakeSchemaRegistry) -> None:
    assert await registry.client().get_compatibility("new-value") == "BACKWARD"


async def test_unknown_subject_and_id_raise_not_found(registry: FakeSchemaRegistry) -> None:
    client = registry.client()
    with pytest.raises(SchemaNotFoundError, match=r"returned 404: Subject 'nope-value' not found"):
        await client.get_latest("nope-value")
    with pytest.raises(SchemaNotFoundError, match=r"returned 404: Schema 999 not found"):
        await client.get_schema(999)


async def test_an_invalid_schema_is_refused_with_422(registry: FakeSchemaRegistry) -> None:
    with pytest.raises(
        InvalidSchemaError, match=r"returned 422: Invalid schema: invalid Avro schema: nosuch"
    ):
        await registry.client().register(
            "t-value", '{"type": "record", "name": "X", "fields": [{"name": "a", "type": "nosuch"}]}'
        )


async def test_list_subjects(registry: FakeSchemaRegistry) -> None:
    client = registry.client()
    await client.register("b-value", V1)
    await client.register("a-value", V1)
    assert await client.list_subjects() == ["a-value", "b-value"]


async def test_connection_failures_are_retried_with_backoff(registry: FakeSchemaRegistry) -> None:
    sleeps = Sleeps()
    client = flaky_client(2, sleeps, registry)
    assert await client.register("t-value", V1) == 1
    assert sleeps.calls == [0.25, 0.75]


async def test_after_three_retries_the_registry_is_unavailable(registry: FakeSchemaRegistry) -> None:
    sleeps = Sleeps()
    client = flaky_client(99, sleeps, registry)
    with pytest.raises(RegistryUnavailableError, match="after 4 attempts") as info:
        await client.get_latest("t-value")
    assert sleeps.calls == [0.25, 0.75, 2.0]
    assert isinstance(info.value.__cause__, NetworkError)
    assert isinstance(info.value.__cause__.__cause__, httpx.ConnectError)


async def test_server_errors_are_retried_then_reported(registry: FakeSchemaRegistry) -> None:
    registry.available = False
    sleeps = Sleeps()
    client = SchemaRegistryClient(
        url="http://fake-registry.invalid/apis/ccompat/v7",
        transport=registry.transport(),
        retry=RetryPolicy(max_retries=1, backoff_initial=0.1),
        sleep=sleeps,
    )
    with pytest.raises(RegistryUnavailableError, match="503"):
        await client.list_subjects()
    assert registry.requests == 2


async def test_client_errors_are_not_retried(registry: FakeSchemaRegistry) -> None:
    with pytest.raises(SchemaNotFoundError, match=r"schemas/ids/1 returned 404: Schema 1 not found"):
        await registry.client().get_schema(1)
    assert registry.requests == 1


def test_the_registry_policy_is_the_librarys_one_with_the_registrys_schedule() -> None:
    policy = RetryPolicy(max_retries=5)
    assert isinstance(policy, HttpRetryPolicy)
    assert [policy.backoff(n) for n in range(1, 5)] == [0.25, 0.75, 2.0, 2.0]  # no jitter
    assert RetryPolicy().max_retries == 3


async def test_a_client_closed_and_used_again_reconnects(
    registry: FakeSchemaRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = SchemaRegistryClient(
        url="http://fake-registry.invalid/apis/ccompat/v7", transport=registry.transport()
    )
    await client.register("t-value", V1)
    await client.aclose()
    assert await client.list_subjects() == ["t-value"]
    await client.aclose()
