"""Typed connection settings for each local server, and their rendering as environment variables."""

from __future__ import annotations

from dataclasses import dataclass

from verifiedfan.stack._settings import StackSettings
from verifiedfan.stack._versions import HOST

__all__ = [
    "AwsConnection",
    "Connection",
    "KafkaConnection",
    "LambdaConnection",
    "MongoConnection",
    "OtlpConnection",
    "RedisConnection",
    "SchemaRegistryConnection",
    "StackConnections",
    "connection_for",
    "connections",
    "render_env",
]


@dataclass(frozen=True, kw_only=True, slots=True)
class KafkaConnection:
    """A Kafka broker: ``bootstrap_servers`` as librdkafka's ``bootstrap.servers`` expects it."""

    bootstrap_servers: str
    external: bool = False


@dataclass(frozen=True, kw_only=True, slots=True)
class SchemaRegistryConnection:
    """A Confluent-compatible schema registry; ``url`` is the Confluent API root."""

    url: str
    external: bool = False


@dataclass(frozen=True, kw_only=True, slots=True)
class RedisConnection:
    """A Redis primary and its read replica (``redis://host:port/0`` URLs)."""

    url: str
    replica_url: str
    external: bool = False


@dataclass(frozen=True, kw_only=True, slots=True)
class MongoConnection:
    """A MongoDB wire-protocol server (FerretDB locally)."""

    url: str
    external: bool = False


@dataclass(frozen=True, kw_only=True, slots=True)
class AwsConnection:
    """An AWS API emulator (moto server): pass ``endpoint_url`` and the fake credentials to boto3."""

    endpoint_url: str
    region: str = "us-east-1"
    access_key_id: str = "testing"
    secret_access_key: str = "testing"  # noqa: S105 - moto accepts any value: not a secret
    external: bool = False


@dataclass(frozen=True, kw_only=True, slots=True)
class LambdaConnection:
    """The local Lambda (AWS's Runtime Interface Emulator behind the Invoke API).

    Give ``endpoint_url`` to a Lambda client (boto3, aiobotocore, ``verifiedfan.aws.Lambda``);
    deploy functions with :class:`verifiedfan.stack.LocalLambda`.
    """

    endpoint_url: str
    region: str = "us-east-1"
    access_key_id: str = "testing"
    secret_access_key: str = "testing"  # noqa: S105 - the emulator checks no signature: not a secret
    external: bool = False


@dataclass(frozen=True, kw_only=True, slots=True)
class OtlpConnection:
    """An OTLP/HTTP receiver; ``endpoint`` is what ``OTEL_EXPORTER_OTLP_ENDPOINT`` takes."""

    endpoint: str
    external: bool = False

    @property
    def traces_url(self) -> str:
        """Where an ``OTLPSpanExporter(endpoint=...)`` posts spans."""
        return f"{self.endpoint.rstrip('/')}/v1/traces"


Connection = (
    KafkaConnection
    | SchemaRegistryConnection
    | RedisConnection
    | MongoConnection
    | AwsConnection
    | LambdaConnection
    | OtlpConnection
)


@dataclass(frozen=True, kw_only=True, slots=True)
class StackConnections:
    """The connection settings of every server of the stack."""

    kafka: KafkaConnection
    schema_registry: SchemaRegistryConnection
    redis: RedisConnection
    mongo: MongoConnection
    aws: AwsConnection
    lambda_: LambdaConnection
    otlp: OtlpConnection


def connections(settings: StackSettings) -> StackConnections:
    """Connection settings: the external servers named in ``settings``, else the local ones."""
    s = settings
    return StackConnections(
        kafka=KafkaConnection(
            bootstrap_servers=s.kafka_bootstrap or f"{HOST}:{s.kafka_port}",
            external=s.kafka_bootstrap is not None,
        ),
        schema_registry=SchemaRegistryConnection(
            url=s.registry_url or f"http://{HOST}:{s.registry_port}/apis/ccompat/v7",
            external=s.registry_url is not None,
        ),
        redis=RedisConnection(
            url=s.redis_url or f"redis://{HOST}:{s.redis_port}/0",
            replica_url=s.redis_replica_url or s.redis_url or f"redis://{HOST}:{s.redis_replica_port}/0",
            external=s.redis_url is not None,
        ),
        mongo=MongoConnection(
            url=s.mongo_url or f"mongodb://{HOST}:{s.mongo_port}/",
            external=s.mongo_url is not None,
        ),
        aws=AwsConnection(
            endpoint_url=s.aws_endpoint_url or f"http://{HOST}:{s.aws_port}",
            external=s.aws_endpoint_url is not None,
        ),
        lambda_=LambdaConnection(
            endpoint_url=s.lambda_endpoint_url or f"http://{HOST}:{s.lambda_port}",
            external=s.lambda_endpoint_url is not None,
        ),
        otlp=OtlpConnection(
            endpoint=s.otlp_endpoint or f"http://{HOST}:{s.otlp_port}",
            external=s.otlp_endpoint is not None,
        ),
    )


def connection_for(settings: StackSettings, name: str) -> Connection:
    """The connection settings of one server (``kafka``, ``schema-registry``, ``redis``...)."""
    conns = connections(settings)
    attr = "lambda_" if name == "lambda" else name.replace("-", "_")
    if attr not in StackConnections.__dataclass_fields__:
        from verifiedfan.stack._errors import StackError

        raise StackError(f"unknown server {name!r}")
    value: Connection = getattr(conns, attr)
    return value


def render_env(settings: StackSettings) -> dict[str, str]:
    """The environment variables that point a process (or another pytest run) at these servers.

    ``eval "$(vf stack env --export)"`` configures every client of a service at once: the
    ``VF_KAFKA_*``, ``VF_REDIS_*``, ``VF_MONGO_*`` and ``VF_AWS_*`` variables are the ones the
    clients' settings classes read; the ``VF_STACK_*`` ones are read back by :class:`StackSettings`
    (and the pytest plugin); the others are the standard variables of boto3 and the OpenTelemetry SDK.
    """
    c = connections(settings)
    return {
        "VF_KAFKA_BROKERS": c.kafka.bootstrap_servers,
        "VF_KAFKA_REGISTRY_URL": c.schema_registry.url,
        "VF_REDIS_URL": c.redis.url,
        "VF_REDIS_READ_ONLY_URL": c.redis.replica_url,
        "VF_MONGO_HOSTS": c.mongo.url,
        "VF_AWS_ENDPOINT_URL": c.aws.endpoint_url,
        "VF_AWS_REGION": c.aws.region,
        "VF_STACK_KAFKA_BOOTSTRAP": c.kafka.bootstrap_servers,
        "VF_STACK_REGISTRY_URL": c.schema_registry.url,
        "VF_STACK_REDIS_URL": c.redis.url,
        "VF_STACK_REDIS_REPLICA_URL": c.redis.replica_url,
        "VF_STACK_MONGO_URL": c.mongo.url,
        "VF_STACK_AWS_ENDPOINT_URL": c.aws.endpoint_url,
        "VF_STACK_OTLP_ENDPOINT": c.otlp.endpoint,
        "VF_STACK_LAMBDA_ENDPOINT_URL": c.lambda_.endpoint_url,
        "AWS_ENDPOINT_URL": c.aws.endpoint_url,
        "AWS_ACCESS_KEY_ID": c.aws.access_key_id,
        "AWS_SECRET_ACCESS_KEY": c.aws.secret_access_key,
        "AWS_DEFAULT_REGION": c.aws.region,
        "OTEL_EXPORTER_OTLP_ENDPOINT": c.otlp.endpoint,
        "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
    }
