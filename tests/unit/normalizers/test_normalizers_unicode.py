"""Names and title case against Unicode's own tables, over whole classes of code points.

Python's ``str.title``/``str.upper``/``str.lower`` and ``unicodedata`` implement UnicodeData.txt and
SpecialCasing.txt (version ``unicodedata.unidata_version``): they are the outside reference here.
"""

from __future__ import annotations

import sys
import unicodedata
from functools import cache

import pytest

from verifiedfan import normalizers as n


@cache
def _titlecase_differs() -> list[str]:
    """Every lower-case letter whose titlecase mapping is one character and not its uppercase."""
    found = []
    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        if unicodedata.category(ch) != "Ll":
            continue
        title = ch.title()
        if len(title) == 1 and title != ch.upper():
            found.append(ch)
    return found


@cache
def _letters() -> list[str]:
    return [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c))[0] == "L"]


def test_the_reference_has_the_known_cases() -> None:
    letters = _titlecase_differs()
    assert {"ǆ", "ǉ", "ǌ", "ǳ", "გ", "ა"} <= set(letters)  # Latin digraphs, Georgian Mkhedruli
    assert len(letters) > 50


@pytest.mark.parametrize("func", [n.title_case, n.name_part, n.name])
def test_word_starts_use_the_titlecase_mapping(func: object) -> None:
    wrong = []
    for ch in _titlecase_differs():
        word = ch + ch  # e.g. 'ǆǆ': the first becomes titlecase, the second stays lower case
        expected = unicodedata.normalize("NFC", ch.title() + ch)
        got = func(word)  # type: ignore[operator]
        if got != expected:
            wrong.append((word, got, expected))
    assert wrong == []


def test_name_obj_uses_the_titlecase_mapping() -> None:
    for ch in _titlecase_differs():
        upper = ch.upper() if len(ch.upper()) == 1 else ch  # 'ᾳ'.upper() is 'ΑΙ': two letters
        parts = n.name_obj(ch + "a", upper + "B")
        assert parts is not None
        assert parts.first == ch.title() + "a"
        assert parts.last == ch.title() + "b"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("გიორგი", "გიორგი"),  # Georgian: no titlecase form, stays Mkhedruli (not Mtavruli Გ)
        ("ǆemal", "ǅemal"),
        ("ǄEMAL", "ǅemal"),
        ("İSMAİL", "Ismail"),
        ("İsmail", "Ismail"),
        ("ismail", "Ismail"),
    ],
)
def test_issue_examples(raw: str, expected: str) -> None:
    assert n.name_part(raw) == expected
    assert n.title_case(raw) == expected
    assert n.name(raw) == expected


def test_turkish_dotted_capital_leaves_no_combining_dot() -> None:
    for func in (n.name, n.name_part, n.title_case):
        results = {func(v) for v in ("İSMAİL", "İsmail", "İSMAIL", "ismail")}
        assert len(results) == 1, func
        assert "\u0307" not in results.pop()  # type: ignore[operator]


def test_name_safe_returns_nfc_for_every_letter_with_a_mark_across_a_removed_character() -> None:
    marks = ("\u0301", "\u0308", "\u0323", "\u030a")  # acute, diaeresis, dot below, ring above
    removed = ("\u200b", "\u200f", "7", "\x00", "\u2063")  # ZW space, RTL mark, digit, NUL, invisible sep.
    wrong = []
    for i, letter in enumerate(_letters()):  # every letter once; marks and removed characters rotate
        if n.name_safe(letter) != unicodedata.normalize("NFC", letter):
            continue  # changed on its own: 'ʼ' (a letter) is read as an apostrophe
        got = n.name_safe(letter + removed[i % len(removed)] + marks[i % len(marks)])
        expected = unicodedata.normalize("NFC", letter + marks[i % len(marks)])
        if got != expected:
            wrong.append((letter, got, expected))
    assert wrong == []


def test_name_safe_composes_across_a_removed_zero_width_space() -> None:
    assert n.name_safe("e\u200b\u0301") == "é"
    assert n.name_safe("Jose\u200b\u0301") == "José"
    assert n.name_part("jose\u200b\u0301") == "José"


@pytest.mark.parametrize("ch", ["ß", "ŉ", "ﬁ"])
def test_a_longer_titlecase_keeps_the_character(ch: str) -> None:
    assert len(ch.title()) > 1  # the reference: these have multi-character titlecase mappings
    assert n.name_part(ch + "a") == ch + "a"
    assert n.title_case(ch + "a") == ch + "a"
