"""Email, phone and zip: the use-case examples and real-world data, as tables."""

from __future__ import annotations

import logging

import pytest

from verifiedfan import normalizers as n


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (" User@Example.COM ", "user@example.com"),  # use case 4
        ("francois.dupont@orange.fr", "francois.dupont@orange.fr"),
        ("FIRST.LAST+tag@Sub.Example.co.uk", "first.last+tag@sub.example.co.uk"),
        ("josé@bücher.de", "josé@bücher.de"),
        (b"bytes@example.com", "bytes@example.com"),
        ("no-at-sign.example.com", None),
        ("two@@example.com", None),
        ("user@localhost", None),
        ("user@example..com", None),
        ("", None),
        ("   ", None),
        (None, None),
        (42, None),
        ("user@" + "a" * 64 + ".com", None),  # a DNS label over 63 characters
        ("a" * 400 + "@example.com", None),
    ],
)
def test_email(raw: object, expected: str | None) -> None:
    assert n.email(raw) == expected


def test_email_does_no_dns_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("DNS lookup attempted")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    assert n.email("someone@this-domain-does-not-exist-vf.com") == "someone@this-domain-does-not-exist-vf.com"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("5551234567", "+15551234567"),  # use case 4 (a 555 number: possible, not valid)
        ("+33 6 12 34 56 78", "+33612345678"),  # scenario 2
        ("33612345678", "+33612345678"),  # FR without the plus: '+' + s wins
        ("0033 6 12 34 56 78", "+33612345678"),  # FR with the 00 international prefix
        ("+44 20 7946 0958", "+442079460958"),  # GB London
        ("447911123456", "+447911123456"),  # GB mobile without plus
        ("+49 1512 3456789", "+4915123456789"),  # DE mobile
        ("+49 30 123456", "+4930123456"),  # DE Berlin
        ("+55 11 91234-5678", "+5511912345678"),  # BR São Paulo mobile
        ("+81 90-1234-5678", "+819012345678"),  # JP mobile
        ("+91 98765 43210", "+919876543210"),  # IN mobile
        ("+61 412 345 678", "+61412345678"),  # AU mobile
        ("+52 55 1234 5678", "+525512345678"),  # MX Mexico City
        ("+34 612 34 56 78", "+34612345678"),  # ES mobile
        ("(212) 555-0100", "+12125550100"),  # US national formats: the +1 default
        ("1-212-555-0100", "+12125550100"),
        ("212.555.0100", "+12125550100"),
        ("tel: +1 415 555 2671", "+14155552671"),
        (14155552671, "+14155552671"),  # an int
        ("555-1234", "+5551234"),  # 7 digits: the original's fallback
        ("123456", None),  # too few digits
        ("12345678901234567", None),  # more than E.164's 15 digits
        ("+999 123", None),
        ("abc", None),
        ("", None),
        (None, None),
        (3.5, None),
    ],
)
def test_phone(raw: object, expected: str | None) -> None:
    assert n.phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("07911 123456", "GB", "+447911123456"),
        ("07911 123456", "gb", "+447911123456"),
        ("030 123456", "DE", "+4930123456"),
        ("090-1234-5678", "JP", "+819012345678"),
        ("(11) 91234-5678", "BR", "+5511912345678"),
        ("0412 345 678", "AU", "+61412345678"),
        ("+33 6 12 34 56 78", "GB", "+33612345678"),  # an explicit country code wins over region
    ],
)
def test_phone_region_replaces_the_us_default(raw: str, region: str, expected: str) -> None:
    assert n.phone(raw, region=region) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("5551234567", None),  # libphonenumber calls 555 numbers invalid
        ("555-1234", None),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("(212) 555-0100", "+12125550100"),
    ],
)
def test_phone_strict_returns_only_valid_numbers(raw: str, expected: str | None) -> None:
    assert n.phone(raw, strict=True) == expected


def test_phone_unknown_region_does_not_raise() -> None:
    assert n.phone("06 12 34 56 78", region="XX", strict=True) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("02134-1234", "02134"),
        (" 02134 ", "02134"),
        ("02134", "02134"),
        ("021341234", "02134"),
        ("02134 1234", "02134"),
        (b"90210", "90210"),
        (90210, "90210"),
        ("2134", None),
        ("021345", None),
        ("02134-12", None),
        ("AB1 2CD", None),
        ("٠٢١٣٤", None),  # Arabic-Indic digits are not a US zip
        (None, None),
    ],
)
def test_zip(raw: object, expected: str | None) -> None:
    assert n.zip(raw) == expected


_DOMAIN_189 = "a" * 63 + "." + "b" * 63 + "." + "c" * 57 + ".com"  # 189 characters, labels <= 63


@pytest.mark.parametrize(
    ("local", "domain", "accepted"),
    [
        ("a" * 64, "example.com", True),  # RFC 5321 4.5.3.1.1: 64 octets of local part
        ("a" * 65, "example.com", False),
        ("é" * 32, "example.com", True),  # 64 octets in UTF-8
        ("é" * 33, "example.com", False),  # 66 octets in UTF-8, 33 characters
        ("a" * 64, _DOMAIN_189, True),  # 254 in all: RFC 5321 4.5.3.1.3's path less its brackets
        ("a" * 64, _DOMAIN_189.replace(".com", "c.com"), False),  # 255
    ],
)
def test_email_length_bounds(local: str, domain: str, accepted: bool) -> None:
    address = f"{local}@{domain}"
    assert n.email(address) == (address if accepted else None)
    assert n.email(f"  {address.upper()} ") == (address if accepted else None)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # the digits fallback: '+' and the digits, leading zeros dropped (never trailing ones)
        ("555-1200", "+5551200"),
        ("0 555 1200", "+5551200"),
        ("555 1200 0", "+55512000"),
        ("0000 555 1200", "+5551200"),
    ],
)
def test_phone_digits_fallback_drops_only_leading_zeros(raw: str, expected: str) -> None:
    assert n.phone(raw) == expected
    assert n.phone(raw, strict=True) is None  # none of them is a valid number


def test_email_survives_a_library_bug_and_logs_it(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from verifiedfan.normalizers import _contact

    _contact._email_validator()  # bound once, then replaced by one that fails unexpectedly
    bug = RuntimeError("a bug inside email_validator")

    def broken(*args: object, **kwargs: object) -> None:
        raise bug

    monkeypatch.setattr(_contact, "_validate_email", broken)
    with caplog.at_level(logging.DEBUG, logger="verifiedfan.normalizers._contact"):
        assert n.email("user@example.com") is None
    (record,) = [r for r in caplog.records if r.name == "verifiedfan.normalizers._contact"]
    assert record.getMessage() == "email_validator failed unexpectedly"
    assert record.exc_info is not None
    assert record.exc_info[1] is bug


def test_email_without_the_extra_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    from verifiedfan.errors import DependencyMissingError
    from verifiedfan.normalizers import _contact

    real_import = importlib.import_module

    def missing(name: str, package: str | None = None) -> object:
        if name == "email_validator":
            raise ImportError(name)
        return real_import(name, package)

    monkeypatch.setattr(_contact, "_validate_email", None)
    monkeypatch.setattr(importlib, "import_module", missing)
    with pytest.raises(DependencyMissingError, match=r'pip install "verifiedfan\[normalizers\]"'):
        n.email("user@example.com")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (" " * 13 + "02134" + " " * 14, "02134"),  # 32 characters: the longest text read
        (" " * 14 + "02134" + " " * 14, None),  # 33: refused before any matching
    ],
)
def test_zip_length_bound(raw: str, expected: str | None) -> None:
    assert n.zip(raw) == expected


@pytest.mark.parametrize("raw", ["Straße@Example.com", "STRAßE@example.com", "Ǆemal@example.com"])
def test_email_lower_cases_with_unicodes_lower_case_mapping(raw: str) -> None:
    """The answer is email_validator's normal form of the address lower-cased by Unicode's own
    mapping (``str.lower``): a round trip through upper case would fold "ß" into "SS" (Unicode's
    SpecialCasing) and change the mailbox."""
    from email_validator import validate_email

    expected = validate_email(raw.lower(), check_deliverability=False).normalized.lower()
    assert n.email(raw) == expected
    assert "ß" in expected or "ǆ" in expected
