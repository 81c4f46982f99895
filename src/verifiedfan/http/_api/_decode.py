"""Decoding API answers into typed values. Any shape problem is a
:class:`~verifiedfan.errors.ResponseFormatError`, never a ``KeyError``/``TypeError``/pydantic error.

Two ways, pick per endpoint:

* :func:`decode` validates a JSON value against a type (a pydantic model, a dataclass, a
  ``TypedDict``, ``list[Model]``...) through a cached pydantic ``TypeAdapter``;
* the small checkers :func:`field`, :func:`optional_field`, :func:`items_of`, :func:`parse_time` for
  hand-written parsers on hot paths (they cost a dict lookup and an ``isinstance``).

``where`` is a short label (``"spotify /v1/me"``) that starts every message.
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any, TypeVar, cast

import pydantic

from verifiedfan.errors import ResponseFormatError

__all__ = ["decode", "field", "items_of", "optional_field", "parse_time"]

T = TypeVar("T")


@lru_cache(maxsize=512)
def _adapter(model: Any) -> pydantic.TypeAdapter[Any]:
    return pydantic.TypeAdapter(model)


def decode(model: type[T], value: Any, where: str) -> T:
    """``value`` validated as a ``model``; :class:`ResponseFormatError` (with the failing fields,
    never the values) when it does not fit."""
    try:
        adapter = _adapter(cast(Any, model))
        return cast(T, adapter.validate_python(value))
    except pydantic.ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(root)'}: {err['msg']}" for err in exc.errors()[:5]
        )
        raise ResponseFormatError(
            f"{where}: the answer does not match {getattr(model, '__name__', model)!s}: {problems}"
        ) from None


def field(obj: Any, key: str, kind: type[T], where: str) -> T:
    """``obj[key]``, checked to be a ``kind`` (a ``bool`` is not an ``int``)."""
    if not isinstance(obj, dict):
        raise ResponseFormatError(f"{where}: expected a JSON object, got {type(obj).__name__}")
    value = obj.get(key)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ResponseFormatError(f"{where}: field {key!r} is missing or not a {kind.__name__}")
    return value


def optional_field(obj: dict[str, Any], key: str, kind: type[T], where: str) -> T | None:
    """``obj[key]`` checked to be a ``kind``, or ``None`` when absent or null."""
    value = obj.get(key)
    if value is None:
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ResponseFormatError(f"{where}: field {key!r} is not a {kind.__name__}")
    return value


def items_of(page: Any, key: str, where: str) -> list[Any]:
    """The list ``page[key]``."""
    return field(page, key, list, where)


def parse_time(value: Any, where: str) -> datetime | None:
    """An ISO 8601 timestamp (``Z`` accepted) as an aware datetime; ``None`` stays ``None``."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ResponseFormatError(f"{where}: a timestamp is not a string")
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ResponseFormatError(f"{where}: bad timestamp {value!r}") from exc
