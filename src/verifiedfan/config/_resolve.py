"""Deep merge and ``${...}`` placeholder resolution for configuration trees.

Placeholders, inside any string value:

* ``${VAR}``: the environment variable ``VAR`` (a name without a dot); unset is an error.
* ``${VAR:-default}``: ``VAR``, or ``default`` when it is unset or empty (as in POSIX shells).
* ``${path.to.key}``: another value of the same config (a name with a dot; list items by index,
  ``servers.0.host``), itself resolved first; ``${path.to.key:-default}`` when it may be missing.
* ``${prefix:argument}``: a resolver hook given by the caller (``resolvers={"secret": fetch}``).
* ``$${`` is a literal ``${``.

A string that is exactly one placeholder takes the referenced value with its type (``port:
${server.port}`` stays an int, ``db: ${databases.main}`` copies a mapping); a placeholder inside
longer text is replaced by the value's text. An unknown variable or path is an
:class:`UnresolvedPlaceholderError` naming it and where it was used; references that loop are a
:class:`ConfigCycleError` listing the loop.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from typing import Any

from verifiedfan.config._errors import ConfigCycleError, UnresolvedPlaceholderError
from verifiedfan.errors import ConfigurationError, VFError

__all__ = ["Resolver", "deep_merge", "resolve_placeholders"]

Resolver = Callable[[str], Any]

_ANY = re.compile(r"\$(\$)?\{([^{}]*)\}")
_WHOLE = re.compile(r"\$\{([^{}]*)\}")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MISSING = object()
MAX_NODES = 100_000


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """``override`` on top of ``base``: mappings merge key by key, anything else (lists too) replaces.

    An explicit ``null`` in ``override`` sets the key to ``None``. Neither input is changed.
    """
    out: dict[str, Any] = copy.deepcopy(dict(base))
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


class _Resolution:
    def __init__(self, root: Any, environ: Mapping[str, str], resolvers: Mapping[str, Resolver]) -> None:
        self.root = root
        self.environ = environ
        self.resolvers = resolvers
        self.done: dict[tuple[str, ...], Any] = {}
        self.stack: list[tuple[str, ...]] = []
        self.nodes = 0

    def lookup(self, path: tuple[str, ...]) -> Any:
        node = self.root
        for part in path:
            if isinstance(node, Mapping):
                match = [k for k in node if str(k) == part]
                if not match:
                    return _MISSING
                node = node[match[0]]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return _MISSING
        return node

    def at(self, path: tuple[str, ...], raw: Any = _MISSING) -> Any:
        if path in self.done:
            return self.done[path]
        if path in self.stack:
            loop = [*self.stack[self.stack.index(path) :], path]
            raise ConfigCycleError([".".join(p) or "<root>" for p in loop])
        self.stack.append(path)
        try:
            value = self.value(self.lookup(path) if raw is _MISSING else raw, path)
        finally:
            self.stack.pop()
        self.done[path] = value
        return value

    def value(self, raw: Any, path: tuple[str, ...]) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:  # YAML aliases can make a small file an exponential tree
            raise ConfigurationError(
                f"config has more than {MAX_NODES} values once aliases are expanded (an alias bomb?)"
            )
        if isinstance(raw, Mapping):
            return {k: self.at((*path, str(k)), v) for k, v in raw.items()}
        if isinstance(raw, list):
            return [self.at((*path, str(i)), v) for i, v in enumerate(raw)]
        if isinstance(raw, str):
            return self.string(raw, ".".join(path))
        return raw

    def string(self, text: str, at: str) -> Any:
        whole = _WHOLE.fullmatch(text)
        if whole:
            return self.placeholder(whole.group(1), at)

        def replace(match: re.Match[str]) -> str:
            if match.group(1):
                return match.group(0)[1:]
            found = self.placeholder(match.group(2), at)
            if isinstance(found, Mapping | list):
                raise ConfigurationError(
                    f"placeholder ${{{match.group(2)}}} at {at} is a mapping or list inside a string"
                )
            if isinstance(found, bool):
                return "true" if found else "false"
            return "" if found is None else str(found)

        return _ANY.sub(replace, text)

    def placeholder(self, inner: str, at: str) -> Any:
        inner = inner.strip()
        name, has_default, default = inner.partition(":-")
        if not has_default:
            prefix, colon, argument = inner.partition(":")
            if colon and prefix in self.resolvers:
                return self.hook(prefix, argument, inner, at)
        if "." in name:
            path = tuple(name.split("."))
            if any(not part for part in path):
                raise ConfigurationError(f"bad placeholder ${{{inner}}} at {at}: empty path segment")
            if self.lookup(path) is not _MISSING:
                return copy.deepcopy(self.at(path))
        else:
            if not _ENV_NAME.fullmatch(name):
                raise ConfigurationError(f"bad placeholder ${{{inner}}} at {at}")
            found = self.environ.get(name)
            if found is not None and (found != "" or not has_default):
                return found
        if has_default:
            return default
        raise UnresolvedPlaceholderError(inner, at=at)

    def hook(self, prefix: str, argument: str, inner: str, at: str) -> Any:
        try:
            return self.resolvers[prefix](argument)
        except VFError:
            raise
        except Exception as exc:
            raise ConfigurationError(
                f"resolver {prefix!r} failed for ${{{inner}}} at {at}: {type(exc).__name__}"
            ) from exc


def resolve_placeholders(
    config: Mapping[str, Any],
    *,
    environ: Mapping[str, str],
    resolvers: Mapping[str, Resolver] | None = None,
) -> dict[str, Any]:
    """A copy of ``config`` with every ``${...}`` resolved (see the module docstring)."""
    resolved: dict[str, Any] = _Resolution(config, environ, resolvers or {}).at(())
    return resolved
