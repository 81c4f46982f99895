"""The Kafka TLS settings read from a Secrets Manager secret (on the stack's moto server), as the
original's async ``ssl`` provider did: read once on first connect, nothing of it in an error."""

from __future__ import annotations

import json

import pytest

from verifiedfan.aws import AwsClients, SecretsManager
from verifiedfan.errors import ConfigurationError
from verifiedfan.kafka import SslConfig, ssl_from_secret
from verifiedfan.kafka._broker_settings import Session

CA = "-----BEGIN CERTIFICATE-----\nca-canary-7f3a\n-----END CERTIFICATE-----\n"
CERT = "-----BEGIN CERTIFICATE-----\ncert-canary-91bc\n-----END CERTIFICATE-----\n"
KEY = "-----BEGIN PRIVATE KEY-----\nkey-canary-d00d\n-----END PRIVATE KEY-----\n"


async def store(clients: AwsClients, name: str, value: object) -> None:
    client = await clients.secretsmanager()
    await client.put_secret_value(SecretId=name, SecretString=json.dumps(value))


async def test_the_provider_reads_the_secret_once(aws_clients: AwsClients, vf_secret: str) -> None:
    await store(aws_clients, vf_secret, {"ca": CA, "cert": CERT, "key": KEY, "rejectUnauthorized": True})
    session = Session(
        brokers="127.0.0.1:9093",
        client_id="t",
        ssl=ssl_from_secret(SecretsManager(vf_secret, clients=aws_clients)),
    )
    config = await session.ssl_config()
    assert config == SslConfig(ca=CA, cert=CERT, key=KEY, verify=True)
    conf = config.to_librdkafka()
    assert conf["security.protocol"] == "SSL"
    assert (conf["ssl.ca.pem"], conf["ssl.certificate.pem"], conf["ssl.key.pem"]) == (CA, CERT, KEY)
    assert "key-canary" not in repr(config)
    await store(aws_clients, vf_secret, {"ca": "rotated"})
    assert await session.ssl_config() is config  # resolved once, on first connect


async def test_own_key_names_and_verification_off(aws_clients: AwsClients, vf_secret: str) -> None:
    await store(aws_clients, vf_secret, {"kafka_ca": CA, "rejectUnauthorized": False})
    provider = ssl_from_secret(SecretsManager(vf_secret, clients=aws_clients), fields={"ca": "kafka_ca"})
    config = await provider()
    assert (config.ca, config.cert, config.key, config.verify) == (CA, None, None, False)


@pytest.mark.parametrize(
    ("value", "match"),
    [
        ({"cert": CERT}, "'cert' and 'key' together"),
        ({"key": KEY}, "neither 'ca' nor 'cert'"),
        ({"ca": CA, "key_password": 1234}, "'key_password' is not a string"),
        ({"ca": CA, "rejectUnauthorized": "no"}, "rejectUnauthorized is not a boolean"),
    ],
)
async def test_a_bad_secret_is_a_configuration_error_without_its_values(
    aws_clients: AwsClients, vf_secret: str, value: object, match: str
) -> None:
    await store(aws_clients, vf_secret, value)
    with pytest.raises(ConfigurationError, match=match) as info:
        await ssl_from_secret(SecretsManager(vf_secret, clients=aws_clients))()
    assert "canary" not in str(info.value)


def test_unknown_field_names_are_refused_at_once() -> None:
    with pytest.raises(ConfigurationError, match="unknown fields"):
        ssl_from_secret(SecretsManager("any"), fields={"certificate": "cert"})
