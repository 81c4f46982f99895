"""``phone`` against an outside reference: libphonenumber's own example numbers and NANP metadata.

The inputs are libphonenumber's example number of every type for every region it knows (and of every
non-geographic entity), written the ways people write them, and one valid number for every NANP area
code its metadata allows (found from the metadata's patterns, not listed by hand). The oracle is
libphonenumber's own reading of the E.164 form: ``format(parse('+...'))`` when that is valid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import phonenumbers
import pytest
import regex
from phonenumbers import PhoneNumberFormat as Fmt
from phonenumbers import PhoneNumberType as Kind

from verifiedfan import normalizers as n

_TYPES = [kind for name, kind in vars(Kind).items() if name.isupper() and kind != Kind.UNKNOWN]


@dataclass(frozen=True)
class Example:
    region: str | None  # None for a non-geographic entity (+800, +882...)
    kind: str
    number: phonenumbers.PhoneNumber


def _oracle(number: phonenumbers.PhoneNumber) -> str | None:
    """libphonenumber's reading of the E.164 form, when valid and within E.164's 7 to 15 digits."""
    e164 = phonenumbers.format_number(number, Fmt.E164)
    again = phonenumbers.parse(e164, None)
    if not phonenumbers.is_valid_number(again):
        return None
    formatted = phonenumbers.format_number(again, Fmt.E164)
    return formatted if 7 <= len(formatted) - 1 <= 15 else None


@cache
def _examples() -> list[Example]:
    found = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in _TYPES:
            number = phonenumbers.example_number_for_type(region, kind)
            if number is not None:
                found.append(Example(region, kind_name(kind), number))
    for code in sorted(phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS):
        number = phonenumbers.example_number_for_non_geo_entity(code)
        if number is not None:
            found.append(Example(None, "non-geo", number))
    return found


def kind_name(kind: int) -> str:
    return next(name for name, value in vars(Kind).items() if name.isupper() and value == kind)


def _parenthesized(national: str) -> str:
    """The first group of a nationally formatted number in parentheses: ``(030) 123456``."""
    if "(" in national:
        return national
    first, sep, rest = national.partition(" ")
    return f"({first}) {rest}" if sep else national


def _writings(example: Example) -> list[tuple[str, str]]:
    """(text, region) pairs: how people write the number."""
    number = example.number
    international = phonenumbers.format_number(number, Fmt.INTERNATIONAL)
    e164 = phonenumbers.format_number(number, Fmt.E164)
    out = [
        (international, "US"),
        (e164, "US"),
        ("00" + international[1:], "US"),
        (phonenumbers.format_number(number, Fmt.RFC3966), "US"),
        (international.replace(" ", "."), "US"),
        (international.replace(" ", "-"), "US"),
    ]
    if example.region is not None:
        national = phonenumbers.format_number(number, Fmt.NATIONAL)
        out += [
            (international, example.region),
            (national, example.region),
            (re.sub(r"[ \-]", ".", national), example.region),
            (national.replace(" ", "-"), example.region),
            (_parenthesized(national), example.region),
            (re.sub(r"\D", "", national), example.region),
        ]
    return out


def _disagreements(strict: bool) -> tuple[int, list[tuple[str, str, str, str | None, str | None]]]:
    checked = 0
    wrong = []
    for example in _examples():
        expected = _oracle(example.number)
        for text, region in _writings(example):
            checked += 1
            got = n.phone(text, region=region, strict=strict)
            if got != expected:
                wrong.append((example.kind, text, region, got, expected))
    return checked, wrong


def test_the_reference_covers_every_region_and_type() -> None:
    examples = _examples()
    regions = {e.region for e in examples if e.region}
    assert regions == set(phonenumbers.SUPPORTED_REGIONS)
    assert len(examples) > 1300
    assert sum(_oracle(e.number) is not None for e in examples) > 0.98 * len(examples)


@pytest.mark.parametrize("strict", [False, True])
def test_example_numbers_of_every_region_in_every_writing(strict: bool) -> None:
    checked, wrong = _disagreements(strict)
    assert checked > 15_000
    assert wrong == []


@pytest.mark.parametrize(
    ("text", "region", "expected"),
    [
        ("(323) 234-5678", "US", "+13232345678"),  # not Belgium's +32
        ("(201) 555-0123", "US", "+12015550123"),  # libphonenumber's US example, not Egypt's +20
        ("131 2345 6789", "CN", "+8613123456789"),  # a CN mobile, not a US number
        ("1721", "DE", None),  # 6 digits: below the 7-digit bound
        ("0151 2345 6789 0123", "DE", None),  # 17 digits: above E.164's 15
        ("+046 01186/271", "US", "+461186271"),  # the digits fallback read back as SE
    ],
)
def test_issue_examples(text: str, region: str, expected: str | None) -> None:
    assert n.phone(text, region=region) == expected
    if expected is not None:
        assert n.phone(expected) == expected


def test_default_region_is_us() -> None:
    assert n.phone("(201) 555-0123") == n.phone("(201) 555-0123", region="US") == "+12015550123"


# --- every NANP area code libphonenumber's metadata allows -----------------------------------


def _nanp_descs() -> list[str]:
    patterns = []
    for region in phonenumbers.COUNTRY_CODE_TO_REGION_CODE[1]:
        meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
        for name in ("fixed_line", "mobile", "toll_free", "premium_rate", "shared_cost", "personal_number",
                     "voip", "pager", "uan", "voicemail"):  # fmt: skip
            desc = getattr(meta, name)
            if desc is not None and desc.national_number_pattern and 10 in (desc.possible_length or (10,)):
                patterns.append(desc.national_number_pattern)
    return patterns


def _complete(pattern: regex.Pattern[str], prefix: str) -> str | None:
    """A 10-digit number starting with ``prefix`` that libphonenumber calls valid, by depth-first search."""
    if not pattern.fullmatch(prefix, partial=True):
        return None
    if len(prefix) == 10:
        if pattern.fullmatch(prefix) and phonenumbers.is_valid_number(phonenumbers.parse("+1" + prefix)):
            return prefix
        return None
    for digit in "5273946180":  # any order works; this one avoids runs of 0 and 1
        found = _complete(pattern, prefix + digit)
        if found:
            return found
    return None


@cache
def _nanp_numbers() -> dict[str, str]:
    """One valid number for each area code (NPA) any NANP region's metadata allows."""
    patterns = [regex.compile(p) for p in _nanp_descs()]
    numbers: dict[str, str] = {}
    for npa in range(200, 1000):
        for pattern in patterns:
            found = _complete(pattern, str(npa))
            if found:
                numbers[str(npa)] = found
                break
    return numbers


def test_the_nanp_reference_is_plausible() -> None:
    numbers = _nanp_numbers()
    assert {"201", "212", "323", "415", "416", "787", "800", "876"} <= set(numbers)  # US, CA, PR, JM
    assert "911" not in numbers
    assert "555" not in numbers
    assert 300 < len(numbers) < 800


def test_every_nanp_area_code_is_read_as_nanp() -> None:
    wrong = []
    for npa, digits in _nanp_numbers().items():
        expected = phonenumbers.format_number(phonenumbers.parse("+1" + digits), Fmt.E164)
        nxx, line = digits[3:6], digits[6:]
        for text in (
            f"({npa}) {nxx}-{line}",
            f"{npa}-{nxx}-{line}",
            f"{npa}.{nxx}.{line}",
            digits,
            f"1 {npa} {nxx} {line}",
            f"+1 {npa} {nxx} {line}",
        ):
            for strict in (False, True):
                got = n.phone(text, strict=strict)
                if got != expected:
                    wrong.append((text, strict, got, expected))
    assert wrong == []


def test_the_validity_shortcut_agrees_with_libphonenumber_on_every_area_code_of_every_shared_code() -> None:
    """``_phone``'s walk over a shared country code's regions answers as ``is_valid_number``."""
    from verifiedfan.normalizers import _phone

    lib = _phone._phonenumbers()
    shared = [code for code, regions in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.items() if len(regions) > 1]
    assert 1 in shared
    assert 44 in shared
    checked = disagree = valid = 0
    for code in shared:
        for prefix in range(100, 1000):
            for tail in ("5550123", "2345678", "123456", "99"):
                number = phonenumbers.PhoneNumber(country_code=code, national_number=int(f"{prefix}{tail}"))
                checked += 1
                expected = phonenumbers.is_valid_number(number)
                valid += expected
                disagree += lib.valid(number) != expected
    assert checked > 40_000
    assert checked * 0.05 < valid < checked * 0.95  # both answers are well represented
    assert disagree == 0


def _parsed(text: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None


def test_plain_numbers_are_built_as_libphonenumber_parses_them() -> None:
    """``_phone`` builds the number of a plain text itself; it must equal ``phonenumbers.parse``."""
    import random

    from verifiedfan.normalizers import _phone

    lib = _phone._phonenumbers()
    rng = random.Random(20261125)
    cases: list[tuple[str, str]] = []
    for region in [*sorted(phonenumbers.SUPPORTED_REGIONS), "XX"]:
        cases += [("".join(rng.choices("0123456789", k=rng.randrange(1, 20))), region) for _ in range(60)]
        cases += [(text, region) for text in ("(0) 12 34", "1-2", "12", "0 0 0", "00 1 234")]
    for example in _examples():
        e164 = phonenumbers.format_number(example.number, Fmt.E164)
        cases.append((e164[1:], example.region or "US"))
        if example.region:
            cases.append((phonenumbers.format_number(example.number, Fmt.NATIONAL), example.region))
    wrong = []
    built = 0
    for text, region in cases:
        if lib.national_number(text, region) != _parsed(text, region):
            wrong.append((text, region, "national"))
        if lib.plus_number(text) != _parsed("+" + text, None):
            wrong.append((text, region, "plus"))
        built += _phone._SIMPLE_NUMBER.fullmatch(text) is not None
    assert len(cases) > 15_000
    assert built > 0.9 * len(cases)
    assert wrong == []
