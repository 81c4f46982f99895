# ruff: noqa: E402 - the imports follow the check that the extra is installed
"""Ticketmaster APIs (the successor of the ``@verifiedfan/tm-*`` packages).

* :class:`TmAccounts` / :class:`SyncTmAccounts`: AUUM, ACOE and ARAI with TMUO region routing (use case 5),
  on the API-client kit of :mod:`verifiedfan.http`; its sandbox is
  :class:`verifiedfan.testing.sandbox.TmAccountsSandbox`.
* PACMAN presale and access codes: :func:`generate_passwords`, with the censored-word filter.
* The TMUO region routing on its own: :func:`region_of`, :func:`parse_tmuo`.
"""

from verifiedfan._optional import require as _require

_require("phonenumbers", "ticketmaster")

from verifiedfan.ticketmaster._async.accounts import TmAccounts
from verifiedfan.ticketmaster._models import (
    AcoeCredentials,
    AraiCredentials,
    AuumCredentials,
    TmAccessToken,
    TmAddress,
    TmAttendance,
    TmProfileResult,
    TmPurchase,
    TmUser,
    TmUserActivity,
    TmUserNotFoundError,
    TmUserProfile,
)
from verifiedfan.ticketmaster._pacman import (
    DEFAULT_ALPHABET,
    CensoredWords,
    CodeSpaceExhaustedError,
    contains_censored,
    default_censored_words,
    generate_passwords,
)
from verifiedfan.ticketmaster._regions import Region, Tmuo, parse_tmuo, region_of
from verifiedfan.ticketmaster._settings import DEFAULT_REGION_URLS, TmAccountsSettings
from verifiedfan.ticketmaster._sync.accounts import SyncTmAccounts

__all__ = [
    "DEFAULT_ALPHABET",
    "DEFAULT_REGION_URLS",
    "AcoeCredentials",
    "AraiCredentials",
    "AuumCredentials",
    "CensoredWords",
    "CodeSpaceExhaustedError",
    "Region",
    "SyncTmAccounts",
    "TmAccessToken",
    "TmAccounts",
    "TmAccountsSettings",
    "TmAddress",
    "TmAttendance",
    "TmProfileResult",
    "TmPurchase",
    "TmUser",
    "TmUserActivity",
    "TmUserNotFoundError",
    "TmUserProfile",
    "Tmuo",
    "contains_censored",
    "default_censored_words",
    "generate_passwords",
    "parse_tmuo",
    "region_of",
]
