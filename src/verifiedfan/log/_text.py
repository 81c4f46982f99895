"""Secret shapes recognised inside free text, independent of any key name.

The token formats follow the published detection rules of gitleaks (``config/gitleaks.toml``:
``github-pat``, ``github-fine-grained-pat``, ``slack-*-token``, ``slack-webhook-url``,
``stripe-access-token``, ``aws-access-token``, ``private-key``, ``jwt``), widened where a log line may
cut a token short.
Each rule is guarded by a cheap substring test so that ordinary lines pay almost nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = [
    "QUERY_SECRET_WORDS",
    "has_aws_key_id",
    "has_token_marker",
    "mask_aws_secret_keys",
    "mask_cookie_headers",
    "mask_header_pairs",
    "mask_query_values",
    "mask_tokens",
    "mask_url_userinfo",
]

REDACTED = "[REDACTED]"

# Words that make a URL query parameter secret (a superset of the HTTP core's ``redact_url``).
QUERY_SECRET_WORDS = (
    "token",
    "secret",
    "password",
    "passwd",
    "pwd",
    "key",
    "signature",
    "sig",
    "code",
    "auth",
    "session",
    "credential",
    "otp",
    "pin",
    "cookie",
    "ssn",
    "cvv",
)

_TOKENS = re.compile(
    "|".join(
        (
            r"(?i:bearer)\s+[A-Za-z0-9\-._~+/]+=*",
            r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*",  # JWT (also JWS compact)
            r"(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}",  # AWS access key ids
            r"gh[pousr]_[0-9A-Za-z]{20,255}",  # GitHub PAT, OAuth, app, refresh tokens
            r"github_pat_\w{22,}",  # GitHub fine-grained PAT
            r"xox[abeoprs]-[0-9A-Za-z-]{8,}",  # Slack bot/user/app/legacy tokens
            r"xapp-\d-[0-9A-Za-z-]+",  # Slack app-level tokens
            # Slack incoming webhooks and workflow triggers (the URL is the credential)
            r"(?:https?://)?hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/_-]{20,}",
            r"[sr]k_(?:test|live|prod)_[0-9A-Za-z]{10,99}",  # Stripe secret and restricted keys
            # PEM private keys: the whole block, or to the end of the text when the END line is cut.
            r"-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----(?s:.*?)"
            r"(?:-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----|\Z)",
        )
    )
)

# Cheap guards (plain substring tests, several times faster than a regex search): the token rule
# runs only when the text holds the start of one of the formats above.
_UNDERSCORE_MARKERS = ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "k_live_", "k_test_", "k_prod_")
_AWS_PREFIXES = ("AKIA", "ASIA", "A3T", "ABIA", "ACCA")


def has_token_marker(text: str, lowered: str) -> bool:
    """Whether ``text`` (and its lower-cased copy) may hold one of the token formats."""
    if "bearer" in lowered or "eyJ" in text:
        return True
    if "_" in text and any(map(text.__contains__, _UNDERSCORE_MARKERS)):
        return True
    if "-" in text and ("xox" in text or "xapp-" in text or "PRIVATE KEY" in text):
        return True
    if "hooks.slack.com/" in text:
        return True
    return has_aws_key_id(text)


def has_aws_key_id(text: str) -> bool:
    """Whether ``text`` may hold an AWS access key id."""
    return "A" in text and any(map(text.__contains__, _AWS_PREFIXES))


_AWS_KEY_ID = re.compile(r"(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}")
# A 40-character AWS secret access key; only searched in text that also holds a key id.
_AWS_SECRET = re.compile(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")

# ``scheme://user:password@host``, ``scheme://:password@host`` (Redis) and ``scheme://token@host``.
_URL_USERINFO = re.compile(r"(?<=://)(?:(?P<user>[^/\s:@?#\[\]]*):)?(?P<secret>[^/\s@?#]+)@")

# ``?name=value&name=value`` anywhere: full URLs and bare request targets (``GET /x?code=...``).
# (The separator is matched, not looked behind: a pattern that starts with a character set is
# scanned several times faster by ``re``.)
_QUERY_PAIR = re.compile(r"(?P<sep>[?&])(?P<name>[A-Za-z0-9_.\-\[\]%]{1,64})=(?P<value>[^&#\s'\"<>]+)")

# ``Cookie: a=1; b=2`` and ``Set-Cookie: ...`` written unquoted: everything to the end of the line.
_COOKIE_HEADER = re.compile(
    r"(?i:(?<![\w-])(?:set-)?cookie)(?P<sep>:\s*|=\s*(?=[^\s'\"]*=))(?!\[REDACTED\])(?P<value>[^\r\n'\"]+)"
)

# ``('Name', 'value')`` / ``(b'Name', b'value')`` / ``['Name', 'value']``: header pairs in a repr.
_HEADER_PAIR = re.compile(
    r"(?P<open>[(\[]\s*b?(?P<q1>['\"])(?P<name>[A-Za-z0-9_.\-]{1,64})(?P=q1)\s*,\s*b?(?P<q2>['\"]))"
    r"(?P<value>(?:\\.|(?!(?P=q2)).)*)(?P=q2)"
)


def _mask_token(match: re.Match[str]) -> str:
    found = match.group(0)
    if found[:1] in "bB" and found[:6].lower() == "bearer":
        return found.split(None, 1)[0] + " " + REDACTED
    return REDACTED


def mask_tokens(text: str) -> str:
    """Bearer tokens, JWTs, AWS key ids, GitHub/Slack/Stripe tokens and PEM private keys masked."""
    return _TOKENS.sub(_mask_token, text)


def mask_aws_secret_keys(text: str) -> str:
    """When ``text`` holds an AWS access key id, any 40-character secret access key beside it masked."""
    if _AWS_KEY_ID.search(text) is None:
        return text
    return _AWS_SECRET.sub(REDACTED, text)


def _mask_userinfo(match: re.Match[str]) -> str:
    user = match.group("user")
    return f"{REDACTED}@" if user is None else f"{user}:{REDACTED}@"


def mask_url_userinfo(text: str) -> str:
    """Passwords in ``scheme://user:pw@``, ``scheme://:pw@`` and tokens in ``scheme://token@`` masked."""
    return _URL_USERINFO.sub(_mask_userinfo, text)


def mask_query_values(text: str, is_secret: Callable[[str], bool]) -> str:
    """Values of query parameters whose name ``is_secret`` masked (``?code=...&state=x``)."""

    def mask(match: re.Match[str]) -> str:
        if match.group("value") == REDACTED or not is_secret(match.group("name")):
            return match.group(0)
        return f"{match.group('sep')}{match.group('name')}={REDACTED}"

    return _QUERY_PAIR.sub(mask, text)


def mask_cookie_headers(text: str) -> str:
    """Every cookie of an unquoted ``Cookie:`` / ``Set-Cookie:`` header masked, not only the first."""
    return _COOKIE_HEADER.sub(lambda m: m.group(0)[: m.start("value") - m.start(0)] + REDACTED, text)


def mask_header_pairs(text: str, is_secret: Callable[[str], bool]) -> str:
    """Values of ``(name, value)`` pairs in a repr (httpcore's header lists) whose name is secret."""

    def mask(match: re.Match[str]) -> str:
        if not is_secret(match.group("name")):
            return match.group(0)
        q = match.group("q2")
        return f"{match.group('open')}{REDACTED}{q}"

    return _HEADER_PAIR.sub(mask, text)
