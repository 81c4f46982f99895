"""Ticketmaster APIs (the successor of the ``@verifiedfan/tm-*`` packages).

Pure parts first: PACMAN presale and access codes (:func:`generate_passwords`, with the censored-word
filter) and the TMUO region routing (:func:`region_of`). The HTTP clients (accounts, discovery,
orders, users, wallet, SMS) are built on the API-client kit of :mod:`verifiedfan.http`.
"""

from verifiedfan.ticketmaster._pacman import (
    DEFAULT_ALPHABET,
    CensoredWords,
    CodeSpaceExhaustedError,
    contains_censored,
    default_censored_words,
    generate_passwords,
)
from verifiedfan.ticketmaster._regions import Region, Tmuo, parse_tmuo, region_of

__all__ = [
    "DEFAULT_ALPHABET",
    "CensoredWords",
    "CodeSpaceExhaustedError",
    "Region",
    "Tmuo",
    "contains_censored",
    "default_censored_words",
    "generate_passwords",
    "parse_tmuo",
    "region_of",
]
