"""What the HTTP core hides in every logged, traced or raised URL and header (issue 22: these rules had
no unit test of their own; a Slack webhook test elsewhere covered one case of the secret URLs).

URL parts follow RFC 3986: the user information is what precedes ``@`` in the authority, the query
what follows ``?``; query pairs are split the way ``urllib.parse.parse_qsl`` does (the reference for
``application/x-www-form-urlencoded``), so a blank value stays a blank value.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from verifiedfan.http import (
    _core,
    add_secret_header,
    add_secret_param,
    add_secret_url,
    redact_headers,
    redact_url,
)


def test_a_url_without_query_or_user_info_is_unchanged() -> None:
    url = "https://api.example/v1/items/7#frag"
    assert redact_url(url) == url


def test_user_info_is_dropped() -> None:
    assert redact_url("https://user:pw@api.example/v1") == "https://api.example/v1"


def test_user_info_with_an_at_sign_in_the_password_is_dropped_whole() -> None:
    url = "https://user:p@ss@api.example:8443/v1"
    assert urlsplit(url).hostname == "api.example"  # the reference split: the host follows the last @
    assert redact_url(url) == "https://api.example:8443/v1"


def test_secret_query_values_are_redacted_and_others_kept_in_order() -> None:
    url = "https://api.example/v1?page=2&access_token=SECRET1&empty=&q=a%20b#top"
    redacted = redact_url(url)
    assert redacted == "https://api.example/v1?page=2&access_token=[REDACTED]&empty=&q=a+b#top"
    assert parse_qsl(urlsplit(redacted).query, keep_blank_values=True) == [
        ("page", "2"),
        ("access_token", "[REDACTED]"),
        ("empty", ""),
        ("q", "a b"),
    ]


@pytest.mark.parametrize(
    "name",
    [
        "token",
        "AccessToken",
        "client_secret",
        "Password",
        "apikey",
        "X-Signature",
        "code",
        "oauth",
        "session_id",
    ],
)
def test_secret_looking_parameter_names(name: str) -> None:
    assert redact_url(f"https://api.example/?{name}=SECRET2&page=1") == (
        f"https://api.example/?{name}=[REDACTED]&page=1"
    )


def test_a_registered_parameter_is_redacted_in_any_case() -> None:
    url = "https://api.example/?mutb_sig=SECRET3&MUTB_SIG=SECRET4&page=1"
    assert redact_url(url) == url  # not a secret-looking name
    add_secret_param("MutB_Sig")
    assert redact_url(url) == "https://api.example/?mutb_sig=[REDACTED]&MUTB_SIG=[REDACTED]&page=1"


def test_a_registered_header_is_redacted_in_any_case() -> None:
    headers = {"X-MutB-Header": "SECRET5", "Accept": "a/b"}
    assert redact_headers(headers) == headers
    add_secret_header("x-mutb-HEADER")
    assert redact_headers(headers) == {"X-MutB-Header": "[REDACTED]", "Accept": "a/b"}


def test_a_secret_url_shows_only_its_scheme_and_host() -> None:
    hook = "https://hooks-mutb.example/services/T1/B1/SECRET6"
    assert redact_url(hook) == hook
    add_secret_url(hook + "/")  # a trailing slash is the same URL
    hidden = "https://hooks-mutb.example/[REDACTED]"
    for url in (hook, hook + "/", hook + "/more", hook + "?x=1", hook + "#frag"):
        assert redact_url(url) == hidden
    assert redact_url("https://user:pw@hooks-mutb.example/services/T1/B1/SECRET6/x") == hidden
    # a longer last segment is another URL; a sibling path is not under it
    assert redact_url(hook + "7") == hook + "7"
    assert (
        redact_url("https://hooks-mutb.example/services/T1/B1") == "https://hooks-mutb.example/services/T1/B1"
    )
    # user info of a URL that is not registered is still dropped, its query still redacted
    assert redact_url("https://u:p@hooks-mutb.example/other?token=SECRET7") == (
        "https://hooks-mutb.example/other?token=[REDACTED]"
    )


def test_a_plain_http_secret_url_keeps_its_port() -> None:
    hook = "http://127.0.0.1:8089/hooks/SECRET8"
    add_secret_url(hook)
    assert redact_url(hook + "?a=1") == "http://127.0.0.1:8089/[REDACTED]"


def test_a_secret_url_is_registered_once_and_only_for_http() -> None:
    hook = "https://hooks-mutb.example/once/SECRET9"
    add_secret_url(hook)
    add_secret_url(hook)
    add_secret_url(hook + "/")
    assert _core._SECRET_URLS.count(hook) == 1
    add_secret_url("ftp://files-mutb.example/SECRET10")
    add_secret_url("hooks-mutb.example/relative")
    assert not [u for u in _core._SECRET_URLS if "files-mutb" in u or u.startswith("hooks-mutb")]


def test_a_secret_url_ending_in_x_and_user_info_with_an_at_sign() -> None:
    hook = "https://hooks-mutb.example/services/T2/SECRETX"
    add_secret_url(hook)
    hidden = "https://hooks-mutb.example/[REDACTED]"
    assert redact_url(hook) == hidden
    assert redact_url("https://user:p@ss@hooks-mutb.example/services/T2/SECRETX") == hidden
    assert redact_url(hook + "?email=fan@example.com") == hidden  # an @ outside the authority
