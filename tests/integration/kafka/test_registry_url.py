"""The registry client against the real Apicurio of ``vf stack``: a root without the Confluent API
prefix is named as such (issue 19), and a real missing subject stays a SchemaNotFoundError."""

from __future__ import annotations

import uuid

import pytest

from verifiedfan.errors import ConfigurationError
from verifiedfan.kafka import RegistryUrlError, SchemaNotFoundError, SchemaRegistryClient
from verifiedfan.stack import SchemaRegistryConnection

pytestmark = [pytest.mark.integration, pytest.mark.kafka]


async def test_a_url_without_the_ccompat_prefix_says_so(vf_schema_registry: SchemaRegistryConnection) -> None:
    root = vf_schema_registry.url.removesuffix("/apis/ccompat/v7")
    assert root != vf_schema_registry.url  # the stack serves the Confluent API under Apicurio's prefix
    async with SchemaRegistryClient(url=root) as registry:
        with pytest.raises(
            RegistryUrlError, match=r"not the root of a Confluent Schema Registry API.*ccompat/v7"
        ):
            await registry.get_latest(f"missing-{uuid.uuid4().hex[:8]}")
        with pytest.raises(
            ConfigurationError, match=r"answered 404 without a Confluent error_code: it is not the root"
        ):
            await registry.get_schema(1)


async def test_a_missing_subject_on_the_right_url_is_not_found(
    vf_schema_registry: SchemaRegistryConnection,
) -> None:
    async with SchemaRegistryClient(url=vf_schema_registry.url) as registry:
        with pytest.raises(SchemaNotFoundError, match=r"not found") as info:
            await registry.get_latest(f"missing-{uuid.uuid4().hex[:8]}")
    assert not isinstance(info.value, RegistryUrlError)
    assert info.value.error_code == 40401
