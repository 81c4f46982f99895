"""Names: the use-case examples and names from several languages, as tables."""

from __future__ import annotations

import dataclasses

import pytest

from verifiedfan import normalizers as n


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (" JOHN ", "John"),  # use case 4
        ("O'Connor", "O'Connor"),
        ("François", "François"),  # scenario 2: accents kept
        ("FRANÇOIS DUPONT", "François Dupont"),
        ("jean-luc", "Jean-Luc"),
        ("o'connor", "O'Connor"),
        ("Mary-Kate O’Brien", "Mary-Kate O'Brien"),  # typographic apostrophe
        ("d'angelo", "D'Angelo"),
        ("Seán Ó Súilleabháin", "Seán Ó Súilleabháin"),  # Irish
        ("MÜLLER-LÜDENSCHEIDT", "Müller-Lüdenscheidt"),  # German umlauts
        ("jürgen groß", "Jürgen Groß"),
        ("Søren Kierkegaard", "Søren Kierkegaard"),  # Danish
        ("ÅSA ÆRØ", "Åsa Ærø"),  # Nordic
        ("Björk Guðmundsdóttir", "Björk Guðmundsdóttir"),  # Icelandic
        ("nguyễn thị minh khai", "Nguyễn Thị Minh Khai"),  # Vietnamese diacritics
        ("Zoë Saldaña", "Zoë Saldaña"),
        ("ocasio-cortez", "Ocasio-Cortez"),
        ("mcdonald", "McDonald"),  # Mc always capitalizes the next letter
        ("MCGREGOR", "McGregor"),
        ("MACHINE", "Machine"),  # Mac does not, by default
        ("macdonald", "Macdonald"),
        ("J.R.R. tolkien", "J.R.R. Tolkien"),
        ("  john \t\n  smith  ", "John Smith"),  # runs of spaces collapsed
        ("John\u00a0Smith", "John Smith"),  # non-breaking space
        ("<b>Bob</b>", "Bob"),  # markup removed
        ("<script>alert(1)</script>Bob", "Bob"),
        ("\u202eEvil\u200f", "Evil"),  # right-to-left override/mark removed
        ("Jo\x00hn\x1b", "John"),  # control characters removed
        ("John Smith 3rd", "John Smith Rd"),  # digits removed
        ("Jose\u0301", "José"),  # NFC
        ("김민준", "김민준"),  # no case: unchanged
        ("- ' .", None),  # punctuation only
        ("123", None),
        ("", None),
        (None, None),
        (12, None),
    ],
)
def test_name_part(raw: object, expected: str | None) -> None:
    assert n.name_part(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("juan DE LA cruz", "Juan de la Cruz"),  # Spanish particles
        ("VINCENT VAN GOGH", "Vincent van Gogh"),
        ("De la Hoya, Oscar", "Oscar de la Hoya"),
        ("van der berg", "Van der Berg"),  # a particle first is capitalized
    ],
)
def test_name_with_particles(raw: str, expected: str) -> None:
    assert n.name(raw, particles=n.NAME_PARTICLES) == expected


def test_name_without_particles_title_cases_every_word() -> None:
    assert n.name("juan de la cruz") == "Juan De La Cruz"


def test_mac_names_allow_list() -> None:
    assert n.name("MACDONALD MACHINE", mac_names={"macdonald"}) == "MacDonald Machine"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Doe, John Michael", ["John", "Michael", "Doe"]),
        ("John Michael Doe", ["John", "Michael", "Doe"]),
        ("o'connor, SEÁN", ["Seán", "O'Connor"]),
        ("Doe,", ["Doe"]),
        (", John", ["John"]),
        ("  ", None),
        (None, None),
    ],
)
def test_split_name_parts(raw: object, expected: list[str] | None) -> None:
    assert n.split_name_parts(raw) == expected


def test_name_reorders_last_comma_first() -> None:
    assert n.name("doe, JOHN") == "John Doe"


def test_name_safe_keeps_case_and_removes_unsafe_characters() -> None:
    assert n.name_safe(" mcDONALD <i>x</i>  2 ") == "mcDONALD x"


def test_name_over_the_length_limit_is_none() -> None:
    assert n.name("a" * (n.MAX_NAME_LENGTH + 1)) is None


def test_name_obj_use_case_4() -> None:
    assert n.name_obj(" JOHN ", "O'Connor") == n.NameParts(
        full="John O'Connor", first="John", last="O'Connor"
    )


def test_name_obj_is_frozen() -> None:
    parts = n.name_obj("John", "Doe")
    assert parts is not None
    with pytest.raises(dataclasses.FrozenInstanceError, match=r"cannot assign to field 'first'"):
        parts.first = "Jane"  # type: ignore[misc]


def test_name_obj_lowercase_variants_when_asked() -> None:
    parts = n.name_obj("FRANÇOIS", "dupont", include_lower_case=True)
    assert parts is not None
    assert parts.lowercase == n.LowercaseNameParts(full="françois dupont", first="françois", last="dupont")


def test_name_obj_has_no_lowercase_by_default() -> None:
    parts = n.name_obj("John", "Doe")
    assert parts is not None
    assert parts.lowercase is None


def test_name_obj_with_first_name_only() -> None:
    assert n.name_obj("cher") == n.NameParts(full="Cher", first="Cher", last=None)


def test_name_obj_with_nothing_left_is_none() -> None:
    assert n.name_obj("123", "<b></b>") is None
