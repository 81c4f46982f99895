"""The typed errors of :mod:`verifiedfan.config` (all :class:`~verifiedfan.errors.ConfigurationError`)."""

from __future__ import annotations

from collections.abc import Sequence

from verifiedfan.errors import ConfigurationError

__all__ = [
    "ConfigCycleError",
    "ConfigValidationError",
    "DuplicateKeyError",
    "UnresolvedPlaceholderError",
    "YamlError",
]


class YamlError(ConfigurationError):
    """A YAML document could not be read: bad syntax, an unsafe tag, or a duplicate key.

    ``source`` names the file (or ``<string>``), ``line`` is 1-based when known.
    """

    def __init__(self, message: str, *, source: str = "<string>", line: int | None = None) -> None:
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {message}")
        self.source = source
        self.line = line


class DuplicateKeyError(YamlError):
    """A mapping names the same key twice (YAML 1.2 says keys are unique; PyYAML keeps the last)."""

    def __init__(self, key: object, *, source: str, line: int, first_line: int) -> None:
        super().__init__(
            f"duplicate key {key!r} (first defined on line {first_line})", source=source, line=line
        )
        self.key = key
        self.first_line = first_line


class UnresolvedPlaceholderError(ConfigurationError):
    """A ``${...}`` placeholder names an environment variable or a config path that does not exist."""

    def __init__(self, placeholder: str, *, at: str) -> None:
        super().__init__(f"unresolved placeholder ${{{placeholder}}} at {at or '<root>'}")
        self.placeholder = placeholder
        self.at = at


class ConfigCycleError(ConfigurationError):
    """``${path.to.key}`` references loop back on themselves; ``cycle`` lists the paths in order."""

    def __init__(self, cycle: Sequence[str]) -> None:
        super().__init__(f"placeholder cycle: {' -> '.join(cycle)}")
        self.cycle = tuple(cycle)


class ConfigValidationError(ConfigurationError):
    """The merged config does not fit the settings model; ``fields`` names the failing paths.

    The values are left out on purpose: a config may hold secrets.
    """

    def __init__(self, model: str, fields: Sequence[str], problems: Sequence[str]) -> None:
        super().__init__(f"config does not fit {model}: " + "; ".join(problems))
        self.fields = tuple(fields)
