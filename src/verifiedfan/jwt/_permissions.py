"""Permissions carried in claims (the original's ``permissions.hasRequiredActions``), and the
decorator / dependency that refuses a call lacking them with :class:`PermissionDeniedError`.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum
from typing import Any, ParamSpec, TypeVar, cast

from verifiedfan.errors import ConfigurationError, PermissionDeniedError

__all__ = [
    "PERMISSIONS_CLAIM",
    "PermissionAction",
    "has_required_actions",
    "missing_actions",
    "permission_dependency",
    "require_permissions",
    "requires_permissions",
]

PERMISSIONS_CLAIM = "permissions"
"""The claim holding the list of granted actions."""


class PermissionAction(StrEnum):
    """The actions of the original ``permissions`` enums; each member *is* its string.

    Accepted wherever an action string is (``has_required_actions``, ``requires_permissions``, ...), and
    serialized into a token's claims as the plain string (``json.dumps`` of a ``str`` subclass).
    Only ``INVITE``, ``EDIT`` and ``PUBLISH`` are documented from the original (vf-lib.md); services
    with other actions keep passing plain strings.
    """

    INVITE = "INVITE"
    EDIT = "EDIT"
    PUBLISH = "PUBLISH"


P = ParamSpec("P")
R = TypeVar("R")
ClaimsGetter = Callable[..., Mapping[str, Any] | None]


def _granted(claims: object, claim: str) -> frozenset[str]:
    if not isinstance(claims, Mapping):
        return frozenset()
    value = claims.get(claim)
    if not isinstance(value, list | tuple | set | frozenset):
        return frozenset()
    return frozenset(v for v in value if isinstance(v, str))


def _required(required: str | Iterable[str]) -> tuple[str, ...]:
    items = (required,) if isinstance(required, str) else tuple(required)
    return tuple(dict.fromkeys(str(r) for r in items))  # str(): a PermissionAction gives its value


def missing_actions(
    claims: Mapping[str, Any] | None, required: str | Iterable[str], *, claim: str = PERMISSIONS_CLAIM
) -> list[str]:
    """The required actions the claims do not grant, in the order required (empty when all granted)."""
    granted = _granted(claims, claim)
    return [action for action in _required(required) if action not in granted]


def has_required_actions(
    claims: Mapping[str, Any] | None, required: str | Iterable[str], *, claim: str = PERMISSIONS_CLAIM
) -> bool:
    """True when ``claims[claim]`` (a list of strings) holds every action in ``required``.

    A single string is one action. Missing or malformed permissions grant nothing; nothing required
    is always satisfied. Never raises.
    """
    return not missing_actions(claims, required, claim=claim)


def require_permissions(
    claims: Mapping[str, Any] | None, required: str | Iterable[str], *, claim: str = PERMISSIONS_CLAIM
) -> None:
    """Raise :class:`PermissionDeniedError` naming the missing actions, if any."""
    missing = missing_actions(claims, required, claim=claim)
    if missing:
        raise PermissionDeniedError(f"missing permission(s): {', '.join(missing)}")


def _claims_kwarg(*_args: Any, **kwargs: Any) -> Mapping[str, Any] | None:
    return cast("Mapping[str, Any] | None", kwargs.get("claims"))


def requires_permissions(
    *actions: str, claims_getter: ClaimsGetter = _claims_kwarg, claim: str = PERMISSIONS_CLAIM
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a sync or async function so it refuses calls lacking ``actions``.

    ``claims_getter`` receives the call's arguments and returns the verified claims; the default
    reads a ``claims=`` keyword argument. The check happens before the function body runs.
    """
    if not actions:
        raise ConfigurationError("requires_permissions needs at least one action")

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def async_wrapper(*args: P.args, **kwargs: P.kwargs) -> Any:
                require_permissions(claims_getter(*args, **kwargs), actions, claim=claim)
                return await fn(*args, **kwargs)

            return cast("Callable[P, R]", async_wrapper)

        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            require_permissions(claims_getter(*args, **kwargs), actions, claim=claim)
            return fn(*args, **kwargs)

        return wrapper

    return decorate


def permission_dependency(
    *actions: str, claims: Any = None, claim: str = PERMISSIONS_CLAIM
) -> Callable[..., Mapping[str, Any]]:
    """A dependency function for FastAPI-style injection, with no framework import.

    ``claims`` is the default of its one parameter, typically your framework's marker, e.g.
    ``Depends(permission_dependency('EDIT', claims=Depends(current_claims)))``. The returned function
    checks the claims and returns them, or raises :class:`PermissionDeniedError`.
    """
    if not actions:
        raise ConfigurationError("permission_dependency needs at least one action")

    def dependency(claims: Mapping[str, Any] = claims) -> Mapping[str, Any]:
        require_permissions(claims, actions, claim=claim)
        return claims

    dependency.__name__ = f"requires_{'_'.join(a.replace(':', '_') for a in actions)}"
    return dependency
