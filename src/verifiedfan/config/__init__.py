"""Configuration files (the successor of ``@verifiedfan/configs`` and ``@verifiedfan/yaml``).

* :func:`load_config` reads ``default.yaml``, the environment's file and an optional ``local.yaml``,
  deep-merges them, resolves ``${VAR}``, ``${VAR:-default}`` and ``${path.to.key}`` (an unresolved
  placeholder or a cycle is a typed error naming it) and optionally validates into a pydantic model.
* :func:`settings_from_config` makes a YAML section a source of a ``VF_*`` settings class, below the
  environment variables.
* :func:`load_yaml` / :func:`dump_yaml`: safe loading only, YAML 1.2 core scalars (no ``no``/``on``
  booleans), duplicate keys refused with the line.
"""

from verifiedfan.config._errors import (
    ConfigCycleError,
    ConfigValidationError,
    DuplicateKeyError,
    UnresolvedPlaceholderError,
    YamlError,
)
from verifiedfan.config._load import load_config, validate_config
from verifiedfan.config._resolve import Resolver, deep_merge, resolve_placeholders
from verifiedfan.config._secrets import secrets_manager_resolver
from verifiedfan.config._source import ConfigSettingsSource, config_section, settings_from_config
from verifiedfan.config._yaml import dump_yaml, load_yaml

__all__ = [
    "ConfigCycleError",
    "ConfigSettingsSource",
    "ConfigValidationError",
    "DuplicateKeyError",
    "Resolver",
    "UnresolvedPlaceholderError",
    "YamlError",
    "config_section",
    "deep_merge",
    "dump_yaml",
    "load_config",
    "load_yaml",
    "resolve_placeholders",
    "secrets_manager_resolver",
    "settings_from_config",
    "validate_config",
]
