"""The YAML config as a pydantic-settings source of the ``VF_*`` settings classes.

Precedence, highest first: keyword arguments, ``VF_*`` environment variables, the YAML section,
the class defaults. So a deployment can still override one value with an environment variable
without editing a file, and the YAML holds everything that is the same for every instance.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import ValidationError as PydanticValidationError
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

from verifiedfan.config._errors import ConfigValidationError
from verifiedfan.errors import ConfigurationError

__all__ = ["ConfigSettingsSource", "config_section", "settings_from_config"]

S = TypeVar("S", bound=BaseSettings)


def config_section(config: Mapping[str, Any], section: str | None) -> Mapping[str, Any]:
    """The mapping at dotted ``section`` of ``config`` (the whole config when ``None``)."""
    node: Any = config
    for part in (section or "").split(".") if section else []:
        if not isinstance(node, Mapping) or part not in node:
            raise ConfigurationError(f"the config has no section {section!r}")
        node = node[part]
    if not isinstance(node, Mapping):
        raise ConfigurationError(f"config section {section!r} is not a mapping")
    return node


class ConfigSettingsSource(PydanticBaseSettingsSource):
    """Serves the values of one config mapping, by field name or alias."""

    def __init__(self, settings_cls: type[BaseSettings], values: Mapping[str, Any]) -> None:
        super().__init__(settings_cls)
        self._values: dict[str, Any] = {}
        for name, field in settings_cls.model_fields.items():
            for candidate in (name, field.alias):
                if candidate and candidate in values:
                    self._values[name] = values[candidate]
                    break

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return self._values.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(self._values)


def settings_from_config(
    settings_cls: type[S], config: Mapping[str, Any], *, section: str | None = None, **init: Any
) -> S:
    """An instance of ``settings_cls`` (a ``VFSettings``) with the YAML ``section`` as a source.

    ``settings_from_config(SpotifySettings, config, section="spotify")`` reads ``spotify:`` of the
    YAML, then lets ``VF_SPOTIFY_*`` variables and ``init`` keywords override it.
    """
    values = config_section(config, section)

    class FromConfig(settings_cls):  # type: ignore[valid-type,misc]
        @classmethod
        def settings_customise_sources(
            cls,
            settings_cls: type[BaseSettings],
            init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource,
            dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
        ) -> tuple[PydanticBaseSettingsSource, ...]:
            yaml_source = ConfigSettingsSource(settings_cls, values)
            return init_settings, env_settings, dotenv_settings, yaml_source, file_secret_settings

    FromConfig.__name__ = FromConfig.__qualname__ = settings_cls.__name__
    try:
        built: S = FromConfig(**init)
    except PydanticValidationError as exc:
        fields = [".".join(map(str, e["loc"])) for e in exc.errors()]
        problems = [f"{f}: {e['msg']}" for f, e in zip(fields, exc.errors(), strict=True)]
        raise ConfigValidationError(settings_cls.__name__, fields, problems) from None
    return built
