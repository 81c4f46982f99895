"""Property tests: every public normalizer is total (never raises), and the main ones are idempotent.

Every property with a condition counts how often the condition held (``Guard``) and fails when
it held too rarely to mean anything; the answers themselves are checked against outside
references in ``test_normalizers_oracles.py``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verifiedfan import normalizers as n

from ._support import Guard, hostile_objects, near_examples

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_TRICKY = [
    "\u202e",  # right-to-left override
    "\u200f",  # right-to-left mark
    "\u200b",  # zero-width space
    "\ufeff",  # byte order mark
    "\x00",
    "\x1b",
    "\ud800",  # lone surrogates
    "\udfff",
    "\u0301",  # combining acute accent
    "\u2028",
    "ß",
    "İ",
    "ŉ",
    "ǅ",
    "Σ",
    "ﬁ",
    "\uff0b",  # full-width plus
    "٣",  # Arabic-Indic digit
    "<",
    ">",
    "'",
    "’",
    "-",
    ".",
    ",",
    "@",
    "+",
    " ",
    "mc",
    "mac",
]
_HUGE = [
    "a" * 1_000_000,
    "1" * 1_000_000,
    "@" * 1_000_000,
    "é" * 1_000_000,
    " " * 1_000_000,
    "+" + "5" * 1_000_000,
    "x@" + "a" * 1_000_000 + ".com",
]

adversarial_text = st.lists(st.one_of(st.characters(), st.sampled_from(_TRICKY)), max_size=60).map("".join)
anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.just(10**5000),  # str() of it raises ValueError in Python 3.11
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),
    adversarial_text,
    st.binary(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=3),
    st.tuples(st.text(max_size=3)),
    st.sampled_from(_HUGE),
    st.builds(object),
    hostile_objects,  # every method raises; a released memoryview
)
phone_like = st.from_regex(r"[+\uff0b]?[0-9 ()\-.]{0,22}", fullmatch=True)
name_like = st.lists(
    st.one_of(
        st.sampled_from(["jean", "O'CONNOR", "mcdonald", "François", "-", "  ", ",", "ß", "İ"]),
        adversarial_text,
    ),
    max_size=6,
).map(" ".join)

# The kind of value each public function returns (None is always allowed except for predicates).
_RETURNS: dict[str, tuple[type, ...]] = {
    "boolean": (bool,),
    "is_falsey": (bool,),
    "is_url_safe": (bool,),
    "name_obj": (n.NameParts,),
    "split_name_parts": (list,),
    "user_agent": (n.UserAgentInfo,),
}
_PREDICATES = {"is_falsey", "is_url_safe"}
FUNCTIONS = sorted(name for name in n.__all__ if inspect.isfunction(getattr(n, name)))


def test_every_public_function_is_covered() -> None:
    assert len(FUNCTIONS) == 18


@pytest.mark.parametrize("func_name", FUNCTIONS)
@PROPERTY
@given(value=anything)
def test_never_raises_and_returns_the_documented_type(func_name: str, value: Any) -> None:
    func: Callable[..., Any] = getattr(n, func_name)
    result = func(value)
    expected = _RETURNS.get(func_name, (str,))
    if func_name in _PREDICATES:
        assert isinstance(result, bool)
    else:
        assert result is None or isinstance(result, expected)


@PROPERTY
@given(first=anything, last=anything, lower=st.booleans())
def test_name_obj_never_raises_with_two_arguments(first: Any, last: Any, lower: bool) -> None:
    result = n.name_obj(first, last, include_lower_case=lower)
    assert result is None or (result.lowercase is not None) == lower


# inputs each function accepts, so that "the output is ..." properties reach their assert
_VALID_INPUTS: dict[str, st.SearchStrategy[Any]] = {
    "email": st.emails().map(lambda e: f" {e.upper()} "),
    "phone": near_examples,
    "zip": st.from_regex(r"[0-9]{5}", fullmatch=True),
    "name": st.sampled_from(["jean", "O'CONNOR", "mcdonald", "François", "Nguyễn", "ǆemal", "გიორგი"]),
    "url_safe": st.text(min_size=1).map(lambda t: t + "a"),
}
_VALID_INPUTS["name_part"] = _VALID_INPUTS["name_safe"] = _VALID_INPUTS["name"]


@pytest.mark.parametrize("func_name", ["email", "phone", "zip", "name", "name_part", "name_safe", "url_safe"])
def test_text_outputs_are_valid_utf8_and_never_empty(func_name: str) -> None:
    guard = Guard()

    @PROPERTY
    # half valid input (a flat one_of would give it one branch of the many in ``anything``)
    @given(value=st.booleans().flatmap(lambda valid: _VALID_INPUTS[func_name] if valid else anything))
    def prop(value: Any) -> None:
        result = getattr(n, func_name)(value)
        if guard(result is not None):
            assert result
            result.encode("utf-8")  # no lone surrogate survives

    prop()
    guard.check(0.2)


def _idempotent(func: Callable[[Any], Any], values: st.SearchStrategy[Any], minimum: float) -> None:
    """``func(func(x)) == func(x)``, with ``func(x)`` not ``None`` in at least ``minimum`` of the examples."""
    guard = Guard()

    @PROPERTY
    @given(value=values)
    def prop(value: Any) -> None:
        once = func(value)
        guard(once is not None)
        assert func(once) == once

    prop()
    guard.check(minimum)


def test_email_is_idempotent() -> None:
    _idempotent(
        n.email, st.one_of(st.emails(), st.emails().map(lambda e: f"  {e.upper()} "), adversarial_text), 0.4
    )


@pytest.mark.parametrize("strict", [False, True])
def test_phone_is_idempotent(strict: bool) -> None:
    values = st.one_of(phone_like, adversarial_text, near_examples)
    _idempotent(lambda v: n.phone(v, strict=strict), values, 0.1)


def test_phone_output_is_e164_shaped() -> None:
    guard = Guard()

    @PROPERTY
    @given(value=st.one_of(phone_like, near_examples))
    def prop(value: str) -> None:
        result = n.phone(value)
        if guard(result is not None):
            assert result[0] == "+"
            assert result[1:].isdigit()
            assert 7 <= len(result) - 1 <= 15

    prop()
    guard.check(0.2)


def test_name_is_idempotent() -> None:
    _idempotent(n.name, st.one_of(name_like, adversarial_text), 0.2)


def test_name_part_is_idempotent() -> None:
    _idempotent(n.name_part, st.one_of(name_like, adversarial_text), 0.2)


def test_name_safe_is_idempotent() -> None:
    _idempotent(n.name_safe, st.one_of(name_like, adversarial_text), 0.2)


def test_zip_is_idempotent() -> None:
    zips = st.from_regex(r"\s*[0-9]{5}([- ]?[0-9]{4})?\s*", fullmatch=True)
    _idempotent(n.zip, st.one_of(zips, adversarial_text), 0.2)


def test_names_keep_no_digit_control_or_markup_character() -> None:
    guard = Guard()

    @PROPERTY
    @given(value=st.one_of(name_like, adversarial_text))
    def prop(value: str) -> None:
        result = n.name(value)
        if guard(result is not None):
            assert not any(ch.isdigit() or ch in "<>\x00\u200f\u202e\u200b" for ch in result)
            assert "  " not in result
            assert result == result.strip()

    prop()
    guard.check(0.2)


def _phone_without_shortcut(value: str, strict: bool) -> str | None:
    from verifiedfan.normalizers import _phone

    _phone._SHORTCUT = False
    _phone._normalized.cache_clear()  # answers computed with the shortcuts must not be reused
    try:
        return n.phone(value, strict=strict)
    finally:
        _phone._SHORTCUT = True
        _phone._normalized.cache_clear()


@PROPERTY
@given(
    value=st.one_of(
        phone_like, adversarial_text, near_examples, st.from_regex(r"\+?[1-9][0-9]{5,13}", fullmatch=True)
    ),
    strict=st.booleans(),
)
def test_phone_shortcuts_change_no_result(value: str, strict: bool) -> None:
    assert n.phone(value, strict=strict) == _phone_without_shortcut(value, strict)


def _example_numbers() -> list[str]:
    """Valid example numbers of every region and type, without '+', and near misses of them."""
    import phonenumbers

    examples = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE):
            number = phonenumbers.example_number_for_type(region, kind)
            if number is not None:
                examples.append(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[1:])
    for code in phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS:
        number = phonenumbers.example_number_for_non_geo_entity(code)
        if number is not None:
            examples.append(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[1:])
    variants = set()
    for digits in examples:
        for near in (digits, digits[:-1], digits[:-2], digits + "1", digits[:-3]):
            variants.update({near, "+" + near, f"+{near[:2]} 0{near[2:]}", f"+{near[:3]} (0) {near[3:]}"})
    return sorted(variants)


def test_phone_shortcuts_change_no_result_for_example_numbers_of_every_country() -> None:
    values = _example_numbers()
    assert len(values) > 5000
    mismatches = [
        (value, strict)
        for value in values
        for strict in (True, False)
        if n.phone(value, strict=strict) != _phone_without_shortcut(value, strict)
    ]
    assert mismatches == []
