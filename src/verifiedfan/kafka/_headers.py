"""Message headers: Kafka allows one name several times, in order, so headers are a multi-map."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, overload

__all__ = ["Headers", "HeadersInput"]


class Headers(Mapping[str, bytes]):
    """The headers of a consumed message, every one kept in the order the producer wrote them.

    Kafka lets a name appear several times. As a mapping, ``headers[name]``, ``headers.get(name)``,
    ``name in headers``, ``keys()`` and ``items()`` see each name once with its **last** value (what
    the Java client's ``lastHeader`` returns); ``get_all(name)`` gives every value of a name in order
    and ``pairs`` every ``(name, value)`` as written. A null header value reads as ``b""``.
    Immutable; pass one (or its ``pairs``) as the headers of a send to forward them all.

    >>> h = Headers([("hop", b"a"), ("id", b"1"), ("hop", b"b")])
    >>> h["hop"], h.get_all("hop"), len(h)
    (b'b', [b'a', b'b'], 2)
    """

    __slots__ = ("_last", "_pairs")

    def __init__(self, pairs: Iterable[tuple[str, bytes | None]] | Mapping[str, bytes] = ()) -> None:
        items = pairs.items() if isinstance(pairs, Mapping) else pairs
        self._pairs: tuple[tuple[str, bytes], ...] = tuple((k, b"" if v is None else v) for k, v in items)
        self._last: dict[str, bytes] = dict(self._pairs)

    @property
    def pairs(self) -> tuple[tuple[str, bytes], ...]:
        """Every header as ``(name, value)``, repeated names included, in order."""
        return self._pairs

    def get_all(self, name: str) -> list[bytes]:
        """Every value of ``name``, in order (``[]`` when absent)."""
        return [v for k, v in self._pairs if k == name]

    def __getitem__(self, name: str) -> bytes:
        return self._last[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._last)

    def __len__(self) -> int:
        return len(self._last)

    def __contains__(self, name: object) -> bool:
        return name in self._last

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Headers):
            return self._pairs == other._pairs
        if isinstance(other, Mapping):
            return len(self._pairs) == len(other) and self._last == dict(other.items())
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Headers({list(self._pairs)!r})"

    @overload
    def get(self, name: str, /) -> bytes | None: ...
    @overload
    def get(self, name: str, default: bytes | Any, /) -> bytes | Any: ...
    def get(self, name: str, default: Any = None, /) -> Any:
        """The last value of ``name``, or ``default``."""
        return self._last.get(name, default)


HeadersInput = Mapping[str, str | bytes] | Sequence[tuple[str, str | bytes]]
"""Headers given to a send: a mapping, or ``(name, value)`` pairs to repeat a name (a consumed
message's :class:`Headers` is a mapping whose every pair is sent). Text values are UTF-8 encoded."""
