"""The unverified header helpers and the error translation of ``verifiedfan.jwt._verifier`` (issue 22).

The reference for the header is PyJWT's own ``get_unverified_header``; for the translation, PyJWT's
exception classes themselves.
"""

from __future__ import annotations

import jwt as pyjwt
import pytest

from verifiedfan.errors import InvalidTokenError, TokenExpiredError
from verifiedfan.jwt._verifier import header_kid, peek_header, translate

SECRET = b"k" * 32


@pytest.mark.parametrize("kid", ["a", "ab", "abc", "key-2026-01", "x" * 17])
def test_peek_header_agrees_with_pyjwt_for_every_padding(kid: str) -> None:
    token = pyjwt.encode({"sub": "s"}, SECRET, algorithm="HS256", headers={"kid": kid})
    expected = pyjwt.get_unverified_header(token)
    assert peek_header(token) == expected
    assert peek_header(token.encode()) == expected
    assert header_kid(token) == kid
    assert header_kid(token.encode()) == kid


def test_header_kid_reads_the_first_segment_only() -> None:
    head = pyjwt.encode({}, SECRET, algorithm="HS256", headers={"kid": "first"}).split(".")[0]
    other = pyjwt.encode({}, SECRET, algorithm="HS256", headers={"kid": "second"}).split(".")[0]
    token = f"{head}.{other}.sig"
    assert peek_header(token)["kid"] == "first"
    assert header_kid(token) == "first"
    assert header_kid(token.encode()) == "first"


def test_header_kid_is_none_without_kid() -> None:
    token = pyjwt.encode({}, SECRET, algorithm="HS256")
    assert header_kid(token) is None
    assert header_kid(token.encode()) is None


@pytest.mark.parametrize(
    "token",
    ["nodot", "!!!!.x.y", "WzEsMl0.x.y", "bm90IGpzb24.x.y"],  # no dot, bad base64, a JSON list, not JSON
)
def test_a_malformed_header_says_so(token: str) -> None:
    with pytest.raises(InvalidTokenError, match=r"^invalid token: malformed token$"):
        peek_header(token)


def test_a_non_string_kid_is_malformed() -> None:
    token = "eyJraWQiOjEsImFsZyI6IkhTMjU2In0.e30.sig"  # header {"kid":1,"alg":"HS256"}
    with pytest.raises(InvalidTokenError, match="malformed 'kid' header"):
        header_kid(token)


@pytest.mark.parametrize(
    ("exc", "message"),
    [
        (pyjwt.ImmatureSignatureError("nbf"), "invalid token: token not yet valid"),
        (pyjwt.InvalidSignatureError("sig"), "invalid token: bad signature"),
        (pyjwt.InvalidIssuerError("iss"), "invalid token: wrong issuer"),
        (pyjwt.InvalidAudienceError("aud"), "invalid token: wrong audience"),
        (pyjwt.InvalidAlgorithmError("alg"), "invalid token: algorithm not allowed"),
        (pyjwt.InvalidKeyError("key"), "invalid token: key cannot verify this token"),
        (pyjwt.DecodeError("bad"), "invalid token: malformed token"),
        (pyjwt.InvalidTokenError("other"), "invalid token: invalid token"),
        (pyjwt.MissingRequiredClaimError("exp"), "invalid token: missing required claim 'exp'"),
    ],
)
def test_every_pyjwt_error_gets_its_reason(exc: Exception, message: str) -> None:
    with pytest.raises(InvalidTokenError) as info:
        translate(exc)
    assert info.value.message == message
    assert info.value.__cause__ is exc


def test_the_pyjwt_text_is_kept_for_developers_only() -> None:
    exc = pyjwt.InvalidAudienceError("Audience doesn't match")
    with pytest.raises(InvalidTokenError) as info:
        translate(exc)
    assert info.value.developer_message == "Audience doesn't match"


def test_an_expired_signature_is_token_expired() -> None:
    exc = pyjwt.ExpiredSignatureError("Signature has expired")
    with pytest.raises(TokenExpiredError, match=r"^token expired$") as info:
        translate(exc)
    assert info.value.__cause__ is exc
