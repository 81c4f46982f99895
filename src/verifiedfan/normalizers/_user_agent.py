"""User-agent parsing on ua-parser 1.x (uap-core regexes), with an LRU cache of results.

ua-parser picks its fastest installed backend (the Rust ``ua-parser-rs`` "regex" resolver when
present, else re2, else pure Python); we add our own LRU cache of the final, immutable result so a
repeated user agent costs one dictionary lookup.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any

from verifiedfan._optional import require
from verifiedfan.normalizers._text import as_text

__all__ = ["MAX_USER_AGENT_LENGTH", "DeviceClass", "UserAgentInfo", "user_agent"]

logger = logging.getLogger(__name__)

MAX_USER_AGENT_LENGTH = 2048
"""Longer strings are not user agents: :func:`user_agent` returns ``None`` for them."""

_CACHE_SIZE = 4096
# uap-core classifies crawlers as the device "Spider" and names scripts and headless browsers
# ("curl", "Python Requests", "HeadlessChrome"...): the short family name is all we need to look at.
_BOT_BROWSER = re.compile(r"bot|spider|crawl|headless|curl|wget|python|scrapy|go-http|libwww", re.IGNORECASE)
_TABLET_DEVICES = frozenset({"iPad", "Generic Tablet", "Kindle"})
_MOBILE_DEVICES = frozenset({"iPhone", "iPod", "Generic Smartphone", "Generic Feature Phone"})
_MOBILE_OS = frozenset({"iOS", "Android", "Windows Phone", "BlackBerry OS", "KaiOS", "Symbian OS", "Tizen"})
_DESKTOP_OS = frozenset(
    {"Windows", "Mac OS X", "Linux", "Ubuntu", "Chrome OS", "Fedora", "Debian", "FreeBSD", "OpenBSD"}
)


class DeviceClass(StrEnum):
    """The kind of device a user agent comes from."""

    DESKTOP = "desktop"
    MOBILE = "mobile"
    TABLET = "tablet"
    BOT = "bot"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class UserAgentInfo:
    """What a user-agent string says. Unknown parts are ``None``."""

    browser: str | None
    version: str | None
    os: str | None
    os_version: str | None
    device: str | None
    device_class: DeviceClass

    @property
    def is_mobile(self) -> bool:
        """A phone or a tablet."""
        return self.device_class in (DeviceClass.MOBILE, DeviceClass.TABLET)

    @property
    def is_bot(self) -> bool:
        """A crawler, a script or a headless browser."""
        return self.device_class is DeviceClass.BOT


_parser: Any = None
_parser_lock = threading.Lock()


def _get_parser() -> Any:
    global _parser
    with _parser_lock:
        if _parser is None:
            ua_parser = require("ua_parser", "normalizers")
            resolver_cls = ua_parser.BestAvailableResolver
            basic = resolver_cls is ua_parser.BasicResolver
            matchers = ua_parser.load_builtins() if basic else ua_parser.load_lazy_builtins()
            _parser = ua_parser.Parser(resolver_cls(matchers))
        return _parser


def _version(part: Any) -> str | None:
    if part is None or not part.major:
        return None
    pieces = [part.major, part.minor, part.patch]
    return ".".join(p for p in pieces if p)


def _family(part: Any) -> str | None:
    family = getattr(part, "family", None)
    return family if family and family != "Other" else None


def _classify(ua: str, browser: str | None, os: str | None, device: str | None) -> DeviceClass:
    if device == "Spider" or (browser and _BOT_BROWSER.search(browser)):
        return DeviceClass.BOT
    if device in _TABLET_DEVICES or (os == "Android" and "Mobile" not in ua) or "Tablet" in ua:
        return DeviceClass.TABLET
    if device in _MOBILE_DEVICES or os in _MOBILE_OS or "Mobi" in ua:
        return DeviceClass.MOBILE
    if os in _DESKTOP_OS or device == "Mac":
        return DeviceClass.DESKTOP
    return DeviceClass.OTHER


@lru_cache(maxsize=_CACHE_SIZE)
def _parse(ua: str) -> UserAgentInfo | None:
    try:
        result = _get_parser().parse(ua)
    except Exception:  # the never-raise contract: a library bug must not escape
        logger.debug("ua-parser failed unexpectedly", exc_info=True)
        return None
    browser = _family(result.user_agent)
    os = _family(result.os)
    device = _family(result.device)
    return UserAgentInfo(
        browser=browser,
        version=_version(result.user_agent),
        os=os,
        os_version=_version(result.os),
        device=device,
        device_class=_classify(ua, browser, os, device),
    )


def user_agent(value: object) -> UserAgentInfo | None:
    """Browser, version, OS and device class of a user-agent string; ``None`` for non-text, blank
    or over-long input, and for numbers (the result is cached, bounded to 4096 distinct user agents)."""
    text = None if issubclass(type(value), int) else as_text(value)
    if text is None:
        return None
    text = text.strip()
    if not text or len(text) > MAX_USER_AGENT_LENGTH:
        return None
    return _parse(text)
