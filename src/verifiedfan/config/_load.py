"""``load_config``: YAML per environment, deep-merged, placeholders resolved, optionally validated."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar, overload

from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError
from pydantic_settings import BaseSettings

from verifiedfan.config._errors import ConfigValidationError, YamlError
from verifiedfan.config._resolve import Resolver, deep_merge, resolve_placeholders
from verifiedfan.config._yaml import load_yaml
from verifiedfan.errors import ConfigurationError, ValidationError

__all__ = ["load_config", "validate_config"]

M = TypeVar("M", bound=BaseModel)

_ENV = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def _read(path: Path) -> dict[str, Any]:
    data = load_yaml(path)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise YamlError(f"the top level must be a mapping, not {type(data).__name__}", source=str(path))
    return data


def validate_config(config: Mapping[str, Any], model: type[M]) -> M:
    """``config`` validated into ``model``; failures name the fields, never the (maybe secret) values."""
    try:
        return model.model_validate(dict(config))
    except PydanticValidationError as exc:
        fields = [".".join(map(str, e["loc"])) for e in exc.errors()]
        problems = [f"{f or '<root>'}: {e['msg']}" for f, e in zip(fields, exc.errors(), strict=True)]
        raise ConfigValidationError(model.__name__, fields, problems) from None


@overload
def load_config(
    env: str,
    directory: str | Path,
    *,
    model: None = None,
    environ: Mapping[str, str] | None = None,
    local: str | None = "local.yaml",
    resolvers: Mapping[str, Resolver] | None = None,
) -> dict[str, Any]: ...
@overload
def load_config(
    env: str,
    directory: str | Path,
    *,
    model: type[M],
    environ: Mapping[str, str] | None = None,
    local: str | None = "local.yaml",
    resolvers: Mapping[str, Resolver] | None = None,
) -> M: ...
def load_config(
    env: str,
    directory: str | Path,
    *,
    model: type[M] | None = None,
    environ: Mapping[str, str] | None = None,
    local: str | None = "local.yaml",
    resolvers: Mapping[str, Resolver] | None = None,
) -> dict[str, Any] | M:
    """The configuration of environment ``env`` from the YAML files of ``directory``.

    Reads ``default.yaml`` (required), then ``<env>.yaml`` (required: a misspelt environment must
    not run on the defaults), then ``local`` (``local.yaml`` by default, optional, ``None`` to skip;
    keep it out of version control), deep-merges them in that order, resolves the placeholders
    (``${VAR}``, ``${VAR:-default}``, ``${path.to.key}``, resolver hooks) against ``environ`` (the
    process environment when ``None``), and returns a dict, or an instance of ``model`` when given
    (a ``VF_*`` settings class is built by :func:`settings_from_config`: its environment variables
    still win over the files).
    """
    if not _ENV.fullmatch(env) or ".." in env:
        raise ValidationError(f"bad environment name {env!r}: letters, digits, '_', '-' and '.' only")
    folder = Path(directory)
    if not (folder / "default.yaml").is_file():
        raise ConfigurationError(f"no default.yaml in {folder}")
    env_file = folder / f"{env}.yaml"
    if not env_file.is_file():
        raise ConfigurationError(f"no config for environment {env!r}: {env_file} does not exist")
    merged = deep_merge(_read(folder / "default.yaml"), _read(env_file))
    if local is not None and (folder / local).is_file():
        merged = deep_merge(merged, _read(folder / local))
    if environ is None:
        from verifiedfan.settings import environ as process_environ

        environ = process_environ()
    resolved = resolve_placeholders(merged, environ=environ, resolvers=resolvers)
    if model is None:
        return resolved
    if issubclass(model, BaseSettings):  # a VF_* settings class: its variables still win over YAML
        from verifiedfan.config._source import settings_from_config

        return settings_from_config(model, resolved)
    return validate_config(resolved, model)
