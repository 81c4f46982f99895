"""Declarative routes: ``@route("GET", "/v1/users/{id}")`` on a sandbox app's methods."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from verifiedfan.errors import ConfigurationError

__all__ = ["Route", "Router", "route"]

F = TypeVar("F", bound=Callable[..., Any])
_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_ATTR = "__sandbox_routes__"


@dataclass(frozen=True, slots=True)
class Route:
    """A declared route: ``handler`` is the method's name on the app; ``faults=False`` exempts it
    from the fault knobs and the rate limit (token endpoints, health checks)."""

    method: str
    template: str
    handler: str
    faults: bool = True
    key: str = ""  # "GET /v1/users/{id}": the route's name in counters (set from method and template)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", f"{self.method} {self.template}")


def route(method: str, template: str, *, faults: bool = True) -> Callable[[F], F]:
    """Declare the decorated app method as the handler of ``method template``.

    ``template`` is a path whose ``{name}`` parts each match one path segment and are passed to
    the handler as keyword arguments: ``def handler(self, request, name) -> Response``. A method
    may carry several ``@route`` decorators.
    """
    method = method.upper()
    if not template.startswith("/"):
        raise ConfigurationError(f"a route template starts with '/': {template!r}")

    def decorate(fn: F) -> F:
        routes = list(getattr(fn, _ATTR, ()))
        routes.append((method, template, faults))
        setattr(fn, _ATTR, routes)
        return fn

    return decorate


def collect(cls: type) -> list[Route]:
    """Every route declared on ``cls`` and its bases (a subclass's method overrides its base's)."""
    found: dict[tuple[str, str], Route] = {}
    for klass in reversed(cls.__mro__):
        for name, value in vars(klass).items():
            for method, template, faults in getattr(value, _ATTR, ()):
                found[(method, template)] = Route(method, template, name, faults)
    return list(found.values())


def _compile(template: str) -> re.Pattern[str]:
    parts = _PARAM.split(template)  # literal, name, literal, name, ..., literal
    regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>[^/]+)" for i, p in enumerate(parts))
    return re.compile(f"^{regex}$")


class Router:
    """Matches a method and path to a route: literal templates by one dict lookup, templates with
    parameters by regular expression, in declaration order."""

    def __init__(self, routes: list[Route], *, strict_slashes: bool = False) -> None:
        self.routes = routes
        self.strict_slashes = strict_slashes
        self._static: dict[str, dict[str, Route]] = {}
        self._dynamic: list[tuple[re.Pattern[str], dict[str, Route]]] = []
        patterns: dict[str, dict[str, Route]] = {}
        for r in routes:
            if _PARAM.search(r.template) is None:
                self._static.setdefault(r.template, {})[r.method] = r
                continue
            table = patterns.get(r.template)
            if table is None:
                table = patterns[r.template] = {}
                self._dynamic.append((_compile(r.template), table))
            table[r.method] = r

    def match(self, method: str, path: str) -> tuple[Route | None, dict[str, str], tuple[str, ...]]:
        """``(route, params, allowed)``: the route and its parameters, or ``None`` with the methods
        the path allows (empty when the path is unknown: a 404, else a 405)."""
        if not self.strict_slashes and len(path) > 1 and path.endswith("/"):
            path = path.rstrip("/") or "/"
        table = self._static.get(path)
        if table is not None:
            found = table.get(method)
            return (found, {}, ()) if found is not None else (None, {}, tuple(table))
        for regex, table in self._dynamic:
            m = regex.match(path)
            if m is not None:
                found = table.get(method)
                return (found, m.groupdict(), ()) if found is not None else (None, {}, tuple(table))
        return None, {}, ()
