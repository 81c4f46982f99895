"""``${secret:NAME}`` and ``${secret:NAME#key}`` in config files, read from AWS Secrets Manager."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from verifiedfan.config._resolve import Resolver
from verifiedfan.errors import ConfigurationError

if TYPE_CHECKING:
    from verifiedfan.aws import SyncAwsClients

__all__ = ["secrets_manager_resolver"]


def secrets_manager_resolver(clients: SyncAwsClients, *, ttl: float = 300.0) -> Resolver:
    """A resolver for ``load_config(..., resolvers={"secret": secrets_manager_resolver(clients)})``.

    ``${secret:prod/spotify}`` is the secret's whole ``SecretString``; ``${secret:prod/spotify#client_id}``
    one key of its JSON object (a missing key is a :class:`~verifiedfan.errors.ConfigurationError`
    naming the key, never the value). Each secret is read once per ``ttl`` (a
    :class:`~verifiedfan.aws.SyncSecretsManager` per name). Values that rotate while the service runs
    belong in :class:`~verifiedfan.aws.SecretBackedSettings` instead: a config file is read at startup.
    """
    from verifiedfan.aws import SyncSecretsManager

    readers: dict[str, SyncSecretsManager] = {}

    def resolve(argument: str) -> Any:
        name, _, key = argument.partition("#")
        if not name:
            raise ConfigurationError("secret placeholder needs a secret name: ${secret:NAME#key}")
        reader = readers.get(name)
        if reader is None:
            reader = readers[name] = SyncSecretsManager(name, clients=clients, ttl=ttl)
        if not key:
            return reader.get_secret()
        values = reader.get_secret_json()
        if not isinstance(values, dict) or key not in values:
            raise ConfigurationError(f"secret {name!r} has no key {key!r}")
        return values[key]

    return resolve
