"""The reference service served for real: ``vf serve`` in a child process on a free 127.0.0.1 port,
against the stack (FerretDB, Redis, Kafka, OTLP) and the Spotify, SFMC and Bitly sandboxes. One
service for the session (starting it costs seconds); stopped by its pid."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pymongo
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from verifiedfan.testing.sandbox import BitlySandbox, SfmcSandbox, SpotifySandbox

# The session-wide Spotify sandbox, as tests/unit/music/conftest.py takes it (pytest 9 refuses
# `pytest_plugins` in a conftest below the rootdir).
from verifiedfan.testing.sandbox.fixtures import spotify_sandbox_server  # noqa: F401

if TYPE_CHECKING:
    from verifiedfan.stack import (
        KafkaConnection,
        MongoConnection,
        OtlpConnection,
        RedisConnection,
        SchemaRegistryConnection,
    )


LINK_SECRET = "a-link-secret-for-the-tests-only-0123456789abcdef"
CONFIRMATION_EMAIL = "registration-confirmation"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Served:
    """A running reference service and what the tests need to look behind it."""

    url: str
    pid: int
    private_key: str = field(repr=False)
    db_name: str
    redis_namespace: str
    topic: str
    log_path: Path
    mongo_url: str
    spotify: SpotifySandbox
    sfmc: SfmcSandbox
    bitly: BitlySandbox
    name: str

    def client(self, **options: Any) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30, **options)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def users(self) -> Any:
        client: Any = pymongo.MongoClient(self.mongo_url, serverSelectionTimeoutMS=10_000)
        return client, client[self.db_name]["users"]


def _pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def _create_topic(brokers: str, topic: str) -> Any:
    from confluent_kafka import admin as kafka_admin

    admin: Any = kafka_admin.AdminClient({"bootstrap.servers": brokers})
    new = kafka_admin.NewTopic(topic, num_partitions=1, replication_factor=1)  # type: ignore[attr-defined]
    admin.create_topics([new])[topic].result(30)
    return admin


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], log_path: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"vf serve exited with {proc.returncode}:\n{log_path.read_text()[-4000:]}")
        try:
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"vf serve did not become healthy:\n{log_path.read_text()[-4000:]}")


@pytest.fixture(scope="session")
def served(
    tmp_path_factory: pytest.TempPathFactory,
    vf_mongo: MongoConnection,
    vf_redis: RedisConnection,
    vf_kafka: KafkaConnection,
    vf_otlp: OtlpConnection,
    vf_schema_registry: SchemaRegistryConnection,
    spotify_sandbox_server: SpotifySandbox,  # noqa: F811 (the fixture imported above)
) -> Iterator[Served]:
    suffix = uuid.uuid4().hex[:10]
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    topic = f"test-fan-verified-{suffix}"
    admin = _create_topic(vf_kafka.bootstrap_servers, topic)
    log_path = tmp_path_factory.mktemp("served") / "service.log"
    pem = _pem()
    target = spotify_sandbox_server.target_artist
    name = f"vf-ref-test-{suffix}"
    with SfmcSandbox() as sfmc, BitlySandbox() as bitly:
        env = {
            **os.environ,
            "VF_SERVICE_NAME": name,
            "VF_SERVICE_PUBLIC_URL": url,
            "VF_SERVICE_JWT_PRIVATE_KEY": pem,
            "VF_SERVICE_LINK_SECRET": LINK_SECRET,
            "VF_SERVICE_DB_NAME": f"test_ref_{suffix}",
            "VF_SERVICE_REDIS_NAMESPACE": f"test:{suffix}:",
            "VF_SERVICE_FAN_VERIFIED_TOPIC": topic,
            "VF_SERVICE_TARGET_ARTIST_IDS": '["' + '","'.join(sorted(target.ids)) + '"]',
            "VF_SERVICE_CONFIRMATION_EMAIL": CONFIRMATION_EMAIL,
            "VF_SERVICE_OTLP_ENDPOINT": vf_otlp.endpoint,
            "VF_MONGO_HOSTS": vf_mongo.url,
            "VF_REDIS_URL": vf_redis.url,
            "VF_REDIS_READ_ONLY_URL": vf_redis.replica_url,
            "VF_KAFKA_BROKERS": vf_kafka.bootstrap_servers,
            "VF_KAFKA_REGISTRY_URL": vf_schema_registry.url,
            "VF_SPOTIFY_BASE_URL": spotify_sandbox_server.api_url,
            "VF_SPOTIFY_ACCOUNTS_URL": spotify_sandbox_server.accounts_url,
            "VF_SPOTIFY_CLIENT_ID": spotify_sandbox_server.client_id,
            "VF_SPOTIFY_CLIENT_SECRET": spotify_sandbox_server.client_secret,
            "VF_SFMC_AUTH_BASE_URL": sfmc.url,
            "VF_SFMC_CLIENT_ID": sfmc.client_id,
            "VF_SFMC_CLIENT_SECRET": sfmc.client_secret,
            "VF_SFMC_ACCOUNT_ID": sfmc.account_id,
            "VF_BITLY_BASE_URL": bitly.url,
            "VF_BITLY_API_KEY": bitly.access_token,
            "VF_BITLY_GROUP_GUID": bitly.group_guid,
            "VF_SERVICE_LOG_LEVEL": "info",
        }
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                [sys.executable, "-m", "verifiedfan.cli.main", "serve", "--port", str(port)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            _wait_healthy(url, proc, log_path)
            yield Served(
                url=url,
                pid=proc.pid,
                private_key=pem,
                db_name=env["VF_SERVICE_DB_NAME"],
                redis_namespace=env["VF_SERVICE_REDIS_NAMESPACE"],
                topic=topic,
                log_path=log_path,
                mongo_url=vf_mongo.url,
                spotify=spotify_sandbox_server,
                sfmc=sfmc,
                bitly=bitly,
                name=name,
            )
        finally:
            os.kill(proc.pid, signal.SIGTERM)  # uvicorn shuts down gracefully (lifespan closes clients)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
            with pymongo.MongoClient(vf_mongo.url, serverSelectionTimeoutMS=10_000) as client:
                client.drop_database(env["VF_SERVICE_DB_NAME"])
            admin.delete_topics([topic])[topic].result(30)
