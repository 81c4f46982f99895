"""Real local servers for tests and development, started from package registries (no Docker).

``Stack`` installs (first use), starts, checks, stops and disturbs: Kafka (KRaft), a Confluent-
compatible schema registry (Apicurio), Redis primary + replica, a MongoDB wire server (FerretDB),
AWS (moto server), a local Lambda that runs real Python handlers (AWS's Runtime Interface
Emulator with ``awslambdaric``, one per function, behind the Invoke API) and an OTLP/HTTP
receiver. Everything binds to 127.0.0.1. The ``vf stack`` command and the pytest plugin
(``verifiedfan.testing.plugin``) are built on it::

    from verifiedfan.stack import Stack, StackSettings

    stack = Stack(settings=StackSettings())
    stack.up(["redis"])
    print(stack.connection("redis"))
"""

from verifiedfan.stack._connections import (
    AwsConnection,
    Connection,
    KafkaConnection,
    LambdaConnection,
    MongoConnection,
    OtlpConnection,
    RedisConnection,
    SchemaRegistryConnection,
    StackConnections,
    connection_for,
    connections,
    render_env,
)
from verifiedfan.stack._errors import (
    StackError,
    StackInstallError,
    StackPrerequisiteError,
    StackStartError,
)
from verifiedfan.stack._install import Reporter
from verifiedfan.stack._local_lambda import LocalFunction, LocalLambda
from verifiedfan.stack._proc import ProcessRecord
from verifiedfan.stack._results import ServerStatus, UpResult
from verifiedfan.stack._settings import StackSettings
from verifiedfan.stack._spans import OtlpReceiver, ReceivedSpan
from verifiedfan.stack._stack import Stack
from verifiedfan.stack._versions import DEFAULT_PORTS, SERVER_NAMES, VERSIONS

__all__ = [
    "DEFAULT_PORTS",
    "SERVER_NAMES",
    "VERSIONS",
    "AwsConnection",
    "Connection",
    "KafkaConnection",
    "LambdaConnection",
    "LocalFunction",
    "LocalLambda",
    "MongoConnection",
    "OtlpConnection",
    "OtlpReceiver",
    "ProcessRecord",
    "ReceivedSpan",
    "RedisConnection",
    "Reporter",
    "SchemaRegistryConnection",
    "ServerStatus",
    "Stack",
    "StackConnections",
    "StackError",
    "StackInstallError",
    "StackPrerequisiteError",
    "StackSettings",
    "StackStartError",
    "UpResult",
    "connection_for",
    "connections",
    "render_env",
]
