"""The per-client map from an HTTP error answer to a typed :class:`~verifiedfan.errors.VFError`.

The HTTP core raises the generic class of a status (``UnauthorizedError`` for 401...). A client's
:class:`ErrorMap` turns it into the class its callers catch, keeping status, body, method, URL and
headers, and chaining the original::

    error_map = ErrorMap({
        401: AppleDeveloperTokenError,
        403: (AppleUserTokenError, "the Music-User-Token was rejected"),
        404: ErrorRule(SchemaNotFoundError, when=lambda e: body_code(e) == 40401),
    })

A rule's target is an :class:`~verifiedfan.errors.HTTPStatusError` subclass (built with the same
fields) or any callable ``(error, message) -> VFError`` (for families with their own constructor).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from verifiedfan.errors import HTTPStatusError, RateLimitedError, VFError

__all__ = ["ErrorMap", "ErrorRule", "body_field"]

ErrorFactory = Callable[[HTTPStatusError, str], VFError]


def body_field(error: HTTPStatusError, *path: str) -> Any:
    """``error.body[path[0]][path[1]]...`` when the body is JSON with that path, else ``None``."""
    value: Any = error.body
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


@dataclass(frozen=True, slots=True)
class ErrorRule:
    """One mapping: the target class (or factory), an optional message, an optional body test."""

    error: type[HTTPStatusError] | ErrorFactory
    message: str | None = None
    when: Callable[[HTTPStatusError], bool] | None = None

    def build(self, error: HTTPStatusError) -> VFError:
        message = self.message or str(error)
        if self.message and error.service_name and not message.startswith(f"{error.service_name}:"):
            message = f"{error.service_name}: {message}"
        target = self.error
        if isinstance(target, type) and issubclass(target, HTTPStatusError):
            common: dict[str, Any] = {
                "status": error.status_code,
                "body": error.body,
                "method": error.method,
                "url": error.url,
                "service_name": error.service_name,
                "headers": error.headers,
            }
            if issubclass(target, RateLimitedError):
                common["retry_after"] = getattr(error, "retry_after", None)
            built: VFError = target(message, **common)
        else:
            factory = cast(ErrorFactory, target)
            built = factory(error, message)
        for note in getattr(error, "__notes__", ()):
            built.add_note(note)
        return built


RuleLike = type[HTTPStatusError] | tuple[type[HTTPStatusError], str] | ErrorRule | Sequence[ErrorRule]


class ErrorMap:
    """Status code (and body) -> error class, for one client. ``default`` applies to unmapped
    statuses (``None``: keep the core's generic class)."""

    __slots__ = ("_default", "_rules")

    def __init__(
        self, rules: Mapping[int, RuleLike] | None = None, *, default: ErrorRule | None = None
    ) -> None:
        self._rules: dict[int, tuple[ErrorRule, ...]] = {}
        for status, rule in (rules or {}).items():
            self._rules[status] = _normalise(rule)
        self._default = default

    def translate(self, error: HTTPStatusError) -> VFError:
        """The mapped error for ``error`` (``error`` itself when nothing matches)."""
        for rule in self._rules.get(error.status_code, ()):
            if rule.when is None or rule.when(error):
                return rule.build(error)
        if self._default is not None and (self._default.when is None or self._default.when(error)):
            return self._default.build(error)
        return error

    def __or__(self, other: ErrorMap) -> ErrorMap:
        """A map with ``other``'s rules tried first, then these."""
        merged = ErrorMap(default=other._default or self._default)
        merged._rules = dict(self._rules)
        for status, rules in other._rules.items():
            merged._rules[status] = rules + self._rules.get(status, ())
        return merged

    def __repr__(self) -> str:
        return f"ErrorMap(statuses={sorted(self._rules)})"


def _normalise(rule: RuleLike) -> tuple[ErrorRule, ...]:
    if isinstance(rule, ErrorRule):
        return (rule,)
    if isinstance(rule, type):
        return (ErrorRule(rule),)
    if isinstance(rule, tuple) and len(rule) == 2 and isinstance(rule[1], str):
        return (ErrorRule(rule[0], rule[1]),)
    rules = tuple(rule)
    if not all(isinstance(r, ErrorRule) for r in rules):
        raise TypeError(
            "an ErrorMap rule is a class, a (class, message) pair, an ErrorRule or a list of them"
        )
    return rules
