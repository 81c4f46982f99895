"""Identifiers and locale fallback."""

from __future__ import annotations

import re
import uuid as std_uuid

import pytest

from verifiedfan.errors import ValidationError
from verifiedfan.utils import LANGUAGES_BY_COUNTRY, get_fallback_locale, simple_unique_id, uuid


def test_simple_unique_id_default_is_24_hex_characters() -> None:
    assert re.fullmatch(r"[0-9a-f]{24}", simple_unique_id())


@pytest.mark.parametrize("length", [1, 7, 32, 1024])
def test_simple_unique_id_length(length: int) -> None:
    assert len(simple_unique_id(length)) == length


def test_simple_unique_ids_differ() -> None:
    assert len({simple_unique_id() for _ in range(100)}) == 100


@pytest.mark.parametrize("bad", [0, -1, 1025, 2.0, True])
def test_simple_unique_id_rejects_bad_lengths(bad: object) -> None:
    with pytest.raises(ValidationError, match="length must be an integer from 1 to 1024"):
        simple_unique_id(bad)  # type: ignore[arg-type]


def test_uuid_is_a_version_4_uuid_string() -> None:
    assert std_uuid.UUID(uuid()).version == 4


def test_the_table_has_25_countries_with_the_documented_entries() -> None:
    assert len(LANGUAGES_BY_COUNTRY) == 25
    expected = {"US": ("en",), "GB": ("en",), "CA": ("fr", "en"), "MX": ("en", "es")}
    assert {k: LANGUAGES_BY_COUNTRY[k] for k in expected} == expected


def test_the_table_is_read_only() -> None:
    with pytest.raises(TypeError, match="does not support item assignment"):
        LANGUAGES_BY_COUNTRY["XX"] = ("en",)  # type: ignore[index]


@pytest.mark.parametrize(
    ("locale", "kwargs", "expected"),
    [
        ("fr_CA", {}, "fr_CA"),
        ("fr-CA", {}, "fr-CA"),
        ("FR_ca", {}, "fr_CA"),
        ("en-US", {"output_delimiter": "_"}, "en_US"),
        ("en_US", {"output_delimiter": "-"}, "en-US"),
        ("es_MX", {}, "es_MX"),
        ("de_MX", {}, "en_MX"),  # unsupported language: English when the country has it
        ("de_CA", {}, "en_CA"),
        ("en_FR", {}, "fr_FR"),  # otherwise the country's first language
        ("it-CH", {}, "it-CH"),
        ("fr", {}, "fr_FR"),  # a language alone: its home country
        ("ar", {}, "ar_AE"),
        ("en", {"output_delimiter": "-"}, "en-US"),
        ("ja_JP", {}, "en_US"),  # unknown country: the default
        ("ja-JP", {}, "en-US"),
        ("xx", {}, "en_US"),
        ("ja_JP", {"default": None}, None),
    ],
)
def test_get_fallback_locale(locale: str, kwargs: dict[str, object], expected: str | None) -> None:
    assert get_fallback_locale(locale, **kwargs) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["english", "en.US", "en_", "", "e", None, 42])
def test_get_fallback_locale_rejects_non_locales(bad: object) -> None:
    with pytest.raises(ValidationError, match=r"^not a locale: .* \(expected e\.g\. 'en_US' or 'fr-CA'\)"):
        get_fallback_locale(bad)  # type: ignore[arg-type]


def test_get_fallback_locale_rejects_a_bad_output_delimiter() -> None:
    with pytest.raises(ValidationError, match="output_delimiter must be '-' or '_'"):
        get_fallback_locale("en_US", output_delimiter=".")
