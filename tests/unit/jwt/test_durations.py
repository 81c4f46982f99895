from __future__ import annotations

from datetime import timedelta

import pytest

from verifiedfan.errors import ValidationError
from verifiedfan.jwt import AmbiguousDurationWarning, Signer, parse_duration, parse_expires_in, parse_ms


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("24h", 86400),
        ("15m", 900),
        ("30s", 30),
        ("7d", 604800),
        ("1w", 604800),
        ("500ms", 0.5),
        ("90", 90),
        (" 2H ", 7200),
        ("1.5h", 5400),
        ("10 years", 315576000),
        ("2 days", 172800),
        (300, 300),
        (2.5, 2.5),
        (timedelta(minutes=5), 300),
    ],
)
def test_parses_duration(value: object, seconds: float) -> None:
    assert parse_duration(value) == seconds  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "value", ["", "abc", "1 fortnight", "-5m", "5mm", "h", -1, float("nan"), True, None, [1]]
)
def test_rejects_bad_duration(value: object) -> None:
    with pytest.raises(ValidationError, match=r"^not a duration: "):
        parse_duration(value)  # type: ignore[arg-type]


def test_zero_refused_unless_allowed() -> None:
    with pytest.raises(ValidationError, match="a duration of zero is not allowed"):
        parse_duration(0)
    assert parse_duration("0s", allow_zero=True) == 0


# The examples of ms's README and of jsonwebtoken's README for ``expiresIn``.
@pytest.mark.parametrize(
    ("text", "millis"),
    [
        ("2 days", 172_800_000),
        ("1d", 86_400_000),
        ("10h", 36_000_000),
        ("2.5 hrs", 9_000_000),
        ("2h", 7_200_000),
        ("1m", 60_000),
        ("5s", 5_000),
        ("1y", 31_557_600_000),
        ("100", 100),
        ("-3 days", -259_200_000),
        ("-1h", -3_600_000),
        ("-200", -200),
        (".5ms", 0.5),
        ("1 Week", 604_800_000),
        ("120", 120),
        ("1 fortnight", None),
        ("1 ſ", None),  # JavaScript's /i does not fold the long s to 's'
        ("١٢h", None),  # nor read Arabic-Indic digits
        ("1" * 101, None),  # over 100 characters: undefined
        ("2  days", 172_800_000),
        ("2\tdays", None),
        ("2 days ", None),
    ],
)
def test_parse_ms_reads_what_ms_reads(text: str, millis: float | None) -> None:
    assert parse_ms(text) == millis


@pytest.mark.parametrize(
    ("value", "seconds"), [("2 days", 172_800), ("10h", 36_000), ("7d", 604_800), (60, 60)]
)
def test_expires_in_follows_jsonwebtoken(value: object, seconds: float) -> None:
    assert parse_expires_in(value) == seconds  # type: ignore[arg-type]


def test_a_bare_numeric_string_is_milliseconds_and_warns() -> None:
    with pytest.warns(
        AmbiguousDurationWarning, match=r"'86400' has no unit: read as 86400 milliseconds \(86.4 s\)"
    ):
        assert parse_expires_in("86400") == 86.4


@pytest.mark.parametrize("value", ["-1h", "0", "0d", "soon", "", 0, -5])
def test_expires_in_refuses_what_would_sign_an_expired_token(value: object) -> None:
    with pytest.raises(ValidationError, match=r"^not a duration: |^a duration of zero is not allowed"):
        parse_expires_in(value)  # type: ignore[arg-type]


def test_signer_takes_every_ms_form_and_computes_exp_as_jsonwebtoken() -> None:
    import jwt as pyjwt

    secret = "s" * 32
    signer = Signer(private_key=secret, algorithm="HS256", expires_in="2 days", clock=lambda: 1_700_000_000.9)
    claims = pyjwt.decode(signer.make_token(), secret, algorithms=["HS256"], options={"verify_exp": False})
    assert (claims["iat"], claims["exp"]) == (1_700_000_000, 1_700_000_000 + 172_800)
    with pytest.warns(AmbiguousDurationWarning):
        token = signer.make_token(expires_in="1500")  # 1.5 s: floor(iat + 1.5)
    claims = pyjwt.decode(token, secret, algorithms=["HS256"], options={"verify_exp": False})
    assert claims["exp"] == 1_700_000_001
