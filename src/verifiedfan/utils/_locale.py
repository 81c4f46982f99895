"""Locale fallback: map a requested locale to one the platform supports; the locale enums.

The original's ``languagesByCountryMap`` listed 25 countries (``US:[en]``, ``GB:[en]``,
``CA:[fr,en]``, ``MX:[en,es]``...). Only those four entries are documented
(:data:`ORIGINAL_COUNTRIES`); the other 21 below are reconstructed from the markets the platform
sells in, each with its supported languages. :class:`Country` and :class:`Locale` are the
original's ``enums`` (the lists the admin UIs' forms offer), generated from nothing but this table.
"""

from __future__ import annotations

import re
from enum import StrEnum
from types import MappingProxyType

from verifiedfan.errors import ValidationError

_DELIMITERS = ("-", "_")

__all__ = ["LANGUAGES_BY_COUNTRY", "ORIGINAL_COUNTRIES", "Country", "Locale", "get_fallback_locale"]

LANGUAGES_BY_COUNTRY: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(
    {
        # A language alone ('fr') resolves to the first country listing it first, so home
        # countries come first here.
        "US": ("en",),
        "GB": ("en",),
        "FR": ("fr",),
        "DE": ("de",),
        "ES": ("es",),
        "IT": ("it",),
        "NL": ("nl",),
        "SE": ("sv",),
        "NO": ("no",),
        "DK": ("da",),
        "FI": ("fi",),
        "PL": ("pl",),
        "CZ": ("cs",),
        "TR": ("tr",),
        "BR": ("pt",),
        "CA": ("fr", "en"),
        "MX": ("en", "es"),
        "IE": ("en",),
        "AU": ("en",),
        "NZ": ("en",),
        "AT": ("de",),
        "CH": ("de", "fr", "it"),
        "BE": ("nl", "fr"),
        "AE": ("en", "ar"),
        "ZA": ("en",),
    }
)
"""Supported languages per country (ISO 3166-1 alpha-2 to ISO 639-1 codes), read-only."""


class Country(StrEnum):
    """The countries of :data:`LANGUAGES_BY_COUNTRY` (ISO 3166-1 alpha-2), in the table's order."""

    US = "US"
    GB = "GB"
    FR = "FR"
    DE = "DE"
    ES = "ES"
    IT = "IT"
    NL = "NL"
    SE = "SE"
    NO = "NO"
    DK = "DK"
    FI = "FI"
    PL = "PL"
    CZ = "CZ"
    TR = "TR"
    BR = "BR"
    CA = "CA"
    MX = "MX"
    IE = "IE"
    AU = "AU"
    NZ = "NZ"
    AT = "AT"
    CH = "CH"
    BE = "BE"
    AE = "AE"
    ZA = "ZA"

    @property
    def languages(self) -> tuple[str, ...]:
        """The country's supported languages, its first (default) language first."""
        return LANGUAGES_BY_COUNTRY[self.value]


class Locale(StrEnum):
    """Every supported locale, ``language_COUNTRY`` (the delimiter ``get_fallback_locale`` defaults to)."""

    EN_US = "en_US"
    EN_GB = "en_GB"
    FR_FR = "fr_FR"
    DE_DE = "de_DE"
    ES_ES = "es_ES"
    IT_IT = "it_IT"
    NL_NL = "nl_NL"
    SV_SE = "sv_SE"
    NO_NO = "no_NO"
    DA_DK = "da_DK"
    FI_FI = "fi_FI"
    PL_PL = "pl_PL"
    CS_CZ = "cs_CZ"
    TR_TR = "tr_TR"
    PT_BR = "pt_BR"
    FR_CA = "fr_CA"
    EN_CA = "en_CA"
    EN_MX = "en_MX"
    ES_MX = "es_MX"
    EN_IE = "en_IE"
    EN_AU = "en_AU"
    EN_NZ = "en_NZ"
    DE_AT = "de_AT"
    DE_CH = "de_CH"
    FR_CH = "fr_CH"
    IT_CH = "it_CH"
    NL_BE = "nl_BE"
    FR_BE = "fr_BE"
    EN_AE = "en_AE"
    AR_AE = "ar_AE"
    EN_ZA = "en_ZA"

    @property
    def language(self) -> str:
        return self.value.split("_")[0]

    @property
    def country(self) -> Country:
        return Country(self.value.split("_")[1])

    def with_delimiter(self, delimiter: str) -> str:
        """The locale spelt with ``-`` (``'fr-CA'``, BCP 47 style) or ``_``."""
        if delimiter not in _DELIMITERS:
            raise ValidationError(f"delimiter must be '-' or '_', got {delimiter!r}")
        return self.value.replace("_", delimiter)


ORIGINAL_COUNTRIES: frozenset[Country] = frozenset({Country.US, Country.GB, Country.CA, Country.MX})
"""The countries whose languages the original's documentation gives; the others were added here."""

_LOCALE = re.compile(r"([A-Za-z]{2,3})(?:([-_])([A-Za-z]{2}))?")


def _fallback_language(languages: tuple[str, ...]) -> str:
    return "en" if "en" in languages else languages[0]


def get_fallback_locale(
    locale: str,
    *,
    output_delimiter: str | None = None,
    default: str | None = "en_US",
) -> str | None:
    """The supported locale closest to ``locale``.

    * ``'fr-CA'`` gives ``'fr-CA'`` (supported as is; case normalized: ``'FR_ca'`` gives ``'fr_CA'``);
    * an unsupported language in a known country falls back to English when the country supports
      it, else to the country's first language: ``'de_MX'`` gives ``'en_MX'``, ``'en_FR'`` gives ``'fr_FR'``;
    * a language alone resolves to its home country: ``'fr'`` gives ``'fr_FR'``;
    * anything else (unknown country or language) gives ``default`` (``None`` to opt out).

    The delimiter of the input (``-`` or ``_``) is kept unless ``output_delimiter`` says otherwise
    (``_`` for a language alone). Raises :class:`~verifiedfan.errors.ValidationError` for text that
    is not a locale (``'english'``, ``'en.US'``) or a delimiter other than ``-``/``_``.
    """
    if output_delimiter is not None and output_delimiter not in _DELIMITERS:
        raise ValidationError(f"output_delimiter must be '-' or '_', got {output_delimiter!r}")
    match = _LOCALE.fullmatch(locale.strip()) if isinstance(locale, str) else None
    if match is None:
        raise ValidationError(f"not a locale: {str(locale)[:32]!r} (expected e.g. 'en_US' or 'fr-CA')")
    language, delimiter, country = match.group(1).lower(), match.group(2), match.group(3)
    out = output_delimiter or delimiter or "_"
    if country is None:
        home = next((c for c, langs in LANGUAGES_BY_COUNTRY.items() if langs[0] == language), None)
        if home is None:
            home = next((c for c, langs in LANGUAGES_BY_COUNTRY.items() if language in langs), None)
        return f"{language}{out}{home}" if home else _default(default, out)
    country = country.upper()
    languages = LANGUAGES_BY_COUNTRY.get(country)
    if languages is None:
        return _default(default, out)
    chosen = language if language in languages else _fallback_language(languages)
    return f"{chosen}{out}{country}"


def _default(default: str | None, delimiter: str) -> str | None:
    if default is None:
        return None
    return default.replace("-", delimiter).replace("_", delimiter)
