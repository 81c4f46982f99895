"""Locale fallback: map a requested locale to one the platform supports.

The original's ``languagesByCountryMap`` listed 25 countries (``US:[en]``, ``GB:[en]``,
``CA:[fr,en]``, ``MX:[en,es]``...). Only those four entries are documented; the other 21 below are
reconstructed from the markets the platform sells in, each with its supported languages.
"""

from __future__ import annotations

import re
from types import MappingProxyType

from verifiedfan.errors import ValidationError

__all__ = ["LANGUAGES_BY_COUNTRY", "get_fallback_locale"]

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

_LOCALE = re.compile(r"([A-Za-z]{2,3})(?:([-_])([A-Za-z]{2}))?")
_DELIMITERS = ("-", "_")


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
