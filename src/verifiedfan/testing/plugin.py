"""The verifiedfan pytest plugin (registered through the ``pytest11`` entry point).

Real servers for tests, from :mod:`verifiedfan.stack`. A test asks for a server by using its
fixture; the session fixture starts it when it is not running (and stops, at the end of the
session, only what it started itself), or uses the existing server that the ``VF_STACK_*``
environment variables point at (what ``vf stack env`` prints).

Session fixtures (typed, frozen connection settings): ``vf_kafka``, ``vf_schema_registry``,
``vf_redis``, ``vf_mongo``, ``vf_aws`` (and ``vf_aws_settings``), ``vf_lambda``, ``vf_otlp``;
``vf_stack`` is the :class:`~verifiedfan.stack.Stack` (fault helpers: ``restart``, ``paused``,
``kill_clients``).

Per-test isolation (cleaned up afterwards): ``vf_kafka_topic`` (a new topic), ``vf_redis_prefix``
(a key prefix; its keys are deleted), ``vf_mongo_db`` (a database, dropped), ``vf_s3_bucket`` (a
bucket, emptied and deleted), ``vf_dynamodb_table`` (a table, deleted), ``vf_secret`` (a secret,
deleted), ``vf_aws_resources`` (makes SQS queues, SNS topics, Kinesis and Firehose streams; all
removed), ``vf_state_machine`` (a Step Functions callback machine, deleted), ``vf_lambda_function``
(a factory that deploys a Python handler to the local Lambda; removed afterwards),
``vf_otlp_receiver`` (a client of the receiver's span API).

When a server cannot be started, the test fails under ``CI=true`` and is skipped (with the reason)
otherwise. A test using a server fixture gets the ``integration`` marker and the server's marker.
Under ``CI=true`` (or ``VF_STACK_CI=true``, which the project's test command sets) an
``integration`` test that skips for any reason is reported as failed: the run starts every server
itself, so a skip there is a set-up failure, not a pass.

This module is imported by every pytest run where verifiedfan is installed: it imports nothing
heavy at import time (client libraries are imported inside the fixtures).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

import pytest

if TYPE_CHECKING:
    from verifiedfan.aws import AwsSettings
    from verifiedfan.stack import (
        AwsConnection,
        Connection,
        KafkaConnection,
        LambdaConnection,
        LocalFunction,
        MongoConnection,
        OtlpConnection,
        OtlpReceiver,
        RedisConnection,
        SchemaRegistryConnection,
        Stack,
        StackSettings,
    )
    from verifiedfan.testing.aws_resources import AwsResources
    from verifiedfan.testing.stepfunctions import CallbackStateMachine

__all__ = ["LambdaDeployer", "StackSession", "unavailable_outcome"]

#: fixture -> (server, marker)
_SERVER_FIXTURES: dict[str, tuple[str, str]] = {
    "vf_kafka": ("kafka", "kafka"),
    "vf_schema_registry": ("schema-registry", "kafka"),
    "vf_redis": ("redis", "redis"),
    "vf_mongo": ("mongo", "mongo"),
    "vf_aws": ("aws", "aws"),
    "vf_lambda": ("lambda", "aws_lambda"),
    "vf_otlp": ("otlp", "otlp"),
}
_MARKERS = {
    "integration": "needs a real server started by vf stack",
    "kafka": "needs the Kafka broker (and usually the schema registry)",
    "redis": "needs the Redis primary and replica",
    "mongo": "needs the MongoDB wire server (FerretDB)",
    "aws": "needs the AWS emulator (moto server)",
    "otlp": "needs the OTLP receiver",
    "aws_lambda": "needs the local Lambda (Runtime Interface Emulator)",
}


def unavailable_outcome(*, ci: bool) -> Literal["fail", "skip"]:
    """What happens to a test whose server cannot be started: fail in CI, skip elsewhere."""
    return "fail" if ci else "skip"


class StackSession:
    """Starts servers on demand for one pytest session and stops, at the end, those it started.

    Each server used is leased (a file per session under the state dir), so that when several
    sessions share a server, the one that started it does not stop it under the others' feet.
    """

    def __init__(self, settings: StackSettings) -> None:
        from verifiedfan.stack import Stack

        self.settings = settings
        self.stack: Stack = Stack(settings=settings)
        self.started: list[str] = []
        self.leased: list[str] = []
        self._failures: dict[str, str] = {}

    def require(self, name: str) -> Connection:
        """The connection settings of ``name``, once it answers; fails or skips the test otherwise."""
        from verifiedfan.stack import StackError, connection_for
        from verifiedfan.stack._servers import server

        if name in self._failures:
            self._unavailable(name, self._failures[name])
        conn = connection_for(self.settings, name)
        try:
            if conn.external:
                server(name, self.settings).health(10.0)
            else:
                if name not in self.leased:
                    self.stack.lease(name)  # before up: no other session stops it meanwhile
                    self.leased.append(name)
                self.started.extend(self.stack.up([name]).started)
        except StackError as exc:
            self._failures[name] = str(exc)
            self._unavailable(name, str(exc))
        except Exception as exc:  # noqa: BLE001 - an external server that does not answer
            self._failures[name] = f"{conn} does not answer: {type(exc).__name__}: {exc}"
            self._unavailable(name, self._failures[name])
        return conn

    def _unavailable(self, name: str, reason: str) -> None:
        message = f"vf stack: {name} is not available: {reason}"
        if unavailable_outcome(ci=self.settings.ci) == "fail":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)

    def close(self) -> None:
        """Stop what this session started, unless another session still uses it (then the last one will)."""
        for name in self.leased:
            self.stack.release(name, started_here=name in self.started)
        self.leased.clear()
        self.started.clear()


def pytest_configure(config: pytest.Config) -> None:
    for name, text in _MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {text}")


def _ci_mode(config: pytest.Config) -> bool:
    """One reading of ``VF_STACK_CI``/``CI`` per run, the way :class:`StackSettings` reads them."""
    cached: bool | None = getattr(config, "_vf_ci_mode", None)
    if cached is None:
        from verifiedfan.stack import StackSettings

        cached = StackSettings().ci
        config._vf_ci_mode = cached  # type: ignore[attr-defined]
    return cached


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """In CI mode a skipped ``integration`` test fails: a server the run should have started is missing."""
    outcome = yield
    report: pytest.TestReport = outcome.get_result()  # type: ignore[attr-defined]
    if not report.skipped or hasattr(report, "wasxfail") or item.get_closest_marker("integration") is None:
        return
    if not _ci_mode(item.config):
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    reason = reason.removeprefix("Skipped: ")
    report.outcome = "failed"
    report.longrepr = (
        f"integration test skipped in CI mode ({reason}); the test command starts every server, "
        "so a skip here is a set-up failure"
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        names = getattr(item, "fixturenames", ())
        markers = {_SERVER_FIXTURES[f][1] for f in names if f in _SERVER_FIXTURES}
        for marker in sorted(markers):
            item.add_marker(marker)
        if markers:
            item.add_marker("integration")


@pytest.fixture(scope="session")
def vf_stack_settings() -> StackSettings:
    """The stack settings (``VF_STACK_*`` environment variables). Override to change ports."""
    from verifiedfan.stack import StackSettings

    return StackSettings()


@pytest.fixture(scope="session")
def vf_stack_session(vf_stack_settings: StackSettings) -> Iterator[StackSession]:
    session = StackSession(vf_stack_settings)
    try:
        yield session
    finally:
        session.close()


@pytest.fixture(scope="session")
def vf_stack(vf_stack_session: StackSession) -> Stack:
    """The :class:`~verifiedfan.stack.Stack` (fault helpers: restart, paused, kill_clients)."""
    return vf_stack_session.stack


@pytest.fixture(scope="session")
def vf_kafka(vf_stack_session: StackSession) -> KafkaConnection:
    """A running Kafka broker."""
    return vf_stack_session.require("kafka")  # type: ignore[return-value]


@pytest.fixture(scope="session")
def vf_schema_registry(vf_stack_session: StackSession) -> SchemaRegistryConnection:
    """A running Confluent-compatible schema registry."""
    return vf_stack_session.require("schema-registry")  # type: ignore[return-value]


@pytest.fixture(scope="session")
def vf_redis(vf_stack_session: StackSession) -> RedisConnection:
    """A running Redis primary and replica."""
    return vf_stack_session.require("redis")  # type: ignore[return-value]


@pytest.fixture(scope="session")
def vf_mongo(vf_stack_session: StackSession) -> MongoConnection:
    """A running MongoDB wire server."""
    return vf_stack_session.require("mongo")  # type: ignore[return-value]


@pytest.fixture(scope="session")
def vf_aws(vf_stack_session: StackSession) -> AwsConnection:
    """A running AWS emulator."""
    return vf_stack_session.require("aws")  # type: ignore[return-value]


@pytest.fixture(scope="session")
def vf_lambda(vf_stack_session: StackSession) -> LambdaConnection:
    """The running local Lambda (the Invoke API at ``endpoint_url``)."""
    return vf_stack_session.require("lambda")  # type: ignore[return-value]


@pytest.fixture(scope="session")
def vf_otlp(vf_stack_session: StackSession) -> OtlpConnection:
    """A running OTLP/HTTP receiver."""
    return vf_stack_session.require("otlp")  # type: ignore[return-value]


def _unique(prefix: str, sep: str = "-") -> str:
    return f"{prefix}{sep}{uuid.uuid4().hex[:12]}"


@pytest.fixture
def vf_kafka_topic(vf_kafka: KafkaConnection) -> Iterator[str]:
    """A new topic (1 partition) for this test, deleted afterwards."""
    from confluent_kafka import admin as kafka_admin

    admin: Any = kafka_admin.AdminClient({"bootstrap.servers": vf_kafka.bootstrap_servers})
    topic = _unique("test")
    new_topic = kafka_admin.NewTopic(topic, num_partitions=1, replication_factor=1)  # type: ignore[attr-defined]
    admin.create_topics([new_topic])[topic].result(30)
    try:
        yield topic
    finally:
        admin.delete_topics([topic])[topic].result(30)


@pytest.fixture
def vf_redis_prefix(vf_redis: RedisConnection) -> Iterator[str]:
    """A key prefix for this test (``test:<hex>:``); its keys are deleted afterwards."""
    import redis

    prefix = _unique("test", ":") + ":"
    try:
        yield prefix
    finally:
        client = redis.Redis.from_url(vf_redis.url)
        try:
            keys = list(client.scan_iter(match=f"{prefix}*", count=500))
            if keys:
                client.delete(*keys)
        finally:
            client.close()


@pytest.fixture
def vf_mongo_db(vf_mongo: MongoConnection) -> Iterator[str]:
    """A database name for this test, dropped afterwards."""
    import pymongo

    name = _unique("test", "_")
    try:
        yield name
    finally:
        client: Any = pymongo.MongoClient(vf_mongo.url, serverSelectionTimeoutMS=10_000)
        try:
            client.drop_database(name)
        finally:
            client.close()


@pytest.fixture
def vf_s3_bucket(vf_aws: AwsConnection) -> Iterator[str]:
    """A new S3 bucket for this test, emptied and deleted afterwards."""
    s3 = _boto3_client(vf_aws, "s3")
    bucket = _unique("test")
    s3.create_bucket(Bucket=bucket)
    try:
        yield bucket
    finally:
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
            objects = [
                {"Key": o["Key"], "VersionId": o["VersionId"]}
                for o in page.get("Versions", []) + page.get("DeleteMarkers", [])
            ]
            if objects:
                s3.delete_objects(Bucket=bucket, Delete={"Objects": objects})
        s3.delete_bucket(Bucket=bucket)
        s3.close()


def _boto3_client(vf_aws: AwsConnection, service: str) -> Any:
    import boto3

    return boto3.client(
        service,
        endpoint_url=vf_aws.endpoint_url,
        region_name=vf_aws.region,
        aws_access_key_id=vf_aws.access_key_id,
        aws_secret_access_key=vf_aws.secret_access_key,
    )


@pytest.fixture(scope="session")
def vf_aws_settings(vf_aws: AwsConnection) -> AwsSettings:
    """:class:`~verifiedfan.aws.AwsSettings` pointing at the AWS emulator (endpoint, region, fake keys)."""
    from verifiedfan.aws import AwsSettings

    return AwsSettings(
        endpoint_url=vf_aws.endpoint_url,
        region=vf_aws.region,
        access_key_id=vf_aws.access_key_id,
        secret_access_key=vf_aws.secret_access_key,  # type: ignore[arg-type]
    )


#: The key schema of ``vf_dynamodb_table``: string hash key ``pk``, string range key ``sk``, and a
#: global secondary index ``gsi1`` on ``gsi1pk``/``gsi1sk`` projecting every attribute.
DYNAMODB_TEST_INDEX = "gsi1"


@pytest.fixture
def vf_dynamodb_table(vf_aws: AwsConnection) -> Iterator[str]:
    """A new DynamoDB table for this test (keys ``pk``/``sk``, index ``gsi1`` on ``gsi1pk``/``gsi1sk``,
    on-demand capacity), deleted afterwards."""
    ddb = _boto3_client(vf_aws, "dynamodb")
    name = _unique("test")
    ddb.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": attr, "AttributeType": "S"} for attr in ("pk", "sk", "gsi1pk", "gsi1sk")
        ],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": DYNAMODB_TEST_INDEX,
                "KeySchema": [
                    {"AttributeName": "gsi1pk", "KeyType": "HASH"},
                    {"AttributeName": "gsi1sk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
    )
    try:
        yield name
    finally:
        ddb.delete_table(TableName=name)
        ddb.close()


@pytest.fixture
def vf_secret(vf_aws: AwsConnection) -> Iterator[str]:
    """A new Secrets Manager secret for this test (value ``{}``), deleted without recovery afterwards.

    Yields its name; set a value with ``put_secret_value`` of any client."""
    sm = _boto3_client(vf_aws, "secretsmanager")
    name = _unique("test/secret")
    sm.create_secret(Name=name, SecretString="{}")
    try:
        yield name
    finally:
        sm.delete_secret(SecretId=name, ForceDeleteWithoutRecovery=True)
        sm.close()


@pytest.fixture
def vf_aws_resources(vf_aws: AwsConnection) -> Iterator[AwsResources]:
    """Makes SQS queues, SNS topics, Kinesis and Firehose streams for this test
    (:class:`~verifiedfan.testing.aws_resources.AwsResources`); all removed afterwards."""
    from verifiedfan.testing.aws_resources import AwsResources

    with AwsResources(vf_aws) as resources:
        yield resources


@pytest.fixture
def vf_state_machine(vf_aws: AwsConnection) -> Iterator[CallbackStateMachine]:
    """A Step Functions state machine for this test whose one task waits for a task token
    (``.waitForTaskToken``; the token goes to an SQS queue: ``wait_for_task()`` reads it).
    Its executions are stopped and it is deleted afterwards, with its queue."""
    from verifiedfan.testing.stepfunctions import CallbackStateMachine

    sfn = _boto3_client(vf_aws, "stepfunctions")
    sqs = _boto3_client(vf_aws, "sqs")
    machine = CallbackStateMachine(sfn=sfn, sqs=sqs)
    try:
        yield machine
    finally:
        try:
            machine.delete()
        finally:
            sfn.close()
            sqs.close()


class LambdaDeployer:
    """``vf_lambda_function(path, handler=..., environment=..., timeout=...)``: deploys, returns a
    :class:`~verifiedfan.stack.LocalFunction`; every function deployed is removed after the test."""

    def __init__(self, connection: LambdaConnection) -> None:
        from verifiedfan.stack import LocalLambda

        self.connection = connection
        self.client = LocalLambda(connection)
        self.deployed: list[str] = []

    def __call__(
        self,
        path: Any,
        *,
        handler: str | None = None,
        name: str | None = None,
        environment: dict[str, str] | None = None,
        timeout: int = 30,
    ) -> LocalFunction:
        fn = self.client.deploy(
            name or _unique("test"), path, handler=handler, environment=environment, timeout=timeout
        )
        self.deployed.append(fn.name)
        return fn

    def close(self) -> None:
        import contextlib

        from verifiedfan.stack import StackError

        try:
            for name in self.deployed:
                with contextlib.suppress(StackError):  # already removed by the test
                    self.client.remove(name)
        finally:
            self.client.close()


@pytest.fixture
def vf_lambda_function(vf_lambda: LambdaConnection) -> Iterator[LambdaDeployer]:
    """A factory that deploys a handler file (or code dir) to the local Lambda; removed afterwards."""
    deployer = LambdaDeployer(vf_lambda)
    try:
        yield deployer
    finally:
        deployer.close()


@pytest.fixture
def vf_otlp_receiver(vf_otlp: OtlpConnection) -> Iterator[OtlpReceiver]:
    """A client of the receiver's span API (``spans``, ``traces``, ``wait_for_spans``)."""
    from verifiedfan.stack import OtlpReceiver

    with OtlpReceiver(connection=vf_otlp) as receiver:
        yield receiver
