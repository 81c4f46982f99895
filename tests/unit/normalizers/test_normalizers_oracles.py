"""Properties whose expected answer comes from an outside reference, not from our own code.

* phone: libphonenumber's own parse of the E.164 form (example numbers of every region, with their
  last digits changed);
* names and title case: Unicode's lowercase and titlecase mappings (as Python's ``str`` implements them);
* email: hypothesis' RFC 5322 address strategy, the domain decoded by Python's IDNA codec;
* zip: the first five digits.

Each property counts how often its condition held and fails when rarely; each is also run against
a normalizer that always answers ``None`` (or echoes its input), which must fail it.
"""

from __future__ import annotations

import inspect
import unicodedata
from collections.abc import Callable
from typing import Any

import phonenumbers
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verifiedfan import normalizers as n

from ._support import ClassRaises, Guard, _hostile_type, near_examples, released_memoryview

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
Func = Callable[..., Any]


def _libphonenumber_fixed_point(text: str) -> str | None:
    """libphonenumber's E.164 reading of ``text`` when valid and stable under its own re-reading."""
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    again = phonenumbers.format_number(phonenumbers.parse(e164, None), phonenumbers.PhoneNumberFormat.E164)
    return e164 if again == e164 and 7 <= len(e164) - 1 <= 15 else None


def phone_matches_libphonenumber(phone: Func) -> None:
    guard = Guard()

    @PROPERTY
    @given(value=near_examples.map(lambda v: v.lstrip("+")), strict=st.booleans())
    def prop(value: str, strict: bool) -> None:
        expected = _libphonenumber_fixed_point("+" + value)
        if guard(expected is not None):
            # written as people do: a space after the first digits (and libphonenumber ignores it)
            assert phone(f"+{value[:2]} {value[2:]}", strict=strict) == expected

    prop()
    guard.check(0.3)


def phone_strict_answers_are_valid(phone: Func) -> None:
    guard = Guard()

    @PROPERTY
    @given(value=near_examples)
    def prop(value: str) -> None:
        result = phone(value, strict=True)
        if guard(result is not None):
            assert result.startswith("+")
            assert phonenumbers.is_valid_number(phonenumbers.parse(result, None))

    prop()
    guard.check(0.3)


def _capitalizable(word: str) -> bool:
    """Letters only, each with one-character case mappings; no 'İ' (folded to 'I') and no 'mc' start."""
    return (
        word == unicodedata.normalize("NFC", word)
        and all(unicodedata.category(ch)[0] == "L" for ch in word)
        and all(len(ch.lower()) == len(ch.title()) == 1 for ch in word)
        and "\u0130" not in word
        and not word.lower().startswith("mc")
    )


letter_words = st.text(st.characters(categories=["Lu", "Ll", "Lt", "Lo"]), min_size=1, max_size=12).filter(
    _capitalizable
)


def names_match_unicode_case_mappings(func: Func) -> None:
    guard = Guard()

    @PROPERTY
    @given(word=letter_words)
    def prop(word: str) -> None:
        # Unicode's mappings: the first letter's lowercase then titlecase (so that all-capital input
        # is read like lower case: Georgian Mtavruli 'ᲒᲘᲝᲠᲒᲘ' gives Mkhedruli 'გიორგი', where
        # str.capitalize keeps 'Გიორგი'), the rest lowercase
        expected = unicodedata.normalize("NFC", word[0].lower().title() + word[1:].lower())
        if guard(n.name_safe(word) == word):  # letters our name rules keep as they are
            assert func(word) == expected

    prop()
    guard.check(0.5)


def _idna_expected(address: str) -> str:
    local, _, domain = address.rpartition("@")
    labels = [
        label.encode("ascii").decode("idna") if label.lower().startswith("xn--") else label
        for label in domain.lower().split(".")
    ]
    return f"{local.lower()}@{'.'.join(labels)}"


def email_matches_rfc_addresses(email: Func) -> None:
    guard = Guard()

    @PROPERTY
    @given(address=st.emails())
    def prop(address: str) -> None:
        local = address.rpartition("@")[0]
        if guard(len(local) <= 64 and len(address) <= 254):
            assert email(f"  {address.upper()} ") == _idna_expected(address)

    prop()
    guard.check(0.8)


def zip_matches_its_digits(zip_: Func) -> None:
    @PROPERTY
    @given(value=st.from_regex(r"[ \t]{0,3}[0-9]{5}([- ]?[0-9]{4})?[ \t]{0,3}", fullmatch=True))
    def prop(value: str) -> None:
        assert zip_(value) == value.strip()[:5]

    prop()


_ORACLES: list[tuple[Callable[[Func], None], Func]] = [
    (phone_matches_libphonenumber, n.phone),
    (phone_strict_answers_are_valid, n.phone),
    (names_match_unicode_case_mappings, n.name_part),
    (names_match_unicode_case_mappings, n.name),
    (names_match_unicode_case_mappings, n.title_case),
    (email_matches_rfc_addresses, n.email),
    (zip_matches_its_digits, n.zip),
]


@pytest.mark.parametrize(("oracle", "func"), _ORACLES, ids=lambda x: getattr(x, "__name__", ""))
def test_answers_match_the_outside_reference(oracle: Callable[[Func], None], func: Func) -> None:
    oracle(func)


def _always_none(*args: object, **kwargs: object) -> None:
    return None


def _echo(value: object, *args: object, **kwargs: object) -> object:
    return value


_CONSTANT_CASES = [
    (oracle, constant)
    for oracle in sorted({o for o, _ in _ORACLES}, key=lambda o: o.__name__)
    for constant in (_always_none, _echo)
    # None is always a correct strict answer; phone_matches_libphonenumber catches that constant
    if not (oracle is phone_strict_answers_are_valid and constant is _always_none)
]


@pytest.mark.parametrize(("oracle", "constant"), _CONSTANT_CASES, ids=lambda f: f.__name__)
def test_a_constant_normalizer_fails_the_oracle(oracle: Callable[[Func], None], constant: Func) -> None:
    with pytest.raises(AssertionError):
        oracle(constant)


# --- never raises, whatever the object ------------------------------------------------------

_HOSTILE = [
    released_memoryview(),
    ClassRaises(),
    _hostile_type(object)(),
    _hostile_type(str)("5551234567"),
    _hostile_type(int)(5551234567),
    _hostile_type(int)(0),
    _hostile_type(float)(float("nan")),
    _hostile_type(bytes)(b"x@example.com"),
    _hostile_type(bytearray)(b"john"),
    _hostile_type(list)([1]),
    _hostile_type(dict)({"a": 1}),
]
FUNCTIONS = sorted(name for name in n.__all__ if inspect.isfunction(getattr(n, name)))


@pytest.mark.parametrize("func_name", FUNCTIONS)
def test_hostile_objects_never_raise(func_name: str) -> None:
    assert len(FUNCTIONS) == 18
    func = getattr(n, func_name)
    for value in _HOSTILE:
        func(value)  # an exception fails the test
    if func_name == "name_obj":
        for value in _HOSTILE:
            func("john", value, include_lower_case=True)


def test_hostile_objects_are_read_by_their_base_type() -> None:
    assert n.phone(_hostile_type(str)("5551234567")) == "+15551234567"
    assert n.phone(_hostile_type(int)(5551234567)) == "+15551234567"
    assert n.email(_hostile_type(bytes)(b"x@example.com")) == "x@example.com"
    assert n.name(_hostile_type(bytearray)(b"john")) == "John"
    assert n.is_falsey(_hostile_type(int)(0)) is True
    assert n.is_falsey(_hostile_type(list)([])) is True
    assert n.boolean(_hostile_type(float)(1.0)) is True
    assert n.phone(released_memoryview()) is None
