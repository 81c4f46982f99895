"""TMUO region routing: a pure function with its own table of cases (issue 12)."""

from __future__ import annotations

import pytest

from verifiedfan.errors import ValidationError
from verifiedfan.ticketmaster import Region, Tmuo, parse_tmuo, region_of

ROUTES = [
    ("tmuo_us_123456", Region.US, "123456"),
    ("tmuo_eu_987", Region.EU, "987"),
    ("tmuo_apac_42", Region.APAC, "42"),
    ("TMUO_EU_987", Region.EU, "987"),
    ("tmuo_Apac_a1-b2", Region.APAC, "a1-b2"),
    ("  tmuo_eu_7  ", Region.EU, "7"),
]


@pytest.mark.parametrize(("tmuo", "region", "ident"), ROUTES)
def test_a_tmuo_names_its_region(tmuo: str, region: Region, ident: str) -> None:
    assert parse_tmuo(tmuo) == Tmuo(region=region, id=ident)
    assert region_of(tmuo, default=Region.APAC if region is not Region.APAC else Region.US) is region


@pytest.mark.parametrize("default", list(Region))
def test_a_tmuo_without_a_region_goes_to_the_default(default: Region) -> None:
    assert parse_tmuo("tmuo_123456") == Tmuo(region=None, id="123456")
    assert region_of("tmuo_123456", default=default) is default


def test_the_default_region_is_us() -> None:
    assert region_of("tmuo_123456") is Region.US


@pytest.mark.parametrize("tmuo", ["tmuo_xx_123", "tmuo_asia_1", "tmuo_usa_5"])
def test_an_unknown_region_is_refused(tmuo: str) -> None:
    with pytest.raises(ValidationError, match=r"unknown TMUO region .*expected one of us, eu, apac"):
        region_of(tmuo)


@pytest.mark.parametrize(
    "tmuo", ["", "tmuo_", "tmuo_eu_", "user_eu_1", "tmuo_eu_1_2", "tmuo eu 1", "tmuo_eu_é", "tmuo__1"]
)
def test_what_is_not_a_tmuo_is_refused(tmuo: str) -> None:
    with pytest.raises(ValidationError, match="not a TMUO"):
        parse_tmuo(tmuo)


@pytest.mark.parametrize("value", [None, 123, b"tmuo_eu_1", ["tmuo_eu_1"]])
def test_a_tmuo_must_be_a_string(value: object) -> None:
    with pytest.raises(ValidationError, match="a TMUO is a string"):
        region_of(value)
