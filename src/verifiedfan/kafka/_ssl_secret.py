"""TLS settings for the brokers read from a secret (the original's async ``ssl`` provider that
fetched the certificates from Secrets Manager): ``Kafka(ssl=ssl_from_secret(SecretsManager(...)))``.

The secret is a JSON object holding PEM text: ``ca``, ``cert``, ``key``, optionally ``key_password``
and ``rejectUnauthorized`` (the Node client's name; ``false`` turns certificate verification off).
Other key names are given with ``fields=``. Read once, on first connect (the producer and consumer
cache what a provider returns); nothing of the secret reaches a log line or an error message.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from verifiedfan.errors import ConfigurationError
from verifiedfan.kafka._models import SslConfig, SslProvider

__all__ = ["JsonSecret", "ssl_from_secret"]

_FIELDS = {"ca": "ca", "cert": "cert", "key": "key", "key_password": "key_password"}


class JsonSecret(Protocol):
    """What the provider reads: :class:`verifiedfan.aws.SecretsManager` (or anything with the
    same ``get_secret_json``)."""

    async def get_secret_json(self) -> Any: ...


def ssl_from_secret(secret: JsonSecret, *, fields: Mapping[str, str] | None = None) -> SslProvider:
    """An async ``ssl`` provider for :class:`~verifiedfan.kafka.Kafka` and
    :class:`~verifiedfan.kafka.KafkaConsumer` reading :class:`SslConfig` from a JSON secret.
    ``fields`` maps ``ca``/``cert``/``key``/``key_password`` to the secret's own key names. A secret
    that is not an object, holds a non-string value, or carries neither ``ca`` nor ``cert`` raises
    :class:`~verifiedfan.errors.ConfigurationError` naming the key, never its value."""
    names = {**_FIELDS, **dict(fields or {})}
    unknown = set(names) - set(_FIELDS)
    if unknown:
        raise ConfigurationError(
            f"ssl_from_secret: unknown fields {sorted(unknown)}; known: {sorted(_FIELDS)}"
        )

    async def provide() -> SslConfig:
        data = await secret.get_secret_json()
        if not isinstance(data, dict):
            raise ConfigurationError("the Kafka TLS secret is not a JSON object")
        values: dict[str, str | None] = {}
        for field, key in names.items():
            value = data.get(key)
            if value is not None and not isinstance(value, str):
                raise ConfigurationError(f"the Kafka TLS secret's {key!r} is not a string")
            values[field] = value or None
        if not values["ca"] and not values["cert"]:
            raise ConfigurationError(
                f"the Kafka TLS secret holds neither {names['ca']!r} nor {names['cert']!r}"
            )
        if bool(values["cert"]) != bool(values["key"]):
            raise ConfigurationError(
                f"the Kafka TLS secret needs {names['cert']!r} and {names['key']!r} together"
            )
        verify = data.get("rejectUnauthorized", data.get("verify", True))
        if not isinstance(verify, bool):
            raise ConfigurationError("the Kafka TLS secret's rejectUnauthorized is not a boolean")
        return SslConfig(
            ca=values["ca"],
            cert=values["cert"],
            key=values["key"],
            key_password=values["key_password"],
            verify=verify,
        )

    return provide
