"""Casing, trimming, spaces, booleans and URL-safe strings."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from verifiedfan import normalizers as n


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (True, True),
        (False, False),
        (1, True),
        (0, False),
        (1.0, True),
        (0.0, False),
        (2, None),
        (float("nan"), None),
        *[(s, True) for s in ("1", "true", "TRUE", "t", "yes", "Yes", "y", "on", " On ", b"yes")],
        *[(s, False) for s in ("0", "false", "False", "f", "no", "NO", "n", "off", " OFF ")],
        ("maybe", None),
        ("", None),
        ("yes please", None),
        (None, None),
        ([], None),
        ({}, None),
    ],
)
def test_boolean(raw: object, expected: bool | None) -> None:
    assert n.boolean(raw) is expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, True),
        (False, True),
        (0, True),
        (0.0, True),
        (float("nan"), True),
        ("", True),
        ("   ", True),
        ("no", True),
        ("false", True),
        ("0", True),
        ([], True),
        ({}, True),
        (True, False),
        (1, False),
        ("yes", False),
        ("anything", False),
        ([0], False),
        (object(), False),
    ],
)
def test_is_falsey(raw: object, expected: bool) -> None:
    assert n.is_falsey(raw) is expected


def test_title_case_keeps_letters_after_apostrophes_lower() -> None:
    assert n.title_case("the CAT's  PAJAMAS") == "The Cat's  Pajamas"


def test_lower_and_upper_case() -> None:
    assert (n.lower_case("ÉCOLE"), n.upper_case("école")) == ("école", "ÉCOLE")


def test_trim_str_keeps_an_empty_string() -> None:
    assert (n.trim_str("  a b  "), n.trim_str("   ")) == ("a b", "")


def test_single_spaces_collapses_every_kind_of_white_space() -> None:
    assert n.single_spaces(" a \t\n b\u00a0\u00a0c ") == " a b c "


@pytest.mark.parametrize("func", [n.title_case, n.lower_case, n.upper_case, n.trim_str, n.single_spaces])
def test_text_helpers_return_none_for_non_text(func: Callable[[object], str | None]) -> None:
    values: tuple[object, ...] = (None, 1.5, [], {}, b"\xff")
    assert [func(v) for v in values] == [None] * 5


def test_text_helpers_accept_ints_and_utf8_bytes() -> None:
    assert (n.trim_str(42), n.upper_case(b"\xc3\xa9")) == ("42", "É")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("abc123", True), ("ABC", True), ("a-b", False), ("é", False), ("", False), (None, False), (5, True)],
)
def test_is_url_safe(raw: object, expected: bool) -> None:
    assert n.is_url_safe(raw) is expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Hello, World!", "HelloWorld"), ("José 2024", "Jos2024"), ("!!!", None), ("", None), (None, None)],
)
def test_url_safe(raw: object, expected: str | None) -> None:
    assert n.url_safe(raw) == expected
