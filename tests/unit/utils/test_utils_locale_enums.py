"""The locale enums: generated from the locale table, checked against outside code lists."""

from __future__ import annotations

import locale

import pytest

from verifiedfan.errors import ValidationError
from verifiedfan.utils import (
    LANGUAGES_BY_COUNTRY,
    ORIGINAL_COUNTRIES,
    Country,
    Locale,
    get_fallback_locale,
)

# What the original's documentation gives of languagesByCountryMap (shared/reference/vf-lib.md).
DOCUMENTED = {"US": ("en",), "GB": ("en",), "CA": ("fr", "en"), "MX": ("en", "es")}


def test_country_is_the_table_in_order() -> None:
    assert [c.value for c in Country] == list(LANGUAGES_BY_COUNTRY)
    assert Country.CH.languages == ("de", "fr", "it")


def test_locale_is_every_language_of_every_country() -> None:
    expected = {f"{lang}_{country}" for country, langs in LANGUAGES_BY_COUNTRY.items() for lang in langs}
    assert {loc.value for loc in Locale} == expected
    assert len(Locale) == 31


def test_the_original_countries_match_the_documented_entries() -> None:
    assert {c.value for c in ORIGINAL_COUNTRIES} == set(DOCUMENTED)
    for country in ORIGINAL_COUNTRIES:
        assert country.languages == DOCUMENTED[country.value]
    assert len(Country) - len(ORIGINAL_COUNTRIES) == 21


@pytest.mark.parametrize("loc", list(Locale))
def test_every_locale_is_its_own_fallback(loc: Locale) -> None:
    assert get_fallback_locale(loc) == loc.value
    assert get_fallback_locale(loc.with_delimiter("-")) == f"{loc.language}-{loc.country}"
    assert loc.language in loc.country.languages


def test_countries_are_iso_3166_regions() -> None:
    phonenumbers = pytest.importorskip("phonenumbers")
    assert [c for c in Country if c.value not in phonenumbers.SUPPORTED_REGIONS] == []


def test_languages_are_known_to_the_c_library_alias_table() -> None:
    # locale.locale_alias is the X.org/glibc alias table Python ships: an outside list of languages.
    assert sorted({loc.language for loc in Locale} - set(locale.locale_alias)) == []


def test_with_delimiter_rejects_other_delimiters() -> None:
    assert Locale.FR_CA.with_delimiter("-") == "fr-CA"
    assert Locale.FR_CA == "fr_CA"
    with pytest.raises(ValidationError, match="delimiter must be"):
        Locale.FR_CA.with_delimiter(".")
