# ruff: noqa: E402 - the imports follow the check that the extra is installed
"""Ticketmaster APIs (the successor of the ``@verifiedfan/tm-*`` packages).

* :class:`TmAccounts` / :class:`SyncTmAccounts`: AUUM, ACOE and ARAI with TMUO region routing (use case 5),
  on the API-client kit of :mod:`verifiedfan.http`; its sandbox is
  :class:`verifiedfan.testing.sandbox.TmAccountsSandbox`.
* :class:`TmDiscovery` / :class:`SyncTmDiscovery`: the public Discovery API v2, with its documented
  limits kept on this side (5 requests a second, a daily quota, the 1,000-item paging depth).
* :class:`TmSms` / :class:`SyncTmSms`: ``send_sms`` (E.164 through the normalizers, an idempotency
  key so a retry never sends twice, GSM-7/UCS-2 segment count) and paced ``send_wave`` with typed
  per-recipient outcomes; its sandbox is :class:`verifiedfan.testing.sandbox.TmSmsSandbox`.
* :class:`TmOrders`, :class:`TmUsers`, :class:`TmWallet` (and ``Sync`` twins): orders and purchase
  history (paged), user records (get, PATCH, find by e-mail), wallet balance, payment methods and
  passes, with the accounts' auth and region routing; sandbox :class:`~verifiedfan.testing.sandbox.
  TmCommerceSandbox`.
* PACMAN presale and access codes: :func:`generate_passwords`, with the censored-word filter.
* The TMUO region routing on its own: :func:`region_of`, :func:`parse_tmuo`.
"""

from verifiedfan._optional import require as _require

_require("phonenumbers", "ticketmaster")

from verifiedfan.ticketmaster._async.accounts import TmAccounts
from verifiedfan.ticketmaster._async.commerce import TmOrders, TmUsers, TmWallet
from verifiedfan.ticketmaster._async.discovery import DiscoveryLimiter, TmDiscovery
from verifiedfan.ticketmaster._async.sms import TmSms
from verifiedfan.ticketmaster._commerce_models import (
    TmAccount,
    TmAccountUpdate,
    TmOrder,
    TmOrderNotFoundError,
    TmPass,
    TmPaymentMethod,
    TmWalletBalance,
    TmWalletNotFoundError,
)
from verifiedfan.ticketmaster._discovery_models import (
    DISCOVERY_MAX_DEPTH,
    DISCOVERY_PER_DAY,
    DISCOVERY_PER_SECOND,
    Attraction,
    DeepPagingLimitError,
    DiscoveryQuotaError,
    Event,
    InvalidApiKeyError,
    PageInfo,
    Venue,
)
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
from verifiedfan.ticketmaster._sms import (
    MAX_SEGMENTS,
    SmsEncoding,
    SmsOutcome,
    SmsRecipient,
    SmsResult,
    SmsStatus,
    TmSmsSettings,
    default_idempotency_key,
    fill_template,
    segments_of,
)
from verifiedfan.ticketmaster._sync.accounts import SyncTmAccounts
from verifiedfan.ticketmaster._sync.commerce import SyncTmOrders, SyncTmUsers, SyncTmWallet
from verifiedfan.ticketmaster._sync.discovery import SyncDiscoveryLimiter, SyncTmDiscovery
from verifiedfan.ticketmaster._sync.sms import SyncTmSms

__all__ = [
    "DEFAULT_ALPHABET",
    "DEFAULT_REGION_URLS",
    "DISCOVERY_MAX_DEPTH",
    "DISCOVERY_PER_DAY",
    "DISCOVERY_PER_SECOND",
    "MAX_SEGMENTS",
    "AcoeCredentials",
    "AraiCredentials",
    "Attraction",
    "AuumCredentials",
    "CensoredWords",
    "CodeSpaceExhaustedError",
    "DeepPagingLimitError",
    "DiscoveryLimiter",
    "DiscoveryQuotaError",
    "Event",
    "InvalidApiKeyError",
    "PageInfo",
    "Region",
    "SmsEncoding",
    "SmsOutcome",
    "SmsRecipient",
    "SmsResult",
    "SmsStatus",
    "SyncDiscoveryLimiter",
    "SyncTmAccounts",
    "SyncTmDiscovery",
    "SyncTmOrders",
    "SyncTmSms",
    "SyncTmUsers",
    "SyncTmWallet",
    "TmAccessToken",
    "TmAccount",
    "TmAccountUpdate",
    "TmAccounts",
    "TmAccountsSettings",
    "TmAddress",
    "TmAttendance",
    "TmDiscovery",
    "TmOrder",
    "TmOrderNotFoundError",
    "TmOrders",
    "TmPass",
    "TmPaymentMethod",
    "TmProfileResult",
    "TmPurchase",
    "TmSms",
    "TmSmsSettings",
    "TmUser",
    "TmUserActivity",
    "TmUserNotFoundError",
    "TmUserProfile",
    "TmUsers",
    "TmWallet",
    "TmWalletBalance",
    "TmWalletNotFoundError",
    "Tmuo",
    "Venue",
    "contains_censored",
    "default_censored_words",
    "default_idempotency_key",
    "fill_template",
    "generate_passwords",
    "parse_tmuo",
    "region_of",
    "segments_of",
]
