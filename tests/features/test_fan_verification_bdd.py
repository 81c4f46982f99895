"""fan_verification.feature against the real servers (Kafka + registry, Mongo wire server, Redis).

The "verification service" below stands in for a real service under test: it consumes
``fan.verified`` Avro events, writes a record to Mongo, caches it in Redis and announces it on
``verification.recorded``. It runs as a task on the step library's session loop, between steps.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from pytest_bdd import given, scenarios

from verifiedfan.kafka import ConsumedMessage, JsonFormatter, Kafka, KafkaConsumer
from verifiedfan.mongo import Mongo
from verifiedfan.redis import Redis
from verifiedfan.stack import KafkaConnection, SchemaRegistryConnection
from verifiedfan.testing.bdd import BddScenario

pytest_plugins = ["verifiedfan.testing.bdd"]

pytestmark = [pytest.mark.integration, pytest.mark.kafka, pytest.mark.mongo, pytest.mark.redis]

scenarios("fan_verification.feature")


@dataclass(frozen=True, kw_only=True)
class ServiceConfig:
    brokers: str
    registry_url: str
    source_topic: str
    output_topic: str
    group_id: str


async def run_verification_service(config: ServiceConfig, *, mongo: Mongo, cache: Redis) -> None:
    """Consume fan.verified until cancelled: record in Mongo, cache in Redis, announce on Kafka."""
    records = mongo.collection("verifications")
    async with (
        Kafka(brokers=config.brokers, topic=config.output_topic, formatter=JsonFormatter()) as announcer,
        KafkaConsumer(
            brokers=config.brokers,
            topics=config.source_topic,
            group_id=config.group_id,
            registry_url=config.registry_url,
            poll_timeout=0.2,
        ) as consumer,
    ):

        async def handle(message: ConsumedMessage) -> None:
            event: dict[str, Any] = message.value
            status = "verified" if event["verified"] else "rejected"
            record = {
                "fanId": event["fanId"],
                "eventId": event["eventId"],
                "status": status,
                "score": event["score"],
                "source": event["source"],
                "verifiedAt": dt.datetime.now(dt.UTC),
            }
            record_id = await records.insert_one(record)
            await cache.set(
                f"verification:{event['fanId']}", {"fanId": event["fanId"], "status": status}, ttl=60
            )
            announcement = {"fanId": event["fanId"], "status": status, "recordId": str(record_id)}
            await announcer.send_messages([{"key": event["fanId"], "value": announcement}])

        await consumer.run(handle)


@given("the verification service is running")
def verification_service_running(
    vf_bdd: BddScenario, vf_kafka: KafkaConnection, vf_schema_registry: SchemaRegistryConnection
) -> None:
    config = ServiceConfig(
        brokers=vf_kafka.bootstrap_servers,
        registry_url=vf_schema_registry.url,
        source_topic=vf_bdd.names.topic("fan.verified"),
        output_topic=vf_bdd.names.topic("verification.recorded"),
        group_id=vf_bdd.names.group_id("verification-service"),
    )
    mongo, cache = vf_bdd.mongo(), vf_bdd.redis()

    async def service(_: BddScenario) -> None:
        await run_verification_service(config, mongo=mongo, cache=cache)

    vf_bdd.start_service(service, name="verification-service")
