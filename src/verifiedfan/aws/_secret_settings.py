"""Settings filled from a Secrets Manager secret, re-read after its TTL (use-cases scenario 3).

A rotated Spotify client id in the secret reaches the service without a redeploy::

    secret = SyncSecretsManager("prod/music", clients=SyncAwsClients(aws), ttl=300)
    spotify = SecretBackedSettings(SpotifySettings, secret)
    settings = spotify.get()        # rebuilt when the secret changed, at most every 300 s

The secret is a JSON object whose keys are field names (``client_id``) or the
environment variable names (``VF_SPOTIFY_CLIENT_ID``), in any case. Priority: keywords given
to ``get``'s constructor, then the secret, then the environment, then the defaults; so the secret
wins over a stale ``VF_*`` variable, which is scenario 3's failure.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import ValidationError as PydanticValidationError
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

from verifiedfan.errors import ConfigurationError

if TYPE_CHECKING:
    from verifiedfan.aws._async.secrets import SecretsManager
    from verifiedfan.aws._sync.secrets import SyncSecretsManager

__all__ = ["SecretBackedSettings", "SecretSettingsSource", "settings_values_from_secret"]

S = TypeVar("S", bound=BaseSettings)


def settings_values_from_secret(
    settings_cls: type[BaseSettings], secret: Mapping[str, Any]
) -> dict[str, Any]:
    """The values of ``settings_cls``'s fields found in ``secret`` (by field name, alias or env name)."""
    lookup = {str(key).lower(): value for key, value in secret.items()}
    prefix = str(settings_cls.model_config.get("env_prefix") or "").lower()
    out: dict[str, Any] = {}
    for name, field in settings_cls.model_fields.items():
        for candidate in (name, field.alias, f"{prefix}{name}"):
            if candidate and candidate.lower() in lookup:
                out[name] = lookup[candidate.lower()]
                break
    return out


class SecretSettingsSource(PydanticBaseSettingsSource):
    """A pydantic-settings source serving the values of one secret's JSON object."""

    def __init__(self, settings_cls: type[BaseSettings], values: Mapping[str, Any]) -> None:
        super().__init__(settings_cls)
        self._values = settings_values_from_secret(settings_cls, values)

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return self._values.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(self._values)


def _with_secret(settings_cls: type[S], holder: _Values) -> type[S]:
    class WithSecret(settings_cls):  # type: ignore[valid-type,misc]
        @classmethod
        def settings_customise_sources(
            cls,
            settings_cls: type[BaseSettings],
            init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource,
            dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
        ) -> tuple[PydanticBaseSettingsSource, ...]:
            source = SecretSettingsSource(settings_cls, holder.values)
            return init_settings, source, env_settings, dotenv_settings, file_secret_settings

    WithSecret.__name__ = WithSecret.__qualname__ = settings_cls.__name__
    return WithSecret


class _Values:
    values: Mapping[str, Any] = {}


class SecretBackedSettings(Generic[S]):
    """Instances of ``settings_cls`` whose values come from a secret, rebuilt when the secret changes.

    ``get()`` (with a :class:`SyncSecretsManager`) or ``await aget()`` (with a
    :class:`SecretsManager`) return the current settings: the secret is read through its client's
    TTL cache, and a new settings object is built only when the secret's value changed. Keep the
    holder, call ``get()`` where the settings are used (not once at startup).
    """

    def __init__(
        self,
        settings_cls: type[S],
        secret: SecretsManager | SyncSecretsManager,
        **init_kwargs: Any,
    ) -> None:
        self._holder = _Values()
        self._cls = _with_secret(settings_cls, self._holder)
        self._secret = secret
        self._init_kwargs = init_kwargs
        self._raw: str | bytes | None = None
        self._current: S | None = None
        self._lock = threading.Lock()

    def _rebuild(self, raw: str | bytes, values: Mapping[str, Any]) -> S:
        with self._lock:
            if self._current is None or raw != self._raw:
                self._holder.values = values
                try:
                    self._current = self._cls(**self._init_kwargs)
                except PydanticValidationError as exc:
                    # the fields only: pydantic's message would show the (secret) input values
                    fields = sorted({".".join(map(str, e["loc"])) for e in exc.errors()})
                    raise ConfigurationError(f"settings from the secret are invalid: {fields}") from None
                self._raw = raw
            return self._current

    def get(self) -> S:
        """The current settings (reads the secret when its cache expired)."""
        from verifiedfan.aws._sync.secrets import SyncSecretsManager

        if not isinstance(self._secret, SyncSecretsManager):
            raise ConfigurationError("get() needs a SyncSecretsManager; use await aget() with SecretsManager")
        raw = self._secret.get_secret()
        if raw == self._raw and self._current is not None:
            return self._current
        return self._rebuild(raw, self._secret.get_secret_json())

    async def aget(self) -> S:
        """The current settings (reads the secret when its cache expired), without blocking the loop."""
        from verifiedfan.aws._async.secrets import SecretsManager

        if not isinstance(self._secret, SecretsManager):
            raise ConfigurationError("aget() needs a SecretsManager; use get() with SyncSecretsManager")
        raw = await self._secret.get_secret()
        if raw == self._raw and self._current is not None:
            return self._current
        return self._rebuild(raw, await self._secret.get_secret_json())
