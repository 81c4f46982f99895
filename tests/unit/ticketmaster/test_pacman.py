"""PACMAN codes: CSPRNG, unbiased, unique, never a censored word under the digit swaps (issue 12)."""

from __future__ import annotations

import itertools
import re
import string
from collections import Counter
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verifiedfan.errors import ValidationError
from verifiedfan.ticketmaster import (
    DEFAULT_ALPHABET,
    CensoredWords,
    CodeSpaceExhaustedError,
    _pacman,
    contains_censored,
    default_censored_words,
    generate_passwords,
)

# The swaps of the issue, read the other way: each character of a code and every letter it can stand for.
_READINGS = {"0": "0o", "1": "1il", "3": "3e", "4": "4a", "5": "5s", "7": "7t"}


def _raw_list() -> list[str]:
    """The shipped list as written in the file, independent of the module's own reading of it."""
    text = resources.files("verifiedfan.ticketmaster").joinpath("data/censored_words.txt").read_text()
    return [w.strip().lower() for w in text.splitlines() if w.strip() and not w.startswith("#")]


RAW = _raw_list()


def _readings(code: str) -> list[str]:
    """Every way of reading ``code``: each swapped digit as itself or as each letter it stands for."""
    options = [_READINGS.get(ch, ch) for ch in code.lower()]
    return ["".join(p) for p in itertools.product(*options)]


def _oracle_clean(code: str) -> bool:
    readings = _readings(code)
    return not any(word in reading for word in RAW for reading in readings)


def test_the_shipped_list_is_loaded_once_and_whole() -> None:
    assert default_censored_words() is default_censored_words()
    assert len(RAW) > 800
    assert [w for w in RAW if not contains_censored(w)] == []  # every listed word, as written, is found


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=300), st.integers(min_value=3, max_value=10))
def test_no_generated_code_contains_a_listed_word_in_any_reading(count: int, length: int) -> None:
    # An alphabet with every letter and every swapped digit, so that many draws are censored.
    codes = generate_passwords(count, length, string.ascii_uppercase + "013457")
    assert len(codes) == count
    assert len(set(codes)) == count
    assert all(len(c) == length for c in codes)
    assert [c for c in codes if not _oracle_clean(c)] == []


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(RAW),
    st.text(alphabet=string.ascii_uppercase + string.digits, max_size=4),
    st.text(alphabet=string.ascii_uppercase + string.digits, max_size=4),
    st.randoms(use_true_random=False),
)
def test_a_listed_word_is_found_in_any_case_and_swap(word: str, left: str, right: str, rnd: object) -> None:
    letters_to_digits = {"o": "0", "i": "1", "l": "1", "e": "3", "a": "4", "s": "5", "t": "7"}
    disguised = "".join(
        letters_to_digits[ch] if ch in letters_to_digits and rnd.random() < 0.5 else ch  # type: ignore[attr-defined]
        for ch in word
    )
    disguised = "".join(ch.upper() if rnd.random() < 0.5 else ch for ch in disguised)  # type: ignore[attr-defined]
    assert contains_censored(left + disguised + right)


@pytest.mark.parametrize("code", ["B00B", "5EX", "H3LL", "sex", "XXSHITXX", "7W4T"])
def test_examples_of_disguised_words_are_found(code: str) -> None:
    assert contains_censored(code)


@pytest.mark.parametrize("code", ["XK9Q", "2222", "QZJ8", ""])
def test_clean_text_is_clean(code: str) -> None:
    assert not contains_censored(code)


def test_a_custom_list_replaces_the_shipped_one() -> None:
    words = CensoredWords.from_words(["Zebra", "q-9"])
    assert contains_censored("XXZ3BR4", words)
    assert contains_censored("aq9", words)
    assert not contains_censored("SEX", words)


def test_codes_use_only_the_alphabet_and_the_default_is_crockford() -> None:
    assert DEFAULT_ALPHABET == "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    codes = generate_passwords(500)
    assert all(re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{8}", c) for c in codes)


def test_bytes_that_would_bias_the_alphabet_are_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    # With 3 symbols, byte 255 (= 3 * 85) would favour the first symbol: it must be skipped, not mapped.
    stream = bytes(range(250, 256)) + bytes(range(10))  # 250..254 -> Y Z X Y Z, 255 dropped, 0.. -> X Y Z
    monkeypatch.setattr(_pacman.secrets, "token_bytes", lambda n: stream * (n // len(stream) + 1))
    codes = generate_passwords(3, 5, "XYZ", words=CensoredWords.from_words([]))
    assert codes == ["YZXYZ", "XYZXY", "ZXYZX"]


def test_the_draw_is_uniform_over_an_odd_alphabet() -> None:
    alphabet = string.ascii_uppercase[:23]  # 256 is not a multiple of 23
    counts = Counter("".join(generate_passwords(4000, 10, alphabet, words=CensoredWords.from_words([]))))
    expected = 40000 / len(alphabet)
    chi2 = sum((counts[ch] - expected) ** 2 / expected for ch in alphabet)
    assert chi2 < 70.0  # 22 degrees of freedom: p < 1e-6 above 70, so a biased draw fails, a fair one passes


def test_zero_codes_is_an_empty_list() -> None:
    assert generate_passwords(0) == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"count": -1}, "count must be an integer >= 0"),
        ({"count": True}, "count must be an integer"),
        ({"count": 2.0}, "count must be an integer"),
        ({"count": 1, "length": 0}, "length must be an integer >= 1"),
        ({"count": 1, "alphabet": ""}, "non-empty"),
        ({"count": 1, "alphabet": "A"}, "at least 2"),
        ({"count": 1, "alphabet": "AAB"}, "repeats a character"),
        ({"count": 1, "alphabet": "AB C"}, "without spaces"),
        ({"count": 1, "alphabet": "ABÉ"}, "printable ASCII"),
        ({"count": 9, "length": 3, "alphabet": "AB"}, "make only 8 codes of length 3; 9 were asked"),
    ],
)
def test_bad_arguments_are_refused_before_drawing(
    kwargs: dict[str, object], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_pacman.secrets, "token_bytes", pytest.fail)
    with pytest.raises(ValidationError, match=message):
        generate_passwords(**kwargs)  # type: ignore[arg-type]


def test_an_exhausted_code_space_is_a_typed_error() -> None:
    # Every code of "AB" of length 2 holds a censored word: nothing can be returned.
    words = CensoredWords.from_words(["a", "b"])
    with pytest.raises(CodeSpaceExhaustedError, match="without finding 1 distinct ones free of censored"):
        generate_passwords(1, 2, "AB", words=words, max_draws=50)
