"""What ``Verifier`` promises about its configuration and its inputs, to the exact message (issue 22).

The outside references: RFC 7515 appendix A.1 (a JWS with its published HMAC key), PyJWT's own
``encode`` and ``get_unverified_header`` for every other token, and the JWKS a verifier built from a
URL must fetch from that URL.
"""

from __future__ import annotations

import asyncio
import base64
import datetime
import re
import time
from typing import Any

import httpx
import jwt as pyjwt
import pytest
from pydantic import SecretStr

from tests.unit.jwt._jwtkeys import KeyPair
from verifiedfan.errors import ConfigurationError, InvalidTokenError, TokenExpiredError
from verifiedfan.jwt import HttpxJwksFetcher, JwtSettings, Verifier
from verifiedfan.jwt._verifier import _kid_of_header, check_token_size, header_kid, peek_header

# RFC 7515 A.1: the JWS Compact Serialization and the JWK "k" of its HMAC key.
RFC7515_A1 = (
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
)
RFC7515_A1_KEY = base64.urlsafe_b64decode(
    "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow=="
)
SECRET_A = b"a" * 32
SECRET_B = b"b" * 32
NO_KID = r"^invalid token: no 'kid' header and several keys are trusted$"
URL = "http://127.0.0.1:9/.well-known/jwks.json"  # port 9 refuses: only the injected fetcher answers


def _claims(**extra: Any) -> dict[str, Any]:
    now = int(time.time())
    return {"iss": "titan-lib", "iat": now - 10, "exp": now + 600, **extra}


def _rs256(keys: KeyPair, kid: str | None = None, **extra: Any) -> str:
    headers = {"kid": kid} if kid else None
    return pyjwt.encode(_claims(**extra), keys.private_pem, algorithm="RS256", headers=headers)


# -- the size and type check ------------------------------------------------------------------------


def test_a_token_of_exactly_the_limit_passes_and_one_byte_more_does_not() -> None:
    assert check_token_size("x" * 64, 64) == "x" * 64
    assert check_token_size(b"x" * 64, 64) == b"x" * 64
    with pytest.raises(InvalidTokenError, match=r"^invalid token: larger than 64 bytes$"):
        check_token_size("x" * 65, 64)


@pytest.mark.parametrize("token", ["", b""])
def test_an_empty_token_says_so(token: str | bytes) -> None:
    with pytest.raises(InvalidTokenError, match=r"^invalid token: empty$"):
        check_token_size(token, 64)


@pytest.mark.parametrize(("token", "kind"), [(123, "int"), (None, "NoneType"), (["a.b.c"], "list")])
def test_a_token_that_is_not_text_names_its_type(token: object, kind: str) -> None:
    with pytest.raises(InvalidTokenError, match=rf"^invalid token: expected str or bytes, got {kind}$"):
        check_token_size(token, 64)


# -- the unverified header ----------------------------------------------------------------------------


def test_peek_header_reads_the_rfc7515_example() -> None:
    # The A.1 header has a CR LF and a space inside its JSON; PyJWT is the second reference.
    assert peek_header(RFC7515_A1) == {"typ": "JWT", "alg": "HS256"}
    assert peek_header(RFC7515_A1) == pyjwt.get_unverified_header(RFC7515_A1)
    assert peek_header(RFC7515_A1.encode()) == {"typ": "JWT", "alg": "HS256"}


def test_non_ascii_text_after_the_header_does_not_stop_the_key_choice() -> None:
    head, _, rest = RFC7515_A1.partition(".")
    odd = f"{head}.é{rest}"  # a non-ASCII character after the header: the header still reads
    assert peek_header(odd) == {"typ": "JWT", "alg": "HS256"}
    verifier = Verifier(public_keys=RFC7515_A1_KEY, algorithms=["HS256"], issuer="joe")
    with pytest.raises(InvalidTokenError, match=r"^invalid token: malformed token$"):
        verifier.read_token(odd)  # the payload is refused where it is verified


def test_header_kid_parses_each_distinct_header_once() -> None:
    # The docstring's promise: headers repeat (one per signing key), so the parse is cached per
    # header segment; two tokens that differ only in their payload share one cache entry.
    first = pyjwt.encode({"n": 1}, SECRET_A, algorithm="HS256", headers={"kid": "k1"})
    second = pyjwt.encode({"n": 2}, SECRET_A, algorithm="HS256", headers={"kid": "k1"})
    assert first.split(".")[0] == second.split(".")[0]
    assert first != second
    for a, b in ((first, second), (first.encode(), second.encode())):
        _kid_of_header.cache_clear()
        assert header_kid(a) == header_kid(b) == "k1"
        info = _kid_of_header.cache_info()
        assert (info.hits, info.misses) == (1, 1)


# -- RFC 7515 A.1 end to end ------------------------------------------------------------------------


def test_the_rfc7515_example_signature_verifies_with_its_published_key() -> None:
    # The example has no "iat" (always required here): reaching the claims check proves the signature
    # was accepted; one changed signature character is refused before the claims are looked at.
    verifier = Verifier(public_keys=RFC7515_A1_KEY, algorithms=["HS256"], issuer="joe")
    with pytest.raises(InvalidTokenError, match=r"^invalid token: missing required claim 'iat'$"):
        verifier.read_token(RFC7515_A1)
    head, payload, signature = RFC7515_A1.split(".")
    forged = f"{head}.{payload}.e{signature[1:]}"  # "dBjf..." -> "eBjf...": a different 256-bit MAC
    with pytest.raises(InvalidTokenError, match=r"^invalid token: bad signature$"):
        verifier.read_token(forged)


# -- configuration errors, exact messages -------------------------------------------------------


def test_configuration_errors_say_exactly_what_is_wrong(rsa_keys: KeyPair, ec_keys: KeyPair) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({}, r"give exactly one of public_keys or jwks_url"),
        ({"public_keys": rsa_keys.public, "jwks_url": URL}, r"give exactly one of public_keys or jwks_url"),
        ({"public_keys": rsa_keys.public, "issuer": ""}, r"issuer must be a non-empty string"),
        ({"public_keys": rsa_keys.public, "issuer": 123}, r"issuer must be a non-empty string"),
        (
            {"public_keys": rsa_keys.public, "audience": ""},
            r"audience must be a non-empty string \(one audience per verifier\)",
        ),
        (
            {"public_keys": rsa_keys.public, "audience": ["a"]},
            r"audience must be a non-empty string \(one audience per verifier\)",
        ),
        ({"public_keys": rsa_keys.public, "max_token_bytes": 63}, r"max_token_bytes is too small"),
        ({"public_keys": {}}, r"public_keys is an empty mapping"),
        (
            {"jwks_url": URL, "algorithms": ["HS256"]},
            r"a JWKS URL only serves public keys: use RS\*, PS\*, ES\* or EdDSA",
        ),
        (
            {"public_keys": rsa_keys.public, "algorithms": ["ES256"]},
            re.escape(f"the key ({type(rsa_keys.public).__name__}) cannot verify any of ['ES256']"),
        ),
        (
            {"public_keys": {"rsa": rsa_keys.public, "ec": ec_keys.public}},
            re.escape(f"key 'ec' ({type(ec_keys.public).__name__}) cannot verify any of ['RS256']"),
        ),
    ]
    for kwargs, message in cases:
        with pytest.raises(ConfigurationError, match=f"^{message}"):
            Verifier(**kwargs)


def test_the_smallest_token_limit_is_64_bytes(rsa_keys: KeyPair) -> None:
    verifier = Verifier(public_keys=rsa_keys.public, max_token_bytes=64)
    assert verifier.max_token_bytes == 64
    with pytest.raises(InvalidTokenError, match=r"^invalid token: larger than 64 bytes$"):
        verifier.read_token(_rs256(rsa_keys))


def test_several_hmac_secrets_by_kid(rsa_keys: KeyPair) -> None:
    verifier = Verifier(public_keys={"a": SECRET_A, "b": SECRET_B}, algorithms=["HS256"])
    token_b = pyjwt.encode(_claims(n=2), SECRET_B, algorithm="HS256", headers={"kid": "b"})
    assert verifier.read_token(token_b)["n"] == 2
    lying = pyjwt.encode(_claims(), SECRET_B, algorithm="HS256", headers={"kid": "a"})
    with pytest.raises(InvalidTokenError, match=r"^invalid token: bad signature$"):
        verifier.read_token(lying)
    with pytest.raises(InvalidTokenError, match=r"^invalid token: unknown key id$"):
        verifier.read_token(pyjwt.encode(_claims(), SECRET_B, algorithm="HS256", headers={"kid": "c"}))
    no_kid = pyjwt.encode(_claims(), SECRET_B, algorithm="HS256")
    with pytest.raises(InvalidTokenError, match=NO_KID):
        verifier.read_token(no_kid)


def test_extra_required_claims_are_required(rsa_keys: KeyPair) -> None:
    verifier = Verifier(public_keys=rsa_keys.public, required_claims=("sub", "exp"))
    assert verifier.read_token(_rs256(rsa_keys, sub="u-1"))["sub"] == "u-1"
    with pytest.raises(InvalidTokenError, match=r"^invalid token: missing required claim 'sub'$"):
        verifier.read_token(_rs256(rsa_keys))


def test_a_boolean_time_claim_is_not_a_number(rsa_keys: KeyPair) -> None:
    # PyJWT reads nbf=false as int(False) == 0 and accepts it; RFC 7519 4.1.5 wants a NumericDate.
    token = _rs256(rsa_keys, nbf=False)
    assert pyjwt.decode(token, rsa_keys.public, algorithms=["RS256"])["nbf"] is False
    with pytest.raises(InvalidTokenError, match=r"^invalid token: claim 'nbf' must be a number$"):
        Verifier(public_keys=rsa_keys.public).read_token(token)


class _FrozenClock(datetime.datetime):
    """PyJWT's clock (``datetime.now`` in ``jwt.api_jwt``) stopped at ``NOW``."""

    @classmethod
    def now(cls, tz: datetime.tzinfo | None = None) -> _FrozenClock:
        return cls.fromtimestamp(NOW, tz)


NOW = 1_800_000_000


def test_the_default_leeway_is_ten_seconds(hmac_secret: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pyjwt.api_jwt, "datetime", _FrozenClock)
    verifier = Verifier(public_keys=hmac_secret, algorithms=["HS256"])

    def expired_ago(seconds: int) -> str:
        claims = {"iss": "titan-lib", "iat": NOW - 100, "exp": NOW - seconds}
        return pyjwt.encode(claims, hmac_secret, algorithm="HS256")

    assert verifier.read_token(expired_ago(9))["exp"] == NOW - 9
    with pytest.raises(TokenExpiredError, match=r"^token expired$"):
        verifier.read_token(expired_ago(10))  # PyJWT: expired when exp <= now - leeway


# -- a verifier built from a JWKS URL passes every JWKS option on -------------------------------------


class _Jwks:
    """Answers the JWKS URL only (404 elsewhere) and counts the fetches."""

    def __init__(self, *keys: tuple[KeyPair, str]) -> None:
        self.keys = list(keys)
        self.calls = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if str(request.url) != URL:
            return httpx.Response(404)
        self.calls += 1
        body = [
            {**pyjwt.algorithms.RSAAlgorithm.to_jwk(k.public, as_dict=True), "kid": kid, "use": "sig"}
            for k, kid in self.keys
        ]
        return httpx.Response(200, json={"keys": body})

    def fetcher(self) -> HttpxJwksFetcher:
        transport = httpx.MockTransport(self)
        return HttpxJwksFetcher(transport=transport, async_transport=transport)


def test_jwks_url_fetcher_and_refresh_interval_reach_the_cache(
    rsa_keys: KeyPair, other_rsa_keys: KeyPair
) -> None:
    jwks = _Jwks((rsa_keys, "k1"))
    verifier = Verifier(jwks_url=URL, http=jwks.fetcher(), jwks_min_refresh_interval="0s")
    assert repr(verifier).startswith(f"Verifier(jwks_url={URL!r}, ")
    assert verifier.read_token(_rs256(rsa_keys, "k1", n=1))["n"] == 1
    assert jwks.calls == 1
    jwks.keys.append((other_rsa_keys, "k2"))
    # no minimum interval: an unknown kid refetches at once (the default 30 s would refuse it)
    assert verifier.read_token(_rs256(other_rsa_keys, "k2", n=2))["n"] == 2
    assert jwks.calls == 2
    with pytest.raises(InvalidTokenError, match=NO_KID):
        verifier.read_token(_rs256(rsa_keys))


async def test_jwks_max_age_reaches_the_cache(rsa_keys: KeyPair, other_rsa_keys: KeyPair) -> None:
    jwks = _Jwks((rsa_keys, "k1"), (other_rsa_keys, "k2"))
    verifier = Verifier(jwks_url=URL, http=jwks.fetcher(), jwks_max_age="100ms", jwks_min_refresh_interval=0)
    assert (await verifier.aread_token(_rs256(other_rsa_keys, "k2", n=1)))["n"] == 1
    assert jwks.calls == 1
    await asyncio.sleep(0.15)  # older than max_age: the next read refetches (the default 1 h would not)
    assert (await verifier.aread_token(_rs256(rsa_keys, "k1", n=2)))["n"] == 2
    assert jwks.calls == 2


def test_the_jwks_allow_list_is_the_verifiers(rsa_keys: KeyPair) -> None:
    jwks = _Jwks((rsa_keys, "k1"))
    verifier = Verifier(jwks_url=URL, http=jwks.fetcher(), algorithms=["PS256"])
    ps256 = pyjwt.encode(_claims(n=1), rsa_keys.private_pem, algorithm="PS256", headers={"kid": "k1"})
    assert verifier.read_token(ps256)["n"] == 1
    with pytest.raises(InvalidTokenError, match=r"^invalid token: algorithm not allowed$"):
        verifier.read_token(_rs256(rsa_keys, "k1"))


# -- settings -----------------------------------------------------------------------------------------


def test_the_public_key_setting_wins_over_the_private_key(rsa_keys: KeyPair, other_rsa_keys: KeyPair) -> None:
    # A service signs with its own private key and verifies another issuer's tokens with its public key.
    settings = JwtSettings(
        public_key=rsa_keys.public_pem.decode(),
        private_key=SecretStr(other_rsa_keys.private_pem.decode()),
        issuer="titan-lib",
    )
    verifier = Verifier.from_settings(settings)
    assert verifier.read_token(_rs256(rsa_keys, n=1))["n"] == 1
    with pytest.raises(InvalidTokenError, match=r"^invalid token: bad signature$"):
        verifier.read_token(_rs256(other_rsa_keys))
