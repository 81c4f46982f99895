"""User agents: browser, version, OS and device class from real-world strings."""

from __future__ import annotations

import dataclasses

import pytest

from verifiedfan import normalizers as n
from verifiedfan.normalizers import DeviceClass

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)
CHROME_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.6099.109 Safari/537.36"
)
FIREFOX_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:121.0) Gecko/20100101 Firefox/121.0"
IPAD = (
    "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/16.6 Mobile/15E148 Safari/604.1"
)
ANDROID_PHONE = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.6099.144 Mobile Safari/537.36"
)
ANDROID_TABLET = (
    "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
BINGBOT = "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"
HEADLESS = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/120.0.0.0 Safari/537.36"
)


@pytest.mark.parametrize(
    ("ua", "browser", "os", "device_class"),
    [
        (IPHONE, "Mobile Safari", "iOS", DeviceClass.MOBILE),
        (CHROME_WINDOWS, "Chrome", "Windows", DeviceClass.DESKTOP),
        (FIREFOX_MAC, "Firefox", "Mac OS X", DeviceClass.DESKTOP),
        (IPAD, "Mobile Safari", "iOS", DeviceClass.TABLET),
        (ANDROID_PHONE, "Chrome Mobile", "Android", DeviceClass.MOBILE),
        (ANDROID_TABLET, "Chrome", "Android", DeviceClass.TABLET),
        (GOOGLEBOT, "Googlebot", None, DeviceClass.BOT),
        ("curl/8.4.0", "curl", None, DeviceClass.BOT),
        ("python-requests/2.31.0", "Python Requests", None, DeviceClass.BOT),
        (BINGBOT, "bingbot", None, DeviceClass.BOT),
        (HEADLESS, "HeadlessChrome", "Linux", DeviceClass.BOT),
        ("something odd", None, None, DeviceClass.OTHER),
    ],
)
def test_user_agent_table(ua: str, browser: str | None, os: str | None, device_class: DeviceClass) -> None:
    info = n.user_agent(ua)
    assert info is not None
    assert (info.browser, info.os, info.device_class) == (browser, os, device_class)


def test_user_agent_versions() -> None:
    info = n.user_agent(CHROME_WINDOWS)
    assert info is not None
    assert (info.version, info.os_version) == ("120.0.6099", "10")


def test_is_mobile_for_phones_and_tablets() -> None:
    assert [n.user_agent(ua).is_mobile for ua in (IPHONE, IPAD, CHROME_WINDOWS)] == [True, True, False]  # type: ignore[union-attr]


def test_is_bot() -> None:
    assert [n.user_agent(ua).is_bot for ua in (GOOGLEBOT, IPHONE)] == [True, False]  # type: ignore[union-attr]


def test_user_agent_result_is_frozen() -> None:
    info = n.user_agent(IPHONE)
    assert info is not None
    with pytest.raises(dataclasses.FrozenInstanceError, match=r"cannot assign to field 'browser'"):
        info.browser = "x"  # type: ignore[misc]


def test_repeated_user_agent_comes_from_the_cache() -> None:
    assert n.user_agent(f"  {FIREFOX_MAC} ") is n.user_agent(FIREFOX_MAC)


@pytest.mark.parametrize("raw", [None, "", "   ", 42, "x" * (n.MAX_USER_AGENT_LENGTH + 1)])
def test_user_agent_invalid_input_is_none(raw: object) -> None:
    assert n.user_agent(raw) is None
