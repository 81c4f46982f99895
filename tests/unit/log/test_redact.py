"""The public redaction functions, reused by the HTTP core and tracing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verifiedfan import log
from verifiedfan.errors import ConfigurationError

CANARY = "CANARY-secret-1234"


@pytest.mark.parametrize(
    "key",
    [
        "password",
        "Password",
        "user_password",
        "PASSWD",
        "client_secret",
        "clientSecret",
        "access_token",
        "accessToken",
        "refresh-token",
        "Authorization",
        "Proxy-Authorization",
        "Cookie",
        "Set-Cookie",
        "api_key",
        "apiKey",
        "X-API-KEY",
        "private_key",
    ],
)
def test_default_secret_keys_match_case_and_separator_insensitively(key: str) -> None:
    assert log.is_secret_key(key)


@pytest.mark.parametrize("key", ["user_id", "email", "status", "url", "accept"])
def test_ordinary_keys_are_not_secret(key: str) -> None:
    assert not log.is_secret_key(key)


def test_redact_masks_header_mappings() -> None:
    headers = {"Authorization": "Bearer x", "Accept": "application/json", "X-Api-Key": "k"}
    assert log.redact(headers) == {
        "Authorization": log.REDACTED,
        "Accept": "application/json",
        "X-Api-Key": log.REDACTED,
    }


def test_redact_returns_strings_for_strings() -> None:
    assert log.redact("plain text") == "plain text"
    assert log.redact(f"Bearer {CANARY}") == f"Bearer {log.REDACTED}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jwt eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0. end", f"jwt {log.REDACTED} end"),
        ("authorization: Basic dXNlcjpwYXNz", f"authorization: {log.REDACTED}"),
        ('{"password": "two words"}', f'{{"password": "{log.REDACTED}"}}'),
        ("https://u:pw@host/x", f"https://u:{log.REDACTED}@host/x"),
        ("key AKIAABCDEFGHIJKLMNOP", f"key {log.REDACTED}"),
        ("nothing to see here", "nothing to see here"),
    ],
)
def test_redact_text_patterns(text: str, expected: str) -> None:
    assert log.redact_text(text) == expected


def test_extra_keys_extend_the_defaults_when_spread() -> None:
    keys = (*log.DEFAULT_SECRET_KEYS, "ssn")
    assert log.redact({"ssn": 1, "token": 2, "ok": 3}, keys=keys) == {
        "ssn": log.REDACTED,
        "token": log.REDACTED,
        "ok": 3,
    }


def test_depth_limit_of_redact() -> None:
    assert log.redact({"a": {"b": {"c": 1}}}, depth=1) == {"a": log.TRUNCATED}
    assert log.redact([[1]], depth=0) == log.TRUNCATED


def test_a_single_string_as_keys_is_rejected() -> None:
    with pytest.raises(ConfigurationError, match="collection"):
        log.redact({}, keys="password")


def test_negative_depth_is_rejected() -> None:
    with pytest.raises(ConfigurationError, match="depth"):
        log.Redactor(depth=-1)


def test_redact_never_raises_on_hostile_objects() -> None:
    class Hostile:
        def __str__(self) -> str:
            raise RuntimeError("nope")

    assert log.redact({"x": Hostile()}) == log.REDACTED


_SECRET_KEY_SPELLINGS = st.sampled_from(
    ["password", "Password", "X-Api-Key", "client_secret", "AccessToken", "set-cookie", "Authorization"]
)
_SECRET_STRINGS = st.sampled_from(
    [
        f"password={CANARY}",
        f"Bearer {CANARY}",
        f"'token': '{CANARY}'",
        "eyJhbGciOiJIUzI1NiJ9.eyJDQU5BUlkiOjF9.Q0FOQVJZLXNpZw",
    ]
)
_LEAF = st.one_of(
    st.none(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.builds(lambda k: {k: CANARY}, _SECRET_KEY_SPELLINGS),
    st.builds(lambda a, s, b: f"{a} {s} {b}", st.text(max_size=8), _SECRET_STRINGS, st.text(max_size=8)),
)
_VALUES = st.recursive(
    _LEAF,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.tuples(children, children),
        st.dictionaries(st.text(max_size=10), children, max_size=4),
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(value=_VALUES, depth=st.integers(min_value=0, max_value=6))
def test_redact_never_raises_and_never_leaks_a_canary(value: Any, depth: int) -> None:
    rendered = json.dumps(log.redact(value, depth=depth))
    assert CANARY not in rendered
    assert "Q0FOQVJZLXNpZw" not in rendered


# -- issue 18: shapes that leaked -----------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    [
        "pin",
        "PIN",
        "userPin",
        "pin_code",
        "pwd",
        "db.pwd",
        "ssn",
        "SSN",
        "session",
        "sessionId",
        "cvv",
        "otp",
    ],
)
def test_short_secret_names_match_whole_words(key: str) -> None:
    assert log.is_secret_key(key)


@pytest.mark.parametrize("key", ["shipping", "mapping", "spinner", "classname", "topic", "typing", "opinion"])
def test_short_secret_names_do_not_match_inside_other_words(key: str) -> None:
    assert not log.is_secret_key(key)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("redis://:pw@cache:6379/0", f"redis://:{log.REDACTED}@cache:6379/0"),
        ("https://ghtoken@github.com/o/r.git", f"https://{log.REDACTED}@github.com/o/r.git"),
        ("https://host:8443/x?email=a@b.example", "https://host:8443/x?email=a@b.example"),
        ("GET /cb?code=abc&state=s1 HTTP/1.1", f"GET /cb?code={log.REDACTED}&state=s1 HTTP/1.1"),
        ("Cookie: theme=dark; sid=s3cr3t", f"Cookie: {log.REDACTED}"),
        ("Set-Cookie: sid=s3cr3t; Path=/; HttpOnly", f"Set-Cookie: {log.REDACTED}"),
        (
            "[(b'Set-Cookie', b'sid=x'), (b'Vary', b'Accept')]",
            f"[(b'Set-Cookie', b'{log.REDACTED}'), (b'Vary', b'Accept')]",
        ),
        ("pin=1234 shipping: 3 days", f"pin={log.REDACTED} shipping: 3 days"),
        ("Authorization: Bearer abc", f"Authorization: {log.REDACTED}"),
    ],
)
def test_redact_text_shapes_of_issue_18(text: str, expected: str) -> None:
    assert log.redact_text(text) == expected


# Example shapes of gitleaks' rules (github-pat, github-fine-grained-pat, slack-bot-token,
# slack-user-token, slack-legacy-workspace-token, stripe-access-token, aws-access-token, private-key).
_WELL_KNOWN = [
    "ghp_" + "a1B2c3D4e5" * 3 + "f6G7h8",
    "gho_" + "Z" * 36,
    "github_pat_" + "11ABCDEFG0" * 8 + "xy",
    "xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
    "xoxp-1234567890-1234567890-1234567890-" + "a" * 32,
    "xoxa-2-abcdefgh12345678",
    "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc",
    "rk_prod_" + "0123456789abcdefABCDEF",
    "AKIAIOSFODNN7EXAMPLE",
    "ASIAY34FZKBOKMUTVV7A",
    "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----",
    "-----BEGIN EC PRIVATE KEY-----\\nMHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5oOHGXSc3",  # cut short, escaped
]


@pytest.mark.parametrize("token", _WELL_KNOWN)
def test_well_known_token_formats_in_free_text(token: str) -> None:
    out = log.redact_text(f"config says {token} end")
    assert out.startswith("config says [REDACTED]")
    assert token not in out
    assert token[-12:] not in out


def test_aws_secret_access_key_beside_its_key_id() -> None:
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"  # AWS's documented example pair
    out = log.redact_text(f"creds AKIAIOSFODNN7EXAMPLE {secret}")
    assert out == f"creds {log.REDACTED} {log.REDACTED}"
    assert log.redact_text(f"sha1 {'a' * 40}") == f"sha1 {'a' * 40}"  # no key id: a digest stays


def test_objects_hide_what_their_repr_hides() -> None:
    import dataclasses
    from typing import NamedTuple

    import pydantic

    @dataclasses.dataclass
    class Holder:
        kind: str
        value: str = dataclasses.field(repr=False)

    class Pair(NamedTuple):
        user: str
        password: str

    class Model(pydantic.BaseModel):
        name: str
        key: pydantic.SecretStr
        dsn: str = pydantic.Field(repr=False)

    assert CANARY not in repr(Holder("b", CANARY))  # the outside reference: what repr() shows
    assert log.redact(Holder("b", CANARY)) == {"kind": "b", "value": log.REDACTED}
    assert log.redact(Pair("u", CANARY)) == {"user": "u", "password": log.REDACTED}
    assert log.redact(Model(name="n", key=pydantic.SecretStr(CANARY), dsn=CANARY)) == {
        "name": "n",
        "key": log.REDACTED,
        "dsn": log.REDACTED,
    }
    assert log.redact([(b"Authorization", b"Basic x"), (b"Accept", b"*/*")]) == [
        ["Authorization", log.REDACTED],
        ["Accept", "*/*"],
    ]
    assert log.redact({b"Cookie": b"a=1"}) == {"Cookie": log.REDACTED}
