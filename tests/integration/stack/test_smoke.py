"""One round trip per server through its standard Python client (servers from the pytest plugin)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from verifiedfan.stack import (
    AwsConnection,
    KafkaConnection,
    MongoConnection,
    OtlpConnection,
    OtlpReceiver,
    RedisConnection,
    SchemaRegistryConnection,
)

pytestmark = pytest.mark.integration


def test_kafka_produce_then_consume(vf_kafka: KafkaConnection, vf_kafka_topic: str) -> None:
    from confluent_kafka import Consumer, Producer

    producer = Producer({"bootstrap.servers": vf_kafka.bootstrap_servers})
    producer.produce(vf_kafka_topic, key=b"k", value=b"hello")
    assert producer.flush(30) == 0
    consumer = Consumer(
        {
            "bootstrap.servers": vf_kafka.bootstrap_servers,
            "group.id": f"smoke-{uuid.uuid4().hex[:8]}",
            "auto.offset.reset": "earliest",
        }
    )
    consumer.subscribe([vf_kafka_topic])
    try:
        msg = None
        for _ in range(60):
            msg = consumer.poll(1.0)
            if msg is not None and msg.error() is None:
                break
        assert msg is not None
        assert (msg.key(), msg.value()) == (b"k", b"hello")
    finally:
        consumer.close()


def _avro(fields: list[dict[str, Any]]) -> str:
    return json.dumps({"type": "record", "name": "Fan", "namespace": "smoke", "fields": fields})


def test_schema_registry_register_then_fetch(vf_schema_registry: SchemaRegistryConnection) -> None:
    from confluent_kafka.schema_registry import Schema, SchemaRegistryClient

    subject = f"smoke-{uuid.uuid4().hex[:8]}-value"
    schema_str = _avro([{"name": "id", "type": "string"}])
    with SchemaRegistryClient({"url": vf_schema_registry.url}) as client:
        schema_id = client.register_schema(subject, Schema(schema_str, "AVRO"))
        try:
            fetched = client.get_schema(schema_id)
            assert json.loads(fetched.schema_str) == json.loads(schema_str)
            assert client.get_latest_version(subject).schema_id == schema_id
        finally:
            client.delete_subject(subject)
            client.delete_subject(subject, permanent=True)


def test_schema_registry_rejects_a_backward_incompatible_schema(
    vf_schema_registry: SchemaRegistryConnection,
) -> None:
    from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
    from confluent_kafka.schema_registry.error import SchemaRegistryError

    subject = f"smoke-{uuid.uuid4().hex[:8]}-value"
    with SchemaRegistryClient({"url": vf_schema_registry.url}) as client:
        client.register_schema(subject, Schema(_avro([{"name": "id", "type": "string"}]), "AVRO"))
        try:
            new_required_field = _avro([{"name": "id", "type": "string"}, {"name": "n", "type": "int"}])
            with pytest.raises(SchemaRegistryError) as info:
                client.register_schema(subject, Schema(new_required_field, "AVRO"))
            assert info.value.http_status_code == 409
        finally:
            client.delete_subject(subject)
            client.delete_subject(subject, permanent=True)


def test_redis_write_on_primary_is_read_from_replica(vf_redis: RedisConnection, vf_redis_prefix: str) -> None:
    import redis

    primary = redis.Redis.from_url(vf_redis.url)
    replica = redis.Redis.from_url(vf_redis.replica_url)
    try:
        primary.set(f"{vf_redis_prefix}fan", "42")
        assert primary.execute_command("WAIT", 1, 5000) == 1
        assert replica.get(f"{vf_redis_prefix}fan") == b"42"
    finally:
        primary.close()
        replica.close()


def test_mongo_insert_then_find(vf_mongo: MongoConnection, vf_mongo_db: str) -> None:
    import pymongo

    client: Any = pymongo.MongoClient(vf_mongo.url, serverSelectionTimeoutMS=10_000)
    try:
        fans = client[vf_mongo_db]["fans"]
        fans.insert_one({"_id": "f1", "name": "Ada", "tags": ["vip"]})
        assert fans.find_one({"tags": "vip"}) == {"_id": "f1", "name": "Ada", "tags": ["vip"]}
    finally:
        client.close()


def test_s3_put_then_get(vf_aws: AwsConnection, vf_s3_bucket: str) -> None:
    import boto3

    s3: Any = boto3.client(
        "s3",
        endpoint_url=vf_aws.endpoint_url,
        region_name=vf_aws.region,
        aws_access_key_id=vf_aws.access_key_id,
        aws_secret_access_key=vf_aws.secret_access_key,
    )
    s3.put_object(Bucket=vf_s3_bucket, Key="a/b.txt", Body=b"payload")
    assert s3.get_object(Bucket=vf_s3_bucket, Key="a/b.txt")["Body"].read() == b"payload"
    s3.close()


def test_otlp_exported_span_is_found(vf_otlp: OtlpConnection, vf_otlp_receiver: OtlpReceiver) -> None:
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor

    provider = TracerProvider(resource=Resource.create({"service.name": "smoke-svc"}))
    provider.add_span_processor(SimpleSpanProcessor(OTLPSpanExporter(endpoint=vf_otlp.traces_url)))
    name = f"smoke-{uuid.uuid4().hex[:8]}"
    with provider.get_tracer("smoke").start_as_current_span(name, attributes={"fan.id": 7}) as span:
        trace_id = format(span.get_span_context().trace_id, "032x")
    provider.shutdown()
    (found,) = vf_otlp_receiver.wait_for_spans(1, trace_id=trace_id)
    assert (found.name, found.service_name, found.attributes) == (name, "smoke-svc", {"fan.id": 7})
