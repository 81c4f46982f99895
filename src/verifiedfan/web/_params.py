"""Query and path parameters read strictly (the legacy ``paramUtils`` and ``validators``).

Each reader takes the raw text (``request.query_params.get("limit")``) and the parameter's name, and
returns a typed value or the default; text that does not parse, or a value out of range, raises a
:class:`~verifiedfan.errors.ValidationError` with status 400 naming the parameter (not echoing the
value). Framework neutral: any ``Mapping[str, str]`` of query parameters works.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, overload

from verifiedfan.errors import VFError
from verifiedfan.web._errors import bad_request

__all__ = [
    "Page",
    "bool_param",
    "choice_param",
    "int_param",
    "list_param",
    "object_id_param",
    "page_params",
    "str_param",
]

T = TypeVar("T")
_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off"})
_MAX_INT_DIGITS = 18


@overload
def int_param(
    value: str | None, name: str, *, default: int, minimum: int | None = None, maximum: int | None = None
) -> int: ...
@overload
def int_param(
    value: str | None,
    name: str,
    *,
    default: None = None,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int | None: ...
def int_param(
    value: str | None,
    name: str,
    *,
    default: int | None = None,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int | None:
    """An integer parameter (``default`` when absent or empty) within ``minimum``..``maximum``."""
    if value is None or value.strip() == "":
        return default
    text = value.strip()
    digits = text[1:] if text[:1] in "+-" else text
    if not digits.isascii() or not digits.isdigit() or len(digits) > _MAX_INT_DIGITS:
        raise bad_request(f"parameter {name!r} must be an integer")
    number = int(text)
    if minimum is not None and number < minimum:
        raise bad_request(f"parameter {name!r} must be at least {minimum}")
    if maximum is not None and number > maximum:
        raise bad_request(f"parameter {name!r} must be at most {maximum}")
    return number


@overload
def bool_param(value: str | None, name: str, *, default: bool) -> bool: ...
@overload
def bool_param(value: str | None, name: str, *, default: None = None) -> bool | None: ...
def bool_param(value: str | None, name: str, *, default: bool | None = None) -> bool | None:
    """``true/1/yes/on`` or ``false/0/no/off`` (any case); anything else is 400, not false."""
    if value is None or value.strip() == "":
        return default
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise bad_request(f"parameter {name!r} must be true or false")


def str_param(
    value: str | None,
    name: str,
    *,
    default: str | None = None,
    max_length: int = 256,
    required: bool = False,
) -> str | None:
    """A trimmed text parameter of at most ``max_length`` characters; ``required`` refuses absence."""
    text = value.strip() if value is not None else ""
    if not text:
        if required:
            raise bad_request(f"parameter {name!r} is required")
        return default
    if len(text) > max_length:
        raise bad_request(f"parameter {name!r} must be at most {max_length} characters long")
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise bad_request(f"parameter {name!r} contains control characters")
    return text


def choice_param(
    value: str | None, name: str, choices: Collection[T], *, default: T | None = None
) -> T | None:
    """One of ``choices`` (strings, or a ``StrEnum``'s members matched by value)."""
    if value is None or value.strip() == "":
        return default
    text = value.strip()
    for choice in choices:
        if str(choice) == text:
            return choice
    allowed = ", ".join(sorted(str(c) for c in choices))
    raise bad_request(f"parameter {name!r} must be one of: {allowed}")


def list_param(value: str | None, name: str, *, max_items: int = 100, separator: str = ",") -> list[str]:
    """A comma-separated list (empty entries dropped), at most ``max_items`` long."""
    if value is None:
        return []
    items = [item.strip() for item in value.split(separator) if item.strip()]
    if len(items) > max_items:
        raise bad_request(f"parameter {name!r} has more than {max_items} items")
    return items


def object_id_param(value: str | None, name: str) -> Any:
    """A Mongo ObjectId (24 hex digits) through :func:`verifiedfan.mongo.parse_object_id` (extra
    ``mongo``); absent is 400 too (ids are path parameters)."""
    from verifiedfan.mongo import parse_object_id

    try:
        return parse_object_id((value or "").strip())
    except VFError as exc:
        raise bad_request(f"parameter {name!r} must be an ObjectId (24 hexadecimal digits)") from exc


@dataclass(frozen=True, slots=True)
class Page:
    """Offset paging read from a query: ``limit`` items starting at ``offset``."""

    limit: int
    offset: int


def page_params(query: Mapping[str, str], *, default_limit: int = 20, max_limit: int = 100) -> Page:
    """``limit`` (1..``max_limit``, default ``default_limit``) and ``offset`` (>= 0, default 0)."""
    return Page(
        limit=int_param(query.get("limit"), "limit", default=default_limit, minimum=1, maximum=max_limit),
        offset=int_param(query.get("offset"), "offset", default=0, minimum=0),
    )
