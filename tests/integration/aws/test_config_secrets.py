"""``${secret:NAME#key}`` in YAML config files, resolved from Secrets Manager on the stack's moto server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from verifiedfan.aws import AwsNotFoundError, AwsSettings, SyncAwsClients
from verifiedfan.config import load_config, secrets_manager_resolver
from verifiedfan.errors import ConfigurationError

pytestmark = [pytest.mark.integration, pytest.mark.aws]


@pytest.fixture
def clients(vf_aws_settings: AwsSettings) -> Iterator[SyncAwsClients]:
    with SyncAwsClients(vf_aws_settings) as made:
        yield made


def test_secret_placeholders(tmp_path: Path, clients: SyncAwsClients, vf_secret: str) -> None:
    value = {"client_id": "app-id-1", "client_secret": "s3cr3t-value"}
    clients.secretsmanager().put_secret_value(SecretId=vf_secret, SecretString=json.dumps(value))
    (tmp_path / "default.yaml").write_text(
        "spotify:\n"
        f"  client_id: ${{secret:{vf_secret}#client_id}}\n"
        f"  client_secret: ${{secret:{vf_secret}#client_secret}}\n"
        f"  raw: ${{secret:{vf_secret}}}\n"
    )
    (tmp_path / "prod.yaml").write_text("")
    config = load_config(
        "prod", tmp_path, environ={}, resolvers={"secret": secrets_manager_resolver(clients)}
    )
    assert config["spotify"]["client_id"] == "app-id-1"
    assert config["spotify"]["client_secret"] == "s3cr3t-value"
    assert json.loads(config["spotify"]["raw"]) == value


def test_missing_key_and_missing_secret(tmp_path: Path, clients: SyncAwsClients, vf_secret: str) -> None:
    clients.secretsmanager().put_secret_value(SecretId=vf_secret, SecretString='{"a": "hidden-value"}')
    (tmp_path / "prod.yaml").write_text("")
    resolvers = {"secret": secrets_manager_resolver(clients)}
    (tmp_path / "default.yaml").write_text(f"x: ${{secret:{vf_secret}#b}}\n")
    with pytest.raises(ConfigurationError, match=r"has no key 'b'") as info:
        load_config("prod", tmp_path, environ={}, resolvers=resolvers)
    assert "hidden-value" not in str(info.value)
    (tmp_path / "default.yaml").write_text("x: ${secret:no/such/secret-x1#a}\n")
    with pytest.raises(
        AwsNotFoundError,
        match=r"secretsmanager\.GetSecretValue failed: ResourceNotFoundException: Secrets Manager can't",
    ):
        load_config("prod", tmp_path, environ={}, resolvers=resolvers)
