"""Test support: hostile objects, and a counter that makes a conditional property prove it ran."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any, NoReturn

from hypothesis import strategies as st


class Hostile(Exception):
    """Raised by every method of a hostile object."""


def _raise(*args: object, **kwargs: object) -> NoReturn:
    raise Hostile("hostile")


_METHODS = [
    "__str__", "__repr__", "__int__", "__index__", "__float__", "__bool__", "__len__", "__eq__", "__ne__",
    "__hash__", "__iter__", "__bytes__", "__format__", "__lt__", "__contains__", "__getitem__", "strip",
    "lower", "upper", "encode", "decode", "split", "replace", "startswith", "isascii", "translate",
    "partition", "title",
]  # fmt: skip


def _hostile_type(base: type) -> type:
    return type(f"Hostile{base.__name__.title()}", (base,), dict.fromkeys(_METHODS, _raise))


class ClassRaises:
    """``isinstance`` reads ``__class__`` when the type does not match: this one raises."""

    @property  # type: ignore[misc]
    def __class__(self) -> type:  # type: ignore[override]
        raise Hostile("__class__")


def released_memoryview() -> memoryview:
    view = memoryview(b"5551234567")
    view.release()
    return view


_BASES: list[tuple[type, Any]] = [
    (object, None),
    (str, "5551234567"),
    (str, "john@example.com"),
    (str, ""),
    (int, 5551234567),
    (int, 0),
    (int, 1),
    (float, 1.0),
    (float, float("nan")),
    (bytes, b"x@example.com"),
    (bytearray, b"john"),
    (list, [1]),
    (tuple, (1,)),
    (dict, {"a": 1}),
    (set, {1}),
    (frozenset, {1}),
]


def _build(base: type, value: Any) -> object:
    kind = _hostile_type(base)
    return kind() if base is object else kind(value)


hostile_objects = st.one_of(
    st.sampled_from(_BASES).map(lambda pair: _build(*pair)),
    st.builds(released_memoryview),
    st.builds(ClassRaises),
)


@dataclass
class Guard:
    """Counts how often a property's condition held, so that a rarely reached assert fails the test."""

    runs: int = 0
    reached: int = 0

    def __call__(self, condition: bool) -> bool:
        self.runs += 1
        self.reached += bool(condition)
        return condition

    def check(self, minimum: float) -> None:
        assert self.runs > 0
        assert self.reached >= minimum * self.runs, (
            f"condition held in {self.reached} of {self.runs} examples"
        )


@cache
def example_e164() -> list[str]:
    """libphonenumber's example number of every type of every region and non-geo entity, in E.164."""
    import phonenumbers

    kinds = [v for k, v in vars(phonenumbers.PhoneNumberType).items() if k.isupper() and v != 99]
    numbers = [
        phonenumbers.example_number_for_type(region, kind)
        for region in sorted(phonenumbers.SUPPORTED_REGIONS)
        for kind in kinds
    ]
    numbers += [
        phonenumbers.example_number_for_non_geo_entity(code)
        for code in sorted(phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS)
    ]
    return sorted({phonenumbers.format_number(x, phonenumbers.PhoneNumberFormat.E164) for x in numbers if x})


def _near(e164: str, tail: str, plus: bool) -> str:
    """An example number with its last digits replaced: often another valid number of the same kind."""
    digits = e164[1 : len(e164) - len(tail)] + tail
    return ("+" if plus else "") + digits


near_examples = st.builds(
    _near,
    st.deferred(lambda: st.sampled_from(example_e164())),  # built on first use: no import-time cost
    st.from_regex(r"[0-9]{0,3}", fullmatch=True),
    st.booleans(),
)
