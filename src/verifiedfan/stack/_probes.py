"""Readiness and health checks: a real round trip through each server's standard client.

Each function raises (any exception of the client library) when the server does not answer
properly; the caller retries until its deadline. Client libraries are imported here, lazily.
"""

from __future__ import annotations

import logging
import socket
import time
import uuid
from urllib.parse import urlsplit

import httpx

from verifiedfan._optional import require
from verifiedfan.stack._connections import (
    AwsConnection,
    KafkaConnection,
    LambdaConnection,
    MongoConnection,
    OtlpConnection,
    RedisConnection,
    SchemaRegistryConnection,
)

__all__ = [
    "PROBE_TOPIC",
    "configure_moto",
    "health_aws",
    "health_kafka",
    "health_registry",
    "port_open",
    "probe_aws",
    "probe_kafka",
    "probe_lambda",
    "probe_mongo",
    "probe_otlp",
    "probe_redis",
    "probe_registry",
]

_log = logging.getLogger(__name__)

PROBE_TOPIC = "vf-stack-probe"
_PROBE_SUBJECT = "vf-stack-probe"


class ProbeError(Exception):
    """A server answered, but not as a ready server does (internal: retried until the deadline)."""


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    """True when something accepts TCP connections on ``host:port``."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _kafka_conf(conn: KafkaConnection, timeout: float) -> dict[str, object]:
    return {
        "bootstrap.servers": conn.bootstrap_servers,
        "socket.timeout.ms": int(timeout * 1000),
        "logger": _log,
    }


def health_kafka(conn: KafkaConnection, timeout: float) -> None:
    admin = require("confluent_kafka.admin", "kafka").AdminClient(_kafka_conf(conn, timeout))
    admin.list_topics(timeout=timeout)


def probe_kafka(conn: KafkaConnection, timeout: float) -> None:
    """Produce a message and fetch it back."""
    ck = require("confluent_kafka", "kafka")
    admin_mod = require("confluent_kafka.admin", "kafka")
    conf = _kafka_conf(conn, timeout)
    admin = admin_mod.AdminClient(conf)
    if PROBE_TOPIC not in admin.list_topics(timeout=timeout).topics:
        futures = admin.create_topics(
            [admin_mod.NewTopic(PROBE_TOPIC, num_partitions=1, replication_factor=1)]
        )
        try:
            futures[PROBE_TOPIC].result(timeout)
        except ck.KafkaException as exc:
            if exc.args[0].code() != ck.KafkaError.TOPIC_ALREADY_EXISTS:
                raise
    token = uuid.uuid4().hex.encode()
    results: list[tuple[object, object]] = []
    producer = ck.Producer({**conf, "message.timeout.ms": int(timeout * 1000), "acks": "all"})
    producer.produce(PROBE_TOPIC, value=token, on_delivery=lambda err, msg: results.append((err, msg)))
    producer.flush(timeout)
    if not results or results[0][0] is not None:
        raise ProbeError(f"produce failed: {results[0][0] if results else 'no delivery report'}")
    delivered = results[0][1]
    consumer = ck.Consumer({**conf, "group.id": "vf-stack-probe", "enable.auto.commit": False})
    try:
        consumer.assign([ck.TopicPartition(PROBE_TOPIC, delivered.partition(), delivered.offset())])  # type: ignore[attr-defined]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            msg = consumer.poll(0.5)
            if msg is not None and msg.error() is None and msg.value() == token:
                return
        raise ProbeError("the produced message was not fetched back")
    finally:
        consumer.close()


def health_registry(conn: SchemaRegistryConnection, timeout: float) -> None:
    httpx.get(f"{conn.url}/subjects", timeout=timeout).raise_for_status()


def probe_registry(conn: SchemaRegistryConnection, timeout: float) -> None:
    """Register a schema through the Confluent API, fetch it by id, then delete the subject."""
    with httpx.Client(base_url=conn.url, timeout=timeout) as http:
        schema = '{"type":"record","name":"Probe","fields":[{"name":"a","type":"string"}]}'
        headers = {"Content-Type": "application/vnd.schemaregistry.v1+json"}
        resp = http.post(f"/subjects/{_PROBE_SUBJECT}/versions", json={"schema": schema}, headers=headers)
        resp.raise_for_status()
        schema_id = resp.json()["id"]
        got = http.get(f"/schemas/ids/{schema_id}")
        got.raise_for_status()
        if "Probe" not in got.json().get("schema", ""):
            raise ProbeError(f"schema {schema_id} came back different: {got.text[:200]}")
        http.delete(f"/subjects/{_PROBE_SUBJECT}")
        http.delete(f"/subjects/{_PROBE_SUBJECT}", params={"permanent": "true"})


def probe_redis(conn: RedisConnection, timeout: float) -> None:
    """PING on the primary and the replica, and the replica's link to the primary is up."""
    redis = require("redis", "redis")
    primary = redis.Redis.from_url(conn.url, socket_timeout=timeout, socket_connect_timeout=timeout)
    replica = redis.Redis.from_url(conn.replica_url, socket_timeout=timeout, socket_connect_timeout=timeout)
    try:
        primary.ping()
        replica.ping()
        if conn.replica_url != conn.url:
            info = replica.info("replication")
            if info.get("master_link_status") != "up":
                raise ProbeError(f"replica link is {info.get('master_link_status')!r}")
    finally:
        primary.close()
        replica.close()


def probe_mongo(conn: MongoConnection, timeout: float) -> None:
    pymongo = require("pymongo", "mongo")
    ms = int(timeout * 1000)
    client = pymongo.MongoClient(
        conn.url, serverSelectionTimeoutMS=ms, connectTimeoutMS=ms, socketTimeoutMS=ms
    )
    try:
        client.admin.command("ping")
    finally:
        client.close()


def _s3(conn: AwsConnection, timeout: float) -> object:
    boto3 = require("boto3", "aws")
    config = require("botocore.config", "aws").Config(
        connect_timeout=timeout, read_timeout=timeout, retries={"max_attempts": 1}
    )
    return boto3.client(
        "s3",
        endpoint_url=conn.endpoint_url,
        region_name=conn.region,
        aws_access_key_id=conn.access_key_id,
        aws_secret_access_key=conn.secret_access_key,
        config=config,
    )


def configure_moto(conn: AwsConnection, timeout: float) -> None:
    """Lambda and Batch without Docker; Step Functions executions interpreted."""
    config = {
        "lambda": {"use_docker": False},
        "batch": {"use_docker": False},
        "stepfunctions": {"execute_state_machine": True},
    }
    httpx.post(f"{conn.endpoint_url}/moto-api/config", json=config, timeout=timeout).raise_for_status()


def health_aws(conn: AwsConnection, timeout: float) -> None:
    _s3(conn, timeout).list_buckets()  # type: ignore[attr-defined]


def probe_aws(conn: AwsConnection, timeout: float) -> None:
    """Apply the no-Docker configuration, then make an S3 call."""
    if not conn.external:
        configure_moto(conn, timeout)
    health_aws(conn, timeout)


def probe_otlp(conn: OtlpConnection, timeout: float) -> None:
    """POST an empty ExportTraceServiceRequest (its protobuf encoding is zero bytes)."""
    resp = httpx.post(
        conn.traces_url, content=b"", headers={"Content-Type": "application/x-protobuf"}, timeout=timeout
    )
    resp.raise_for_status()


def probe_lambda(conn: LambdaConnection, timeout: float) -> None:
    """The local Lambda router's health endpoint (it lists the deployed functions)."""
    resp = httpx.get(f"{conn.endpoint_url.rstrip('/')}/_vf/health", timeout=timeout)
    resp.raise_for_status()
    if "functions" not in resp.json():
        raise ProbeError(f"{conn.endpoint_url} is not the local Lambda")


def host_port(url: str) -> tuple[str, int]:
    """``(host, port)`` of a URL or of a ``host:port`` pair."""
    parts = urlsplit(url if "://" in url else f"tcp://{url.split(',')[0]}")
    return parts.hostname or "127.0.0.1", parts.port or 0
