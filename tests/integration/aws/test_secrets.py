"""Secrets Manager against moto: values, JSON, the TTL cache, and settings refreshed from a rotated
secret (use-cases scenario 3: a rotated Spotify client id reaches the service without a redeploy)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import pytest

from verifiedfan.aws import (
    AwsClients,
    AwsError,
    AwsNotFoundError,
    AwsSettings,
    SecretBackedSettings,
    SecretsManager,
    SyncAwsClients,
    SyncSecretsManager,
)
from verifiedfan.errors import ConfigurationError
from verifiedfan.music import SpotifySettings
from verifiedfan.testing.aws import FaultyClient


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def sync_clients(vf_aws_settings: AwsSettings) -> Iterator[SyncAwsClients]:
    with SyncAwsClients(vf_aws_settings) as clients:
        yield clients


def rotate(clients: SyncAwsClients, name: str, value: dict[str, str]) -> None:
    clients.secretsmanager().put_secret_value(SecretId=name, SecretString=json.dumps(value))


async def test_get_secret_and_cache(
    aws_clients: AwsClients, vf_secret: str, sync_clients: SyncAwsClients
) -> None:
    rotate(sync_clients, vf_secret, {"token": "one"})
    faulty = FaultyClient(await aws_clients.secretsmanager())
    clock = Clock()
    secret = SecretsManager(
        vf_secret, clients=AwsClients(clients={"secretsmanager": faulty}), ttl=60, clock=clock
    )
    assert await secret.get_secret_json() == {"token": "one"}
    rotate(sync_clients, vf_secret, {"token": "two"})
    results = await asyncio.gather(*(secret.get_secret_json() for _ in range(5)))
    assert results == [{"token": "one"}] * 5  # cached
    clock.now += 61
    results = await asyncio.gather(*(secret.get_secret_json() for _ in range(5)))
    assert results == [{"token": "two"}] * 5
    assert len(faulty.calls) == 2  # one call per expiry, shared by the concurrent readers
    assert await secret.get_secret(force=True) == '{"token": "two"}'
    assert "two" not in repr(secret)


async def test_errors(aws_clients: AwsClients, vf_secret: str, sync_clients: SyncAwsClients) -> None:
    with pytest.raises(AwsNotFoundError, match="ResourceNotFoundException"):
        await SecretsManager("no/such/secret", clients=aws_clients).get_secret()
    sync_clients.secretsmanager().put_secret_value(SecretId=vf_secret, SecretString="not-json-hunter2")
    with pytest.raises(AwsError, match="is not JSON") as info:
        await SecretsManager(vf_secret, clients=aws_clients).get_secret_json()
    assert "hunter2" not in str(info.value)
    assert info.value.__cause__ is None


def test_sync_twin(sync_clients: SyncAwsClients, vf_secret: str) -> None:
    rotate(sync_clients, vf_secret, {"a": "b"})
    assert SyncSecretsManager(vf_secret, clients=sync_clients).get_secret_json() == {"a": "b"}


def test_rotated_spotify_client_id_is_picked_up_without_redeploy(
    sync_clients: SyncAwsClients, vf_secret: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VF_SPOTIFY_CLIENT_ID", "stale-from-the-deploy")
    monkeypatch.setenv("VF_SPOTIFY_MAX_CONNECTIONS", "5")
    rotate(sync_clients, vf_secret, {"VF_SPOTIFY_CLIENT_ID": "id-1", "client_secret": "s-1"})
    clock = Clock()
    music = SecretBackedSettings(
        SpotifySettings, SyncSecretsManager(vf_secret, clients=sync_clients, ttl=300, clock=clock)
    )
    first = music.get()
    assert isinstance(first, SpotifySettings)
    assert first.client_id == "id-1"  # the secret wins over the stale variable
    assert first.client_secret.get_secret_value() == "s-1"
    assert first.max_connections == 5  # the environment still fills the rest
    assert music.get() is first

    rotate(sync_clients, vf_secret, {"VF_SPOTIFY_CLIENT_ID": "id-2", "client_secret": "s-2"})
    assert music.get().client_id == "id-1"  # within the TTL
    clock.now += 301
    rotated = music.get()
    assert rotated.client_id == "id-2"
    assert rotated.client_secret.get_secret_value() == "s-2"


async def test_async_settings_and_invalid_values(
    aws_clients: AwsClients, sync_clients: SyncAwsClients, vf_secret: str
) -> None:
    rotate(sync_clients, vf_secret, {"client_id": "a", "max_connections": "-1-secret-ish"})
    music = SecretBackedSettings(SpotifySettings, SecretsManager(vf_secret, clients=aws_clients))
    with pytest.raises(ConfigurationError, match=r"\['max_connections'\]") as info:
        await music.aget()
    assert "secret-ish" not in str(info.value)
    rotate(sync_clients, vf_secret, {"client_id": "a"})
    music = SecretBackedSettings(SpotifySettings, SecretsManager(vf_secret, clients=aws_clients))
    assert (await music.aget()).client_id == "a"
    with pytest.raises(ConfigurationError, match="needs a SyncSecretsManager"):
        music.get()
