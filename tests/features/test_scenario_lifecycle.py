"""The scenario context against the real servers: teardown after a failure, remembered offsets."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pymongo
import pytest
import redis
from confluent_kafka.admin import AdminClient

from verifiedfan.kafka import JsonFormatter, Kafka
from verifiedfan.stack import KafkaConnection, MongoConnection, RedisConnection, SchemaRegistryConnection
from verifiedfan.testing.bdd import (
    BddLoop,
    BddOptions,
    BddScenario,
    EventuallyTimeoutError,
    ScenarioNames,
    new_run_id,
)

pytest_plugins = ["verifiedfan.testing.bdd"]

pytestmark = [pytest.mark.integration, pytest.mark.kafka, pytest.mark.mongo, pytest.mark.redis]

HERE = Path(__file__).parent


def scenario_for(
    request: pytest.FixtureRequest, loop: BddLoop, name: str, options: BddOptions | None = None
) -> BddScenario:
    options = options or BddOptions()
    return BddScenario(
        names=ScenarioNames(run_id=new_run_id(name), shared_topics=options.shared_topics),
        loop=loop,
        resolve=lambda server: request.getfixturevalue(f"vf_{server}"),
        options=options,
        asset_dir=HERE,
    )


def test_everything_is_removed_after_a_failing_scenario(
    request: pytest.FixtureRequest,
    vf_bdd_loop: BddLoop,
    vf_kafka: KafkaConnection,
    vf_schema_registry: SchemaRegistryConnection,
    vf_redis: RedisConnection,
    vf_mongo: MongoConnection,
) -> None:
    scenario = scenario_for(request, vf_bdd_loop, "cleanup after failure")
    names = scenario.names
    event = {"fanId": "f1", "eventId": "e1", "verified": True, "score": 0.5, "source": "manual"}

    def failing_scenario() -> None:
        try:
            schema = scenario.load_json("schemas/fan_verified.avsc")
            scenario.run(scenario.produce("fan.verified", event, fmt="avro", schema=schema))
            scenario.run(scenario.seed_key("verification:f1", {"status": "pending"}))
            scenario.run(scenario.insert_document("verifications", {"fanId": "f1"}))
            scenario.run(scenario.wait_for_document("verifications", {"fanId": "nobody"}, timeout=0.3))
        finally:
            scenario.close()

    with pytest.raises(
        EventuallyTimeoutError, match=r"timed out after .* waiting for: a document in verifications"
    ):
        failing_scenario()

    topics = AdminClient({"bootstrap.servers": vf_kafka.bootstrap_servers}).list_topics(timeout=10).topics
    assert names.topic("fan.verified") not in topics
    subjects = httpx.get(f"{vf_schema_registry.url}/subjects", timeout=10).json()
    assert names.value_subject("fan.verified") not in subjects
    with redis.Redis.from_url(vf_redis.url) as client:
        assert list(client.scan_iter(match=f"{names.redis_prefix}*")) == []
    with pymongo.MongoClient(vf_mongo.url, serverSelectionTimeoutMS=10_000) as mongo:
        assert names.mongo_db not in mongo.list_database_names()


def test_a_shared_topic_is_read_from_the_offset_remembered_when_first_named(
    request: pytest.FixtureRequest, vf_bdd_loop: BddLoop, vf_kafka: KafkaConnection, vf_kafka_topic: str
) -> None:
    async def send(value: dict[str, str]) -> None:
        async with Kafka(
            brokers=vf_kafka.bootstrap_servers, topic=vf_kafka_topic, formatter=JsonFormatter()
        ) as k:
            await k.send_messages([{"value": value}])

    vf_bdd_loop.run(send({"n": "before"}))
    options = BddOptions(shared_topics=frozenset({vf_kafka_topic}), timeout=1.0)
    scenario = scenario_for(request, vf_bdd_loop, "shared topic", options)
    try:
        assert scenario.run(scenario.topic(vf_kafka_topic)) == vf_kafka_topic
        vf_bdd_loop.run(send({"n": "after"}))
        found = scenario.run(scenario.wait_for_message(vf_kafka_topic, {"n": "after"}, timeout=20))
        assert found.offset == 1
        with pytest.raises(EventuallyTimeoutError, match=r"\$\.n: expected 'before', got 'after'"):
            scenario.run(scenario.wait_for_message(vf_kafka_topic, {"n": "before"}, timeout=0.5))
    finally:
        scenario.close()
    topics = AdminClient({"bootstrap.servers": vf_kafka.bootstrap_servers}).list_topics(timeout=10).topics
    assert vf_kafka_topic in topics  # shared: not deleted by the scenario


def test_clients_live_on_one_loop_across_steps(
    request: pytest.FixtureRequest, vf_bdd_loop: BddLoop, vf_mongo: MongoConnection, vf_redis: RedisConnection
) -> None:
    scenario = scenario_for(request, vf_bdd_loop, "one loop")
    try:
        for n in range(3):  # a new asyncio.run per step would close the loop the clients are bound to
            scenario.run(scenario.insert_document("c", {"n": n}))
            scenario.run(scenario.seed_key(f"k{n}", {"n": n}))
        assert scenario.run(scenario.wait_for_document("c", {"n": 2}))["n"] == 2
        assert scenario.run(scenario.get_key("k2")) == {"n": 2}

        async def loop_of_client() -> bool:
            return scenario.mongo().client() is scenario.mongo().client()

        assert scenario.run(loop_of_client())
        assert scenario.run(_running_loop()) is vf_bdd_loop.loop
    finally:
        scenario.close()


async def _running_loop() -> asyncio.AbstractEventLoop:
    return asyncio.get_running_loop()
