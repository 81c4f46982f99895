"""The differential test of Avro compatibility: the real schema registry of ``vf stack`` and the offline
``is_compatible`` answer the same question for every pair of ``tests/unit/kafka/avro_corpus.py``.

Each history of ``HISTORIES`` (versions, a new schema, a level) asks the registry to register the new
schema under that level: the offline ``is_compatible`` must give the registry's answer at every level.

Each pair gets a fresh subject with compatibility ``BACKWARD``: the old schema is registered, then the
registry is asked whether the new one may follow it. The registry (Apicurio 3, through its Confluent
API) departs from the Avro specification on one rule, listed in ``REGISTRY_DEVIATIONS``: there the
offline check follows the specification, and the test asserts that the registry still answers the other
way (if a registry upgrade fixes it, this test says so and the entry goes).
"""

from __future__ import annotations

import uuid

import pytest

from tests.unit.kafka.avro_corpus import HISTORIES, LEVELS, PAIRS, History, Pair
from verifiedfan.kafka import SchemaIncompatibleError, SchemaRegistryClient, is_compatible
from verifiedfan.stack import SchemaRegistryConnection

pytestmark = [pytest.mark.integration, pytest.mark.kafka]

REGISTRY_DEVIATIONS = {
    # The specification ("Decimal"): two decimals match only if their precision and scale match;
    # Java's SchemaCompatibility, which the registry runs, ignores both (AVRO-2078), so a rescaled
    # decimal is accepted there although the reader would misread every value by a power of ten.
    "logical-decimal-rescaled": "decimal precision and scale ignored (AVRO-2078)",
    "logical-decimal-precision-changed": "decimal precision ignored (AVRO-2078)",
}


async def registry_answer(registry: SchemaRegistryClient, pair: Pair) -> bool:
    subject = f"compat-{pair.id}-{uuid.uuid4().hex[:8]}"
    await registry.set_compatibility("BACKWARD", subject)
    try:
        await registry.register(subject, pair.old)
        return await registry.check_compatibility(subject, pair.new)
    finally:
        await registry.delete_subject(subject, permanent=True)


async def test_the_registry_and_the_offline_check_agree_on_every_pair(
    vf_schema_registry: SchemaRegistryConnection,
) -> None:
    disagreements, deviations = [], []
    async with SchemaRegistryClient(url=vf_schema_registry.url) as registry:
        for pair in PAIRS:
            real = await registry_answer(registry, pair)
            offline = is_compatible(pair.new, [pair.old], "BACKWARD")
            if pair.id in REGISTRY_DEVIATIONS:
                deviations.append((pair.id, real, offline, pair.spec))
            elif real != offline:
                disagreements.append((pair.id, f"registry={real}", f"offline={offline}"))
    assert disagreements == []
    assert len(PAIRS) - len(deviations) >= 80
    # Where the registry departs from the specification, the offline check follows the specification.
    assert all(real is not spec and offline is spec for _, real, offline, spec in deviations)
    assert {d[0] for d in deviations} == set(REGISTRY_DEVIATIONS)


async def registration_answer(registry: SchemaRegistryClient, history: History) -> bool:
    """Whether the registry registers ``history.new`` after its versions under its level. Registration,
    not the check endpoint: `/compatibility/.../versions/latest` compares with the latest version only,
    whatever the level, while registering applies a transitive level to every version."""
    subject = f"compat-{history.id}-{uuid.uuid4().hex[:8]}"
    await registry.set_compatibility("NONE", subject)
    try:
        for version in history.versions:
            await registry.register(subject, version)
        await registry.set_compatibility(history.level, subject)
        try:
            await registry.register(subject, history.new)
        except SchemaIncompatibleError:
            return False
        return True
    finally:
        await registry.delete_subject(subject, permanent=True)


async def test_the_registry_and_the_offline_check_agree_on_every_history_and_level(
    vf_schema_registry: SchemaRegistryConnection,
) -> None:
    disagreements = []
    async with SchemaRegistryClient(url=vf_schema_registry.url) as registry:
        for history in HISTORIES:
            real = await registration_answer(registry, history)
            offline = is_compatible(history.new, history.versions, history.level)
            if real != offline or real != history.spec:
                disagreements.append(
                    (history.id, f"registry={real}", f"offline={offline}", f"spec={history.spec}")
                )
    assert disagreements == []
    assert {h.level for h in HISTORIES} == set(LEVELS)
