from __future__ import annotations

from datetime import timedelta

import pytest

from verifiedfan.errors import ValidationError
from verifiedfan.jwt import parse_duration


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
        (300, 300),
        (2.5, 2.5),
        (timedelta(minutes=5), 300),
    ],
)
def test_parses_duration(value: object, seconds: float) -> None:
    assert parse_duration(value) == seconds  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "value", ["", "abc", "10 years", "-5m", "5mm", "h", -1, float("nan"), True, None, [1]]
)
def test_rejects_bad_duration(value: object) -> None:
    with pytest.raises(ValidationError):
        parse_duration(value)  # type: ignore[arg-type]


def test_zero_refused_unless_allowed() -> None:
    with pytest.raises(ValidationError):
        parse_duration(0)
    assert parse_duration("0s", allow_zero=True) == 0
