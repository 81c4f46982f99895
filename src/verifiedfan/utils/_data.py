"""Nested data helpers: ``batches``, ``clean`` and ``flatten`` (the original's semantics)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from typing import Any, TypeVar, overload

from verifiedfan.errors import ValidationError

__all__ = ["batches", "clean", "flatten"]

T = TypeVar("T")


def batches(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Split ``items`` into lists of ``size`` (the last one may be shorter), lazily.

    ``size`` is checked at once (not on first iteration): an integer >= 1, else
    :class:`~verifiedfan.errors.ValidationError`. (``itertools.batched`` from Python 3.12, as lists.)
    """
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValidationError(f"batch size must be an integer >= 1, got {size!r}")
    return _batches(iter(items), size)


def _batches(it: Iterator[T], size: int) -> Iterator[list[T]]:
    while chunk := list(islice(it, size)):
        yield chunk


def _is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str | list | tuple | dict) and len(value) == 0)


@overload
def clean(value: None) -> dict[str, Any]: ...
@overload
def clean(value: str) -> str: ...
@overload
def clean(value: Mapping[str, Any]) -> dict[str, Any]: ...
@overload
def clean(value: T) -> T: ...
def clean(value: Any) -> Any:
    """The original ``clean``: ``None`` gives ``{}``, strings are trimmed, mappings are cleaned
    recursively and lose the properties whose cleaned value is ``None`` or empty (``''``, ``[]``,
    ``{}``), lists and tuples are returned unchanged (not cleaned), anything else as is.

    The input is never modified; cleaned mappings are new ``dict`` objects.
    """
    if value is None:
        return {}
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, Mapping):
        out: dict[Any, Any] = {}
        for key, item in value.items():
            cleaned = None if item is None else clean(item)
            if not _is_empty(cleaned):
                out[key] = cleaned
        return out
    return value


def flatten(value: Mapping[str, Any], *, separator: str = ".", prefix: str = "") -> dict[str, Any]:
    """Flatten nested mappings into one level of key paths: ``{'a': {'b': 1}}`` gives ``{'a.b': 1}``.

    Lists and other values are leaves (kept as they are); an empty nested mapping stays as a ``{}``
    leaf so no key disappears. Keys are converted with ``str``. ``prefix`` is prepended to every key.
    """
    if not isinstance(value, Mapping):
        raise ValidationError(f"flatten needs a mapping, got {type(value).__name__}")
    if not isinstance(separator, str):
        raise ValidationError("separator must be a string")
    out: dict[str, Any] = {}
    _flatten_into(out, value, prefix, separator)
    return out


def _flatten_into(out: dict[str, Any], value: Mapping[Any, Any], path: str, separator: str) -> None:
    for key, item in value.items():
        full = f"{path}{separator}{key}" if path else str(key)
        if isinstance(item, Mapping) and item:
            _flatten_into(out, item, full, separator)
        else:
            out[full] = item
